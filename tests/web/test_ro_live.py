"""The open RO page asks whether its RO changed: a stamp that moves with every event and edit,
a 204 while nothing did, and the events that make the page's parts fetch themselves again."""

import json
import re

from signoff.approvals.selectors import ro_change_stamp
from signoff.orders.services import operation_update
from tests.sharing.builders import decide, estimate_for, link_for

HTMX = {"HX-Request": "true"}


def _changes(client, ro, since):
    return client.get(f"/ros/{ro.pk}/changes/", {"since": since}, headers=HTMX)


def test_the_stamp_moves_with_every_event_and_edit_and_only_then(owner, alice, shop):
    est = estimate_for(shop)
    first = ro_change_stamp(actor=owner, ro_id=est.ro.pk)
    assert ro_change_stamp(actor=owner, ro_id=est.ro.pk) == first
    decide(est.brakes, "approved", by=alice)  # a decision is an event
    second = ro_change_stamp(actor=owner, ro_id=est.ro.pk)
    assert second != first
    operation_update(actor=owner, operation_id=est.wipers.pk, data={"title": "Wipers, both"})
    assert ro_change_stamp(actor=owner, ro_id=est.ro.pk) != second


def test_nothing_new_is_a_204_and_a_change_fires_the_refresh_with_the_new_stamp(
    alice_client, owner, alice, shop, django_assert_max_num_queries
):
    est = estimate_for(shop)
    stamp = ro_change_stamp(actor=owner, ro_id=est.ro.pk)
    with django_assert_max_num_queries(4):  # session, user, membership, the stamp
        assert _changes(alice_client, est.ro, stamp).status_code == 204

    link_for(est, est.primary, by=alice)  # a share elsewhere: events, a status change
    response = _changes(alice_client, est.ro, stamp)
    assert response.status_code == 200
    new = ro_change_stamp(actor=owner, ro_id=est.ro.pk)
    body = response.content.decode()
    assert f"?since={new}" in body and 'id="ro-live"' in body
    assert set(json.loads(response["HX-Trigger"])) == {"signoff:ro-changed", "signoff:ro-stale"}
    assert _changes(alice_client, est.ro, new).status_code == 204


def test_the_ro_page_carries_the_question_and_another_shop_cannot_ask(
    alice_client, client_for, charlie, owner, shop, settings
):
    settings.RO_POLL_SECONDS = 7
    est = estimate_for(shop)
    page = alice_client.get(f"/ros/{est.ro.pk}/").content.decode()
    stamp = ro_change_stamp(actor=owner, ro_id=est.ro.pk)
    assert f"/ros/{est.ro.pk}/changes/?since={stamp}" in page
    assert 'data-poll-seconds="7"' in page
    assert _changes(client_for(charlie), est.ro, stamp).status_code == 404
    assert alice_client.post(f"/ros/{est.ro.pk}/changes/").status_code == 405


def test_the_estimate_fetched_by_the_live_page_leaves_the_flash_alone(alice_client, shop):
    est = estimate_for(shop)
    live = alice_client.get(f"/ros/{est.ro.pk}/parts/estimate/", {"live": "1"}, headers=HTMX)
    assert 'id="flash"' not in live.content.decode()
    asked = alice_client.get(f"/ros/{est.ro.pk}/parts/estimate/", headers=HTMX)
    assert 'id="flash"' in asked.content.decode()


def test_a_staff_page_gives_htmx_one_config_with_both_settings(alice_client, shop):
    """htmx reads the first htmx-config meta only: a second one is silently ignored."""
    est = estimate_for(shop)
    page = alice_client.get(f"/ros/{est.ro.pk}/").content.decode()
    [config] = re.findall(r'<meta name="htmx-config" content=\'([^\']*)\'>', page)
    assert json.loads(config) == {"includeIndicatorStyles": False, "scrollIntoViewOnBoost": False}
