import re
from datetime import UTC, datetime
from decimal import Decimal

from django.db import transaction

from signoff.approvals.versions import version_freeze
from signoff.core.formatting import money
from signoff.sharing.compose import (
    LINK_PLACEHOLDER,
    cc_text_for,
    compose_message,
    fill_link,
)
from signoff.sharing.models import Share
from tests.sharing.builders import estimate_for


def share_of(est, **fields):
    with transaction.atomic():
        version, _ = version_freeze(repair_order=est.ro)
    fields.setdefault("kind", "request_approval")
    return Share.objects.create(shop=est.ro.shop, repair_order=est.ro, version=version, **fields)


def test_money_reads_with_a_dollar_sign_and_thousands():
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money("0") == "$0.00"


def test_the_email_names_the_shop_ro_vehicle_total_and_etr_in_the_shops_time_zone(shop):
    est = estimate_for(shop, etr=datetime(2026, 11, 24, 23, 30, tzinfo=UTC))
    share = share_of(est)
    composed = compose_message(
        share=share,
        contact=est.primary,
        channel="email",
        cc_text="Also sent to: Jane Doe (Spouse)",
    )
    assert composed.subject == f"Please review your estimate from {shop.name} — {est.ro.label}"
    for body in (composed.body_text, composed.body_html):
        assert shop.name in body
        assert est.ro.label in body
        assert "2019 Honda Accord" in body
        assert "$399.43" in body
        # 23:30 UTC is 3:30 PM in Los Angeles (PST).
        assert "Tue, Nov 24, 2026, 3:30 PM" in body
        assert body.count(LINK_PLACEHOLDER) == 1
        assert "Also sent to: Jane Doe (Spouse)" in body
        assert "Hello John Doe" in body


def test_the_etr_is_left_out_when_not_included(shop):
    est = estimate_for(shop)
    composed = compose_message(
        share=share_of(est, include_etr=False), contact=est.primary, channel="email"
    )
    assert "Estimated time of repair" not in composed.body_text
    assert "3:30 PM" not in composed.body_html


def test_an_updated_estimate_also_shows_the_approved_total(shop):
    est = estimate_for(shop)
    composed = compose_message(
        share=share_of(est, kind="send_to_customer"), contact=est.primary, channel="email"
    )
    assert composed.subject.startswith("Your updated estimate")
    assert "Approved total: $0.00" in composed.body_text


def test_names_and_notes_are_escaped_in_the_html_body(shop):
    est = estimate_for(shop)
    est.primary.name = "<script>alert(1)</script>"
    composed = compose_message(
        share=share_of(est, notes="<b>bold</b> & more"),
        contact=est.primary,
        channel="email",
    )
    assert "<script>" not in composed.body_html
    assert "&lt;script&gt;" in composed.body_html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in composed.body_html
    # The plain-text part is not HTML: it keeps the characters as typed.
    assert "<b>bold</b> & more" in composed.body_text


def test_the_html_body_links_to_the_placeholder_and_fills_it_escaped(shop):
    est = estimate_for(shop)
    composed = compose_message(share=share_of(est), contact=est.primary, channel="email")
    assert f'<a href="{LINK_PLACEHOLDER}"' in composed.body_html
    filled = fill_link(composed.body_html, "https://x.example/s/a&b", html=True)
    assert '<a href="https://x.example/s/a&amp;b"' in filled
    assert LINK_PLACEHOLDER not in filled


def test_a_text_is_short_with_shop_ro_link_and_the_shops_phone(shop):
    est = estimate_for(shop)
    composed = compose_message(share=share_of(est), contact=est.spouse, channel="sms")
    assert composed.body_text == (
        f"{shop.name}: please review and approve your estimate for {est.ro.label}: "
        f"{LINK_PLACEHOLDER} Questions? Call (503) 555-0100."
    )
    assert fill_link(composed.body_text, "https://x.example/s/tok").endswith(
        f"{est.ro.label}: https://x.example/s/tok Questions? Call (503) 555-0100."
    )


