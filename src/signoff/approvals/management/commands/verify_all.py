"""`signoff verify --all [--shop SLUG]`: recompute every RO's evidence chain; exit 1 if any broke."""

from __future__ import annotations

from django.core.management.base import CommandError

from signoff.approvals.chain import TAMPERED_ADVICE, verify_all
from signoff.core.commands import SentenceCommand
from signoff.core.errors import NotFound


class Command(SentenceCommand):
    help = (
        "Check the decision chains, signatures and versions of every RO (of every shop, or of "
        "--shop); exit 1 if any was altered."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", help="Only this shop's ROs (its slug).")

    def handle(self, *args, shop: str | None = None, **options):
        try:
            check = verify_all(shop_slug=shop)
        except NotFound as exc:
            raise CommandError(exc.message) from None
        for line in check.lines():
            self.stdout.write(line)
        if not check.ok:
            self.stdout.write(TAMPERED_ADVICE)
            raise CommandError(
                f"{len(check.broken)} of {check.repair_orders} ROs failed verification; "
                "each is listed above with its first problem."
            )
