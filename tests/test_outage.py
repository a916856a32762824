"""A real outage: gunicorn in front of PostgreSQL, the server stopped and started again.

While it is down the API answers 503 in its error shape with Retry-After and the staff pages a
friendly 503 page; once it is back both answer normally, without restarting gunicorn.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.fault

MANAGE = [sys.executable, "-m", "signoff.manage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A staff browser: keeps its cookies, does not follow redirects, reads any status."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def request(self, path: str, *, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()

    def log_in(self, username: str, password: str) -> None:
        _, _, html = self.request("/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, headers, _ = self.request(
            "/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
            headers={"Referer": self.base + "/login/"},
        )
        assert status == 302, "the owner could not log in"


def _wait_until_up(browser: Browser, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            # Any answer will do: with no worker running, /healthz says 503 (worker).
            if browser.request("/healthz")[0] in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def test_gunicorn_answers_503_while_postgresql_is_down_then_recovers_by_itself(tmp_path):
    with PostgresServer(tmp_path) as pg:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "signoff.settings",
            "DATABASE_URL": pg.url,
            "SIGNOFF_DATA_DIR": str(tmp_path / "data"),
            "SIGNOFF_DEV_OUTBOX": "1",
        }

        def manage(*argv: str) -> str:
            done = subprocess.run(
                [*MANAGE, *argv], env=env, check=True, capture_output=True, text=True, timeout=180
            )
            return done.stdout

        manage("migrate", "-v0")
        manage("collectstatic", "--noinput", "-v0")  # as `signoff migrate` does
        created = manage(
            "shop_create", "--name", "Outage Auto", "--slug", "outage", "--owner", "oona"
        )
        password = re.search(r"^password: (\S+)$", created, re.M).group(1)
        token = (
            manage("token_create", "--user", "oona", "--shop", "outage").strip().splitlines()[-1]
        )
        api_headers = {"Authorization": f"Bearer {token}"}

        port = _free_port()
        web = subprocess.Popen(
            [
                *[sys.executable, "-m", "gunicorn", "signoff.wsgi:application"],
                *["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
                "--no-control-socket",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            staff = Browser(f"http://127.0.0.1:{port}")
            _wait_until_up(staff)
            staff.log_in("oona", password)
            assert staff.request("/api/v1/repair-orders", headers=api_headers)[0] == 200
            assert staff.request("/login/")[0] == 302  # signed in: on to the RO list

            pg.stop()
            status, headers, body = staff.request("/api/v1/repair-orders", headers=api_headers)
            assert status == 503
            assert headers["Retry-After"] == "30"
            error = json.loads(body)["error"]
            assert error["code"] == "unavailable" and error["message"]

            status, headers, html = staff.request("/login/")
            assert status == 503
            assert headers["Retry-After"] == "30"
            assert "Signoff is briefly unavailable" in html
            assert "Traceback" not in html and "OperationalError" not in html

            pg.start()
            status, _, body = staff.request("/api/v1/repair-orders", headers=api_headers)
            assert status == 200
            assert json.loads(body) == {"items": [], "count": 0, "count_exact": True}
            assert staff.request("/login/")[0] == 302
            assert staff.request("/")[0] == 200
            assert web.poll() is None  # the same gunicorn throughout
        finally:
            web.terminate()
            web.wait(timeout=30)
