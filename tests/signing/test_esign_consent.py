"""The E-SIGN consumer disclosure before a contact's first electronic signature: shown, accepted,
recorded once per contact and version in the RO's chain, on the certificate, shop-editable."""

import hashlib

import pytest
from django.db import connection

from signoff.approvals.chain import verify_repair_order
from signoff.approvals.esign import disclosure_update, standard_text
from signoff.approvals.models import EsignConsent, EsignDisclosure
from signoff.core.errors import NotAllowed
from tests.documents.reading import text as pdf_text
from tests.factories import ContactFactory
from tests.portal.builders import data_url, shared_estimate, signature_fields
from tests.support.clients import client_for
from tests.support.png import png_rgba

pytestmark = pytest.mark.django_db


def _answers(shared, op, **extra):
    return {
        "version": shared.version.pk,
        f"op-{op.pk}": "approved",
        "consent": "yes",
        **signature_fields(),
        **extra,
    }


def _sign(client, shared, op, **extra):
    return client.post(
        shared.url,
        _answers(shared, op, **extra),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="PhoneBrowser/2.0",
    )


def test_the_page_shows_the_disclosure_with_what_the_esign_act_asks_for(client, shop):
    shared = shared_estimate(shop=shop)
    html = client.get(shared.url).content.decode()
    assert "data-esign-disclosure" in html
    disclosure = html.split("data-esign-disclosure", 1)[1].split("</section>", 1)[0]
    # 15 U.S.C. 7001(c)(1): electronic records; paper copy and how; withdrawal; what is needed.
    assert "electronically" in disclosure
    assert "on paper, free of charge" in disclosure
    assert "(503) 555-0100" in disclosure  # how to ask: the shop's phone
    assert "withdraw" in disclosure
    assert "web browser" in disclosure and "PDF reader" in disclosure
    assert "I have read the disclosure above" in html


def test_accepting_records_the_text_its_hash_time_ip_and_user_agent_once(client, shop):
    shared = shared_estimate(shop=shop)
    assert _sign(client, shared, shared.brakes).status_code == 302
    consent = EsignConsent.objects.get()
    assert consent.contact == shared.primary
    assert (consent.disclosure_version, consent.language, consent.source) == (1, "en", "link")
    assert consent.text == standard_text(shop=shop, language="en")
    assert consent.text_sha256 == hashlib.sha256(consent.text.encode()).hexdigest()
    assert (consent.ip, consent.user_agent) == ("203.0.113.7", "PhoneBrowser/2.0")
    assert consent.via_link == shared.link and consent.created_at is not None

    # Accepted: the next visit and the next signature do not ask again.
    assert "data-esign-disclosure" not in client.get(shared.url).content.decode()
    _sign(client, shared, shared.tires)
    assert EsignConsent.objects.count() == 1
    # On another RO too: it is once per contact, not per RO.
    other = shared_estimate(shop=shop)
    assert other.primary != shared.primary
    assert EsignConsent.objects.filter(contact=other.primary).count() == 0


def test_the_disclosure_follows_the_approver_picked(client, shop):
    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)  # the primary accepts
    data = {"version": shared.version.pk, "contact": shared.spouse.pk}
    total = client.post(f"/s/{shared.token}/total", data).content.decode()
    assert "data-esign-disclosure" in total  # Sam has not accepted yet
    _sign(client, shared, shared.tires, contact=shared.spouse.pk)
    assert set(EsignConsent.objects.values_list("contact_id", flat=True)) == {
        shared.primary.pk,
        shared.spouse.pk,
    }


def test_a_refused_submission_records_no_consent(client, shop):
    shared = shared_estimate(shop=shop)
    data = _answers(shared, shared.brakes)
    data.pop("consent")
    assert client.post(shared.url, data).status_code == 422
    assert not EsignConsent.objects.exists()


def test_the_consent_is_chained_and_verify_detects_tampering_with_it(client, shop):
    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)
    consent = EsignConsent.objects.get()
    result = verify_repair_order(repair_order=shared.ro)
    assert result.ok and result.consents == 1
    # It took its place in the RO's one sequence, before the signature it came with.
    assert consent.sequence == 1
    assert shared.ro.signatures.get().prev_hash == consent.content_hash

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_esignconsent SET text = %s WHERE id = %s",
            [consent.text.replace("free of charge", "for a fee"), consent.pk],
        )
    broken = verify_repair_order(repair_order=shared.ro)
    assert not broken.ok
    assert (
        f"E-sign consent #{consent.pk} (sequence 1): content hash does not match" in broken.problems
    )
    assert any("disclosure text does not match its SHA-256" in p for p in broken.problems)


