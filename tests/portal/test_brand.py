"""The shop's branding on the customer side: the logo and colours on the page, and the public
routes that serve them (only the shop's current logo, with headers that keep it inert)."""

import pytest
from django.test import Client

from signoff.shops.branding import brand_of
from tests.support.logos import SVG_LOGO, brand_shop, jpeg_logo, png_logo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_logo_storage")]


def test_the_customer_page_shows_the_logo_and_the_shops_colours(client, shared):
    shop = shared.ro.shop
    brand_shop(shop, logo=png_logo(), accent="#FFCC00")
    logo = brand_of(shop).logo
    html = client.get(shared.url).content.decode()
    assert (
        f'<img class="shopbar-logo" src="/brand/{shop.pk}/{logo.filename}" width="300" '
        'height="100" alt="">'
    ) in html
    assert '<link rel="stylesheet" href="/brand/accent-ffcc00.css">' in html
    assert '<meta name="theme-color" content="#ffcc00">' in html
    # The name is still there in text (the logo is decorative beside it), escaped.
    assert f'<p class="shopbar-name">{shop.name}</p>' in html


def test_a_shop_without_branding_gets_the_page_as_before(client, shared):
    html = client.get(shared.url).content.decode()
    assert "shopbar-logo" not in html and "/brand/" not in html
    assert '<meta name="theme-color" content="#0b3d91">' in html


def test_the_error_page_of_a_gone_link_shows_the_logo_too(client, shared):
    brand_shop(shared.ro.shop, logo=png_logo())
    shared.link.revoked_at = shared.link.created_at
    shared.link.save(update_fields=["revoked_at"])
    response = client.get(shared.url)
    assert response.status_code == 410
    assert 'class="shopbar-logo"' in response.content.decode()


def test_the_logo_is_served_inert_and_cached_for_a_year(shop):
    brand_shop(shop, logo=SVG_LOGO, name="logo.svg")
    logo = brand_of(shop).logo
    response = Client().get(f"/brand/{shop.pk}/{logo.filename}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Disposition"] == 'inline; filename="logo.svg"'
    assert b"<script" not in response.content and response.content.startswith(b"<svg ")


def test_a_raster_logo_has_its_own_type(shop):
    brand_shop(shop, logo=jpeg_logo(), name="logo.jpg")
    logo = brand_of(shop).logo
    response = Client().get(f"/brand/{shop.pk}/{logo.filename}")
    assert response["Content-Type"] == "image/jpeg" and response.content.startswith(b"\xff\xd8")


def test_the_route_reveals_only_that_shops_current_logo(shop, other_shop):
    brand_shop(shop, logo=png_logo())
    old = brand_of(shop).logo
    brand_shop(other_shop, logo=jpeg_logo(), name="logo.jpg")
    theirs = brand_of(other_shop).logo
    client = Client()
    assert client.get(f"/brand/{shop.pk}/{old.filename}").status_code == 200
    # Another shop's logo under this shop's id, and this one's under theirs: nothing.
    assert client.get(f"/brand/{shop.pk}/{theirs.filename}").status_code == 404
    assert client.get(f"/brand/{other_shop.pk}/{old.filename}").status_code == 404
    # The right hash with another extension, a guess, a path: nothing.
    for name in (old.filename.replace(".png", ".svg"), "0" * 64 + ".png", "..%2Fsecret_key"):
        assert client.get(f"/brand/{shop.pk}/{name}").status_code == 404
    brand_shop(shop, logo=png_logo(200, 50))
    assert client.get(f"/brand/{shop.pk}/{old.filename}").status_code == 404


def test_the_logo_route_answers_no_writes(shop):
    brand_shop(shop, logo=png_logo())
    logo = brand_of(shop).logo
    assert Client().post(f"/brand/{shop.pk}/{logo.filename}").status_code == 405
    assert Client().head(f"/brand/{shop.pk}/{logo.filename}").status_code == 200


def test_the_colour_stylesheet_is_made_from_its_url_alone():
    response = Client().get("/brand/accent-ffcc00.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    css = response.content.decode()
    assert "--brand:#ffcc00;" in css and "--on-brand:#1b2330;" in css
    assert "--brand-ink:" in css and "--brand-ink:#ffcc00" not in css  # darkened for text
    for bad in ("FFCC00", "ffcc0", "ffcc000", "red", "ffcc00;x"):
        assert Client().get(f"/brand/accent-{bad}.css").status_code == 404
