"""The `signoff` console command.

Production: `migrate`, `check`, `web`, `worker`, `backup`, `restore`, `verify`. Trying it on one
machine: `run` (migrate, the demo shop when empty, web and a supervised worker in one).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from signoff.core import install

logger = logging.getLogger("signoff.cli")


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signoff.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.SECRET_KEY  # noqa: B018 - loads the settings, which say what is missing
    except ImproperlyConfigured as exc:
        _say(str(exc))
        sys.exit(2)

    execute_from_command_line(["signoff", *argv])


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _ensure_secret_key() -> None:
    """Without SIGNOFF_SECRET_KEY, create the install's own key once in the data folder."""
    if os.environ.get("SIGNOFF_SECRET_KEY", "").strip():
        return
    path, created = install.secret_key_ensure(install.data_dir())
    if created:
        _say(
            f"Created this install's secret key in {path} (readable by you only). Keep it "
            "safe and apart from database backups: without it, links not yet sent stop working "
            "and everyone is signed out."
        )


def _prepare() -> None:
    """The data folder, the secret key and a migrated database (with the cache table)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signoff.settings")
    _ensure_secret_key()
    import django
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.core import checks
    from django.core.management import call_command

    # `call_command` skips system checks, so run the security ones (the secret key) here.
    for issue in checks.run_checks(tags=[checks.Tags.security]):
        _say(str(issue))
        if issue.is_serious():
            sys.exit(1)
    call_command("migrate", interactive=False, verbosity=0)
    _collect_static()


def _collect_static() -> None:
    """Static files with hashed names and compressed copies, where whitenoise serves them from."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


LOCAL_HOSTS = ("127.0.0.1", "0.0.0.0")  # noqa: S104 - names, not a bind


def gunicorn_argv(bind: str, *, workers: int | None = None, threads: int | None = None) -> list:
    """Gunicorn for Signoff: processes and threads sized to the cores, tokens hidden in logs."""
    cores = os.cpu_count() or 1
    workers = workers or min(2 * cores + 1, 9)
    threads = threads or 4
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "signoff.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        # A request that hangs this long (a stuck database) is killed, not left holding a thread.
        "--timeout",
        "60",
        "--graceful-timeout",
        "30",
        "--access-logfile",
        "-",
        # Gunicorn's control socket sits at one per-user path; several instances would clash.
        "--no-control-socket",
        # Hides share-link tokens (/s/<token>) in the access log.
        "--logger-class",
        "signoff.gunicorn_log.GunicornLogger",
    ]


def _refuse_demo_in_production(command: str) -> None:
    reasons = install.production_reasons()
    if not reasons:
        return
    _say(
        f"Signoff is configured for production ({'; '.join(reasons)}), so `signoff {command}` "
        "will not load the demo shop and its known passwords. Create your first shop with "
        "`signoff shop create --name … --slug … --owner …`, then start `signoff web` and "
        "`signoff worker` (README, Production)."
    )
    sys.exit(1)


WORKER_RESTART_DELAY_SECONDS = 2.0


def cmd_run(args: argparse.Namespace) -> int:
    port = str(args.port or os.environ.get("PORT") or "8000")
    host = args.host or os.environ.get("HOST") or "127.0.0.1"
    shown_host = "localhost" if host in LOCAL_HOSTS else host
    os.environ.setdefault("SIGNOFF_SITE_URL", f"http://{shown_host}:{port}")
    _prepare()
    from django.core.management import call_command

    from signoff.shops.models import Shop

    if not Shop.objects.exists():
        _refuse_demo_in_production("run")
        call_command("demo")
    else:
        print("Database already has data; skipping the demo shop. Log in with your own account.")
    env = dict(os.environ)
    worker_argv = [sys.executable, "-m", "signoff.cli", "worker"]
    worker = subprocess.Popen(worker_argv, env=env)
    web = subprocess.Popen(gunicorn_argv(f"{host}:{port}", workers=2), env=env)
    print(
        f"\nSignoff is running at {os.environ['SIGNOFF_SITE_URL']}/  (Ctrl-C to stop)\n", flush=True
    )
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True
        for proc in (web, worker):
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        # Supervise: the web server ending ends `run`; a worker that ends is started again.
        while not stopping and web.poll() is None:
            code = worker.poll()
            if code is not None:
                _say(
                    f"signoff run: the delivery worker exited with code {code}; starting it "
                    f"again in {WORKER_RESTART_DELAY_SECONDS:g} s."
                )
                time.sleep(WORKER_RESTART_DELAY_SECONDS)
                if stopping:
                    break
                worker = subprocess.Popen(worker_argv, env=env)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        web.wait()
        worker.wait()
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    bind = args.bind or f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or 8000}"
    argv = gunicorn_argv(bind, workers=args.workers, threads=args.threads)
    # Replace this process: a supervisor's stop signal reaches gunicorn itself.
    os.execv(argv[0], argv)  # noqa: S606 - our own interpreter and arguments
    return 0  # pragma: no cover


