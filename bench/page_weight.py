"""Weigh the customer page over the wire, as a phone's browser loads it the first time and the
next, served by gunicorn over the demo database.

Run: .venv/bin/python bench/page_weight.py [--quick]
In a data folder of its own: `signoff migrate` (which collects the static files), `signoff demo`,
a share of RO 1001 with Maria Lopez, then `signoff web` (gunicorn). It fetches her page and
every stylesheet and script it names with `Accept-Encoding: gzip, deflate, br`, then again the
way a browser with a cache would (assets whose Cache-Control says `immutable` are not fetched
again), and prints the bytes of each load as sent (headers and bodies). The baseline, measured
in the same run, is the first load without compression (`Accept-Encoding: identity`).
`main()` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_env, free_port, wait_for_port  # noqa: E402

SIGNOFF = [sys.executable, "-m", "signoff.cli"]
BROWSER = "gzip, deflate, br"
ASSET = re.compile(rb'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"')

# Shares the demo's RO 1001 with its customer's primary contact and prints the link.
SHARE = """
import django
django.setup()
from signoff.orders.models import RepairOrder
from signoff.sharing.links import share_link_token, share_link_url
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from signoff.shops.models import Membership

ro = RepairOrder.objects.select_related("customer").get(number=1001)
owner = Membership.objects.filter(shop=ro.shop, role="owner").first()
contact = ro.customer.contacts.order_by("-is_primary", "pk").first()
result = share_create(
    actor=actor_for(user=owner.user, shop_id=ro.shop_id),
    ro_id=ro.pk,
    kind="request_approval",
    recipients=[Recipient(contact.pk, ["email"])],
)
print(share_link_url(share_link_token(result.links[0])))
"""


class Browser:
    """Fetches over one kept HTTP connection and counts the bytes as they came."""

    def __init__(self, port: int, encoding: str):
        self.port = port
        self.encoding = encoding
        self.cookies: dict[str, str] = {}
        self.cached: set[str] = set()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes, int]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Encoding": self.encoding, "User-Agent": "PageWeight/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()  # as sent: http.client does not decompress
        header_bytes = sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders()) + 17
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.getheaders()), body, header_bytes + len(body)

    def load(self, path: str) -> dict:
        """The page and each asset it names that is not cached yet: bytes and what came."""
        status, headers, body, total = self.get(path)
        assert status == 200, status
        html = body
        if headers.get("Content-Encoding") == "gzip":
            import gzip

            html = gzip.decompress(body)
        fetched = [{"url": path, "bytes": total, "encoding": headers.get("Content-Encoding", "")}]
        for url in [u.decode() for u in ASSET.findall(html)]:
            if url in self.cached:
                continue
            status, asset_headers, _body, size = self.get(url)
            assert status == 200, (url, status)
            if "immutable" in asset_headers.get("Cache-Control", ""):
                self.cached.add(url)
            fetched.append(
                {"url": url, "bytes": size, "encoding": asset_headers.get("Content-Encoding", "")}
            )
        return {"bytes": sum(f["bytes"] for f in fetched), "requests": fetched}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the same (it is quick already)")
    parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="signoff-bench-weight-"))
    port = free_port()
    env = {
        **bench_env(),
        "SIGNOFF_DATA_DIR": str(folder),
        "SIGNOFF_SITE_URL": f"http://127.0.0.1:{port}",
        "SIGNOFF_LOG_LEVEL": "ERROR",
    }
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SIGNOFF_DEBUG"):
        env.pop(name, None)
    web = None
    try:
        for step in (["migrate"], ["demo"]):
            subprocess.run([*SIGNOFF, *step], env=env, check=True, capture_output=True, timeout=600)
        shared = subprocess.run(
            [sys.executable, "-c", SHARE],
            env={**env, "DJANGO_SETTINGS_MODULE": "signoff.settings"},
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        path = "/" + shared.stdout.strip().split("/", 3)[3]
        web = subprocess.Popen(
            [*SIGNOFF, "web", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, web)
        browser = Browser(port, BROWSER)
        first = browser.load(path)
        again = browser.load(path)
        plain = Browser(port, "identity").load(path)
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    print(f"customer page (demo RO 1001), bytes over the wire with {BROWSER!r}:")
    for name, load in (("first load", first), ("next load", again)):
        print(f"  {name:10}: {load['bytes']:7,d} bytes in {len(load['requests'])} requests")
        for fetched in load["requests"]:
            url = fetched["url"] if fetched["url"].startswith("/static/") else "/s/[token]"
            print(f"      {fetched['bytes']:7,d}  {fetched['encoding'] or '-':4}  {url}")
    ratio = first["bytes"] / plain["bytes"]
    print(
        f"  baseline  : {plain['bytes']:7,d} bytes uncompressed (identity); the first load is "
        f"{ratio:.2f}x that"
    )
    return {
        "first_load_bytes": first["bytes"],
        "next_load_bytes": again["bytes"],
        "uncompressed_first_load_bytes": plain["bytes"],
        "first_over_uncompressed": round(ratio, 3),
        "first_load_requests": len(first["requests"]),
        "next_load_requests": len(again["requests"]),
    }


if __name__ == "__main__":
    main()
