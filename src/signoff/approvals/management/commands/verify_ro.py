"""`signoff verify RO-NUMBER`: recompute a repair order's evidence chain and say if it is intact."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from signoff.approvals.chain import verify_repair_order
from signoff.approvals.selectors import repair_orders_numbered

# "1001", "RO 1001", "RO-1001", "ro1001", "#1001"
_NUMBER = re.compile(r"^\s*(?:RO)?\s*[-#]?\s*(\d+)\s*$", re.IGNORECASE)


def parse_ro_number(text: str) -> int:
    match = _NUMBER.match(text or "")
    if match is None:
        raise CommandError(f"“{text}” is not an RO number. Use e.g. 1001, “RO 1001” or RO-1001.")
    return int(match.group(1))


class Command(BaseCommand):
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
        if result.ok:
            self.stdout.write(f"{heading} intact — {result.checked} records checked.")
            self.stdout.write(f"Latest hash: {result.head_hash}")
            return
        self.stdout.write(f"{heading} BROKEN — {len(result.problems)} problem(s):")
        for problem in result.problems:
            self.stdout.write(f"  - {problem}")
        raise CommandError(f"{ro.label} failed verification: {result.problems[0]}")
