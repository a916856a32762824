"""Writes for repair orders and their operations. Each function is one use case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from signoff.core.errors import NotFound, ValidationFailed
from signoff.core.validation import (
    clean_text,
    max_length_of,
    parse_decimal,
    parse_id,
    parse_whole_number,
)
from signoff.customers.models import MAX_ODOMETER, Customer, Vehicle
from signoff.orders.changes import changes_in_words
from signoff.orders.locks import operation_get_for_update, repair_order_get_for_update
from signoff.orders.models import (
    MAX_LINE_NUMBER,
    MAX_RO_LINES_AMOUNT,
    LineKind,
    Operation,
    OperationKind,
    OperationLine,
    RepairOrder,
)
from signoff.orders.pricing import line_amount, operation_content
from signoff.orders.signals import estimate_changed, operation_changed
from signoff.shops.access import Actor, require_editor

FIRST_RO_NUMBER = 1001
# The RO's two notes, with the words an error names them by.
NOTES = {"internal_notes": "internal notes", "customer_notes": "notes for the customer"}
MAX_LINES = 200
ETR_FIRST_YEAR, ETR_LAST_YEAR = 2000, 2100
OPERATION_TEXT = {
    "title": "title",
    "complaint": "complaint",
    "cause": "cause",
    "correction": "correction",
}
ONE_LINE = {"title"}


def _text(raw: Any, *, model: type, field: str, label: str, multiline: bool = False) -> str:
    """Text checked against its model field's length (ValueError saying what to fix)."""
    return clean_text(raw, label=label, max_length=max_length_of(model, field), multiline=multiline)


def _choice_id(raw: Any) -> int | None:
    """An id chosen from a list (a form's string, the API's int); 0 names nothing."""
    return parse_id(raw) or 0


def _clean_ro(data: Mapping[str, Any], *, actor: Actor, customer: Customer) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if "vehicle_id" in data:
        vehicle_id = data.get("vehicle_id")
        if vehicle_id in (None, ""):
            out["vehicle"] = None
        else:
            vehicle = Vehicle.objects.filter(
                shop=actor.shop, customer=customer, pk=_choice_id(vehicle_id)
            ).first()
            if vehicle is None:
                errors["vehicle_id"] = "Choose one of this customer's vehicles."
            out["vehicle"] = vehicle
    if "advisor_id" in data:
        advisor_id = data.get("advisor_id")
        if advisor_id in (None, ""):
            out["advisor"] = None
        else:
            advisor = (
                get_user_model()
                .objects.filter(pk=_choice_id(advisor_id), memberships__shop=actor.shop)
                .first()
            )
            if advisor is None:
                errors["advisor_id"] = "Choose a member of this shop as the advisor."
            out["advisor"] = advisor
    if data.get("status") not in (None, ""):
        errors["status"] = (
            "The status is not one of the RO's details: it follows the estimate's shares and "
            "decisions, and staff move the work along from the RO page."
        )
    if "etr" in data:
        etr = data["etr"]
        if isinstance(etr, str):
            etr = etr.strip() or None
            if etr:
                try:
                    etr = datetime.fromisoformat(etr)
                except ValueError:
                    errors["etr"] = "Enter the ETR as a date and time, e.g. 2026-11-24 16:30."
                    etr = None
        if isinstance(etr, datetime) and timezone.is_naive(etr):
            from zoneinfo import ZoneInfo

            etr = etr.replace(tzinfo=ZoneInfo(actor.shop.timezone))
        # Far-off years cannot be stored once converted to UTC (year 9999 + an offset).
        if isinstance(etr, datetime) and not ETR_FIRST_YEAR <= etr.year <= ETR_LAST_YEAR:
            errors["etr"] = f"Enter an ETR between {ETR_FIRST_YEAR} and {ETR_LAST_YEAR}."
            etr = None
        out["etr"] = etr
    for name, label in NOTES.items():
        if data.get(name) is not None:
            try:
                out[name] = _text(
                    data[name], model=RepairOrder, field=name, label=label, multiline=True
                )
            except ValueError as exc:
                errors[name] = str(exc)
    if data.get("po_number") is not None:
        try:
            out["po_number"] = _text(
                data["po_number"], model=RepairOrder, field="po_number", label="PO number"
            )
        except ValueError as exc:
            errors["po_number"] = str(exc)
    if "odometer_in" in data:
        raw = data["odometer_in"]
        if raw in (None, ""):
            out["odometer_in"] = None
        else:
            value = parse_whole_number(raw)
            if value is None or value > MAX_ODOMETER:
                errors["odometer_in"] = (
                    f"Enter the odometer as a whole number of miles, at most {MAX_ODOMETER:,}."
                )
            else:
                out["odometer_in"] = value
    if errors:
        raise ValidationFailed("Please correct the repair order details below.", fields=errors)
    return out


