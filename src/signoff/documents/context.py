"""The JSON the typst templates print: built from a version's snapshot and the RO's evidence.

Pure functions, no queries: render.py fetches the rows (with the relations these functions read
already joined) and passes them in. Everything is turned into display strings here, so the
templates only lay text out and never compute or decide what a customer may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from signoff.approvals.amounts import TAX_WORDS
from signoff.approvals.authorization import AuthorizationEntry, signed_amount, signed_total
from signoff.approvals.models import Source, Status, source_label
from signoff.core import formatting as fmt
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.shops.branding import Brand, brand_for_accent
from signoff.shops.models import DEFAULT_ACCENT

PAPER_SIZES = frozenset({"us-letter", "a4"})
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
KIND_LABELS = {
    "estimate": "Estimate",
    "recommendation": "Recommendations",
    "not_to_exceed": "Not-to-exceed amount",
}
# Every amount printed says whether tax is in it (approvals.amounts.TAX_WORDS for the rest).
WITH_TAX = "with tax"
LINE_KINDS = [("labor", "Labor", "labor"), ("part", "Part", "parts"), ("fee", "Fee", "prices")]


def paper(size: str | None) -> str:
    return size if size in PAPER_SIZES else "us-letter"


def sections_chosen(sections: Iterable[str] | None) -> frozenset[str]:
    """The sections to print; None means all. Unknown keys are a caller's bug, so they raise."""
    if sections is None:
        return frozenset(PDF_SECTION_KEYS)
    chosen = frozenset(sections)
    unknown = chosen - set(PDF_SECTION_KEYS)
    if unknown:
        raise ValueError(f"Unknown PDF sections: {', '.join(sorted(unknown))}")
    return chosen


def status_badge(status: str) -> dict:
    label = Status(status).label if status in Status.values else str(status).title()
    return {"key": status, "label": label}


def png_bytes(value) -> list[int] | None:
    """A PNG as a list of byte values for typst's `bytes()`; anything else is left out.

    Images travel inside the JSON like every other datum, so no file path or markup is built
    from data; a damaged upload must not make the whole document fail to compile.
    """
    if value is None:
        return None
    raw = bytes(value)
    return list(raw) if raw.startswith(PNG_MAGIC) else None


def _decision_who(decision) -> str:
    if decision.source == Source.SYSTEM:
        return "Signoff"
    return fmt.person_name(decision.contact_name, decision.contact_relationship) or "Customer"


def _decision_detail(decision, *, show_money: bool) -> str:
    parts = []
    if decision.source == Source.ON_BEHALF and decision.recorded_by_id:
        parts.append(f"Recorded by {fmt.staff_name(decision.recorded_by)}")
    if decision.reason_label:
        parts.append(decision.reason_label)
    if decision.phone_number:
        parts.append(f"Called {fmt.format_phone(decision.phone_number)}")
    if show_money and decision.amount is not None and decision.status == Status.APPROVED:
        # Only an approval authorizes an amount; a decline or deferral authorizes nothing.
        parts.append(f"Authorized {fmt.money(decision.amount)} {TAX_WORDS}")
    if decision.comment:
        parts.append(f"“{decision.comment}”")
    return " · ".join(parts)


def history_row(decision, zone, *, show_money: bool) -> dict:
    return {
        "when": fmt.when(decision.created_at, zone),
        "status": status_badge(decision.status),
        "who": _decision_who(decision),
        "how": source_label(decision.source),
        "detail": _decision_detail(decision, show_money=show_money),
    }


def signature_entry(
    signature, operation_titles: list[str], covered: list | None = None
) -> AuthorizationEntry:
    """A Signature row as an authorization entry, for the estimate PDF's signature cards, with
    its amounts stated as the certificate states them (`covered`: its decisions).

    The estimate prints less than the certificate: no statuses, staff, link owner or IP.
    """
    return AuthorizationEntry(
        repair_order_id=signature.repair_order_id,
        kind=signature.kind,
        signer=signature.contact_name,
        relationship=signature.contact_relationship,
        when=signature.created_at,
        how=source_label(signature.source),
        source=signature.source,
        version=signature.version.number,
        amount=signed_amount(signature, covered or []),
        signed_total=signed_total(signature),
        operations=operation_titles,
        signature_id=signature.pk,
        signature_png=bytes(signature.png),
    )


