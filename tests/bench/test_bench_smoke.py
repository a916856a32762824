"""The benchmark suite runs, small: every script gives its figures, the table has a row for
each, and the run is kept as JSON. It checks that the scripts work, not how fast anything is."""

import json
import subprocess
import sys

import pytest
from bench.common import ROOT, bench_env

from bench import run

pytestmark = pytest.mark.bench


def test_the_quick_suite_measures_every_benchmark_and_keeps_the_figures(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Figures\n\n{run.START}\nold table\n{run.END}\n\nAfter the table.\n")
    results = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--results", str(results)]
        + ["--readme", str(readme)],
        cwd=ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]

    [kept] = results.glob("*-quick.json")
    record = json.loads(kept.read_text())
    assert record["quick"] is True and record["machine"]["cpus"] >= 1
    assert set(record["results"]) == set(run.BENCHMARKS)
    figures = {name: result["figures"] for name, result in record["results"].items()}

    # Each figure is a measurement: positive, with its same-run baseline beside it.
    for database in ("sqlite", "postgres"):
        for page in figures["http_pages"][database].values():
            assert page["rps"] > 0 and page["baseline_rps"] > 0 and page["failed_answers"] == 0
    assert figures["ro_page"]["ro_page_ms"] > 0 and figures["ro_page"]["baseline_ms"] > 0
    for name in ("search_sqlite", "search_postgres"):
        assert set(figures[name]["search_ms"]) >= {"number", "vin", "name", "free text"}
        assert figures[name]["ro_page_ratio"] > 0
    delivery = figures["delivery"]["run"]
    assert delivery["lost"] == delivery["doubled"] == delivery["unsent"] == 0
    assert delivery["messages"] > 0 and delivery["per_second"] > 0
    assert figures["pdf"]["estimate"]["pages"] >= 1
    assert figures["page_weight"]["first_load_bytes"] > figures["page_weight"]["next_load_bytes"]

    text = readme.read_text()
    assert "old table" not in text and text.endswith("After the table.\n")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    for name in run.BENCHMARKS:
        assert any(row.startswith(f"| {label}") for row in rows for label in _labels(name)), name
    assert "failed" not in text


def _labels(name: str) -> list[str]:
    return {
        "http_pages": ["customer page, sqlite", "staff RO page, postgres"],
        "ro_page": ["staff RO page, 20 operations"],
        "pages": ["staff RO page, 200 operations"],
        "search_sqlite": ["search 10,000 ROs, sqlite"],
        "search_postgres": ["search 20,000 ROs, postgres"],
        "delivery": ["delivery, 1,000 messages"],
        "pdf": ["estimate PDF"],
        "page_weight": ["customer page over the wire"],
    }[name]


def test_an_unknown_benchmark_is_refused_with_the_names_there_are(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--only", "nope", "--results", str(tmp_path)],
        cwd=ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no benchmark named nope; there are http_pages" in done.stderr
