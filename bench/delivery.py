"""Deliver N queued messages (half emails with their PDF, half texts) with two workers on
PostgreSQL, and count what arrived.

Run: .venv/bin/python bench/delivery.py [--messages 10000] [--workers 2] [--shares 20] [--quick]
Starts a PostgreSQL server of its own (tests/support/postgres.py), an SMTP sink and the Twilio
stand-in, seeds the messages through `share_create` (each share then copied to its share of N,
each copy with its own callback code), enqueues one delivery task per message and starts the
`signoff_worker` processes. It prints messages per second, the total time and how many messages
were lost (sent, never arrived) or doubled (arrived twice), and, as a baseline measured in the same
run, the same figures for one worker on a tenth of the messages. `main()` returns them as a dict.
Timings are printed, never asserted: the machine running it decides them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env  # noqa: E402

MANAGE = [sys.executable, "-m", "signoff.manage"]
WORKER = [*MANAGE, "signoff_worker", "--interval", "0.05", "--no-startup-delay", "-v0"]

# Run with Django pointed at the bench's database: N messages over SHARES shares, half emails
# and half texts, every one enqueued as a share enqueues it. Prints how many it wrote.
SEED = """
import random
import secrets
import sys
import django
django.setup()
from signoff.sharing.delivery import message_enqueue
from signoff.sharing.models import Message
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.factories import MembershipFactory, ShopFactory, UserFactory, priced_ro

# Each seeding process starts the factories' counters afresh: start them somewhere random.
offset = random.randrange(10**6, 10**8)
ShopFactory.reset_sequence(offset)
UserFactory.reset_sequence(offset)
total, shares = int(sys.argv[1]), int(sys.argv[2])
shop = ShopFactory(sms_status="approved", sms_sender="+15035550100")
actor = actor_for(user=MembershipFactory(shop=shop, role="owner").user, shop_id=shop.pk)
written = 0
for n in range(shares):
    built = priced_ro(
        shop,
        contacts=[{"is_primary": True, "name": f"Driver {n}", "notify": "email"}],
        operations=[{"title": "Front brake pads"}, {"title": "Wiper blades"}, {}],
    )
    # An email and a text, enqueued after the share's commit as always.
    result = share_create(
        actor=actor,
        ro_id=built.ro.pk,
        kind="request_approval",
        recipients=[Recipient(built.contacts[0].pk, ["email", "sms"])],
    )
    wanted = total // shares + (1 if n < total % shares else 0)
    for i, source in enumerate(result.messages):
        fields = {
            f.attname: getattr(source, f.attname)
            for f in Message._meta.concrete_fields
            if f.attname not in ("id", "callback_code", "created_at")
        }
        copies = wanted // 2 + (wanted % 2 if i == 0 else 0) - 1
        for copy in Message.objects.bulk_create(
            Message(**fields, callback_code=secrets.token_hex(16)) for _ in range(copies)
        ):
            message_enqueue(copy.pk)
        written += copies + 1
