"""The README's Production recipe, followed as written, on a fresh data folder and a throwaway
PostgreSQL, ends with a decision recorded and the estimate delivered to an SMTP server.

Every `signoff …` line of the recipe runs exactly as the README has it, in order, with the
README's settings file. Only what points at this machine is swapped for local stand-ins: the
database, the data and backup folders, the SMTP server (which speaks no TLS) and the port.
Steps 1 and 2 (create the database, install the package) are what this test's PostgreSQL and
virtualenv already are.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.ops.test_run import free_port, wait_for
from tests.support.postgres import PostgresServer
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.fault

README = Path(__file__).resolve().parents[2] / "README.md"
SITE_HOST = "estimates.example.com"


def recipe() -> tuple[dict[str, str], list[str]]:
    """The Production section's settings file and its `signoff …` command lines, in order."""
    text = README.read_text()
    section = text.split("## Production", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    settings: dict[str, str] = {}
    commands: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if all(re.match(r"^[A-Z_]+=", line) for line in lines):
            for line in lines:
                name, value = line.split("=", 1)
                settings[name] = " ".join(shlex.split(value))
        commands += [line for line in lines if line.startswith("signoff ")]
    return settings, commands


def local_stand_ins(tmp_path: Path, pg: PostgresServer, smtp: SmtpSink) -> dict[str, str]:
    return {
        "DATABASE_URL": pg.url,
        "SIGNOFF_DATA_DIR": str(tmp_path / "data"),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "SIGNOFF_SMTP_HOST": "127.0.0.1",
        "SIGNOFF_SMTP_PORT": str(smtp.port),
        "SIGNOFF_SMTP_USER": "",
        "SIGNOFF_SMTP_PASSWORD": "",
        "PORT": str(free_port()),
    }


class Api:
    """What the TLS proxy in front of Signoff would send: the site's Host, X-Forwarded-Proto."""

    def __init__(self, port: int, token: str = ""):
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310 - a local test server
            self.base + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Host": SITE_HOST,
                "X-Forwarded-Proto": "https",
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")
        except OSError:
            return 0, {}


def test_the_readme_production_recipe_ends_with_a_decision_and_a_delivered_email(tmp_path):
    settings, commands = recipe()
    assert [c.split()[1] for c in commands] == [
        "migrate",
        "check",
        "shop",
        "token",
        "web",
        "worker",
        "backup",
    ]
    with PostgresServer(tmp_path) as pg, SmtpSink() as smtp:
        stand_ins = local_stand_ins(tmp_path, pg, smtp)
        assert set(stand_ins) <= set(settings), "the README's settings file lost a variable"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNOFF_", "DATABASE"))}
        base.pop("DJANGO_SETTINGS_MODULE", None)
        base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process
        env = {**base, **settings, **stand_ins, "SIGNOFF_SMTP_TLS": "0"}
        # The README's /opt/signoff/bin: this test's virtualenv.
        env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
        (tmp_path / "backups").mkdir()
        background: list[subprocess.Popen] = []
        printed: dict[str, str] = {}
        api = Api(int(env["PORT"]))
        try:
            for command in commands:
                name = command.split()[1]
                if name in ("web", "worker"):
                    log = (tmp_path / f"{name}.log").open("w")
                    background.append(
                        subprocess.Popen(
                            ["bash", "-c", f"exec {command}"], env=env, stdout=log, stderr=log
                        )
                    )
                    if name == "web":
                        probe = Api(int(env["PORT"]))
                        wait_for(lambda: probe.call("GET", "/healthz")[0], seconds=60, what="web")
                    else:
                        # Serving and delivering: the shop's first day, before the night's backup.
                        decided_and_delivered(api, smtp)
                    continue
                done = subprocess.run(
                    ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120
                )
                assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
                printed[name] = done.stdout + done.stderr
                if name == "token":
                    token = done.stdout.strip().splitlines()[-1]
                    api = Api(int(env["PORT"]), token)

            assert "password: " in printed["shop"]
            assert "Signoff's checks passed." in printed["check"]
            assert (Path(env["SIGNOFF_DATA_DIR"]) / "secret_key").stat().st_mode & 0o077 == 0
            status, health = api.call("GET", "/healthz")
            assert (status, health["status"]) == (200, "ok"), health
            [dump] = (tmp_path / "backups").iterdir()
            assert dump.read_bytes()[:5] == b"PGDMP"
            assert "1 decision" in printed["backup"], printed["backup"]
        finally:
            for process in background:
                process.send_signal(signal.SIGTERM)
            for process in background:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def decided_and_delivered(api: Api, smtp: SmtpSink) -> None:
    """Through the API as the new owner: a customer, an RO with one job, approved on the
    customer's behalf after a phone call, and the updated estimate emailed to them."""
    status, customer = api.call(
        "POST",
        "/api/v1/customers",
        {
            "kind": "individual",
            "name": "Dana Rivera",
            "primary": {"email": "dana@example.com", "notify": "email"},
        },
    )
    assert status == 201, customer
    status, ro = api.call("POST", "/api/v1/repair-orders", {"customer_id": customer["id"]})
    assert status == 201, ro
    status, op = api.call(
        "POST",
        f"/api/v1/repair-orders/{ro['id']}/operations",
        {
            "title": "Replace front brake pads",
            "lines": [{"kind": "labor", "quantity": "1.5", "unit_price": "150.00"}],
        },
    )
    assert status == 201, op
    status, reasons = api.call("GET", "/api/v1/approval-reasons")
    assert status == 200, reasons
    email_reason = next(r for r in reasons if r["label"] == "Email")
    status, decision = api.call(
        "POST",
        f"/api/v1/operations/{op['id']}/decisions",
        {"status": "approved", "reason": email_reason["id"], "comment": "Approved by email"},
    )
    assert status == 201, decision
    status, share = api.call(
        "POST",
        f"/api/v1/repair-orders/{ro['id']}/shares",
        {
            "kind": "send_updated",
            "recipients": [{"contact_id": customer["contacts"][0]["id"], "channels": ["email"]}],
        },
    )
    assert status == 201, share
    deadline = time.monotonic() + 60
    while not smtp.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    [message] = smtp.messages
    assert message["To"] == "Dana Rivera <dana@example.com>"
    body = message.get_body(("plain",)).get_content()
    assert f"https://{SITE_HOST}/s/" in body
    assert any(part.get_content_type() == "application/pdf" for part in message.iter_attachments())
