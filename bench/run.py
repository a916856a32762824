"""Run the benchmarks, print one table, keep the figures.

Run: make bench [ARGS="--quick"]  or  .venv/bin/python -m bench.run [--quick] [--only a,b]
Each benchmark runs in a process of its own (bench/<name>.py, its `main()`), printing as it goes;
its figures come back as JSON. The run's figures, with the machine and the date, are written to
bench/results/<UTC time>.json, and the table replaces the one in bench/README.md (between its
markers). `--quick` runs every benchmark small, in under 3 minutes: for development and for the
smoke test (tests/bench/), never for figures worth quoting. Nothing is asserted: the figures and
their ratios, each against a baseline measured in the same run, are for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env  # noqa: E402

BENCH = ROOT / "bench"
START, END = "<!-- bench:table:start -->", "<!-- bench:table:end -->"

Row = tuple[str, str, str, str, str]  # what, figure, baseline, ratio, target


def _x(value: float) -> str:
    return f"{value:.2f}×"


def _http_rows(f: dict) -> list[Row]:
    rows = []
    for database in ("sqlite", "postgres"):
        for name, label in (("customer_page", "customer page"), ("staff_ro_page", "staff RO page")):
            page = f.get(database, {}).get(name)
            if not page:
                continue
            what = f"{label}, {database}, gunicorn + wrk"
            rows.append(
                (
                    what,
                    f"{page['rps']:.0f} req/s",
                    f"bare view, {page['bytes'] / 1024:.0f} KB: {page['baseline_rps']:.0f} req/s",
                    _x(page["ratio"]),
                    "≥ 0.8×",
                )
            )
            rows.append(
                (
                    f"{label}, {database}, p99",
                    f"{page['p99_ms']:.0f} ms",
                    f"{page['baseline_p99_ms']:.0f} ms",
                    _x(page["p99_ratio"]),
                    "≤ 2×" if name == "customer_page" else "",
                )
            )
            if "floor_rps" in page:
                rows.append(
                    (
                        f"{label}, {database}, against the static floor",
                        f"{page['rps']:.0f} req/s",
                        f"padded, not rendered: {page['floor_rps']:.0f} req/s",
                        _x(page["floor_ratio"]),
                        "",
                    )
                )
    return rows


def _ro_page_rows(f: dict) -> list[Row]:
    return [
        (
            "staff RO page, 20 operations, test client CPU",
            f"{f['ro_page_ms']:.1f} ms",
            f"bare view: {f['baseline_ms']:.1f} ms",
            _x(f["ratio"]),
            "≥ 0.8×",
        ),
        (
            "staff RO page, against the static floor",
            f"{f['ro_page_ms']:.1f} ms",
            f"padded, not rendered: {f['floor_ms']:.1f} ms",
            _x(f["floor_ratio"]),
            "",
        ),
        (
            "staff RO page, bytes per operation",
            f"{f['bytes_per_added_operation']:,} B",
            "",
            "",
            "≤ 2,048 B",
        ),
        (
            "staff RO page, reverse() calls / queries",
            f"{f['reverse_calls']} / {f['queries']}",
            "",
            "",
            "",
        ),
    ]


def _search_rows(database: str) -> Callable[[dict], list[Row]]:
    def rows(f: dict) -> list[Row]:
        out = []
        for way, times in f["search_ms"].items():
            out.append(
                (
                    f"search {f['ros']:,} ROs, {database}: {way}",
                    f"p50 {times['p50']:.1f} ms",
                    f"p95 {times['p95']:.1f} ms",
                    "",
                    "p50 ≤ 15 ms" if database == "postgres" else "",
                )
            )
        page = f["ro_page_ms"]
        out.append(
            (
                f"RO page on {f['ros']:,} ROs, {database}",
                f"{page['big']:.1f} ms",
                f"small database: {page['small']:.1f} ms",
                _x(f["ro_page_ratio"]),
                "≤ 1.2×",
            )
        )
        return out

    return rows


def _delivery_rows(f: dict) -> list[Row]:
    run, base = f.get("run", {}), f.get("baseline", {})
    rows = [
        (
            f"delivery, {run.get('messages', 0):,} messages, {run.get('workers')} workers, postgres",
            f"{run.get('per_second', 0):.0f} msg/s in {run.get('seconds', 0):.0f} s",
            f"1 worker: {base['per_second']:.0f} msg/s" if base else "",
            _x(f["workers_speedup"]) if "workers_speedup" in f else "",
            "100 msg/s; 10,000 ≤ 60 s",
        ),
        (
            "delivery, lost / doubled / unsent",
            f"{run.get('lost', 0)} / {run.get('doubled', 0)} / {run.get('unsent', 0)}",
            "",
            "",
            "0 / 0 / 0",
        ),
    ]
    return rows


def _pdf_rows(f: dict) -> list[Row]:
    estimate = f["estimate"]
    weasy = f.get("weasyprint")
    return [
        (
            f"estimate PDF, {f['operations']} operations, typst",
            f"{estimate['median_ms']:.1f} ms",
            f"WeasyPrint: {weasy['median_ms']:.0f} ms" if weasy else "WeasyPrint not installed",
            _x(weasy["median_ms"] / estimate["median_ms"]) + " faster" if weasy else "",
            "",
        ),
        ("certificate PDF, typst", f"{f['certificate']['median_ms']:.1f} ms", "", "", ""),
    ]


def _weight_rows(f: dict) -> list[Row]:
    return [
        (
            "customer page over the wire, first load",
            f"{f['first_load_bytes'] / 1024:.1f} KB",
            f"uncompressed: {f['uncompressed_first_load_bytes'] / 1024:.1f} KB",
            _x(f["first_over_uncompressed"]),
            "≤ 35 KB",
        ),
        (
            "customer page over the wire, next load",
            f"{f['next_load_bytes'] / 1024:.1f} KB",
            "",
            "",
            "≤ 12 KB",
        ),
    ]


def _pages_rows(f: dict) -> list[Row]:
    return [
        (
            f"{label}, 200 operations vs 2",
            f"{f[key]['large_ms']:.1f} ms, {f[key]['large_queries']} queries",
            f"2 operations: {f[key]['small_ms']:.1f} ms, {f[key]['small_queries']} queries",
            _x(f[key]["large_over_small"]),
            "queries constant",
        )
        for key, label in (("ro_page", "staff RO page"), ("share_page", "customer page"))
    ]


# name: (script, its arguments, with --quick, rows of the table)
BENCHMARKS: dict[str, tuple[str, list[str], list[str], Callable[[dict], list[Row]]]] = {
    "http_pages": ("http_pages", [], ["--quick"], _http_rows),
    "ro_page": ("ro_page", [], ["--quick"], _ro_page_rows),
    "pages": ("pages", [], ["--quick"], _pages_rows),
    "search_sqlite": (
        "search",
        [],
        ["--quick", "--samples", "10", "--runs", "5"],
        _search_rows("sqlite"),
    ),
    "search_postgres": (
        "search",
        ["--postgres"],
        ["--postgres", "--ros", "20000", "--samples", "10", "--runs", "5"],
        _search_rows("postgres"),
    ),
    "delivery": ("delivery", [], ["--quick"], _delivery_rows),
    "pdf": ("pdf_render", [], ["--quick"], _pdf_rows),
    "page_weight": ("page_weight", [], ["--quick"], _weight_rows),
}


def machine() -> dict:
    """What the figures were measured on."""
    model = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    postgres = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return {
        "cpus": os.cpu_count(),
        "cpu": model or platform.processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres[-1].parent.parent.name if postgres else "",
    }


def run_one(name: str, *, quick: bool) -> dict:
    """Run a benchmark in a process of its own; return its figures (or its failure)."""
    script, full, small, _rows = BENCHMARKS[name]
    argv = small if quick else full
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        code = (
            f"import json, sys; from bench import {script} as b; "
            "json.dump(b.main(sys.argv[2:]), open(sys.argv[1], 'w'), default=str)"
        )
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", code, out.name, *argv], cwd=ROOT, env=bench_env(), check=False
        )
        seconds = round(time.monotonic() - started, 1)
        if done.returncode != 0:
            return {"error": f"exited with {done.returncode}", "seconds": seconds}
        return {"figures": json.loads(Path(out.name).read_text()), "seconds": seconds}


def table(results: dict) -> str:
    lines = [
        "| benchmark | figure | baseline (same run) | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for name, result in results.items():
        if "error" in result:
            lines.append(f"| {name} | **failed: {result['error']}** | | | |")
            continue
        for row in BENCHMARKS[name][3](result["figures"]):
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def readme_update(readme: Path, text: str) -> None:
    """Replace the table between the markers of bench/README.md."""
    current = readme.read_text()
    before, _old, after = current.partition(START)
    _table, _end, rest = after.partition(END)
    readme.write_text(f"{before}{START}\n{text}\n{END}{rest}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark small (< 3 min)")
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--results", type=Path, default=BENCH / "results", help="JSON folder")
    parser.add_argument("--readme", type=Path, default=BENCH / "README.md")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; there are {', '.join(BENCHMARKS)}")

    started = datetime.now(UTC)
    results = {}
    for name in names:
        print(f"\n== {name}", flush=True)
        results[name] = run_one(name, quick=args.quick)
        print(f"   ({results[name]['seconds']} s)", flush=True)

    text = table(results)
    header = (
        f"{'Quick run (small sizes, not for quoting)' if args.quick else 'Full run'}, "
        f"{started:%Y-%m-%d %H:%M} UTC, on {machine()['cpus']} × {machine()['cpu']}, "
        f"Python {machine()['python']}, SQLite {machine()['sqlite']}, "
        f"PostgreSQL {machine()['postgresql']}."
    )
    print(f"\n{header}\n\n{text}")
    record = {
        "date": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "results": results,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    kind = "quick" if args.quick else "full"
    path = args.results / f"{started:%Y%m%dT%H%M%SZ}-{kind}.json"
    path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"\nFigures written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if not args.no_readme:
        readme_update(args.readme, f"{header}\n\n{text}")
    failed = [name for name, result in results.items() if "error" in result]
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        raise SystemExit(1)
    return record


if __name__ == "__main__":
    main()
