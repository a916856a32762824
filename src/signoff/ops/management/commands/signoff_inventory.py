"""What `signoff backup` runs on its copy, in a process of its own: the counts and the chains."""

from __future__ import annotations

from django.core.management.base import CommandError

from signoff.core.commands import SentenceCommand
from signoff.ops.backup import BROKEN_EXIT, inventory


class Command(SentenceCommand):
    help = (
        "Print what the database holds and check every RO's chain; exit "
        f"{BROKEN_EXIT} if a chain is broken. `signoff backup` runs it on the copy it made."
    )
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        held = inventory()
        for line in held.lines():
            self.stdout.write(line)
        if not held.check.ok:
            raise CommandError(
                f"{len(held.check.broken)} ROs failed verification.", returncode=BROKEN_EXIT
            )
