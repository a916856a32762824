"""What the bench scripts share: Django set up on a database of the bench's own, and timing.

Each script calls `django_setup(url)` inside its `main()`, so a runner may import several and
call them one after another: the first sets Django up, the next ones point the default
connection at their own database.
"""

from __future__ import annotations

import os
import statistics
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup(database_url: str) -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    # Signoff has no built-in key; the bench's data is throwaway.
    os.environ.setdefault("SIGNOFF_SECRET_KEY", "bench-only-secret-key-" + "b" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signoff.settings")
    for folder in (ROOT, ROOT / "src"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    from django.conf import settings

    if not settings.configured:
        os.environ["DATABASE_URL"] = database_url
        import django

        django.setup()
        return
    import dj_database_url
    from django.db import connections

    from signoff.core import install

    connections.close_all()
    database = {
        **dj_database_url.parse(database_url),
        "TIME_ZONE": None,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "OPTIONS": {},
        "TEST": {},
    }
    path = install.sqlite_path(database["NAME"]) if "sqlite" in database["ENGINE"] else None
    if path is not None:  # as settings.py opens a file database
        database["NAME"] = install.sqlite_uri(path)
        database["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
    settings.DATABASES["default"] = database
    connections.__dict__.pop("settings", None)
    connections._settings = None
    if hasattr(connections._connections, "default"):
        delattr(connections._connections, "default")


def percentiles(times_ms: list[float]) -> dict[str, float]:
    """p50 and p95 of a list of times in milliseconds, rounded to 0.01 ms."""
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}