def cmd_migrate(args: argparse.Namespace) -> int:
    _ensure_secret_key()
    _django(["migrate", *(["--noinput"] if not args.interactive else [])])
    # After each upgrade as well as on a new install: the pages name the collected files.
    _collect_static()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    # Django's deployment checks and Signoff's own, the database ones included.
    _django(["check", "--deploy", "--database", "default", "--fail-level", args.fail_level])
    print("Signoff's checks passed.")
    return 0


PASSED_THROUGH = {"backup": "backup", "restore": "restore"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="signoff", description="Estimate authorization for repair shops."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="migrate, load the demo shop if empty, serve and deliver")
    run.add_argument("--port", type=int)
    run.add_argument("--host")
    migrate = sub.add_parser(
        "migrate", help="create or update the database (and this install's secret key)"
    )
    migrate.add_argument("--interactive", action="store_true", help=argparse.SUPPRESS)
    check = sub.add_parser("check", help="check the configuration and the database for production")
    check.add_argument(
        "--fail-level",
        default="ERROR",
        choices=["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"],
        help="exit 1 at this level or above (default: ERROR)",
    )
    web = sub.add_parser("web", help="serve the pages and the API (gunicorn)")
    web.add_argument("--bind", help="address:port (default $HOST:$PORT, else 127.0.0.1:8000)")
    web.add_argument("--workers", type=int, help="processes (default 2 × cores + 1, at most 9)")
    web.add_argument("--threads", type=int, help="threads per process (default 4)")
    sub.add_parser("demo", help="create the demo shop and print its login and API token")
    sub.add_parser("worker", help="deliver queued emails and texts (runs until stopped)")
    verify = sub.add_parser("verify", help="check decision chains and signatures; exit 1 if broken")
    verify.add_argument("ro_number", nargs="?", help="one RO, e.g. 1001 or RO-1001")
    verify.add_argument("--all", action="store_true", help="every RO (of --shop, or all shops)")
    verify.add_argument("--shop", help="shop slug")
    # Listed for --help; their options (--force, --no-verify) are the management commands'.
    sub.add_parser("backup", help="PATH: a consistent copy of the database, then checked")
    sub.add_parser("restore", help="PATH: load a copy made by `signoff backup`")
    shop = sub.add_parser("shop", help="shops")
    shop.add_argument("action", choices=["create"])
    shop.add_argument("--name", required=True, help="the shop's name as customers know it")
    shop.add_argument("--slug", required=True, help="a short unique name, e.g. eastside")
    shop.add_argument("--timezone", help="IANA time zone, e.g. America/Chicago")
    shop.add_argument("--owner", help="username of the shop's owner (created when new)")
    shop.add_argument("--email", help="the owner's email address")
    token = sub.add_parser("token", help="API tokens")
    token.add_argument("action", choices=["create"])
    token.add_argument("--user", required=True, help="username")
    token.add_argument("--shop", required=True, help="shop slug")
    token.add_argument("--name", default="CLI token")
    manage = sub.add_parser("manage", help="any Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASSED_THROUGH:
        # Options and --help are the management command's own.
        _django([PASSED_THROUGH[argv[0]], *argv[1:]])
        return 0
    args = parser.parse_args(argv)

    if args.command == "run":
        return cmd_run(args)
    if args.command == "web":
        return cmd_web(args)
    if args.command == "migrate":
        return cmd_migrate(args)
    if args.command == "check":
        return cmd_check(args)
    if args.command == "demo":
        _refuse_demo_in_production("demo")
        _prepare()
        _django(["demo"])
    elif args.command == "worker":
        _django(["signoff_worker"])
    elif args.command == "verify":
        if bool(args.all) == bool(args.ro_number):
            parser.error("verify: give one RO number, or --all")
        shop_opt = ["--shop", args.shop] if args.shop else []
        if args.all:
            _django(["verify_all", *shop_opt])
        else:
            _django(["verify_ro", args.ro_number, *shop_opt])
    elif args.command == "shop":
        opts = []
        for flag in ("timezone", "owner", "email"):
            if getattr(args, flag):
                opts += [f"--{flag}", getattr(args, flag)]
        _django(["shop_create", "--name", args.name, "--slug", args.slug, *opts])
    elif args.command == "token":
        _django(["token_create", "--user", args.user, "--shop", args.shop, "--name", args.name])
    elif args.command == "manage":
        _django(args.rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