def signature_entries(signatures: Iterable, decisions: Iterable) -> list[AuthorizationEntry]:
    """Signature rows as authorization entries, each naming the operations it was given for."""
    titles: dict[int, list[str]] = {}
    covered: dict[int, list] = {}
    for decision in decisions:
        if decision.signature_id:
            titles.setdefault(decision.signature_id, []).append(decision.operation.title)
            covered.setdefault(decision.signature_id, []).append(decision)
    return [
        signature_entry(sig, titles.get(sig.pk, []), covered.get(sig.pk, [])) for sig in signatures
    ]


def _covered(entry: AuthorizationEntry) -> list[str]:
    """What the entry authorized: 'Front brake pads (Approved)' when statuses are given."""
    if entry.decisions:
        return [f"{d.operation} ({status_badge(d.status)['label']})" for d in entry.decisions]
    return [str(title) for title in entry.operations]


def _entry_detail(entry: AuthorizationEntry) -> str:
    parts = []
    if entry.recorded_by:
        parts.append(f"Recorded by {entry.recorded_by}")
    if entry.via:
        parts.append(f"Through {entry.via}'s link")
    if entry.ip:
        parts.append(f"IP {entry.ip}")
    if entry.comment:
        parts.append(f"“{entry.comment}”")
    return " · ".join(parts)


def _signer(entry: AuthorizationEntry) -> str:
    return fmt.person_name(entry.signer, entry.relationship) or "Customer"


def _with_words(amount: Decimal | None, words: str) -> str | None:
    """'$400.00 before tax': an amount always printed with whether tax is in it."""
    return None if amount is None else f"{fmt.money(amount)} {words}"


def authorization_rows(
    entries: Iterable[AuthorizationEntry], zone, *, show_money: bool = True
) -> list[dict]:
    """The authorization summary as printed (entries from approvals' authorization_summary)."""
    return [
        {
            "signer": _signer(entry),
            "when": fmt.when(entry.when, zone),
            "how": source_label(entry.how),
            "version": f"Version {entry.version}" if entry.version else "",
            "amount": _with_words(entry.amount, TAX_WORDS) if show_money else None,
            "signed_total": _with_words(entry.signed_total, WITH_TAX) if show_money else None,
            "kind": KIND_LABELS.get(entry.kind, entry.kind),
            "operations": _covered(entry),
            "detail": _entry_detail(entry),
            "png": png_bytes(entry.signature_png),
            "typed": f"Typed name: {entry.typed_name}" if entry.typed_name else "",
        }
        for entry in entries
    ]


def _lines(operation: Mapping, chosen: frozenset[str]) -> list[dict]:
    show_money = "prices" in chosen
    rows = []
    for kind, label, section in LINE_KINDS:
        if section not in chosen:
            continue
        for line in operation.get("lines", []):
            if line.get("kind") != kind:
                continue
            qty = fmt.quantity(line.get("quantity"))
            rows.append(
                {
                    "kind": label,
                    "description": line.get("description") or label,
                    "part_number": line.get("part_number") or "",
                    "quantity": f"{qty} h" if kind == "labor" else qty,
                    "unit_price": fmt.money(line.get("unit_price")) if show_money else None,
                    "amount": fmt.money(line.get("amount")) if show_money else None,
                }
            )
    return rows


