"""Facts about this install that settings and the `signoff` command both need, without Django.

- where the data folder is;
- the per-install secret key file (created once, mode 600, by `signoff migrate` / `run`);
- whether the install is configured for production (then `signoff run` never loads demo data);
- the SQLite file behind the default database, which only `signoff migrate` / `run` may create.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

SECRET_KEY_FILENAME = "secret_key"
SQLITE_FILENAME = "signoff.sqlite3"


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The data folder: `SIGNOFF_DATA_DIR`, else `./var`."""
    return Path(env.get("SIGNOFF_DATA_DIR") or Path.cwd() / "var").resolve()


def secret_key_path(folder: Path) -> Path:
    return folder / SECRET_KEY_FILENAME


def secret_key_read(folder: Path) -> str:
    """The key kept in the data folder, or "" when there is none yet."""
    try:
        return secret_key_path(folder).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return ""


def secret_key_ensure(folder: Path) -> tuple[Path, bool]:
    """Create the data folder's secret key once (64 random bytes, file mode 600).

    Returns the file and whether it was created now. An existing key is never replaced:
    replacing it would sign everyone out and stop outstanding share links from being sent.
    """
    path = secret_key_path(folder)
    if secret_key_read(folder):
        return path, False
    folder.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once cannot both write a key; the loser reads the winner's.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path, False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(64) + "\n")
    return path, True


def production_reasons(env: Mapping[str, str] = os.environ) -> list[str]:
    """Why this install counts as production; empty for a try-out on one machine.

    Production is any of: a `DATABASE_URL` that is not SQLite, an https `SIGNOFF_SITE_URL`, or
    `SIGNOFF_ENV=production`.
    """
    reasons = []
    if env.get("SIGNOFF_ENV", "").strip().lower() == "production":
        reasons.append("SIGNOFF_ENV is production")
    database_url = env.get("DATABASE_URL", "").strip()
    if database_url and not database_url.lower().startswith("sqlite"):
        scheme = database_url.split(":", 1)[0]
        reasons.append(f"DATABASE_URL points at a {scheme} server")
    if env.get("SIGNOFF_SITE_URL", "").strip().lower().startswith("https://"):
        reasons.append("SIGNOFF_SITE_URL is https")
    return reasons


def sqlite_uri(path: Path) -> str:
    """An SQLite URI for an existing file that never creates one (`mode=rw`).

    Without it, a moved or deleted database file would be silently replaced by an empty one,
    and every page would fail with "no such table" while the database itself looked fine.
    """
    return f"{path.resolve().as_uri()}?mode=rw"


def sqlite_path(name: str) -> Path | None:
    """The file behind a database NAME from `sqlite_uri` (or a plain path); None for memory."""
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        from urllib.parse import unquote, urlsplit

        return Path(unquote(urlsplit(name).path))
    return Path(name)
