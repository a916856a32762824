"""What the bench scripts share: Django set up on a database of their own, a secret key, and
percentiles.

Each script calls `django_setup(url)` inside its `main()`. `bench/run.py` runs each script in a
process of its own; within one process a second call points the default connection at the new
database (search.py times a big database against a small one that way).
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_env() -> dict[str, str]:
    """The environment for bench processes: a throwaway secret key unless one is set (Signoff
    has no built-in key), and the sources importable."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # each bench process names its own
    env.setdefault("SIGNOFF_SECRET_KEY", "bench-only-" + secrets.token_urlsafe(32))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    return env


def django_setup(database_url: str, *, settings: str = "bench.settings") -> None:
    """Point Signoff at `database_url`, setting Django up in this process the first time."""
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.update(bench_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    for folder in (str(ROOT / "src"), str(ROOT)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    from django.conf import settings as django_settings

    if not django_settings.configured:
        os.environ["DATABASE_URL"] = database_url
        import django

        django.setup()
        return
    _repoint(database_url)


def _repoint(database_url: str) -> None:
    """Point the default connection of a process whose Django is set up at another database."""
    import dj_database_url
    from django.conf import settings
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


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until `server` (gunicorn) accepts connections on `port`; fail if it exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")
