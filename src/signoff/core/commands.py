"""A base for the operator's management commands: failures are one plain sentence.

Django prints a CommandError as "CommandError: …" and a database that does not answer as a
traceback; the operator's commands (`signoff verify`, `backup`, `restore`) print one sentence
on stderr instead, and exit with the error's return code (1 for the database). With
--traceback, or called from code (call_command), the exception is raised as it is.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError


class SentenceCommand(BaseCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except (CommandError, DatabaseError) as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            if isinstance(exc, CommandError):
                self.stderr.write(str(exc))
                sys.exit(exc.returncode)
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.stderr.write(
                f"The database failed: {first}. Check DATABASE_URL and that the database "
                "server is running."
            )
            sys.exit(1)
