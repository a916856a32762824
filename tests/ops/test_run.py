"""`signoff run`: one command that migrates, loads the demo, serves, and keeps its worker alive."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.ops.test_install import SIGNOFF, fresh_env

pytestmark = pytest.mark.fault


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int, needle: str) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid), "-f", needle], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def wait_for(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
            return response.status in (200, 503)
    except urllib.error.HTTPError:  # 503 while no worker has reported yet: the web is up
        return True
    except OSError:
        return False


def test_run_restarts_a_worker_that_died_and_stops_cleanly(tmp_path):
    port = free_port()
    log = (tmp_path / "run.log").open("w+")
    run = subprocess.Popen(
        [*SIGNOFF, "run", "--port", str(port)],
        env=fresh_env(tmp_path / "data"),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), seconds=90, what="the web")
        first = wait_for(lambda: children(run.pid, "signoff.cli worker"), seconds=10, what="worker")
        subprocess.run(["kill", "-9", str(first[0])], check=True)

        replaced = wait_for(
            lambda: [p for p in children(run.pid, "signoff.cli worker") if p not in first],
            seconds=20,
            what="a new worker",
        )
        assert replaced
        log.seek(0)
        output = log.read()
        assert "the delivery worker exited with code -9; starting it again" in output
        assert "Demo login: demo / signoff-demo" in output

        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0
        assert not children(run.pid, "signoff")
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        log.close()