def _operation(operation: Mapping, number: str, chosen: frozenset[str], history: list[dict]):
    statuses = "statuses" in chosen
    return {
        "number": number,
        "title": operation.get("title") or "",
        "complaint": operation.get("complaint") or "",
        "cause": operation.get("cause") or "",
        "correction": operation.get("correction") or "",
        "status": status_badge(operation.get("status") or Status.PENDING) if statuses else None,
        "lines": _lines(operation, chosen),
        "subtotal": fmt.money(operation.get("subtotal")) if "prices" in chosen else None,
        "history": history if statuses else [],
    }


def _totals(totals: Mapping, tax_rate: str, *, total_label: str) -> list[dict]:
    rows = [{"label": "Labor", "value": fmt.money(totals.get("labor")), "strong": False}]
    rows.append({"label": "Parts", "value": fmt.money(totals.get("parts")), "strong": False})
    if Decimal(totals.get("fees") or 0):
        rows.append({"label": "Fees", "value": fmt.money(totals.get("fees")), "strong": False})
    rows.append({"label": "Subtotal", "value": fmt.money(totals.get("subtotal")), "strong": False})
    tax_label = f"Tax ({fmt.percent(tax_rate)})" if tax_rate else "Tax"
    rows.append({"label": tax_label, "value": fmt.money(totals.get("tax")), "strong": False})
    rows.append({"label": total_label, "value": fmt.money(totals.get("total")), "strong": True})
    return rows


def _group(title, operations, prefix, chosen, histories, totals) -> dict:
    return {
        "title": title,
        "operations": [
            _operation(op, f"{prefix}{i}", chosen, histories.get(op.get("id"), []))
            for i, op in enumerate(operations, start=1)
        ],
        "totals": totals,
    }


def _customer(snapshot: Mapping) -> dict | None:
    customer = snapshot.get("customer")
    if not customer:
        return None
    kind = "Business / fleet" if customer.get("kind") == "business" else "Individual"
    return {"name": customer.get("name") or "", "kind": kind}


def vehicle_rows(vehicle: Mapping | None) -> dict | None:
    if not vehicle:
        return None
    facts = [
        ("VIN", vehicle.get("vin")),
        ("Unit", vehicle.get("unit_number")),
        ("Plate", vehicle.get("license_plate")),
        ("Odometer", f"{vehicle['odometer']:,} mi" if vehicle.get("odometer") else ""),
    ]
    return {
        "description": vehicle.get("description") or "Vehicle",
        "facts": [{"label": label, "value": str(value)} for label, value in facts if value],
    }


# typst's names for the image formats a logo is stored in.
LOGO_FORMATS = {"png": "png", "jpeg": "jpg", "svg": "svg"}
# Wider than this (width / height), a logo is sized by its width in the letterhead.
LOGO_WIDE = 3.5


def brand_block(brand: Brand | None, logo: bytes | None = None) -> dict:
    """The shop's colours and logo for the letterhead and headings (common.typ `brand`).

    `accent` draws rules, `accent_ink` headings (the accent, darkened when too light to read on
    white). `logo` is the stored file (a sanitized SVG or a re-encoded PNG/JPEG) as bytes; the
    letterhead leaves the logo out when there is none."""
    brand = brand or brand_for_accent(DEFAULT_ACCENT)
    block = {"accent": brand.accent, "accent_ink": brand.accent_ink, "logo": None}
    if brand.logo is not None and logo:
        ratio = brand.logo.width / brand.logo.height if brand.logo.height else 1
        block["logo"] = {
            "format": LOGO_FORMATS[brand.logo.type],
            "bytes": list(logo),
            "wide": ratio > LOGO_WIDE,
        }
    return block


def shop_header(shop: Mapping) -> dict:
    return {
        "name": shop.get("name") or "",
        "address": shop.get("address") or "",
        "phone": fmt.format_phone(shop.get("phone")),
        "email": shop.get("email") or "",
    }


