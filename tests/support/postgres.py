"""A PostgreSQL server of a test's own, that the test may stop and start (fault tests).

    with PostgresServer(tmp_path) as pg:
        env["DATABASE_URL"] = pg.url
        pg.stop()   # an outage
        pg.start()  # and back, on the same port and data

The test suite's shared PostgreSQL (scripts/with-postgres.sh) cannot be restarted under the
other tests, so outage tests start this one. As root, the server runs as the `postgres` user,
with its data in a folder of its own under the system's temporary folder.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: run `make system-deps` (Debian package postgresql)."
        )
    return Path(found[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, folder: Path, *, database: str = "signoff"):
        self.folder = Path(folder) / "pg"
        self.bin = _bindir()
        self.port = _free_port()
        self.database = database
        self.run_as: list[str] = []
        self._own_folder = False
        if os.getuid() == 0:
            self.run_as = ["runuser", "-u", "postgres", "--"]
            # pytest's folders are root's alone (0700 all the way up): the postgres user could
            # not reach one, so its data goes in a folder of its own, removed afterwards.
            self.folder = Path(tempfile.mkdtemp(prefix="signoff-pg-"))
            self._own_folder = True

    @property
    def url(self) -> str:
        return f"postgres://signoff@127.0.0.1:{self.port}/{self.database}"

    def url_for(self, database: str) -> str:
        return f"postgres://signoff@127.0.0.1:{self.port}/{database}"

    @property
    def bindir(self) -> Path:
        return self.bin

    def _run(self, *argv: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.run_as, *argv], check=True, timeout=timeout, capture_output=True, text=True
        )

    def init(self) -> PostgresServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            shutil.chown(self.folder, "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.folder / "data"),
            "-U",
            "signoff",
            "--auth=trust",
            "-E",
            "UTF8",
        )
        self.start()
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "signoff",
            self.database,
        )
        return self

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"
        )

    def __enter__(self) -> PostgresServer:
        return self.init()

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the test already
            self.stop("immediate")
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
