from signoff.shops.middleware import SESSION_KEY
from tests.factories import MembershipFactory, ShopFactory, UserFactory


def test_the_login_page_is_styled_and_has_the_form(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert "app.css" in body


def test_logging_in_lands_on_today(client, alice):
    response = client.post(
        "/login/", {"username": "alice", "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/today/"
    assert b"Answered since you last looked" in response.content


def test_a_wrong_password_says_so_on_the_login_page(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content


def test_staff_pages_send_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/ros/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/ros/")


def test_logging_out_takes_a_post_and_ends_the_session(alice_client):
    response = alice_client.post("/logout/")
    assert response.status_code == 302
    assert alice_client.get("/").status_code == 302


def test_a_user_without_a_shop_is_told_to_ask_for_access(client_for):
    client = client_for(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert b"not a member of any shop" in response.content


def test_the_shop_switcher_shows_only_with_several_memberships(alice_client, alice, other_shop):
    assert b'name="shop"' not in alice_client.get("/").content
    MembershipFactory(user=alice, shop=other_shop, role="advisor")
    body = alice_client.get("/").content.decode()
    assert 'name="shop"' in body
    assert "Across Town Tire" in body


def test_switching_shops_stores_the_choice_in_the_session(alice_client, alice, other_shop):
    MembershipFactory(user=alice, shop=other_shop, role="advisor")
    response = alice_client.post("/switch-shop/", {"shop": other_shop.pk})
    assert response.status_code == 302
    assert alice_client.session[SESSION_KEY] == other_shop.pk
    assert b"Across Town Tire" in alice_client.get("/").content


def test_switching_to_a_shop_the_user_is_not_in_is_not_found(alice_client, db):
    stranger = ShopFactory(name="Elsewhere Diesel")
    response = alice_client.post("/switch-shop/", {"shop": stranger.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in alice_client.session


def test_switching_shops_needs_a_post(alice_client, shop):
    assert alice_client.get(f"/switch-shop/?shop={shop.pk}").status_code == 405


def test_the_nav_links_the_dev_outbox_only_while_messages_are_captured(alice_client, settings):
    settings.DEV_OUTBOX = True
    assert b'href="/dev/outbox/"' in alice_client.get("/").content
    settings.DEV_OUTBOX = False
    assert b'href="/dev/outbox/"' not in alice_client.get("/").content