def estimate_context(
    *,
    snapshot: Mapping,
    version_number: int | None,
    version_hash: str,
    version_created_at: datetime | str | None,
    decisions: Iterable = (),
    signatures: Iterable = (),
    sections: Iterable[str] | None = None,
    include_etr: bool = True,
    notes: str = "",
    draft: bool = False,
    brand: dict | None = None,
) -> dict:
    """What the estimate template gets. A section switched off leaves no data behind at all.

    `decisions` and `signatures` are the RO's evidence the document may show (render.py decides
    which: those recorded by the time the version was made); decisions need `recorded_by` and
    `operation` joined, signatures `version`. A `draft` is the RO as it is now, not a version:
    it prints "Draft" where a version prints its number and hash, so a printed preview cannot
    be taken for what the customer was shown. `brand` is a `brand_block` (default: Signoff's).
    """
    chosen = sections_chosen(sections)
    shop = snapshot.get("shop") or {}
    zone = fmt.shop_zone(shop.get("timezone"))
    ro = snapshot.get("repair_order") or {}
    show_money = "prices" in chosen
    decisions = list(decisions)

    histories: dict[int, list[dict]] = {}
    for decision in decisions:
        row = history_row(decision, zone, show_money=show_money)
        histories.setdefault(decision.operation_id, []).append(row)

    operations = snapshot.get("operations") or []
    estimate_ops = [op for op in operations if op.get("kind") != "recommendation"]
    totals = snapshot.get("totals") or {}
    tax_rate = snapshot.get("tax_rate") or ""
    estimate_totals = None
    if show_money:
        estimate_totals = _totals(totals.get("estimate") or {}, tax_rate, total_label="Total")
        if "statuses" in chosen and totals.get("approved"):
            approved = _with_words(totals["approved"].get("total"), WITH_TAX)
            estimate_totals.append({"label": "Approved work", "value": approved, "strong": False})
    groups = [_group("Estimate", estimate_ops, "", chosen, histories, estimate_totals)]

    recommendations = [op for op in operations if op.get("kind") == "recommendation"]
    if "recommendations" in chosen and recommendations:
        rec_totals = None
        if show_money:
            rec_totals = _totals(
                totals.get("recommendations") or {}, tax_rate, total_label="Recommended total"
            )
        groups.append(
            _group("Recommendations", recommendations, "R", chosen, histories, rec_totals)
        )

    etr = fmt.when(ro.get("etr"), zone) if include_etr else ""
    note_blocks = []
    if "notes" in chosen:
        if ro.get("customer_notes"):  # never `notes`: a schema-1 snapshot's were the staff's
            note_blocks.append({"label": "Repair order notes", "text": ro["customer_notes"]})
        if notes:
            note_blocks.append({"label": "Note from the shop", "text": notes})

    signature_rows = None
    if "signatures" in chosen:
        entries = signature_entries(signatures, decisions)
        signature_rows = authorization_rows(entries, zone, show_money=show_money)

    with_vehicle = "customer_vehicle" in chosen
    return {
        "paper": paper(shop.get("paper_size")),
        "shop": shop_header(shop),
        "brand": brand or brand_block(None),
        "document": {
            "title": (
                f"Estimate {ro.get('label') or ''} draft"
                if draft
                else f"Estimate {ro.get('label') or ''} version {version_number}"
            ).strip(),
            "ro": ro.get("label") or f"RO {ro.get('number', '')}",
            "ro_number": str(ro.get("number", "")),
            "draft": draft,
            "version": "Draft" if draft else version_number,
            "hash": "" if draft else version_hash,
            "date": fmt.day(version_created_at, zone),
            "advisor": ro.get("advisor") or "",
            "po_number": ro.get("po_number") or "",
            "etr": etr,
        },
        "customer": _customer(snapshot) if with_vehicle else None,
        "vehicle": vehicle_rows(snapshot.get("vehicle")) if with_vehicle else None,
        "show": {"prices": show_money, "statuses": "statuses" in chosen},
        "groups": groups,
        "notes": note_blocks,
        "signatures": signature_rows,
    }


