"""What changed in an operation, in words: "Labor 1.5 h → 2.0 h; part “Brake pads” added;
$180.00 → $240.00".

Both sides are an operation's content as `orders.pricing.operation_content` gives it (the shape
estimate versions keep), so the same words describe an edit as staff saved it (the reset
decision's comment, shown in View details) and the difference between the version a contact
last answered and the one they see now (the customer page, in their language). Amounts are
before tax, as an operation's subtotal is.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from signoff.core.formatting import money, quantity

# Text fields staff edit, with the word each is called by (the customer page's "description").
_TEXT_FIELDS = (
    ("title", "Title"),
    ("complaint", "Concern"),
    ("cause", "Cause"),
    ("correction", "Repair"),
)


def _kind_word(kind: str) -> str:
    return {"labor": _("Labor"), "part": _("part"), "fee": _("fee")}.get(kind, kind)


def _line_name(line: Mapping, *, one_labor: bool = False) -> str:
    """ "part “Brake pads”"; labor is just "Labor" when it is the operation's one labor line."""
    description = line.get("description") or line.get("part_number") or ""
    if line["kind"] == "labor":
        return _("Labor") if one_labor or not description else f"{_('Labor')} “{description}”"
    return f"{_kind_word(line['kind'])} “{description}”"


def _key(line: Mapping) -> tuple[str, str, str]:
    """Lines have no identity of their own in a version: one is the same line when its kind,
    part number and description match (a renamed line reads as one removed, one added)."""
    return (line["kind"], line.get("part_number", ""), line.get("description", "").casefold())


def _hours(value: str) -> str:
    return _("%(hours)s h") % {"hours": quantity(value)}


def _line_changes(before: Mapping, after: Mapping, *, one_labor: bool, prices: bool) -> list[str]:
    name = _line_name(after, one_labor=one_labor)
    changed = []
    if Decimal(before["quantity"]) != Decimal(after["quantity"]):
        if after["kind"] == "labor":
            changed.append(f"{name} {_hours(before['quantity'])} → {_hours(after['quantity'])}")
        else:
            changed.append(
                _("%(line)s quantity %(before)s → %(after)s")
                % {
                    "line": name,
                    "before": quantity(before["quantity"]),
                    "after": quantity(after["quantity"]),
                }
            )
    if prices and Decimal(before["unit_price"]) != Decimal(after["unit_price"]):
        label = _("%(line)s rate") if after["kind"] == "labor" else _("%(line)s price")
        changed.append(
            f"{label % {'line': name}} {money(before['unit_price'])} → {money(after['unit_price'])}"
        )
    if prices and bool(before.get("taxable")) != bool(after.get("taxable")):
        changed.append(
            (_("%(line)s now taxed") if after.get("taxable") else _("%(line)s no longer taxed"))
            % {"line": name}
        )
    return changed


def _lines_changes(before: list[Mapping], after: list[Mapping], *, prices: bool) -> list[str]:
    was: dict[tuple, list[Mapping]] = {}
    for line in before:
        was.setdefault(_key(line), []).append(line)
    one_labor = all(sum(line["kind"] == "labor" for line in side) <= 1 for side in (before, after))
    changed = []
    for line in after:
        matches = was.get(_key(line))
        if matches:
            changed.extend(_line_changes(matches.pop(0), line, one_labor=one_labor, prices=prices))
        else:
            changed.append(_("%(line)s added") % {"line": _line_name(line)})
    for left in was.values():
        changed.extend(_("%(line)s removed") % {"line": _line_name(line)} for line in left)
    return changed


def operation_changes(
    before: Mapping, after: Mapping, *, prices: bool = True, subtotal: bool = True
) -> list[str]:
    """The differences between two contents of one operation, in the active language, in the
    order a reader checks them: what it is, its lines, then its subtotal before tax. Empty when
    nothing a customer sees changed. Without `prices` (a share that shows none) no amount is
    named: only what was added, removed, or how many. Without `subtotal`, the subtotal's own
    change is left to the caller (a page that shows it beside the title)."""
    changed = []
    if before.get("kind") != after.get("kind"):
        changed.append(
            _("Recommendation → estimate work")
            if after.get("kind") == "estimate"
            else _("Estimate work → recommendation")
        )
    for field, word in _TEXT_FIELDS:
        old, new = (before.get(field) or "").strip(), (after.get(field) or "").strip()
        if old == new:
            continue
        if field == "title":
            changed.append(_("Title “%(before)s” → “%(after)s”") % {"before": old, "after": new})
        else:
            changed.append(_("%(field)s changed") % {"field": _(word)})
    changed.extend(_lines_changes(before.get("lines", []), after.get("lines", []), prices=prices))
    if prices and subtotal and Decimal(before["subtotal"]) != Decimal(after["subtotal"]):
        changed.append(f"{money(before['subtotal'])} → {money(after['subtotal'])}")
    return changed


def changes_in_words(before: Mapping, after: Mapping) -> str:
    """`operation_changes` as one sentence ("Labor 1.5 h → 2.0 h; $180.00 → $240.00")."""
    return "; ".join(operation_changes(before, after))