def repair_order_create(*, actor: Actor, customer_id: int, data: Mapping[str, Any]) -> RepairOrder:
    """A new RO numbered after the shop's highest number (1001 for the first)."""
    require_editor(actor)
    customer = Customer.objects.filter(shop=actor.shop, pk=_choice_id(customer_id)).first()
    if customer is None:
        raise ValidationFailed(
            "Choose a customer.", fields={"customer_id": "Choose one of your customers."}
        )
    fields = _clean_ro(data, actor=actor, customer=customer)
    fields.setdefault("advisor", actor.user)
    for attempt in range(5):
        try:
            with transaction.atomic():
                top = RepairOrder.objects.filter(shop=actor.shop).aggregate(n=Max("number"))["n"]
                number = (top or FIRST_RO_NUMBER - 1) + 1
                return RepairOrder.objects.create(
                    shop=actor.shop,
                    customer=customer,
                    number=number,
                    status_changed_at=timezone.now(),
                    **fields,
                )
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def repair_order_update(*, actor: Actor, ro_id: int, data: Mapping[str, Any]) -> RepairOrder:
    require_editor(actor)
    with transaction.atomic():
        ro = repair_order_get_for_update(shop_id=actor.shop.pk, ro_id=ro_id)
        for key, value in _clean_ro(data, actor=actor, customer=ro.customer).items():
            setattr(ro, key, value)
        ro.save()
        _estimate_changed(repair_order=ro, actor=actor)
    return ro


def _estimate_changed(*, repair_order: RepairOrder, actor: Actor) -> None:
    """Approvals freezes the version the customer page shows (it listens to `estimate_changed`).
    The RO's own `updated_at` moves too: an operation's edit is a change of its RO."""
    RepairOrder.objects.filter(pk=repair_order.pk).update(updated_at=timezone.now())
    estimate_changed.send(sender=RepairOrder, repair_order=repair_order, actor=actor)


def _decimal(
    raw: Any, *, field: str, errors: dict[str, str], label: str, allow_negative: bool = False
) -> Decimal:
    text = raw if isinstance(raw, Decimal) else str(raw).replace("$", "").replace(",", "")
    try:
        value = parse_decimal(text)
    except ValueError:
        errors[field] = f"Enter the {label} as a number, e.g. 1.5 or 89.99."
        return Decimal("0")
    if value < 0 and not allow_negative:
        errors[field] = f"The {label} cannot be negative."
    elif value.copy_abs() > MAX_LINE_NUMBER:
        # Checked before rounding: 1E+999 cannot even be rounded to the cent.
        errors[field] = f"The {label} is too large: at most {MAX_LINE_NUMBER:,}."
    # Stored with two decimals: refuse more rather than let the database round silently.
    elif value != value.quantize(Decimal("0.01")):
        errors[field] = f"Use at most two decimal places for the {label}, e.g. 1.25."
    return value


