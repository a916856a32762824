"""`signoff backup PATH [--force] [--no-verify]`: a consistent copy of the database, checked."""

from __future__ import annotations

from pathlib import Path

from signoff.core.commands import SentenceCommand
from signoff.ops.backup import backup


class Command(SentenceCommand):
    help = (
        "Write a consistent copy of the database to PATH (SQLite: the online backup API; "
        "PostgreSQL: pg_dump --format=custom), then check every RO's chain on the copy."
    )
    # A backup must not wait for a configuration check to pass.
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the file to write")
        parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="do not check the copy (PostgreSQL: when no scratch database may be created)",
        )

    def handle(self, *args, path: str, force: bool, no_verify: bool, **options) -> None:
        backup(Path(path), force=force, verify=not no_verify, say=self.stdout.write)
