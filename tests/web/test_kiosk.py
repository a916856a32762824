"""Customer mode: once the in-person screen is open, the session serves only that screen until
staff unlock it with their password (web.kiosk)."""

import pytest
from django.test import Client

from signoff.approvals.models import Decision, EstimateVersion
from signoff.core.formatting import staff_name
from signoff.web.kiosk import SESSION_KEY
from tests.factories import USER_PASSWORD, priced_ro
from tests.portal.builders import shared_estimate, signature_fields
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

LOCKED = "This tablet is in customer mode"


@pytest.fixture
def counter(shop):
    built = priced_ro(
        shop,
        customer={"name": "Maria Lopez"},
        contacts=[{"name": "Maria Lopez", "is_primary": True, "language": "en"}],
        operations=[{"title": "Front brake pads"}],
    )
    return built.ro, built.operations[0]


@pytest.fixture
def tablet(carol, counter):
    """Carol's session with the counter screen open for the customer."""
    ro, _op = counter
    client = client_for(carol)
    assert client.get(f"/ros/{ro.pk}/in-person/").status_code == 200
    return client


def _unlock(client, password, next_url=""):
    return client.post("/in-person/unlock/", {"password": password, "next": next_url})


def test_opening_the_screen_puts_the_session_in_customer_mode(tablet, counter):
    ro, _op = counter
    assert tablet.session[SESSION_KEY] == {"ro": ro.pk, "lang": "en"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ros/{ro}/",
        "/ros/{ro}/edit/",
        "/customers/",
        "/settings/",
        "/settings/api-tokens/",
        "/dev/outbox/",
        "/admin/",
        "/no-such-page/",
    ],
)
def test_every_staff_page_answers_with_the_unlock_form(tablet, carol, counter, path):
    ro, _op = counter
    response = tablet.get(path.format(ro=ro.pk))
    html = response.content.decode()
    assert response.status_code == 403
    assert LOCKED in html
    assert 'action="/in-person/unlock/"' in html and 'type="password"' in html
    assert f"Password of {staff_name(carol)}" in html  # whose password unlocks it
    assert "Front brake pads" not in html and "Repair orders" not in html


def test_the_unlock_form_returns_to_the_page_that_was_asked_for(tablet, counter):
    ro, _op = counter
    html = tablet.get("/customers/?q=lopez").content.decode()
    assert 'name="next" value="/customers/?q=lopez"' in html
    assert f'href="/ros/{ro.pk}/in-person/?lang=en"' in html  # back to the screen