def test_signoff_verify_covers_the_consent(client, shop):
    from io import StringIO

    from django.core.management import CommandError, call_command

    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)
    out = StringIO()
    call_command("verify_ro", str(shared.ro.number), "--shop", shop.slug, stdout=out)
    assert "intact — 4 records checked." in out.getvalue()  # consent, signature, decision, version
    with connection.cursor() as cursor:
        cursor.execute("UPDATE approvals_esignconsent SET ip = '198.51.100.1'")
    with pytest.raises(CommandError) as broken:
        call_command("verify_ro", str(shared.ro.number), "--shop", shop.slug, stdout=StringIO())
    assert "E-sign consent #" in str(broken.value)
    assert "content hash does not match" in str(broken.value)


def test_the_certificate_prints_the_consent_record(client, shop, alice):
    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)
    consent = EsignConsent.objects.get()
    printed = pdf_text(client_for(alice).get(f"/ros/{shared.ro.pk}/certificate.pdf").content)
    assert "E-SIGN DISCLOSURE ACCEPTED" in printed
    assert "Disclosure version 1" in printed
    assert "IP 203.0.113.7" in printed
    assert "PhoneBrowser/2.0" in printed
    assert consent.text_sha256 in printed.replace(" ", "")
    assert "Consent to do business electronically with" in printed


def test_a_shop_edit_is_a_new_version_and_contacts_are_asked_again(client, shop, owner):
    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)
    edited = disclosure_update(
        actor=owner, text_en="Our own words about electronic records.", text_es=""
    )
    assert edited.number == 2
    assert edited.text_es == standard_text(shop=shop, language="es")  # frozen as it read
    # Saving the same text again makes no version.
    assert disclosure_update(actor=owner, text_en=edited.text_en, text_es=edited.text_es) is None

    html = client.get(shared.url).content.decode()
    assert "Our own words about electronic records." in html
    _sign(client, shared, shared.tires)
    latest = EsignConsent.objects.latest("created_at")
    assert (latest.disclosure_version, latest.text) == (
        2,
        "Our own words about electronic records.",
    )
    assert EsignConsent.objects.filter(contact=shared.primary).count() == 2


def test_only_owners_and_managers_edit_the_disclosure(shop, carol):
    from signoff.shops.access import actor_for

    with pytest.raises(NotAllowed):
        disclosure_update(actor=actor_for(user=carol, shop_id=shop.pk), text_en="x", text_es="y")
    assert not EsignDisclosure.objects.exists()


def test_the_spanish_page_carries_the_spanish_text(client, shop, owner):
    shared = shared_estimate(shop=shop, language="es")
    html = client.get(shared.url).content.decode()
    assert 'lang="es"' in html.split("data-esign-disclosure", 1)[1][:200]
    assert "Consentimiento para hacer negocios electrónicamente" in html
    assert "en papel, sin costo" in html
    _sign(client, shared, shared.brakes, lang="es")
    consent = EsignConsent.objects.get()
    assert consent.language == "es"
    assert consent.text == standard_text(shop=shop, language="es")

    # A shop's own Spanish text is shown as written.
    disclosure_update(actor=owner, text_en="", text_es="Texto propio del taller.")
    other = ContactFactory(customer=shared.ro.customer, language="es", name="Ana")
    page = client.get(shared.url + "?lang=es").content.decode()
    assert "Texto propio del taller." in page
    assert other.pk  # a contact who accepted nothing yet sees it too


def test_the_settings_page_edits_the_disclosure_as_versions(alice_client, shop):
    page = alice_client.get("/settings/esign/").content.decode()
    assert "E-sign disclosure · version 1" in page
    assert "15 U.S.C. §7001(c)" in page
    response = alice_client.post("/settings/esign/", {"text_en": "New text.", "text_es": ""})
    assert response.status_code == 302
    assert EsignDisclosure.objects.get().number == 2
    assert "version 2" in alice_client.get("/settings/esign/").content.decode()


def test_a_technician_reads_the_disclosure_settings_but_cannot_save(shop, bob):
    staff = client_for(bob)
    assert staff.get("/settings/esign/").status_code == 200
    assert staff.post("/settings/esign/", {"text_en": "x", "text_es": "y"}).status_code == 403
    assert not EsignDisclosure.objects.exists()


