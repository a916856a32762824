"""The RO page's parts: explicit panels, one endpoint per part, and the refresh event."""

import json

import pytest
from django.db import transaction

from signoff.approvals.chain import decision_append
from signoff.sharing.models import ShareLink
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from signoff.web import panels
from signoff.web.estimate import RO_CHANGED_EVENT
from tests.factories import RepairOrderFactory, priced_operation
from tests.web.conftest import HTMX

PART_NAMES = ["estimate", *panels.RO_PANELS]


def _part_url(ro, name):
    return f"/ros/{ro.pk}/parts/{name}/"


def test_every_panel_is_a_plain_function_not_a_dotted_path():
    assert set(panels.RO_PANELS) == {
        "actions",
        "in_person",
        "not_to_exceed",
        "preview",
        "messages",
        "versions",
        "authorization",
        "status_history",
    }
    for name, panel in panels.RO_PANELS.items():
        assert panel.name == name
        assert callable(panel.context) and not isinstance(panel.context, str)
        assert panel.slot in panels.SLOTS


def test_a_panel_whose_context_function_raises_makes_the_page_fail(alice_client, ro, monkeypatch):
    def broken(*, request, actor, ro, rows):
        raise LookupError("this panel is broken")

    broken_panel = panels.Panel("messages", "after", "web/sharing/_ro_messages.html", broken)
    monkeypatch.setitem(panels.RO_PANELS, "messages", broken_panel)
    with pytest.raises(LookupError, match="this panel is broken"):
        alice_client.get(f"/ros/{ro.pk}/")
    with pytest.raises(LookupError, match="this panel is broken"):
        alice_client.get(_part_url(ro, "messages"))


def test_a_panel_whose_template_is_missing_makes_the_page_fail(alice_client, ro, monkeypatch):
    from django.template import TemplateDoesNotExist

    lost = panels.Panel("messages", "after", "web/no_such_panel.html", panels.ro_messages)
    monkeypatch.setitem(panels.RO_PANELS, "messages", lost)
    with pytest.raises(TemplateDoesNotExist):
        alice_client.get(f"/ros/{ro.pk}/")


@pytest.mark.parametrize(
    ("name", "element_id", "text"),
    [
        ("estimate", 'id="ro-estimate"', "Approved so far"),
        ("actions", 'id="ro-part-actions"', "Send to Customer"),
        ("in_person", 'id="ro-part-in_person"', "Approval in person"),
        ("messages", 'id="ro-part-messages"', "Nothing has been sent for this RO yet."),
        ("authorization", 'id="ro-part-authorization"', "Authorization summary"),
    ],
)
def test_each_part_renders_on_its_own(alice_client, ro, name, element_id, text):
    response = alice_client.get(_part_url(ro, name), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<") and element_id in html.split(">", 1)[0]
    assert text in html
    assert "<html" not in html


def test_the_page_and_a_part_render_the_same_element(alice_client, ro):
    page = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    part = alice_client.get(_part_url(ro, "authorization")).content.decode().strip()
    assert part in page


def test_the_sections_under_the_table_refresh_themselves_when_the_ro_changes(alice_client, ro):
    page = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    for name in ("messages", "authorization"):
        start = page.index(f'id="ro-part-{name}"')
        tag = page[page.rindex("<div", 0, start) : page.index(">", start)]
        assert f'hx-get="/ros/{ro.pk}/parts/{name}/"' in tag
        assert f'hx-trigger="{RO_CHANGED_EVENT} from:body"' in tag
        assert 'hx-swap="outerHTML"' in tag


def test_an_unknown_part_is_not_found(alice_client, ro):
    assert alice_client.get(_part_url(ro, "nothing-here")).status_code == 404


def test_another_shops_part_is_not_found(client_for, charlie, ro):
    for name in PART_NAMES:
        assert client_for(charlie).get(_part_url(ro, name)).status_code == 404


def test_a_part_is_read_only(alice_client, ro):
    assert alice_client.post(_part_url(ro, "authorization")).status_code == 405


def test_a_part_makes_as_many_queries_for_40_operations_as_for_1(
    alice_client, alice, shop, django_assert_max_num_queries
):
    ro = RepairOrderFactory(shop=shop)

    def approved_operation():
        op = priced_operation(repair_order=ro)
        with transaction.atomic():
            decision_append(operation=op, status="approved", source="on_behalf", recorded_by=alice)

    approved_operation()
    with django_assert_max_num_queries(100) as few:
        alice_client.get(_part_url(ro, "authorization"))
    for _ in range(39):
        approved_operation()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert alice_client.get(_part_url(ro, "authorization")).status_code == 200


def test_an_operation_saved_with_htmx_tells_the_page_the_ro_changed(alice_client, ro):
    op = ro.operations.get()
    response = alice_client.post(f"/operations/{op.pk}/move/", {"direction": "up"}, headers=HTMX)
    assert json.loads(response["HX-Trigger-After-Settle"]) == {RO_CHANGED_EVENT: {"ro": ro.pk}}
    response = alice_client.post(f"/operations/{op.pk}/remove/", headers=HTMX)
    assert json.loads(response["HX-Trigger-After-Settle"]) == {RO_CHANGED_EVENT: {"ro": ro.pk}}
    assert response["HX-Retarget"] == "#ro-estimate"


def test_without_htmx_an_operation_write_still_redirects(alice_client, ro):
    op = ro.operations.get()
    response = alice_client.post(f"/operations/{op.pk}/move/", {"direction": "up"})
    assert response.status_code == 302 and "HX-Trigger-After-Settle" not in response


@pytest.fixture
def link(shop, alice, ro):
    contact = ro.customer.contacts.get()
    contact.email = "maria@mail.example"
    contact.save()
    result = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=ro.pk,
        kind="request_approval",
        recipients=[Recipient(contact.pk)],
    )
    return result.links[0]


def test_revoking_with_htmx_shows_the_flash_and_tells_the_page_the_ro_changed(
    alice_client, ro, link
):
    response = alice_client.post(f"/share-links/{link.pk}/revoke/", headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert json.loads(response["HX-Trigger-After-Settle"]) == {RO_CHANGED_EVENT: {"ro": ro.pk}}
    html = response.content.decode()
    assert '<div id="flash" hx-swap-oob="innerHTML">' in html and "link was revoked" in html
    assert ShareLink.objects.get(pk=link.pk).revoked_at is not None
    messages_part = alice_client.get(_part_url(ro, "messages")).content.decode()
    assert "Revoked" in messages_part
