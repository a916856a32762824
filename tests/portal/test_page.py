"""The customer share page as a contact opens it: content, sections, openings, headers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.approvals.chain import decision_append
from signoff.approvals.models import EstimateVersion, Event, EventKind, Source, Status
from signoff.orders.services import operation_update, repair_order_update
from signoff.sharing.models import ShareLink
from signoff.sharing.selectors import with_openings
from tests.portal.builders import shared_estimate

pytestmark = pytest.mark.django_db


def test_the_page_shows_shop_ro_vehicle_operations_prices_and_total(client, shared):
    response = client.get(shared.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert shared.ro.shop.name in html
    assert 'href="tel:+15035550100"' in html
    assert "Call (503) 555-0100" in html
    assert f"RO {shared.ro.number}" in html
    assert "2019 Honda Accord" in html
    assert "Front brake pads" in html and "$314.99" in html
    assert "Cabin air filter" in html
    assert shared.version.content["totals"]["estimate"]["total"] in html.replace("$", "").replace(
        ",", ""
    )
    assert "Customer waits in the lobby." in html


def test_each_pending_estimate_operation_offers_approve_and_decline(client, shared):
    html = client.get(shared.url).content.decode()
    for op in (shared.brakes, shared.tires, shared.wipers):
        assert f'name="op-{op.pk}" value="approved"' in html
        assert f'name="op-{op.pk}" value="declined"' in html


def test_operations_already_decided_by_staff_show_their_status_instead_of_choices(client, shared):
    decision_append(operation=shared.tires, status=Status.DEFERRED, source=Source.ON_BEHALF)
    html = client.get(shared.url).content.decode()
    assert f'name="op-{shared.tires.pk}"' not in html
    assert 'class="status status-deferred"' in html


def test_the_approver_is_prefilled_with_the_links_contact_and_lists_the_others(client, shared):
    html = client.get(shared.url).content.decode()
    assert (
        f'<option value="{shared.primary.pk}" data-name="Jordan Lee" selected>Jordan Lee (Primary)</option>'
        in html
    )
    assert (
        f'<option value="{shared.spouse.pk}" data-name="Sam Lee">Sam Lee (Spouse)</option>' in html
    )


def test_a_share_without_prices_shows_no_amounts_per_operation(client, shop):
    shared = shared_estimate(shop=shop, sections=["labor", "parts", "notes"])
    html = client.get(shared.url).content.decode()
    assert "Front brake pads" in html
    assert "$314.99" not in html
    assert "$225.00" not in html


def test_a_share_without_recommendations_does_not_show_them(client, shop):
    shared = shared_estimate(shop=shop, sections=["prices", "labor", "parts"])
    html = client.get(shared.url).content.decode()
    assert "Cabin air filter" not in html
    assert "Customer waits in the lobby." not in html


def test_the_etr_is_shown_only_when_the_share_included_it(client, shop, owner):
    etr = {"etr": timezone.now() + timedelta(days=1)}
    shared = shared_estimate(shop=shop, include_etr=False)
    repair_order_update(actor=owner, ro_id=shared.ro.pk, data=etr)
    assert "Ready by" not in client.get(shared.url).content.decode()
    shown = shared_estimate(shop=shop, include_etr=True)
    repair_order_update(actor=owner, ro_id=shown.ro.pk, data=etr)
    assert "Ready by" in client.get(shown.url).content.decode()


def test_openings_are_counted_up_to_the_bound_with_the_first_and_last_times(
    client, shared, monkeypatch, django_assert_num_queries
):
    from signoff.core import paging

    monkeypatch.setattr(paging, "COUNT_AHEAD", 3)
    for _ in range(5):
        client.get(shared.url)
    opened = Event.objects.filter(kind=EventKind.LINK_OPENED, share_link=shared.link)
    assert opened.count() == 5
    with django_assert_num_queries(1):
        link = with_openings(ShareLink.objects.filter(pk=shared.link.pk))[0]
    assert (link.openings.count, link.openings.exact, link.openings.label) == (3, False, "3+")
    times = sorted(opened.values_list("created_at", flat=True))
    assert (link.first_opened_at, link.last_opened_at) == (times[0], times[-1])


def test_an_opening_count_within_the_bound_is_exact():
    link = ShareLink()
    link.open_count = 1000
    assert (link.openings.label, link.openings.exact) == ("1,000", True)
    link.open_count = 1001  # what the count reads when there are more
    assert (link.openings.label, link.openings.exact) == ("1,000+", False)


def test_each_opening_is_counted_and_recorded_with_ip_and_user_agent(client, shared):
    client.get(shared.url, HTTP_USER_AGENT="PhoneBrowser/1.0", REMOTE_ADDR="203.0.113.9")
    client.get(shared.url, HTTP_USER_AGENT="PhoneBrowser/1.0", REMOTE_ADDR="203.0.113.9")
    link = with_openings(ShareLink.objects.filter(pk=shared.link.pk))[0]
    assert link.open_count == 2
    assert link.first_opened_at is not None and link.first_opened_at <= link.last_opened_at
    events = Event.objects.filter(kind=EventKind.LINK_OPENED, share_link=link)
    assert events.count() == 2
    assert {(e.ip, e.user_agent) for e in events} == {("203.0.113.9", "PhoneBrowser/1.0")}


def test_the_page_is_never_cached_and_never_sends_its_url_to_other_sites(client, shared):
    response = client.get(shared.url)
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_the_page_shows_the_current_version_not_the_one_the_link_was_made_with(
    client, shared, owner
):
    operation_update(
        actor=owner, operation_id=shared.brakes.pk, data={"title": "Front brake pads and rotors"}
    )
    html = client.get(shared.url).content.decode()
    assert "Front brake pads and rotors" in html
    latest = EstimateVersion.objects.filter(repair_order=shared.ro).order_by("-number").first()
    assert latest.number == 2
    assert f'name="version" value="{latest.pk}"' in html


def test_opening_again_without_changes_makes_no_new_version(client, shared):
    client.get(shared.url)
    decision_append(operation=shared.tires, status=Status.APPROVED, source=Source.ON_BEHALF)
    client.get(shared.url)
    assert EstimateVersion.objects.filter(repair_order=shared.ro).count() == 1


def test_an_expired_link_shows_the_shops_name_and_phone_with_410(client, shared):
    ShareLink.objects.filter(pk=shared.link.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(shared.url)
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html
    assert shared.ro.shop.name in html and 'href="tel:+15035550100"' in html
    assert "Front brake pads" not in html
    assert response["Referrer-Policy"] == "same-origin"


def test_a_revoked_link_says_it_was_withdrawn_with_410(client, shared):
    ShareLink.objects.filter(pk=shared.link.pk).update(revoked_at=timezone.now())
    response = client.get(shared.url)
    assert response.status_code == 410
    assert "This link was withdrawn" in response.content.decode()
    assert not Event.objects.filter(kind=EventKind.LINK_OPENED).exists()


def test_an_unknown_token_is_a_friendly_404(client, db):
    response = client.get("/s/" + "x" * 43)
    assert response.status_code == 404
    assert "We could not find this estimate" in response.content.decode()


def test_guessing_tokens_is_rate_limited_per_client_address(client, shared, settings):
    settings.PORTAL_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/s/" + "y" * 43, REMOTE_ADDR="198.51.100.7").status_code == 404
    # Even a valid token is refused from that address until the window passes…
    refused = client.get(shared.url, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.PORTAL_RATE_WINDOW_SECONDS
    assert "Please wait before trying again" in refused.content.decode()
    # …while other clients are not affected.
    assert client.get(shared.url, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_the_live_total_adds_up_what_is_being_approved(client, shared):
    response = client.post(
        f"{shared.url}/total",
        {
            "version": shared.version.pk,
            f"op-{shared.brakes.pk}": "approved",
            f"op-{shared.wipers.pk}": "declined",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    # 314.99 with 8.25 % tax on the taxable lines: 314.99 + 25.99 = 340.98
    assert "$340.98" in html
    assert "1 item approved" in html and "1 declined" in html
    assert 'hx-swap-oob="true"' in html and "for a total of $340.98 including tax" in html


def test_the_live_total_for_a_version_of_another_ro_is_not_found(client, shared, shop):
    elsewhere = shared_estimate(shop=shop)
    response = client.post(
        f"{shared.url}/total",
        {"version": elsewhere.version.pk, f"op-{shared.brakes.pk}": "approved"},
    )
    assert response.status_code == 404


def test_a_links_openings_are_read_through_their_index(client, shared):
    from django.db import connection

    from tests.support.plans import assert_reads_through, sql_of

    client.get(shared.url)
    # A busy RO: many openings that are not this link's, and fresh statistics, so that no
    # planner reads the RO's events to find this link's few (on a handful of rows PostgreSQL
    # may pick any index, which would prove nothing).
    Event.objects.bulk_create(
        Event(shop=shared.ro.shop, repair_order=shared.ro, kind=EventKind.LINK_OPENED)
        for _ in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    links = with_openings(ShareLink.objects.filter(pk=shared.link.pk))
    assert_reads_through(sql_of(lambda: list(links)), "event_link_kind_time")