def test_the_portal_api_shows_the_disclosure_and_records_its_acceptance(client, shop):
    shared = shared_estimate(shop=shop)
    body = client.get(f"/api/v1/portal/{shared.token}").json()
    assert body["esign_disclosure"]["version"] == 1
    assert body["esign_disclosure"]["text"] == standard_text(shop=shop, language="en")
    payload = {
        "version_id": body["version"]["id"],
        "decisions": [{"operation_id": shared.brakes.pk, "status": "approved"}],
        "signature": {"png": data_url(png_rgba()), "strokes": [[[1, 1], [90, 80]]]},
        "consent": True,
    }
    done = client.post(
        f"/api/v1/portal/{shared.token}/approval", payload, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    recorded = done.json()["esign_consent"]
    consent = EsignConsent.objects.get()
    assert recorded["disclosure_version"] == 1
    assert recorded["text_sha256"] == consent.text_sha256
    assert client.get(f"/api/v1/portal/{shared.token}").json()["esign_disclosure"] is None


def _shown_sha256(html: str) -> str:
    return html.split('name="esign_sha256" value="', 1)[1].split('"', 1)[0]


def test_the_page_pins_the_text_it_showed(client, shop):
    shared = shared_estimate(shop=shop)
    html = client.get(shared.url).content.decode()
    shown = _shown_sha256(html)
    assert shown == hashlib.sha256(standard_text(shop=shop, language="en").encode()).hexdigest()
    assert _sign(client, shared, shared.brakes, esign_sha256=shown).status_code == 302
    assert EsignConsent.objects.get().text_sha256 == shown
    # Accepted: the page now says it shows none.
    assert _shown_sha256(client.get(shared.url).content.decode()) == ""


def test_a_disclosure_edited_after_the_page_opened_is_refused_as_stale(client, shop, owner):
    from signoff.approvals.models import Decision

    shared = shared_estimate(shop=shop)
    shown = _shown_sha256(client.get(shared.url).content.decode())
    disclosure_update(actor=owner, text_en="Words the contact never saw.", text_es="")

    response = _sign(client, shared, shared.brakes, esign_sha256=shown)
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed after this page was opened" in html
    assert "Words the contact never saw." in html  # shown now, to read before signing
    assert not EsignConsent.objects.exists()
    assert not Decision.objects.filter(operation=shared.brakes).exists()

    # Signing again from the refreshed page records the words now shown.
    assert _sign(client, shared, shared.brakes, esign_sha256=_shown_sha256(html)).status_code == 302
    assert EsignConsent.objects.get().text == "Words the contact never saw."


def test_a_disclosure_due_after_a_page_that_showed_none_is_refused(client, shop, owner):
    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)  # accepted version 1
    assert _shown_sha256(client.get(shared.url).content.decode()) == ""
    disclosure_update(actor=owner, text_en="A new version.", text_es="")
    # The open page showed no disclosure: the new one is not taken as read.
    assert _sign(client, shared, shared.tires, esign_sha256="").status_code == 409
    assert EsignConsent.objects.count() == 1


def test_new_shop_details_change_the_standard_text_and_ask_again(client, shop):
    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)
    first = EsignConsent.objects.get()
    shop.phone = "+15035550199"
    shop.save()

    html = client.get(shared.url).content.decode()
    assert "data-esign-disclosure" in html and "(503) 555-0199" in html
    # The shop's details are part of the estimate's version too: the first answer meets the
    # new version, and the page it gets back carries it.
    html = _sign(client, shared, shared.tires, esign_sha256=_shown_sha256(html)).content.decode()
    version = html.split('name="version" value="', 1)[1].split('"', 1)[0]
    signed = _sign(client, shared, shared.tires, version=version, esign_sha256=_shown_sha256(html))
    assert signed.status_code == 302
    second = EsignConsent.objects.exclude(pk=first.pk).get()
    assert second.disclosure_version == first.disclosure_version == 1
    assert "(503) 555-0199" in second.text and second.text_sha256 != first.text_sha256


def test_a_text_accepted_in_one_language_is_not_asked_again_in_the_other(client, shop):
    shared = shared_estimate(shop=shop)
    _sign(client, shared, shared.brakes)  # accepted in English
    assert "data-esign-disclosure" not in client.get(shared.url + "?lang=es").content.decode()


def test_the_portal_api_refuses_an_acceptance_of_another_text(client, shop, owner):
    shared = shared_estimate(shop=shop)
    body = client.get(f"/api/v1/portal/{shared.token}").json()
    shown = body["esign_disclosure"]["sha256"]
    assert shown == hashlib.sha256(standard_text(shop=shop, language="en").encode()).hexdigest()
    disclosure_update(actor=owner, text_en="Edited meanwhile.", text_es="")
    payload = {
        "version_id": body["version"]["id"],
        "decisions": [{"operation_id": shared.brakes.pk, "status": "approved"}],
        "signature": {"png": data_url(png_rgba()), "strokes": [[[1, 1], [90, 80]]]},
        "consent": True,
        "esign_disclosure_sha256": shown,
    }
    url = f"/api/v1/portal/{shared.token}/approval"
    stale = client.post(url, payload, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    assert not EsignConsent.objects.exists()

    fresh = client.get(f"/api/v1/portal/{shared.token}").json()["esign_disclosure"]
    assert fresh["sha256"] == hashlib.sha256(b"Edited meanwhile.").hexdigest()
    payload["esign_disclosure_sha256"] = fresh["sha256"]
    done = client.post(url, payload, content_type="application/json")
    assert done.status_code == 201, done.content
    assert done.json()["esign_consent"]["text_sha256"] == fresh["sha256"]