def _clean_lines(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validated priced lines. Field errors are keyed `lines.<index>.<field>`."""
    if len(lines) > MAX_LINES:
        raise ValidationFailed(
            f"An operation can have at most {MAX_LINES} lines.", fields={"lines": "Too many lines."}
        )
    errors: dict[str, str] = {}
    out = []
    for i, line in enumerate(lines):
        kind = line.get("kind")
        p = f"lines.{i}"
        if kind not in LineKind.values:
            errors[f"{p}.kind"] = "Choose labor, part or fee."
            continue
        row: dict[str, Any] = {
            "kind": kind,
            "position": i,
            "taxable": bool(line.get("taxable", True)),
        }
        for key, label in (("description", "description"), ("part_number", "part number")):
            try:
                row[key] = _text(line.get(key) or "", model=OperationLine, field=key, label=label)
            except ValueError as exc:
                errors[f"{p}.{key}"] = str(exc)
                row[key] = ""
        qty_label = {"labor": "hours", "part": "quantity", "fee": "quantity"}[kind]
        price_label = {"labor": "labor rate", "part": "unit price", "fee": "fee amount"}[kind]
        row["quantity"] = _decimal(
            line.get("quantity", 1), field=f"{p}.quantity", errors=errors, label=qty_label
        )
        # Fees may be negative: a discount or coupon is a fee line below zero.
        row["unit_price"] = _decimal(
            line.get("unit_price", 0),
            field=f"{p}.unit_price",
            errors=errors,
            label=price_label,
            allow_negative=kind == LineKind.FEE,
        )
        if kind == LineKind.LABOR and not row["description"]:
            row["description"] = "Labor"
        if kind == LineKind.PART and not (row["description"] or row["part_number"]):
            errors.setdefault(f"{p}.description", "Enter the part's description or part number.")
        if kind == LineKind.FEE and not row["description"]:
            errors.setdefault(f"{p}.description", "Enter what the fee is for.")
        out.append(row)
    if errors:
        raise ValidationFailed("Please correct the lines below; nothing was saved.", fields=errors)
    return out


def _clean_operation(
    data: Mapping[str, Any], *, current: Operation | None = None
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, label in OPERATION_TEXT.items():
        if key in data and data[key] is not None:
            try:
                out[key] = _text(
                    data[key],
                    model=Operation,
                    field=key,
                    label=label,
                    multiline=key not in ONE_LINE,
                )
            except ValueError as exc:
                errors[key] = str(exc)
    if "kind" in data and data["kind"] is not None:
        if data["kind"] not in OperationKind.values:
            errors["kind"] = "Choose estimate work or recommendation."
        out["kind"] = data["kind"]
    title = out.get("title", current.title if current else "")
    if not title and "title" not in errors:
        errors["title"] = "Give the operation a title, e.g. “Replace front brake pads”."
    if errors:
        raise ValidationFailed(
            "Please correct the operation below; nothing was saved.", fields=errors
        )
    return out


def _check_ro_amount(
    *, ro: RepairOrder, lines: list[dict[str, Any]], instead_of: Operation | None = None
) -> None:
    """Refuse lines that would take the RO past what its versions and decisions can store.

    Each line is in range on its own, but 9,999,999.99 × 9,999,999.99 is not, and neither is
    a sum of many large lines: PostgreSQL refused the version's total ("numeric field
    overflow") when the RO was shared.
    """
    others = OperationLine.objects.filter(
        operation__repair_order=ro, operation__removed_at__isnull=True
    )
    if instead_of is not None:
        others = others.exclude(operation=instead_of)
    amounts = [line_amount(q, p) for q, p in others.values_list("quantity", "unit_price")]
    amounts += [line_amount(row["quantity"], row["unit_price"]) for row in lines]
    if sum(abs(amount) for amount in amounts) > MAX_RO_LINES_AMOUNT:
        message = (
            f"The repair order's lines would add up to more than ${MAX_RO_LINES_AMOUNT:,.2f}, "
            "more than Signoff can record. Check the quantities and prices."
        )
        raise ValidationFailed(message, fields={"lines": message})


def _write_lines(*, operation: Operation, lines: list[dict[str, Any]]) -> None:
    operation.lines.all().delete()
    OperationLine.objects.bulk_create(
        OperationLine(shop_id=operation.shop_id, operation=operation, **row) for row in lines
    )


def operation_add(*, actor: Actor, ro_id: int, data: Mapping[str, Any]) -> Operation:
    """Adds an operation (estimate work or recommendation) at the end of the RO's table."""
    require_editor(actor)
    fields = _clean_operation(data)
    lines = _clean_lines(data.get("lines") or [])
    with transaction.atomic():
        ro = repair_order_get_for_update(shop_id=actor.shop.pk, ro_id=ro_id)
        _check_ro_amount(ro=ro, lines=lines)
        top = ro.operations.aggregate(n=Max("position"))["n"]
        operation = Operation.objects.create(
            shop=actor.shop, repair_order=ro, position=(top or 0) + 1, **fields
        )
        _write_lines(operation=operation, lines=lines)
        _estimate_changed(repair_order=ro, actor=actor)
    return operation


def _line_signature(operation: Operation) -> list[tuple]:
    return [
        (
            ln.kind,
            ln.description,
            ln.part_number,
            Decimal(ln.quantity),
            Decimal(ln.unit_price),
            ln.taxable,
        )
        for ln in operation.lines.order_by("position", "id")
    ]


def operation_update(*, actor: Actor, operation_id: int, data: Mapping[str, Any]) -> Operation:
    """Edits an operation. A change to what was decided returns it to Pending (re-authorization)."""
    require_editor(actor)
    with transaction.atomic():
        operation = operation_get_for_update(shop_id=actor.shop.pk, operation_id=operation_id)
        was = operation_content(operation)
        fields = _clean_operation(data, current=operation)
        new_lines = _clean_lines(data["lines"]) if data.get("lines") is not None else None
        changed = [k for k, v in fields.items() if getattr(operation, k) != v]
        for key, value in fields.items():
            setattr(operation, key, value)
        if new_lines is not None:
            _check_ro_amount(ro=operation.repair_order, lines=new_lines, instead_of=operation)
            before = _line_signature(operation)
            _write_lines(operation=operation, lines=new_lines)
            if _line_signature(operation) != before:
                changed.append("lines")
        if changed:
            operation.revision += 1
            operation.save()
            words = changes_in_words(was, operation_content(operation))
            _reset_decision(operation=operation, actor=actor, changed=changed, words=words)
            _estimate_changed(repair_order=operation.repair_order, actor=actor)
    return operation


def _reset_decision(*, operation: Operation, actor: Actor, changed: list[str], words: str) -> None:
    """Approvals returns a decided operation to Pending (it listens to `operation_changed`),
    saying what changed in words (`orders.changes`), or which fields when nothing a customer
    sees did (the order of its lines)."""
    labels = {
        "title": "title",
        "complaint": "complaint",
        "cause": "cause",
        "correction": "correction",
        "kind": "kind",
        "lines": "prices or lines",
    }
    operation_changed.send(
        sender=Operation,
        operation=operation,
        actor=actor,
        what_changed=words or ", ".join(labels.get(c, c) for c in changed),
    )


def operation_reorder(*, actor: Actor, ro_id: int, operation_ids: Sequence[int]) -> list[Operation]:
    """Puts the RO's operations in the given order; every live operation must be listed once."""
    require_editor(actor)
    with transaction.atomic():
        ro = repair_order_get_for_update(shop_id=actor.shop.pk, ro_id=ro_id)
        ops = {op.pk: op for op in ro.operations.filter(removed_at__isnull=True)}
        try:
            ids = [int(i) for i in operation_ids]
        except (TypeError, ValueError):
            ids = []
        if sorted(ids) != sorted(ops):
            raise ValidationFailed(
                "List every operation of this repair order exactly once.",
                fields={"operation_ids": "Must contain each operation of the RO once."},
            )
        moved = [
            op_id for position, op_id in enumerate(ids, start=1) if ops[op_id].position != position
        ]
        for position, op_id in enumerate(ids, start=1):
            ops[op_id].position = position
        Operation.objects.bulk_update(ops.values(), ["position"])
        if moved:
            _estimate_changed(repair_order=ro, actor=actor)
    return [ops[i] for i in ids]


def operation_move(*, actor: Actor, operation_id: int, direction: str) -> None:
    """Moves an operation one place up or down (the buttons on the RO page)."""
    require_editor(actor)
    op = Operation.objects.filter(shop=actor.shop, pk=operation_id, removed_at__isnull=True).first()
    if op is None:
        raise NotFound("Operation not found.")
    ids = list(
        Operation.objects.filter(repair_order_id=op.repair_order_id, removed_at__isnull=True)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    i = ids.index(op.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    operation_reorder(actor=actor, ro_id=op.repair_order_id, operation_ids=ids)


def operation_remove(*, actor: Actor, operation_id: int) -> None:
    """Removes an operation from the estimate. Its decisions stay as evidence, so it is kept hidden."""
    require_editor(actor)
    with transaction.atomic():
        op = operation_get_for_update(shop_id=actor.shop.pk, operation_id=operation_id)
        op.removed_at = timezone.now()
        op.save(update_fields=["removed_at", "updated_at"])
        _estimate_changed(repair_order=op.repair_order, actor=actor)


def ro_seen_record(*, user, repair_order_id: int, answered_at: datetime | None) -> None:
    """`user` has just looked at the RO's page (run after the answer, core.http.after_response):
    the Today page counts the customer answers that came after.

    `answered_at` is the RO's last customer answer (None: it has none). A look at an RO no
    customer answered writes nothing (there is nothing to mark read). Otherwise it is one
    statement in autocommit, an upsert that changes the row only when that answer came after
    the last look: no transaction of several statements holding the row's lock while many
    staff keep the page open.
    """
    if answered_at is None:
        return
    when = connection.ops.adapt_datetimefield_value  # as the ORM stores them (SQLite: text)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_roseen (user_id, repair_order_id, seen_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (user_id, repair_order_id) DO UPDATE SET seen_at = excluded.seen_at "
            "WHERE orders_roseen.seen_at < %s",
            [user.pk, repair_order_id, when(timezone.now()), when(answered_at)],
        )
