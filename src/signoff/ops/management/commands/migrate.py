"""`migrate` (and so `signoff migrate`): Django's migrations, then the cache table.

For an SQLite database this is, with `signoff run`, the only place its file may be created:
the connection itself never creates one (settings use `mode=rw`, see signoff.core.install).
"""

from __future__ import annotations

import sqlite3

from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from signoff.core.install import sqlite_path


class Command(MigrateCommand):
    help = "Apply the database migrations and create the cache table (creates a new SQLite file)."

    def execute(self, *args, **options):
        # Before the system checks, which already open the database.
        connection = connections[options["database"]]
        if connection.vendor == "sqlite" and not connection.is_in_memory_db():
            path = sqlite_path(connection.settings_dict["NAME"])
            if path is not None and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                sqlite3.connect(path).close()
        return super().execute(*args, **options)

    def handle(self, *args, **options) -> None:
        super().handle(*args, **options)
        call_command("createcachetable", database=options["database"], verbosity=0)
