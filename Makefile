# Signoff: `make run` starts it with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres test-slow lint format fonts system-deps bench bench-quick clean

# Run apt as root, or through sudo for a normal user.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

$(STAMP): pyproject.toml
	@# Debian ships venv's pip bootstrap (ensurepip) in a separate package.
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "Installing python3-venv (needed to create $(VENV))"; \
	  $(APT) update -qq && $(APT) install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP) fonts
	PORT=$(PORT) $(VENV)/bin/signoff run

# Debian packages the PDFs print with (docs/pdf.md): Liberation Sans for Latin text; Noto Sans
# CJK (Chinese, Japanese, Korean), Noto Sans Arabic and Hebrew from fonts-noto-core (with Noto
# Sans for most other scripts) and Noto Color Emoji, so no customer's name prints as boxes.
# Installed only when missing: each is looked for by one file it installs.
fonts:
	@need=""; \
	[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need="$$need fonts-liberation"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need="$$need fonts-noto-cjk"; \
	[ -e /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] || need="$$need fonts-noto-core"; \
	[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need="$$need fonts-noto-color-emoji"; \
	if [ -n "$$need" ]; then \
	  echo "Installing fonts for the PDFs:$$need"; \
	  $(APT) update -qq && $(APT) install -y -qq $$need; \
	fi

# Debian packages the tests need: Chromium for the browser tests, PostgreSQL for the second
# database pass, poppler for PDF pictures, wrk for the benchmarks (and their smoke test), and
# the PDFs' fonts. Installed only when missing.
system-deps: fonts
	@need=""; \
	[ -x /usr/bin/chromium ] || need="$$need chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	command -v pdftoppm >/dev/null || need="$$need poppler-utils"; \
	command -v npm >/dev/null || need="$$need npm"; \
	command -v wrk >/dev/null || need="$$need wrk"; \
	if [ -n "$$need" ]; then \
	  echo "Installing:$$need"; \
	  $(APT) update -qq && $(APT) install -y -qq $$need; \
	fi

node_modules/axe-core/axe.min.js:
	npm install --no-save --no-audit --no-fund --silent axe-core@4

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	cd src && ../$(VENV)/bin/lint-imports --no-cache ../pyproject.toml

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

test: $(STAMP) system-deps node_modules/axe-core/axe.min.js lint test-sqlite test-postgres test-slow

test-sqlite: $(STAMP)
	$(PY) -m pytest -n 2 -m "not fault and not bench" $(PYTEST_ARGS)

test-postgres: $(STAMP)
	scripts/with-postgres.sh $(PY) -m pytest -n 2 -m "not browser and not fault and not bench" $(PYTEST_ARGS)

# The slow group, in parallel with itself: outages and restarts (each test starts and breaks
# its own PostgreSQL, SQLite file or worker), and the benchmarks' smoke test.
test-slow: $(STAMP)
	$(PY) -m pytest -n 2 -m "fault or bench" $(PYTEST_ARGS)

# The benchmarks (bench/README.md): not part of `make test`. ARGS="--quick" for a quick look.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) system-deps
	$(PY) -m bench.run $(ARGS)

bench-quick: $(BENCH_STAMP) system-deps
	$(PY) -m bench.run --quick $(ARGS)

clean:
	rm -rf $(VENV) var node_modules
