"""The Today page: answers since you last looked (unread until opened), who waits longest,
failed deliveries, links about to expire, ROs over what was authorized; the top bar's counts."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signoff.orders.models import RepairOrder, RoSeen
from signoff.sharing.models import MessageStatus, ShareLink
from signoff.sharing.today import today, today_counts
from signoff.shops.access import actor_for
from tests.factories import MessageFactory, RepairOrderFactory
from tests.sharing.builders import decide, estimate_for, link_for

HTMX = {"HX-Request": "true"}


def test_a_customer_answer_is_unread_for_each_advisor_until_they_open_the_ro(
    alice_client, client_for, alice, carol, shop
):
    est = estimate_for(shop)
    decide(est.brakes, "approved", source="link")  # the customer, through their link
    alice_actor = actor_for(user=alice, shop_id=shop.pk)
    carol_actor = actor_for(user=carol, shop_id=shop.pk)
    assert [a.repair_order.pk for a in today(actor=alice_actor).answered] == [est.ro.pk]
    assert today_counts(actor=alice_actor).answered == 1

    alice_client.get(f"/ros/{est.ro.pk}/")  # opened: read, for alice only
    assert today(actor=alice_actor).answered == []
    assert today_counts(actor=carol_actor).answered == 1

    decide(est.wipers, "declined", source="link")  # a new answer after she looked
    assert today_counts(actor=alice_actor).answered == 1
    page = client_for(carol).get("/today/").content.decode()
    assert f"/ros/{est.ro.pk}/" in page and "Answered since you last looked" in page


def test_a_look_writes_only_when_it_reads_an_answer_not_seen_before(alice_client, alice, shop):
    est = estimate_for(shop)
    alice_actor = actor_for(user=alice, shop_id=shop.pk)
    url = f"/ros/{est.ro.pk}/"
    with CaptureQueriesContext(connection) as first_look:
        alice_client.get(url)  # nothing answered yet: nothing to mark read, nothing written
    assert not [q for q in first_look.captured_queries if "orders_roseen" in q["sql"]]
    assert not RoSeen.objects.filter(user=alice, repair_order=est.ro).exists()

    decide(est.brakes, "approved", source="link")
    alice_client.get(url)
    first = RoSeen.objects.get(user=alice, repair_order=est.ro).seen_at
    with CaptureQueriesContext(connection) as looked_again:
        alice_client.get(url)  # the same answer, already read: the look leaves the row alone
    assert RoSeen.objects.get(user=alice, repair_order=est.ro).seen_at == first
    touching = [q["sql"] for q in looked_again.captured_queries if "orders_roseen" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")  # one statement, no lock held

    decide(est.wipers, "declined", source="link")
    assert today_counts(actor=alice_actor).answered == 1
    alice_client.get(url)
    assert RoSeen.objects.get(user=alice, repair_order=est.ro).seen_at > first
    assert today_counts(actor=alice_actor).answered == 0


def test_answers_given_at_the_counter_or_by_staff_are_not_news(alice, shop):
    est = estimate_for(shop)
    decide(est.brakes, "approved", source="in_person", by=alice)
    decide(est.wipers, "approved", by=alice)
    assert today_counts(actor=actor_for(user=alice, shop_id=shop.pk)).answered == 0


def test_waiting_longest_comes_first_and_only_ros_awaiting_an_answer(alice, shop):
    now = timezone.now()
    ros = [RepairOrderFactory(shop=shop, status="awaiting") for _ in range(3)]
    for ro, days in zip(ros, (1, 5, 3), strict=True):
        RepairOrder.objects.filter(pk=ro.pk).update(status_changed_at=now - timedelta(days=days))
    RepairOrderFactory(shop=shop, status="approved")
    waiting = today(actor=actor_for(user=alice, shop_id=shop.pk)).waiting
    assert [ro.pk for ro in waiting] == [ros[1].pk, ros[2].pk, ros[0].pk]


def test_failed_deliveries_and_links_about_to_expire_are_listed(alice_client, alice, shop):
    failed = MessageFactory(
        share__version__repair_order__shop=shop,
        share__version__shop=shop,
        status=MessageStatus.FAILED,
    )
    failed.last_error = "550 mailbox unavailable"
    failed.save()
    MessageFactory(
        share__version__repair_order__shop=shop,
        share__version__shop=shop,
        status=MessageStatus.DELIVERED,
    )
    est = estimate_for(shop)
    link = link_for(est, est.primary, by=alice)  # the RO now awaits an answer
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + timedelta(hours=20))
    actor = actor_for(user=alice, shop_id=shop.pk)
    shown = today(actor=actor)
    assert [m.pk for m in shown.failed] == [failed.pk]
    assert [x.pk for x in shown.expiring] == [link.pk]
    assert today_counts(actor=actor).failed == 1
    page = alice_client.get("/today/").content.decode()
    assert "550 mailbox unavailable" in page
    assert f"{est.primary.name}’s link" in page, page[page.find("today-expiring") :][:600]


def test_an_ro_whose_estimate_grew_past_what_was_authorized_is_flagged(owner, alice, shop):
    est = estimate_for(shop)
    decide(est.brakes, "approved", by=alice)
    decide(est.wipers, "approved", by=alice)
    RepairOrder.objects.filter(pk=est.ro.pk).update(status="in_progress")
    assert today(actor=owner).over_authorized == []

    from signoff.orders.services import operation_add

    operation_add(actor=owner, ro_id=est.ro.pk, data={"title": "Coolant flush"})  # pending
    from tests.factories import priced_operation

    priced_operation(repair_order=est.ro, title="Tie rod end")  # priced, still pending
    [over] = today(actor=owner).over_authorized
    assert over.repair_order.pk == est.ro.pk and over.current > over.authorized


def test_the_top_bar_asks_for_its_counts_and_another_shop_sees_none(
    alice_client, client_for, charlie, shop, settings
):
    settings.TODAY_POLL_SECONDS = 30
    est = estimate_for(shop)
    decide(est.brakes, "approved", source="link")
    page = alice_client.get(f"/customers/{est.ro.customer_id}/").content.decode()
    assert 'hx-get="/today/badge/"' in page and 'hx-trigger="load, every 30s"' in page
    badge = alice_client.get("/today/badge/", headers=HTMX).content.decode()
    assert '1<span class="visually-hidden"> answered since you last looked' in badge
    assert 'hx-trigger="every 30s"' in badge
    assert "answered since" not in client_for(charlie).get("/today/badge/").content.decode()
    assert "Nothing needs you right now" in client_for(charlie).get("/today/").content.decode()
