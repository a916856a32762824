"""What the bench scripts share: Django set up on a database of their own, and a secret key.

Each script's `main()` sets Django up for its own database, so run one script per process.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_env() -> dict[str, str]:
    """The environment for bench processes: a throwaway secret key unless one is set (Signoff
    has no built-in key), and the sources importable."""
    env = dict(os.environ)
    env.setdefault("SIGNOFF_SECRET_KEY", "bench-only-" + secrets.token_urlsafe(32))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    return env


def django_setup(database_url: str, *, settings: str = "signoff.settings") -> None:
    """Point Signoff at `database_url` and set Django up in this process."""
    os.environ.update(bench_env())
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    for path in (str(ROOT / "src"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()
