"""The `signoff` console command: run, demo, worker, verify, shop, token, manage."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signoff.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["signoff", *argv])


def _prepare() -> None:
    """Create the data folder and database, and migrate it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signoff.settings")
    import django
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.core import checks
    from django.core.management import call_command

    # `call_command` skips system checks, so run the security ones (SECRET_KEY) here.
    for issue in checks.run_checks(tags=[checks.Tags.security]):
        print(issue, file=sys.stderr)
        if issue.is_serious():
            sys.exit(1)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


LOCAL_HOSTS = ("127.0.0.1", "0.0.0.0")  # noqa: S104 - names, not a bind


def cmd_run(args: argparse.Namespace) -> int:
    port = str(args.port or os.environ.get("PORT") or "8000")
    host = args.host or os.environ.get("HOST") or "127.0.0.1"
    shown_host = "localhost" if host in LOCAL_HOSTS else host
    os.environ.setdefault("SIGNOFF_SITE_URL", f"http://{shown_host}:{port}")
    _prepare()
    from django.core.management import call_command

    from signoff.shops.models import Shop

    if not Shop.objects.exists():
        call_command("demo")
    else:
        print("Database already has data; skipping the demo shop. Log in with your own account.")
    env = dict(os.environ)
    worker = subprocess.Popen([sys.executable, "-m", "signoff.cli", "worker"], env=env)
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "signoff.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            # Gunicorn's control socket sits at one per-user path; several instances would clash.
            "--no-control-socket",
            # Hides share-link tokens (/s/<token>) in the access log.
            "--logger-class",
            "signoff.gunicorn_log.GunicornLogger",
        ],
        env=env,
    )
    print(
        f"\nSignoff is running at {os.environ['SIGNOFF_SITE_URL']}/  (Ctrl-C to stop)\n", flush=True
    )

    def stop(*_):
        for proc in (web, worker):
            proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        web.wait()
    except KeyboardInterrupt:
        stop()
    finally:
        stop()
        web.wait()
        worker.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="signoff", description="Estimate authorization for repair shops."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="migrate, load the demo shop if empty, serve and deliver")
    run.add_argument("--port", type=int)
    run.add_argument("--host")
    sub.add_parser("demo", help="create the demo shop and print its login and API token")
    sub.add_parser("worker", help="deliver queued emails and texts (runs until stopped)")
    verify = sub.add_parser("verify", help="check an RO's decision chain and signatures")
    verify.add_argument("ro_number")
    verify.add_argument("--shop", help="shop slug, when the number exists in several shops")
    shop = sub.add_parser("shop", help="shops")
    shop.add_argument("action", choices=["create"])
    shop.add_argument("--name", required=True, help="the shop's name as customers know it")
    shop.add_argument("--slug", required=True, help="a short unique name, e.g. eastside")
    shop.add_argument("--timezone", help="IANA time zone, e.g. America/Chicago")
    token = sub.add_parser("token", help="API tokens")
    token.add_argument("action", choices=["create"])
    token.add_argument("--user", required=True, help="username")
    token.add_argument("--shop", required=True, help="shop slug")
    token.add_argument("--name", default="CLI token")
    manage = sub.add_parser("manage", help="any Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "run":
        return cmd_run(args)
    if args.command == "demo":
        _prepare()
        _django(["demo"])
    elif args.command == "worker":
        _django(["signoff_worker"])
    elif args.command == "verify":
        _django(["verify_ro", args.ro_number, *(["--shop", args.shop] if args.shop else [])])
    elif args.command == "shop":
        zone = ["--timezone", args.timezone] if args.timezone else []
        _django(["shop_create", "--name", args.name, "--slug", args.slug, *zone])
    elif args.command == "token":
        _django(["token_create", "--user", args.user, "--shop", args.shop, "--name", args.name])
    elif args.command == "manage":
        _django(args.rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
