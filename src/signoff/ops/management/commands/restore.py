"""`signoff restore PATH [--force]`: load a copy made by `signoff backup`, then check it."""

from __future__ import annotations

from pathlib import Path

from signoff.core.commands import SentenceCommand
from signoff.ops.backup import restore


class Command(SentenceCommand):
    help = (
        "Replace the database's data with a backup made by `signoff backup` (stop the web and "
        "the workers first), then check every RO's chain. A database that holds any shop or "
        "RO is only replaced with --force."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the file `signoff backup` wrote")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args, path: str, force: bool, **options) -> None:
        restore(Path(path), force=force, say=self.stdout.write)
