"""The shop's logo and colours in the estimate email, as a real SMTP server receives it."""

import pytest

from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from signoff.shops.branding import brand_of, logo_email_file
from tests.sharing.builders import estimate_for, ready_to_send
from tests.support.logos import SVG_LOGO, brand_shop, png_logo
from tests.support.worker import run_queued_tasks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_logo_storage")]


@pytest.fixture(autouse=True)
def fake_pdf(monkeypatch):
    monkeypatch.setattr("signoff.documents.render.estimate_pdf", lambda **kw: b"%PDF-1.4 x")


def _send(shop, alice, capture):
    est = estimate_for(shop)
    ready_to_send(est, by=alice)
    with capture(execute=True):
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(est.primary.pk, ["email"])],
            primary_contact_id=est.primary.pk,
        )
    assert run_queued_tasks() == 1


def test_the_email_shows_the_logo_inline_beside_the_escaped_shop_name(
    shop, alice, smtp_sink, django_capture_on_commit_callbacks
):
    shop.name = "Joe's <b>Tires</b> & Brakes"
    shop.save(update_fields=["name"])
    brand_shop(shop, logo=png_logo(), accent="#7a1f1f")
    logo = brand_of(shop).logo
    _send(shop, alice, django_capture_on_commit_callbacks)

    [received] = smtp_sink.messages
    html_part = received.get_body(("html",))
    related = next(p for p in received.walk() if p.get_content_type() == "multipart/related")
    html, image = related.get_payload()
    assert html is html_part or html.get_content() == html_part.get_content()
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    content_id = image["Content-ID"].strip("<>")
    assert image.get_content() == logo_email_file(logo)

    body = html_part.get_content()
    assert f'<img src="cid:{content_id}" width="144" height="48" alt=""' in body
    assert "Joe&#x27;s &lt;b&gt;Tires&lt;/b&gt; &amp; Brakes" in body
    assert "<b>Tires</b>" not in body
    # The header band and the button in the shop's colour, with white text on it.
    assert "background: #7a1f1f;" in body and "color: #ffffff;" in body
    assert "#0b5cad" not in body
    # The logo is no attachment: only the PDF is.
    [attachment] = received.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert "Joe's <b>Tires</b> & Brakes" in received.get_body(("plain",)).get_content()


def test_an_svg_logo_goes_out_as_its_png_copy(
    shop, alice, smtp_sink, django_capture_on_commit_callbacks
):
    brand_shop(shop, logo=SVG_LOGO, name="logo.svg", accent="#ffcc00")
    _send(shop, alice, django_capture_on_commit_callbacks)
    [received] = smtp_sink.messages
    images = [p for p in received.walk() if p.get_content_maintype() == "image"]
    assert [p.get_content_type() for p in images] == ["image/png"]
    body = received.get_body(("html",)).get_content()
    # A light accent: dark text on it.
    assert "background: #ffcc00;" in body and "color: #1b2330;" in body


def test_without_a_logo_the_email_has_no_picture_and_the_default_colour(
    shop, alice, smtp_sink, django_capture_on_commit_callbacks
):
    _send(shop, alice, django_capture_on_commit_callbacks)
    [received] = smtp_sink.messages
    assert not [p for p in received.walk() if p.get_content_maintype() == "image"]
    body = received.get_body(("html",)).get_content()
    assert "cid:" not in body and "<!-- shop logo -->" not in body
    assert "background: #0b3d91;" in body


def test_a_logo_removed_before_sending_is_left_out(
    shop, alice, smtp_sink, django_capture_on_commit_callbacks, monkeypatch
):
    brand_shop(shop, logo=png_logo())
    # The file is gone by the time the worker sends (replaced a moment ago).
    monkeypatch.setattr("signoff.sharing.channels.email.logo_email_file", lambda logo: None)
    _send(shop, alice, django_capture_on_commit_callbacks)
    [received] = smtp_sink.messages
    assert not [p for p in received.walk() if p.get_content_maintype() == "image"]
    assert "cid:" not in received.get_body(("html",)).get_content()