def test_staff_writes_are_refused_and_change_nothing(tablet, counter):
    ro, op = counter
    response = tablet.post(f"/operations/{op.pk}/decide/", {"status": "approved", "reason": "1"})
    assert response.status_code == 403 and LOCKED in response.content.decode()
    assert not Decision.objects.exists()
    htmx = tablet.post(f"/ros/{ro.pk}/status/", {"to": "in_progress"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 403


def test_another_ros_counter_screen_is_refused(tablet, shop):
    other = priced_ro(shop, operations=[{"title": "Secret job"}]).ro
    response = tablet.get(f"/ros/{other.pk}/in-person/")
    assert response.status_code == 403 and "Secret job" not in response.content.decode()


def test_the_customers_own_steps_keep_working(tablet, counter):
    ro, op = counter
    version = EstimateVersion.objects.get(repair_order=ro)
    answers = {"version": version.pk, f"op-{op.pk}": "approved"}
    total = tablet.post(f"/ros/{ro.pk}/in-person/total", answers)
    assert total.status_code == 200
    assert tablet.get(f"/ros/{ro.pk}/in-person/?lang=es").status_code == 200
    submitted = tablet.post(
        f"/ros/{ro.pk}/in-person/",
        {**answers, "lang": "en", "consent": "yes", **signature_fields()},
    )
    assert submitted.status_code == 302
    done = tablet.get(submitted["Location"])
    assert done.status_code == 200
    assert 'href="/in-person/unlock/?next=/ros/' in done.content.decode()
    assert Decision.objects.get().status == "approved"
    # Still held: the thank-you page's way back goes through the unlock form.
    assert tablet.get(f"/ros/{ro.pk}/").status_code == 403


def test_customer_pages_and_the_api_are_not_held(tablet, shop):
    other = shared_estimate(shop=shop)
    assert tablet.get(other.url).status_code == 200
    assert tablet.get("/api/v1/repair-orders").status_code == 401  # never a session
    assert tablet.get("/healthz").status_code in (200, 503)


def test_the_staff_members_password_unlocks_and_goes_on_to_the_page(tablet, counter):
    ro, _op = counter
    response = _unlock(tablet, USER_PASSWORD, "/customers/")
    assert response.status_code == 302 and response["Location"] == "/customers/"
    assert SESSION_KEY not in tablet.session
    page = tablet.get("/customers/", follow=True).content.decode()
    assert "Customer mode ended" in page
    assert tablet.get(f"/ros/{ro.pk}/").status_code == 200


def test_unlocking_never_leaves_the_site(tablet, counter):
    ro, _op = counter
    for wanted in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "/" * 3000):
        assert _unlock(tablet, "wrong-password", wanted).status_code == 422
    response = _unlock(tablet, USER_PASSWORD, "https://evil.example/")
    assert response["Location"] == f"/ros/{ro.pk}/"


def test_a_wrong_password_is_refused_and_the_screen_stays_locked(tablet, carol, counter):
    ro, _op = counter
    response = _unlock(tablet, "guess-1")
    html = response.content.decode()
    assert response.status_code == 422
    assert f"That is not the password of {staff_name(carol)}." in html
    assert "4 more wrong tries sign this tablet out." in html
    assert 'aria-invalid="true"' in html
    assert tablet.get(f"/ros/{ro.pk}/").status_code == 403


def test_an_empty_password_is_asked_for_and_not_counted(tablet, settings):
    settings.KIOSK_UNLOCK_LIMIT = 1
    response = _unlock(tablet, "")
    assert response.status_code == 422 and "Enter the staff password." in response.content.decode()
    assert _unlock(tablet, USER_PASSWORD).status_code == 302


def test_an_overlong_password_is_refused_without_being_checked(tablet, carol, monkeypatch):
    checked = []
    monkeypatch.setattr(type(carol), "check_password", lambda self, raw: checked.append(raw))
    response = _unlock(tablet, "x" * 1001)
    assert response.status_code == 422 and checked == []


def test_too_many_wrong_passwords_sign_the_tablet_out(tablet, counter, settings):
    settings.KIOSK_UNLOCK_LIMIT = 3
    ro, _op = counter
    assert _unlock(tablet, "guess-1").status_code == 422
    assert "1 more wrong try signs this tablet out." in _unlock(tablet, "guess-2").content.decode()
    response = _unlock(tablet, "guess-3")
    assert response.status_code == 429
    assert "This tablet was signed out" in response.content.decode()
    # The session is over: no staff page, no customer mode, nothing more to guess against.
    after = tablet.get(f"/ros/{ro.pk}/")
    assert after.status_code == 302 and after["Location"].startswith("/login/")
    assert _unlock(tablet, USER_PASSWORD).status_code == 302
    assert tablet.get(f"/ros/{ro.pk}/")["Location"].startswith("/login/")


def test_a_right_password_gives_back_its_attempt(tablet, counter, settings):
    settings.KIOSK_UNLOCK_LIMIT = 2
    ro, _op = counter
    assert _unlock(tablet, "guess-1").status_code == 422
    assert _unlock(tablet, USER_PASSWORD).status_code == 302
    tablet.get(f"/ros/{ro.pk}/in-person/")
    assert _unlock(tablet, USER_PASSWORD).status_code == 302  # one wrong, two right: still in


def test_another_staff_members_password_does_not_unlock(tablet, alice):
    assert _unlock(tablet, USER_PASSWORD + "-alice").status_code == 422


def test_the_unlock_form_needs_the_csrf_token(carol, counter):
    ro, _op = counter
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    client.get(f"/ros/{ro.pk}/in-person/")
    assert _unlock(client, USER_PASSWORD).status_code == 403
    assert client.get(f"/ros/{ro.pk}/").status_code == 403


def test_without_customer_mode_the_unlock_page_just_goes_on(alice_client):
    response = alice_client.get("/in-person/unlock/?next=/customers/")
    assert response.status_code == 302 and response["Location"] == "/customers/"


def test_the_unlock_page_speaks_the_screens_language(tablet, carol, counter):
    ro, _op = counter
    tablet.get(f"/ros/{ro.pk}/in-person/?lang=es")
    html = tablet.get(f"/ros/{ro.pk}/").content.decode()
    assert '<html lang="es">' in html
    assert "Esta tableta está en modo cliente" in html
    assert "Volver a la pantalla de aprobación" in html
    wrong = _unlock(tablet, "nope").content.decode()
    assert f"Esa no es la contraseña de {staff_name(carol)}." in wrong
    assert "4 intentos incorrectos más cierran la sesión de esta tableta." in wrong


def test_the_screens_links_away_go_through_the_unlock_form(tablet, counter):
    ro, _op = counter
    html = tablet.get(f"/ros/{ro.pk}/in-person/").content.decode()
    assert f'href="/in-person/unlock/?next=/ros/{ro.pk}/"' in html
    assert f'href="/ros/{ro.pk}/"' not in html
