"""Load the customer page and the staff RO page under gunicorn with wrk, each against a bare view
of the same size served by the same processes, on SQLite and on PostgreSQL.

Run: .venv/bin/python bench/http_pages.py [--quick] [--sqlite-only] [--duration 6] [--rounds 5]
For each database, in a data folder of its own: `signoff migrate`, then one RO with 20 priced
operations (half of them approved), shared with its customer, and a logged-in owner. Gunicorn
runs as `signoff web` runs it (2 × cores + 1 processes, 4 threads each), with bench/http_urls.py
adding /bench/bare/<ro>/?bytes=N: one query for the RO's operations rendered in a template loop,
the loop run until the output is N bytes, through Signoff's whole middleware (the baseline);
with &fill=pad, one pass padded with literal text to N bytes (the static floor, reported
beside it). wrk (Debian's `wrk`; 32 connections) loads each page and its baselines in turns,
`--rounds` times: a run's connections stay with the processes that accepted them, so one run
can be lopsided, and more, shorter rounds give a steadier median. It prints requests per
second and the p99 latency of each, and the ratios page/baseline (targets: ≥ 0.8× the requests
per second, p99 ≤ 2× the baseline's). `main()` returns the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_env, free_port, wait_for_port  # noqa: E402

SIGNOFF = [sys.executable, "-m", "signoff.cli"]
CONNECTIONS = 32

# Run with Django set up on the bench's database: the RO, the customer's link and the owner's
# session. Prints them as JSON.
SEED = """
import json
import django
django.setup()
from django.test import Client
from tests.factories import MembershipFactory
from bench.ro_page import OPERATIONS, _build
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import Share

member = MembershipFactory(role="owner")
ro = _build(member.shop, member.user, OPERATIONS)
share = Share.objects.get(repair_order=ro)
_link, token = share_link_mint(share=share, contact=ro.customer.contacts.first())
client = Client()
client.force_login(member.user)
print(json.dumps({"ro": ro.pk, "token": token, "session": client.cookies["sessionid"].value}))
"""


def _fetch_size(port: int, path: str, cookie: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path.split('?')[0]} answered {response.status}")
    return len(body)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, *, seconds: float, cookie: str = "") -> dict:
    """One wrk run: requests per second, p99 latency in ms, and answers that were not 2xx/3xx."""
    argv = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", "--timeout", "30s"]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*argv, url], check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p99_ms": p99,
        "bad": int(bad.group(1)) if bad else 0,
        "socket": bool(errors),
    }


def _measure(port: int, pages: dict, *, seconds: float, rounds: int) -> dict:
    """Each page and its same-size baseline in turns; medians over the rounds."""
    figures = {}
    for name, (path, cookie, ro) in pages.items():
        size = _fetch_size(port, path, cookie)
        bare = f"/bench/bare/{ro}/?bytes={size}"
        floor = f"{bare}&fill=pad"
        _fetch_size(port, bare, ""), _fetch_size(port, floor, "")
        runs: dict[str, list[dict]] = {"page": [], "baseline": [], "floor": []}
        wrk(f"http://127.0.0.1:{port}{path}", seconds=1, cookie=cookie)  # warm every process
        wrk(f"http://127.0.0.1:{port}{bare}", seconds=1)
        wrk(f"http://127.0.0.1:{port}{floor}", seconds=1)
        for _ in range(rounds):
            runs["page"].append(
                wrk(f"http://127.0.0.1:{port}{path}", seconds=seconds, cookie=cookie)
            )
            runs["baseline"].append(wrk(f"http://127.0.0.1:{port}{bare}", seconds=seconds))
            runs["floor"].append(wrk(f"http://127.0.0.1:{port}{floor}", seconds=seconds))
        page_rps = statistics.median(r["rps"] for r in runs["page"])
        base_rps = statistics.median(r["rps"] for r in runs["baseline"])
        floor_rps = statistics.median(r["rps"] for r in runs["floor"])
        if not (page_rps and base_rps and floor_rps):
            raise RuntimeError(
                f"{name}: a wrk run of {seconds:g} s got no answer (page {page_rps}, baseline "
                f"{base_rps}, floor {floor_rps} req/s); run longer (--duration)"
            )
        page_p99 = statistics.median(r["p99_ms"] for r in runs["page"])
        base_p99 = statistics.median(r["p99_ms"] for r in runs["baseline"])
        figures[name] = {
            "bytes": size,
            "rps": round(page_rps, 1),
            "baseline_rps": round(base_rps, 1),
            "ratio": round(page_rps / base_rps, 3),
            "p99_ms": round(page_p99, 1),
            "baseline_p99_ms": round(base_p99, 1),
            "p99_ratio": round(page_p99 / base_p99, 2),
            "floor_rps": round(floor_rps, 1),
            "floor_ratio": round(page_rps / floor_rps, 3),
            "failed_answers": sum(r["bad"] for rs in runs.values() for r in rs),
        }
    return figures


def _one_database(database_url: str | None, *, seconds: float, rounds: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="signoff-bench-http-"))
    port = free_port()
    env = {
        **bench_env(),
        "SIGNOFF_DATA_DIR": str(folder),
        "SIGNOFF_SITE_URL": f"http://127.0.0.1:{port}",
        "SIGNOFF_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
    }
    for name in ("DATABASE_URL", "SIGNOFF_DEBUG"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    web = None
    try:
        subprocess.run([*SIGNOFF, "migrate"], env=env, check=True, capture_output=True, timeout=600)
        seeded = subprocess.run(
            [sys.executable, "-c", SEED],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        web = subprocess.Popen(
            [*SIGNOFF, "web", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, web)
        pages = {
            "customer_page": (f"/s/{seed['token']}", "", seed["ro"]),
            "staff_ro_page": (f"/ros/{seed['ro']}/", f"sessionid={seed['session']}", seed["ro"]),
        }
        return _measure(port, pages, seconds=seconds, rounds=rounds)
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s runs, one round")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--duration", type=int, default=None, help="seconds per wrk run (whole)")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    seconds = args.duration or (2 if args.quick else 6)
    rounds = args.rounds or (1 if args.quick else 5)
    if shutil.which("wrk") is None:
        raise SystemExit("bench/http_pages.py needs wrk: apt-get install wrk")

    figures = {"connections": CONNECTIONS, "seconds": seconds, "rounds": rounds}
    figures["sqlite"] = _one_database(None, seconds=seconds, rounds=rounds)
    if not args.sqlite_only:
        from tests.support.postgres import PostgresServer

        with PostgresServer() as pg:
            figures["postgres"] = _one_database(pg.url, seconds=seconds, rounds=rounds)

    print(f"pages under gunicorn, wrk {CONNECTIONS} connections, {rounds} × {seconds:g} s each")
    for database in ("sqlite", "postgres"):
        for name, f in figures.get(database, {}).items():
            print(
                f"  {database:8} {name:14} {f['rps']:7.1f} req/s vs {f['baseline_rps']:7.1f} "
                f"({f['ratio']:.2f}×)  p99 {f['p99_ms']:7.1f} ms vs {f['baseline_p99_ms']:7.1f} "
                f"({f['p99_ratio']:.2f}×)  {f['bytes']:,} bytes; static floor "
                f"{f['floor_rps']:.1f} req/s ({f['floor_ratio']:.2f}×)"
                + (f"  {f['failed_answers']} FAILED answers" if f["failed_answers"] else "")
            )
    return figures


if __name__ == "__main__":
    main()
