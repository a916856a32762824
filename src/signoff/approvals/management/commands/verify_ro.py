"""`signoff verify RO-NUMBER`: recompute a repair order's evidence chain and say if it is intact."""

from __future__ import annotations

import re

from django.core.management.base import CommandError

from signoff.approvals.chain import TAMPERED_ADVICE, verify_repair_order
from signoff.approvals.selectors import repair_orders_numbered
from signoff.core.commands import SentenceCommand

# "1001", "RO 1001", "RO-1001", "ro1001", "#1001"
_NUMBER = re.compile(r"^\s*(?:RO)?\s*[-#]?\s*(\d+)\s*$", re.IGNORECASE)


def parse_ro_number(text: str) -> int:
    match = _NUMBER.match(text or "")
    if match is None:
        raise CommandError(f"“{text}” is not an RO number. Use e.g. 1001, “RO 1001” or RO-1001.")
    return int(match.group(1))


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


class Command(SentenceCommand):
    help = "Check an RO's decision chain, signatures and versions; exit 1 if anything was altered."

    def add_arguments(self, parser):
        parser.add_argument("number", help='The RO number: 1001, "RO 1001" or RO-1001.')
        parser.add_argument("--shop", help="The shop's slug, when several shops have that number.")

    def handle(self, *args, number: str, shop: str | None = None, **options):
        ro_number = parse_ro_number(number)
        found = repair_orders_numbered(number=ro_number, shop_slug=shop)
        if not found:
            where = f" in shop “{shop}”" if shop else ""
            raise CommandError(f"No RO {ro_number}{where}.")
        if len(found) > 1:
            slugs = ", ".join(ro.shop.slug for ro in found)
            raise CommandError(f"RO {ro_number} exists in several shops ({slugs}); add --shop.")
        ro = found[0]
        result = verify_repair_order(repair_order=ro)
        heading = f"{ro.label} ({ro.shop.name}):"
        if result.ok and result.checked == 0:
            self.stdout.write(
                f"{heading} intact — nothing recorded yet "
                "(no decisions, signatures or estimate versions)."
            )
            return
        if result.ok:
            self.stdout.write(f"{heading} intact — {_records(result.checked)} checked.")
            self.stdout.write(f"Latest hash: {result.head_hash}")
            return
        count = len(result.problems)
        self.stdout.write(f"{heading} BROKEN — {count} problem{'' if count == 1 else 's'}:")
        for problem in result.problems:
            self.stdout.write(f"  - {problem}")
        self.stdout.write(TAMPERED_ADVICE)
        raise CommandError(f"{ro.label} failed verification: {result.problems[0]}")