def test_the_first_text_to_a_number_says_how_to_opt_out(shop):
    est = estimate_for(shop)
    first = compose_message(share=share_of(est), contact=est.spouse, channel="sms", first_text=True)
    assert first.body_text.endswith(
        f"{LINK_PLACEHOLDER} Questions? Call (503) 555-0100. Reply STOP to opt out."
    )
    updated = compose_message(
        share=share_of(est, kind="send_to_customer"),
        contact=est.spouse,
        channel="sms",
        first_text=True,
    )
    assert updated.body_text == (
        f"{shop.name}: your updated estimate for {est.ro.label} is ready: {LINK_PLACEHOLDER} "
        "Questions? Call (503) 555-0100. Reply STOP to opt out."
    )


def test_a_shop_without_a_phone_leaves_the_call_line_out(shop):
    shop.phone = ""
    shop.save()
    est = estimate_for(shop)
    text = compose_message(share=share_of(est), contact=est.spouse, channel="sms", first_text=True)
    assert text.body_text.endswith(f"{LINK_PLACEHOLDER} Reply STOP to opt out.")
    assert "Call" not in text.body_text


def test_an_email_never_carries_the_text_opt_out(shop):
    est = estimate_for(shop)
    email = compose_message(share=share_of(est), contact=est.primary, channel="email")
    assert "STOP" not in email.body_text and "STOP" not in email.body_html


def test_cc_text_lists_the_others_with_their_relationship(shop):
    est = estimate_for(shop)
    assert cc_text_for(contact=est.primary, others=[]) == ""
    assert (
        cc_text_for(contact=est.spouse, others=[est.primary]) == "Also sent to: John Doe (Primary)"
    )


def test_a_long_cc_list_is_shortened_to_fit_with_a_count_of_the_rest(shop):
    from signoff.sharing.models import Message
    from tests.factories import ContactFactory

    est = estimate_for(shop)
    others = [
        ContactFactory(
            customer=est.ro.customer,
            name=f"Fleet Manager Number {i:02d}",
            relationship="Fleet manager",
        )
        for i in range(30)
    ]
    text = cc_text_for(contact=est.primary, others=others)
    assert len(text) <= Message._meta.get_field("cc_text").max_length
    assert text.startswith("Also sent to: Fleet Manager Number 00 (Fleet manager), ")
    assert re.search(r"and \d+ others$", text)


def test_a_spanish_speaking_contact_gets_the_message_in_spanish(shop):
    est = estimate_for(shop)
    est.spouse.language = "es"
    share = share_of(est)
    email = compose_message(share=share, contact=est.spouse, channel="email")
    assert email.subject == f"Revise su presupuesto de {shop.name} — {est.ro.label}"
    text = compose_message(share=share, contact=est.spouse, channel="sms")
    assert text.body_text.startswith(f"{shop.name}: revise y apruebe su presupuesto")
    # The translation's %(url)s takes the placeholder like any other value.
    assert text.body_text.endswith(
        f"{est.ro.label}: {LINK_PLACEHOLDER} ¿Preguntas? Llame al (503) 555-0100."
    )
    first = compose_message(share=share, contact=est.spouse, channel="sms", first_text=True)
    assert first.body_text.endswith(
        "¿Preguntas? Llame al (503) 555-0100. Responda STOP para no recibir más mensajes."
    )
    for body in (email.body_text, email.body_html):
        assert body.count(LINK_PLACEHOLDER) == 1
    assert cc_text_for(contact=est.spouse, others=[est.primary]) == (
        "También se envió a: John Doe (Primary)"
    )


def test_a_contact_without_a_language_preference_is_written_to_in_english(shop):
    est = estimate_for(shop)
    est.spouse.language = ""
    text = compose_message(share=share_of(est), contact=est.spouse, channel="sms")
    assert "please review and approve your estimate" in text.body_text
