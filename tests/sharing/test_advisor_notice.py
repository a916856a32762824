"""The advisor hears that a customer answered: always on the Today page, and by email when
they asked for it in their profile."""

import pytest

from signoff.sharing.models import Message
from signoff.shops.models import Membership
from tests.portal.builders import signature_fields
from tests.sharing.builders import estimate_for, link_for, url_of
from tests.support.worker import run_queued_tasks


def _answer(client, link, est):
    answers = {
        "version": link.share.version_id,
        f"op-{est.brakes.pk}": "approved",
        f"op-{est.wipers.pk}": "declined",
        "consent": "yes",
        **signature_fields(),
    }
    assert client.post(url_of(link), answers).status_code == 302


@pytest.fixture
def est(shop, carol):
    carol.email = "carol@shop.example"
    carol.save()
    return estimate_for(shop, advisor=carol)


def test_an_advisor_who_asked_gets_an_email_when_the_customer_answers(
    client, est, alice, carol, shop, smtp_sink, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=carol, shop=shop).update(email_on_answer=True)
    with django_capture_on_commit_callbacks(execute=True):
        link = link_for(est, est.primary, by=alice, channels=["email"])
        _answer(client, link, est)
    notice = Message.objects.get(to_address="carol@shop.example")
    assert notice.contact is None and notice.share is None
    assert run_queued_tasks() >= 1
    [email] = [r.message for r in smtp_sink.received if "carol@shop.example" in r.message["To"]]
    assert email["Subject"] == f"John Doe answered on {est.ro.label}"
    body = email.get_body(("plain",)).get_content()
    assert "1 approved, 1 declined" in body
    assert f"/ros/{est.ro.pk}/" in body
    assert "/s/" not in body  # never a customer's link


def test_no_email_unless_asked_for_and_never_for_answers_at_the_counter(
    client, est, alice, carol, shop, no_delivery
):
    link = link_for(est, est.primary, by=alice)
    _answer(client, link, est)
    assert not Message.objects.filter(to_address="carol@shop.example").exists()


def test_the_profile_saves_the_choice_and_refuses_it_without_an_address(client_for, carol, shop):
    staff = client_for(carol)
    page = staff.get("/profile/").content.decode()
    assert "Email me when a customer answers on an RO I advise" in page
    saved = staff.post("/profile/", {"email": "carol@new.example", "email_on_answer": "on"})
    assert saved.status_code == 302
    carol.refresh_from_db()
    assert carol.email == "carol@new.example"
    assert Membership.objects.get(user=carol, shop=shop).email_on_answer

    refused = staff.post("/profile/", {"email": "", "email_on_answer": "on"})
    assert "Enter your email address to get answers by email." in refused.content.decode()
    bad = staff.post("/profile/", {"email": "not an address", "email_on_answer": ""})
    assert bad.status_code == 200
    assert "is not a valid email address, e.g. name@example.com." in bad.content.decode()
    carol.refresh_from_db()
    assert carol.email == "carol@new.example"
    assert Membership.objects.get(user=carol, shop=shop).email_on_answer
