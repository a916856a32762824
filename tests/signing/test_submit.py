"""Submitting answers on the customer page: what is recorded, and every refusal."""

from decimal import Decimal

import pytest

from signoff.approvals.chain import decision_append, verify_repair_order
from signoff.approvals.models import Decision, EstimateVersion, Signature, Source, Status
from signoff.orders.services import operation_update
from signoff.signing.consent import consent_text
from tests.factories import ContactFactory
from tests.portal.builders import data_url, signature_fields, standing_in
from tests.support.png import png_rgba

pytestmark = pytest.mark.django_db


def _answers(shared, **extra):
    data = {
        "version": shared.version.pk,
        f"op-{shared.brakes.pk}": "approved",
        f"op-{shared.tires.pk}": "approved",
        f"op-{shared.wipers.pk}": "declined",
        "contact": shared.spouse.pk,
        "consent": "yes",
        **signature_fields(),
    }
    data.update(extra)
    return data


def test_signed_answers_record_one_decision_per_operation_and_one_signature(client, shared):
    response = client.post(
        shared.url, _answers(shared), HTTP_USER_AGENT="PhoneBrowser/1.0", REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/s/{shared.token}/done?lang=en"
    decisions = {d.operation_id: d for d in Decision.objects.filter(repair_order=shared.ro)}
    assert {k: d.status for k, d in decisions.items()} == {
        shared.brakes.pk: Status.APPROVED,
        shared.tires.pk: Status.APPROVED,
        shared.wipers.pk: Status.DECLINED,
    }
    signature = Signature.objects.get(repair_order=shared.ro)
    for decision in decisions.values():
        assert decision.source == Source.LINK
        assert decision.contact == shared.spouse
        assert (decision.contact_name, decision.contact_relationship) == ("Sam Lee", "Spouse")
        assert decision.via_link_id == shared.link.pk
        assert decision.version == shared.version
        assert decision.signature == signature
        assert (decision.ip, decision.user_agent) == ("203.0.113.9", "PhoneBrowser/1.0")
    assert decisions[shared.brakes.pk].amount == Decimal("314.99")
    assert decisions[shared.wipers.pk].amount is None


def test_the_signature_records_the_same_link_client_and_source_as_the_decisions(client, shared):
    client.post(
        shared.url, _answers(shared), HTTP_USER_AGENT="PhoneBrowser/1.0", REMOTE_ADDR="203.0.113.9"
    )
    signature = Signature.objects.get(repair_order=shared.ro)
    recorded = {
        (r.source, r.via_link_id, r.recorded_by_id, r.ip, r.user_agent)
        for r in [signature, *Decision.objects.filter(repair_order=shared.ro)]
    }
    assert recorded == {(Source.LINK, shared.link.pk, None, "203.0.113.9", "PhoneBrowser/1.0")}


def test_the_signature_is_bound_to_the_version_hash_with_the_consent_text_shown(client, shared):
    client.post(shared.url, _answers(shared), REMOTE_ADDR="203.0.113.9")
    signature = Signature.objects.get(repair_order=shared.ro)
    assert signature.kind == Signature.Kind.ESTIMATE
    assert signature.version_hash == shared.version.content_hash
    assert (signature.contact, signature.via_link_id) == (shared.spouse, shared.link.pk)
    # brakes 314.99 + tires 239.99 = 554.98, tax 8.25 % = 45.79
    assert signature.amount == Decimal("600.77")
    assert signature.consent_text == consent_text(
        shop_name=shared.ro.shop.name,
        ro_label=shared.ro.label,
        estimate_amount=Decimal("600.77"),
        language="en",
    )
    assert "for a total of $600.77 including tax" in signature.consent_text
    assert bytes(signature.png) == png_rgba()
    assert signature.svg.startswith("<svg")
    assert verify_repair_order(repair_order=shared.ro).ok


def test_the_consent_text_sent_by_the_client_is_ignored(client, shared):
    client.post(shared.url, _answers(shared, consent_text="I owe nothing"))
    assert "I owe nothing" not in Signature.objects.get().consent_text


def _nothing_recorded(shared):
    return (
        not Decision.objects.filter(repair_order=shared.ro).exists()
        and not Signature.objects.exists()
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"signature_png": "", "signature_strokes": ""}, "signature", "Please sign in the box"),
        (
            {"signature_png": data_url(png_rgba(ink=False))},
            "signature",
            "Please sign in the box",
        ),
        (
            {"signature_png": data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 210_000)},
            "signature",
            "larger than 200 KB",
        ),
        ({"consent": ""}, "consent", "Tick the box to agree"),
    ],
)
def test_bad_signatures_or_missing_consent_are_refused_and_nothing_is_recorded(
    client, shared, change, field, message
):
    response = client.post(shared.url, _answers(shared, **change))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _nothing_recorded(shared)


def test_choosing_nothing_is_refused_with_a_clear_message(client, shared):
    data = _answers(shared)
    for op in (shared.brakes, shared.tires, shared.wipers):
        del data[f"op-{op.pk}"]
    response = client.post(shared.url, data)
    assert response.status_code == 422
    assert "Choose Approve or Decline for at least one item" in response.content.decode()
    assert _nothing_recorded(shared)


def test_a_refused_submission_keeps_the_answers_and_the_chosen_approver(client, shared):
    html = client.post(shared.url, _answers(shared, consent="")).content.decode()
    assert f'name="op-{shared.brakes.pk}" value="approved" checked' in html
    assert f'name="op-{shared.wipers.pk}" value="declined" checked' in html
    assert f'<option value="{shared.spouse.pk}" data-name="Sam Lee" selected>' in html


