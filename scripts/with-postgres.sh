#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: started here, removed after.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed: run 'make system-deps' (Debian package postgresql)." >&2
  exit 2
fi
workdir=$(mktemp -d)
run_as=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root; use the package's own system user.
  chown postgres "$workdir"
  run_as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT
"${run_as[@]}" "$bindir/initdb" -D "$workdir/data" -U signoff --auth=trust -E UTF8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null
export DATABASE_URL="postgres://signoff@127.0.0.1:$port/signoff"
"$@"
