from decimal import Decimal

from signoff.orders.models import Operation
from tests.factories import RepairOrderFactory, priced_operation
from tests.web.conftest import HTMX


def op_form(**overrides):
    data = {
        "title": "Replace wiper blades",
        "kind": "estimate",
        "complaint": "Streaking",
        "cause": "",
        "correction": "Replace both blades",
        "lines-0-kind": "labor",
        "lines-0-description": "",
        "lines-0-quantity": "0.3",
        "lines-0-unit_price": "150.00",
        "lines-1-kind": "part",
        "lines-1-description": "Wiper blade 22 in.",
        "lines-1-part_number": "WB-22",
        "lines-1-quantity": "2",
        "lines-1-unit_price": "18.50",
        "lines-1-taxable": "1",
    }
    data.update(overrides)
    return data


def test_the_add_form_starts_with_a_labor_line_at_the_shop_rate_and_a_part_line(
    alice_client, ro, shop
):
    body = alice_client.get(f"/ros/{ro.pk}/operations/new/").content.decode()
    assert 'name="lines-0-kind" value="labor"' in body
    assert f'name="lines-0-unit_price" value="{shop.default_labor_rate:.2f}"' in body
    assert 'name="lines-1-kind" value="part"' in body
    assert "<html" in body  # without htmx it is a page of its own


def test_with_htmx_the_add_form_is_a_fragment(alice_client, ro):
    body = alice_client.get(f"/ros/{ro.pk}/operations/new/", headers=HTMX).content.decode()
    assert "<html" not in body
    assert 'hx-post="/ros/' in body


def test_adding_an_operation_without_js_saves_its_lines_and_returns_to_the_ro(alice_client, ro):
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", op_form())
    assert response.status_code == 302
    assert response["Location"] == f"/ros/{ro.pk}/#ro-estimate"
    op = Operation.objects.get(title="Replace wiper blades")
    assert op.position > Operation.objects.get(title="Front brake pads").position
    assert op.complaint == "Streaking"
    lines = list(op.lines.order_by("position"))
    assert [(ln.kind, ln.quantity, ln.unit_price, ln.taxable) for ln in lines] == [
        ("labor", Decimal("0.30"), Decimal("150.00"), False),
        ("part", Decimal("2.00"), Decimal("18.50"), True),
    ]
    assert lines[0].description == "Labor"
    assert lines[1].part_number == "WB-22"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Operation “Replace wiper blades” added." in page


def test_adding_an_operation_with_htmx_returns_the_table_and_totals_together(alice_client, ro):
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", op_form(), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#ro-estimate"
    assert response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="ro-estimate"')
    assert "Replace wiper blades" in body
    # 314.99 + 45.00 + 37.00 = 396.99; tax 8.25 % of the taxable 351.99 (brakes + blades) = 29.04
    assert 'data-total="subtotal">$396.99<' in body
    assert 'data-total="total">$426.03<' in body
    assert '<div id="flash" hx-swap-oob="innerHTML">' in body and "added." in body


def test_blank_line_rows_are_ignored(alice_client, ro):
    data = op_form(
        **{"lines-1-description": "", "lines-1-part_number": "", "lines-1-unit_price": ""}
    )
    alice_client.post(f"/ros/{ro.pk}/operations/new/", data)
    op = Operation.objects.get(title="Replace wiper blades")
    assert list(op.lines.values_list("kind", flat=True)) == ["labor"]


def test_a_bad_line_is_reported_on_that_line_and_nothing_is_saved(alice_client, ro):
    data = op_form(**{"lines-1-unit_price": "cheap"})
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", data, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the unit price as a number, e.g. 1.5 or 89.99." in body
    assert 'name="lines-1-unit_price" value="cheap"' in body
    assert 'aria-invalid="true"' in body
    assert "HX-Retarget" not in response
    assert not Operation.objects.filter(title="Replace wiper blades").exists()


def test_a_missing_title_is_reported_on_the_title_field(alice_client, ro):
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", op_form(title=""))
    body = response.content.decode()
    assert "Give the operation a title" in body
    assert Operation.objects.filter(repair_order=ro).count() == 1


def test_the_add_line_button_adds_a_row_and_saves_nothing(alice_client, ro):
    data = op_form(add_line="fee")
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", data, headers=HTMX)
    body = response.content.decode()
    assert 'name="lines-2-kind" value="fee"' in body
    assert 'name="lines-1-part_number" value="WB-22"' in body  # typed values are kept
    assert not Operation.objects.filter(title="Replace wiper blades").exists()


def test_the_remove_line_button_drops_that_row(alice_client, ro):
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", op_form(remove_line="0"))
    body = response.content.decode()
    assert 'name="lines-0-kind"' not in body
    assert 'name="lines-1-kind" value="part"' in body


def test_the_edit_form_is_filled_with_the_operation_and_its_lines(alice_client, ro):
    op = ro.operations.get()
    body = alice_client.get(f"/operations/{op.pk}/edit/", headers=HTMX).content.decode()
    assert 'value="Front brake pads"' in body
    assert 'name="lines-0-quantity" value="1.5"' in body
    assert 'name="lines-1-part_number" value="BP-1"' in body
    assert "returns it to Pending" in body


def test_editing_an_operation_replaces_its_lines(alice_client, ro):
    op = ro.operations.get()
    data = op_form(title="Front brake pads and rotors")
    response = alice_client.post(f"/operations/{op.pk}/edit/", data, headers=HTMX)
    assert response["HX-Retarget"] == "#ro-estimate"
    op.refresh_from_db()
    assert op.title == "Front brake pads and rotors"
    assert op.revision == 2
    assert sorted(op.lines.values_list("part_number", flat=True)) == ["", "WB-22"]


def test_removing_asks_for_confirmation_without_js(alice_client, ro):
    op = ro.operations.get()
    body = alice_client.get(f"/operations/{op.pk}/remove/").content.decode()
    assert "Remove “Front brake pads”?" in body
    op.refresh_from_db()
    assert op.removed_at is None


def test_removing_hides_the_operation_and_updates_the_totals(alice_client, ro):
    op = ro.operations.get()
    response = alice_client.post(f"/operations/{op.pk}/remove/", headers=HTMX)
    body = response.content.decode()
    assert "Front brake pads" not in body.split("op-form-slot")[0].split("</thead>")[1]
    assert 'data-total="total">$0.00<' in body
    op.refresh_from_db()
    assert op.removed_at is not None


def test_the_remove_link_confirms_in_the_browser_with_htmx(alice_client, ro):
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert 'hx-confirm="Remove “Front brake pads”? Its approval history is kept.' in body


def test_moving_an_operation_down_and_up(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    first = priced_operation(repair_order=ro, title="First")
    second = priced_operation(repair_order=ro, title="Second")
    response = alice_client.post(
        f"/operations/{first.pk}/move/", {"direction": "down"}, headers=HTMX
    )
    body = response.content.decode()
    assert body.index("Second") < body.index("First")
    assert list(ro.operations.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    response = alice_client.post(f"/operations/{first.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert list(ro.operations.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_moving_needs_a_post(alice_client, ro):
    op = ro.operations.get()
    assert alice_client.get(f"/operations/{op.pk}/move/").status_code == 405