def test_an_approver_who_is_not_the_customers_contact_is_refused(client, shared):
    stranger = ContactFactory(shop=shared.ro.shop, name="Not Related")
    response = client.post(shared.url, _answers(shared, contact=stranger.pk))
    assert response.status_code == 422
    assert "Choose who is approving from the list" in response.content.decode()
    assert _nothing_recorded(shared)


def test_without_a_chosen_approver_the_links_contact_is_recorded(client, shared):
    data = _answers(shared)
    del data["contact"]
    client.post(shared.url, data)
    assert {d.contact_id for d in Decision.objects.all()} == {shared.primary.pk}


def test_a_submission_against_an_older_version_is_refused_and_the_new_one_shown(client, shared):
    shared.wipers.title = "Wiper blades (premium)"
    shared.wipers.revision += 1
    shared.wipers.save()
    response = client.post(shared.url, _answers(shared))
    assert response.status_code == 409
    html = response.content.decode()
    assert "This estimate was updated — please review the new version" in html
    assert "Wiper blades (premium)" in html
    newest = EstimateVersion.objects.filter(repair_order=shared.ro).order_by("-number").first()
    assert newest.number == 2 and f'name="version" value="{newest.pk}"' in html
    assert _nothing_recorded(shared)


def test_an_operation_decided_by_the_shop_meanwhile_is_not_overwritten(client, shared):
    decision_append(operation=shared.tires, status=Status.DECLINED, source=Source.ON_BEHALF)
    response = client.post(shared.url, _answers(shared))
    assert response.status_code == 409
    assert "already recorded a decision for: “Mount and balance tires”" in response.content.decode()
    assert Decision.objects.count() == 1
    assert not Signature.objects.exists()


def test_a_total_that_changed_since_it_was_shown_is_refused(client, shared):
    response = client.post(shared.url, _answers(shared, shown_total="10.00"))
    assert response.status_code == 422
    assert "The total changed" in response.content.decode()
    assert _nothing_recorded(shared)


def test_approval_posts_through_one_link_are_rate_limited(client, shared, settings):
    settings.PORTAL_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(shared.url, _answers(shared, consent="")).status_code == 422
    assert client.post(shared.url, _answers(shared)).status_code == 429
    assert _nothing_recorded(shared)


def test_after_approving_the_page_shows_what_changed_since(client, shared, owner):
    client.post(shared.url, _answers(shared))
    operation_update(
        actor=owner, operation_id=shared.wipers.pk, data={"title": "Wiper blades (premium)"}
    )
    html = client.get(shared.url).content.decode()
    assert "What changed since your last approval" in html
    assert 'class="tag tag-changed">Changed</span>' in html
    assert "Wiper blades (premium)" in html


def test_the_thank_you_page_lists_where_each_operation_stands(client, shared):
    client.post(shared.url, _answers(shared))
    html = client.get(f"{shared.url}/done").content.decode()
    assert "Thank you! Your answers were sent." in html
    assert standing_in(html) == {
        "approved": [shared.brakes.pk, shared.tires.pk],
        "declined": [shared.wipers.pk],
        "ask_shop": [shared.cabin.pk],
    }
    assert "Everything on this estimate is answered." in html


def test_declining_only_is_signed_with_a_statement_that_authorizes_nothing(client, shared):
    data = _answers(shared)
    del data[f"op-{shared.brakes.pk}"], data[f"op-{shared.tires.pk}"]
    assert client.post(shared.url, data).status_code == 302
    signature = Signature.objects.get()
    assert signature.amount == Decimal("0.00")
    assert signature.consent_text.startswith(
        f"I decline the work I marked as declined above on {shared.ro.label}, and I do not "
        f"authorize {shared.ro.shop.name} to do it: this signature authorizes $0.00."
    )
    assert "I authorize" not in signature.consent_text
    assert "I agree to sign electronically" in signature.consent_text


def test_the_consent_shown_follows_the_answers(client, shared):
    def shown(**answers):
        data = {"version": shared.version.pk, **answers}
        return client.post(f"{shared.url}/total", data).content.decode()

    assert "for a total of $0.00 including tax" in shown()  # nothing chosen yet
    assert "this signature authorizes $0.00" in shown(**{f"op-{shared.wipers.pk}": "declined"})
    both = shown(**{f"op-{shared.wipers.pk}": "declined", f"op-{shared.brakes.pk}": "approved"})
    assert "I authorize" in both and "$340.98" in both


def test_answers_to_the_version_shown_before_staff_changed_it_are_refused_as_stale(
    client, shared, owner
):
    client.get(shared.url)  # the contact sees version 1
    operation_update(
        actor=owner, operation_id=shared.wipers.pk, data={"title": "Wiper blades (premium)"}
    )
    response = client.post(shared.url, _answers(shared))
    assert response.status_code == 409
    assert _nothing_recorded(shared)
    newest = EstimateVersion.objects.filter(repair_order=shared.ro).order_by("-number").first()
    assert newest.number == 2 and f'name="version" value="{newest.pk}"' in response.content.decode()
    # Answered again on the version now shown, the decisions are bound to it.
    assert client.post(shared.url, _answers(shared, version=newest.pk)).status_code == 302
    assert {d.version_id for d in Decision.objects.filter(repair_order=shared.ro)} == {newest.pk}
    assert Signature.objects.get(repair_order=shared.ro).version_hash == newest.content_hash