def certificate_context(
    *,
    repair_order,
    versions: Iterable,
    decisions: Iterable,
    authorization: Iterable[AuthorizationEntry],
    chain,
    verify_url: str,
    qr_png: bytes,
    generated_at: datetime,
    brand: dict | None = None,
    esign_consents: Iterable = (),
) -> dict:
    """What the certificate template gets: every version, signer and decision, and the check.

    `repair_order` needs shop, customer and vehicle joined; decisions need operation, recorded_by
    and version; `chain` is a VerifyResult (.ok, .checked, .problems).
    """
    shop = repair_order.shop
    zone = fmt.shop_zone(shop.timezone)
    vehicle = repair_order.vehicle
    vehicle_data = None
    if vehicle is not None:
        vehicle_data = {
            "description": vehicle.description,
            "vin": vehicle.vin,
            "unit_number": vehicle.unit_number,
            "license_plate": vehicle.license_plate,
            "odometer": repair_order.odometer_in or vehicle.odometer,
        }
    problems = [str(problem) for problem in chain.problems]
    if chain.ok:
        summary = f"Record chain intact: {chain.checked} records checked, none altered."
    else:
        summary = f"Problem found after checking {chain.checked} records."
    return {
        "paper": paper(shop.paper_size),
        "shop": shop_header(
            {"name": shop.name, "address": shop.address, "phone": shop.phone, "email": shop.email}
        ),
        "brand": brand or brand_block(None),
        "document": {
            "title": f"Authorization certificate {repair_order.label}",
            "ro": repair_order.label,
            "ro_number": str(repair_order.number),
            "status": repair_order.get_status_display(),
            "po_number": repair_order.po_number,
            "generated": fmt.when(generated_at, zone),
            "zone": str(zone),
        },
        "customer": {"name": repair_order.customer.name},
        "vehicle": vehicle_rows(vehicle_data),
        "chain": {"ok": bool(chain.ok), "summary": summary, "problems": problems},
        "verify": {"url": verify_url, "qr": list(qr_png)},
        "versions": [
            {
                "number": version.number,
                "created": fmt.when(version.created_at, zone),
                "hash": version.content_hash,
                "total": _with_words(version.total, WITH_TAX),
            }
            for version in versions
        ],
        "signers": authorization_rows(authorization, zone),
        "consents": _certificate_consents(authorization, zone),
        "esign": [_certificate_esign(c, repair_order, zone) for c in esign_consents],
        "decisions": [_certificate_decision(decision, zone) for decision in decisions],
    }


def _certificate_esign(consent, repair_order, zone) -> dict:
    """One acceptance of the e-sign disclosure (E-SIGN Act 7001(c)): who, which version, when,
    from where, where it is chained, and the text word for word with its SHA-256."""
    elsewhere = consent.repair_order_id != repair_order.pk
    return {
        "signer": consent.contact_name,
        "version": consent.disclosure_version,
        "when": fmt.when(consent.created_at, zone),
        "how": source_label(consent.source),
        "ip": consent.ip or "",
        "user_agent": consent.user_agent,
        "sha256": consent.text_sha256,
        "where": f"Recorded on {consent.repair_order.label}"
        if elsewhere
        else f"Record #{consent.sequence} of this chain",
        "text": consent.text,
    }


def _certificate_consents(entries: Iterable[AuthorizationEntry], zone) -> list[dict]:
    """Each signature's consent statement, word for word as stored, with the hash it signed."""
    return [
        {
            "signer": _signer(entry),
            "when": fmt.when(entry.when, zone),
            "version": entry.version,
            "hash": entry.version_hash,
            "text": entry.consent_text,
        }
        for entry in entries
        if entry.consent_text
    ]


def _certificate_decision(decision, zone) -> dict:
    row = history_row(decision, zone, show_money=True)
    row["sequence"] = decision.sequence
    row["operation"] = decision.operation.title
    row["version"] = decision.version.number if decision.version_id else None
    row["ip"] = decision.ip if decision.source == Source.LINK and decision.ip else ""
    return row