print(written)
"""

MESSAGE_ID = re.compile(rb"^Message-ID:\s*<[^>]*?signoff\.(\d+)\.?[^>]*>", re.I | re.M)


class CountingSmtpSink:
    """tests/support/smtp.py's SmtpSink, counting each message's arrivals by its Message-ID
    (`signoff.<pk>`) instead of keeping and parsing thousands of PDFs."""

    def __init__(self) -> None:
        from tests.support.smtp import SmtpSink

        self.sink = SmtpSink()
        self.arrivals: Counter[int] = Counter()
        self.bytes = 0
        self.lock = threading.Lock()
        self.sink._controller.handler = _CountingHandler(self)

    @property
    def port(self) -> int:
        return self.sink.port

    def __enter__(self) -> CountingSmtpSink:
        self.sink.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sink.stop()


class _CountingHandler:
    def __init__(self, counter: CountingSmtpSink) -> None:
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        headers = raw.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(headers)
        with self.counter.lock:
            self.counter.bytes += len(raw)
            if found:
                self.counter.arrivals[int(found.group(1))] += 1
        return "250 Message accepted for delivery"


def _sms_arrivals(twilio) -> Counter[str]:
    return Counter(
        parse_qs(urlparse(form["StatusCallback"]).query)["m"][0] for form in twilio.messages
    )


def _query(url: str, sql: str, *params):
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as db:
        return db.execute(sql, params).fetchall()


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int, *, children: bool = False) -> float:
    """CPU seconds a process used (Linux /proc), with those of its exited children if asked."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile (its parent counts it)
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def _postgres_cpu(pg) -> float:
    """The PostgreSQL server's CPU seconds so far: its postmaster, the backends it reaped and
    those still running."""
    postmaster = int((pg.folder / "data" / "postmaster.pid").read_text().split()[0])
    total = _cpu(postmaster, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
        if parent == postmaster:
            total += _cpu(int(stat.parent.name))
    return total


def _seed(env: dict[str, str], messages: int, shares: int) -> None:
    seeded = subprocess.run(
        [sys.executable, "-c", SEED, str(messages), str(shares)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{seeded.stderr}")


def _run(pg, env, *, messages: int, shares: int, workers: int, folder: Path, timeout: float):
    """Seed `messages`, deliver them with `workers` processes; the figures of that run."""
    _seed(env, messages, shares)
    ids = [
        row[0] for row in _query(pg.url, "select id from sharing_message where status = 'queued'")
    ]
    logs = [folder / f"worker-{n}.log" for n in range(workers)]
    pg_before, here_before = _postgres_cpu(pg), time.process_time()
    started = time.monotonic()
    procs = []
    for log in logs:
        with log.open("ab") as out:
            procs.append(subprocess.Popen(WORKER, env=env, stdout=out, stderr=subprocess.STDOUT))
    sent = 0
    try:
        deadline = started + timeout
        while time.monotonic() < deadline:
            # Earlier runs' messages are all done: only this run's can still be waiting. An
            # index lookup, so that watching costs the database next to nothing.
            ((left,),) = _query(
                pg.url,
                "select count(*) from sharing_message "
                "where status in ('queued', 'sending', 'retry')",
            )
            if not left:
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        cpu = {
            "workers": sum(_cpu(proc.pid) for proc in procs),
            "postgres": _postgres_cpu(pg) - pg_before,
            "sinks": time.process_time() - here_before,
        }
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    rows = _query(
        pg.url,
        "select status, count(*), min(sent_at), max(sent_at) from sharing_message "
        "where id = any(%s) group by status",
        ids,
    )
    statuses = {status: count for status, count, _first, _last in rows}
    sent = statuses.get("sent", 0)
    firsts = [first for status, _c, first, _l in rows if status == "sent"]
    lasts = [last for status, _c, _f, last in rows if status == "sent"]
    steady = (max(lasts) - min(firsts)).total_seconds() if sent > 1 else 0.0
    errors = [line for log in logs for line in log.read_text().splitlines() if "Traceback" in line]
    return {
        "ids": ids,
        "messages": len(ids),
        "workers": workers,
        "seconds": round(elapsed, 2),
        "per_second": round(len(ids) / elapsed, 1) if elapsed else 0.0,
        "steady_per_second": round((sent - 1) / steady, 1) if steady else 0.0,
        "statuses": statuses,
        "worker_tracebacks": len(errors),
        # CPU per message, in ms: where the time goes whatever else the machine is doing. The
        # workers' includes their start (loading Django); the sinks' is this process's.
        "cpu_ms_per_message": {k: round(v * 1000 / max(len(ids), 1), 2) for k, v in cpu.items()},
    }


def _arrivals(pg, smtp: CountingSmtpSink, twilio, ids: list[int]) -> dict[str, int]:
    """Of `ids`: how many are marked sent but never arrived (lost), arrived more than once
    (doubled), or were not sent yet when the run stopped (unsent: a timeout)."""
    rows = _query(
        pg.url,
        "select id, channel, callback_code, status from sharing_message where id = any(%s)",
        ids,
    )
    texts = _sms_arrivals(twilio)
    seen, sent = {}, set()
    for pk, channel, code, status in rows:
        seen[pk] = smtp.arrivals.get(pk, 0) if channel == "email" else texts.get(code, 0)
        if status == "sent":
            sent.add(pk)
    return {
        "lost": sum(1 for pk in sent if seen[pk] == 0),
        "doubled": sum(1 for n in seen.values() if n > 1),
        "unsent": len(ids) - len(sent),
        "emails": sum(1 for row in rows if row[1] == "email"),
        "texts": sum(1 for row in rows if row[1] == "sms"),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shares", type=int, default=20, help="shares (PDFs) they come from")
    parser.add_argument("--timeout", type=float, default=600, help="give up after (seconds)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-worker run")
    parser.add_argument("--quick", action="store_true", help="1,000 messages")
    args = parser.parse_args(argv)
    if args.quick:
        args.messages = 1_000
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import PostgresServer
    from tests.support.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, TwilioStandIn

    folder = Path(tempfile.mkdtemp(prefix="signoff-bench-delivery-"))
    figures: dict = {}
    try:
        with TwilioStandIn() as twilio, CountingSmtpSink() as smtp, PostgresServer() as pg:
            env = {
                **bench_env(),
                "DJANGO_SETTINGS_MODULE": "signoff.settings",
                "DATABASE_URL": pg.url,
                "SIGNOFF_DATA_DIR": str(folder),
                "SIGNOFF_DEV_OUTBOX": "0",
                "SIGNOFF_SMTP_HOST": "127.0.0.1",
                "SIGNOFF_SMTP_PORT": str(smtp.port),
                "SIGNOFF_SMTP_TLS": "0",
                "SIGNOFF_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "SIGNOFF_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "SIGNOFF_TWILIO_API_BASE": twilio.base_url,
                "SIGNOFF_LOG_LEVEL": "ERROR",
            }
            subprocess.run([*MANAGE, "migrate", "-v0"], env=env, check=True, timeout=300)
            runs = []
            if not args.no_baseline:
                runs.append(("baseline", max(args.messages // 10, 100), 1))
            runs.append(("run", args.messages, args.workers))
            for name, messages, workers in runs:
                shares = max(1, min(args.shares, messages // 2))
                result = _run(
                    pg,
                    env,
                    messages=messages,
                    shares=shares,
                    workers=workers,
                    folder=folder,
                    timeout=args.timeout,
                )
                result.update(_arrivals(pg, smtp, twilio, result.pop("ids")))
                figures[name] = result
                print(
                    f"{name:8}: {result['messages']:6d} messages ({result['emails']} emails, "
                    f"{result['texts']} texts) with {workers} worker(s) in {result['seconds']:.1f} s"
                    f" = {result['per_second']:.1f} msgs/s (steady {result['steady_per_second']:.1f}"
                    f"/s); lost {result['lost']}, doubled {result['doubled']}"
                    + (f", NOT SENT (timed out) {result['unsent']}" if result["unsent"] else ""),
                    flush=True,
                )
                per = result["cpu_ms_per_message"]
                print(
                    f"{'':10}CPU per message: workers {per['workers']:.1f} ms, PostgreSQL "
                    f"{per['postgres']:.1f} ms, SMTP sink and Twilio stand-in {per['sinks']:.1f} ms",
                    flush=True,
                )
            if "baseline" in figures and figures["baseline"]["per_second"]:
                ratio = figures["run"]["per_second"] / figures["baseline"]["per_second"]
                figures["workers_speedup"] = round(ratio, 2)
                print(f"{args.workers} workers vs 1: {ratio:.2f}x the messages per second")
            figures["smtp_megabytes"] = round(smtp.bytes / 1e6, 1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


if __name__ == "__main__":
    main()
