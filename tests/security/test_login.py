"""The staff login: password guessing is throttled, ?next= stays on this site, sessions rotate."""

import pytest
from django.test import Client

PASSWORD = "correct horse battery"


@pytest.fixture
def dana(shop):
    from tests.factories import MembershipFactory

    user = MembershipFactory(shop=shop, role="advisor", user__username="dana").user
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def low_limit(settings):
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_RATE_WINDOW_SECONDS = 900


def log_in(client, username, password, address="203.0.113.7", **data):
    return client.post(
        "/login/", {"username": username, "password": password, **data}, REMOTE_ADDR=address
    )


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_with_429(dana, low_limit):
    client = Client()
    for _ in range(3):
        assert log_in(client, "dana", "wrong").status_code == 200
    response = log_in(client, "dana", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_the_throttle_ignores_the_case_of_the_username(dana, low_limit):
    client = Client()
    for name in ("dana", "DANA", "Dana"):
        log_in(client, name, "wrong")
    assert log_in(client, "dana", PASSWORD).status_code == 429


def test_a_throttled_username_can_still_log_in_from_another_address(dana, low_limit):
    for _ in range(3):
        log_in(Client(), "dana", "wrong", address="203.0.113.7")
    response = log_in(Client(), "dana", PASSWORD, address="198.51.100.2")
    assert response.status_code == 302


def test_a_few_wrong_passwords_do_not_stop_the_right_one(dana, low_limit):
    client = Client()
    for _ in range(2):
        log_in(client, "dana", "wrong")
    assert log_in(client, "dana", PASSWORD).status_code == 302


def test_next_pointing_at_another_site_is_ignored_after_login(dana):
    response = log_in(Client(), "dana", PASSWORD, next="https://evil.example/phish")
    assert response.status_code == 302
    assert response["Location"] == "/today/"


def test_next_with_a_scheme_relative_url_is_ignored_after_login(dana):
    response = log_in(Client(), "dana", PASSWORD, next="//evil.example/phish")
    assert response["Location"] == "/today/"


def test_logging_in_gives_a_new_session_key(dana):
    client = Client()
    client.get("/login/")
    client.cookies["sessionid"] = "attackerchosen0000000000000000ab"
    session = client.session
    session["planted"] = "yes"
    session.save()
    before = session.session_key
    log_in(client, "dana", PASSWORD)
    assert client.cookies["sessionid"].value != before
