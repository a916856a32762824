"""Settings › Branding, the page: upload, refuse, replace and remove a logo; choose a colour."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers
from django.test import Client

from signoff.core.uploads import CappedUploadHandler
from signoff.shops.branding import LOGO_MAX_BYTES, brand_of
from signoff.shops.models import DEFAULT_ACCENT
from tests.support.logos import HOSTILE_SVGS, SVG_LOGO, gif_bytes, jpeg_logo, png_logo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_logo_storage")]
URL = "/settings/branding/"


def _post(client, *, accent="#0b3d91", data=None, name="logo.png", content_type="image/png"):
    form = {"accent_color": accent}
    if data is not None:
        form["logo"] = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(URL, form)


def test_the_settings_tabs_lead_to_branding(alice_client):
    body = alice_client.get("/settings/").content.decode()
    assert f'href="{URL}"' in body and ">Branding</a>" in body


def test_the_page_explains_the_contrast_rule_and_shows_the_default(alice_client):
    body = alice_client.get(URL).content.decode()
    assert 'type="color"' in body and f'value="{DEFAULT_ACCENT}"' in body
    assert "text on it is white or dark, whichever reads at 4.5:1 or better" in body
    assert "with white text on it: contrast 10.0:1" in body
    assert "No logo yet" in body and "Remove logo" not in body
    assert 'href="/brand/accent-0b3d91.css"' in body


def test_an_owner_uploads_a_logo_and_chooses_a_colour(alice_client, shop):
    response = _post(alice_client, accent="#FFCC00", data=png_logo())
    assert response.status_code == 302 and response["Location"] == URL
    shop.refresh_from_db()
    logo = brand_of(shop).logo
    assert shop.accent_color == "#ffcc00" and logo.type == "png"
    body = alice_client.get(URL).content.decode()
    assert "Branding saved." in body
    assert f'src="/brand/{shop.pk}/{logo.filename}"' in body
    # A light yellow: dark text on it, and a darker shade for links and PDF headings.
    assert "with dark text on it" in body
    assert f'use the darker shade <span class="mono">{brand_of(shop).accent_ink}</span>' in body


def test_each_refusal_is_shown_on_the_logo_field_and_nothing_is_saved(alice_client, shop):
    cases = [
        (gif_bytes(), "logo.png", "This file is a GIF, not a PNG, JPEG or SVG image"),
        (HOSTILE_SVGS["a script"], "logo.svg", "This SVG contains a script; a logo may not."),
        (HOSTILE_SVGS["an entity (XXE)"], "logo.svg", "This SVG declares a DOCTYPE"),
    ]
    for data, name, message in cases:
        response = _post(alice_client, data=data, name=name)
        body = response.content.decode()
        assert response.status_code == 200
        assert message in body
        assert 'id="id_logo_error"' in body
        assert "Please correct the highlighted fields; nothing was saved." in body
    shop.refresh_from_db()
    assert shop.logo_sha256 == ""


def test_a_bad_colour_is_refused_on_its_field(alice_client, shop):
    body = _post(alice_client, accent="javascript:alert(1)").content.decode()
    assert "Enter the colour as a hex code, e.g. #0b3d91." in body
    shop.refresh_from_db()
    assert shop.accent_color == DEFAULT_ACCENT


def test_a_file_far_over_the_limit_is_refused_without_being_kept(alice_client, shop):
    huge = png_logo() + b"\0" * (3 * LOGO_MAX_BYTES)
    body = _post(alice_client, data=huge).content.decode()
    assert "The file is 3," in body and "KB; upload a logo of at most 1,024 KB (1 MB)." in body
    shop.refresh_from_db()
    assert shop.logo_sha256 == ""


def test_the_upload_handler_keeps_no_more_than_the_limit_in_memory():
    handler = CappedUploadHandler(limit=10)
    with pytest.raises(StopFutureHandlers):  # the file is this handler's alone
        handler.new_file("logo", "logo.png", "image/png", 100)
    for start in range(0, 100, 25):
        assert handler.receive_data_chunk(b"x" * 25, start) is None
    upload = handler.file_complete(100)
    assert upload.size == 100 and len(upload.read()) == 11


def test_replacing_and_removing_the_logo(alice_client, shop, django_capture_on_commit_callbacks):
    _post(alice_client, data=png_logo())
    with django_capture_on_commit_callbacks(execute=True):
        _post(alice_client, data=SVG_LOGO, name="logo.svg", content_type="image/svg+xml")
    shop.refresh_from_db()
    svg_logo = brand_of(shop).logo
    assert svg_logo.type == "svg"
    body = alice_client.get(URL).content.decode()
    assert "Current logo: SVG." in body and 'form="logo-remove"' in body
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post("/settings/branding/logo/remove/", follow=True)
    assert "Logo removed" in response.content.decode()
    shop.refresh_from_db()
    assert brand_of(shop).logo is None
    assert alice_client.get(f"/brand/{shop.pk}/{svg_logo.filename}").status_code == 404


def test_technicians_see_the_branding_but_cannot_change_it(client_for, bob, shop):
    client = client_for(bob)
    body = client.get(URL).content.decode()
    assert "Only owners and managers can change the branding." in body
    assert "Save branding" not in body and "disabled" in body
    assert _post(client, accent="#000000", data=jpeg_logo()).status_code == 403
    assert client.post("/settings/branding/logo/remove/").status_code == 403
    shop.refresh_from_db()
    assert shop.accent_color == DEFAULT_ACCENT and shop.logo_sha256 == ""


def test_another_shops_owner_changes_only_their_own_shop(client_for, charlie, shop, other_shop):
    client = client_for(charlie)
    assert _post(client, accent="#123456", data=png_logo()).status_code == 302
    shop.refresh_from_db()
    other_shop.refresh_from_db()
    assert shop.accent_color == DEFAULT_ACCENT and shop.logo_sha256 == ""
    assert other_shop.accent_color == "#123456" and other_shop.logo_sha256


def test_a_post_without_a_csrf_token_is_refused(alice, shop):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert _post(client, accent="#000000").status_code == 403
    shop.refresh_from_db()
    assert shop.accent_color == DEFAULT_ACCENT
