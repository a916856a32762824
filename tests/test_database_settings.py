"""Database connections from the environment: PostgreSQL keeps them, SQLite opens one each time."""

import json
import os
import subprocess
import sys

import pytest

CODE = (
    "import json, signoff.settings as s; d = s.DATABASES['default'];"
    "print(json.dumps([d['CONN_MAX_AGE'], d.get('CONN_HEALTH_CHECKS', False),"
    " d.get('DISABLE_SERVER_SIDE_CURSORS', False)]))"
)


def _connections(**env) -> list:
    return _settings_figures(CODE, **env)


def _settings_figures(code: str, **env) -> list:
    """What `code` prints about signoff.settings, loaded in a fresh process with `env`."""
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith("SIGNOFF_") and k != "DATABASE_URL"
    }
    environ.update(SIGNOFF_SECRET_KEY="k" * 64, **env)
    out = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_postgresql_connections_persist_a_minute_and_are_checked_before_use():
    assert _connections(DATABASE_URL="postgres://signoff@db.internal/signoff") == [60, True, False]


def test_behind_a_transaction_pooler_connections_and_server_side_cursors_can_be_turned_off():
    assert _connections(
        DATABASE_URL="postgres://signoff@pgbouncer.internal:6432/signoff",
        SIGNOFF_CONN_MAX_AGE="0",
        SIGNOFF_DISABLE_SERVER_SIDE_CURSORS="1",
    ) == [0, True, True]


def test_sqlite_opens_a_connection_per_request(tmp_path):
    assert _connections(SIGNOFF_DATA_DIR=str(tmp_path))[0] == 0


PREPARED = (
    "import json, signoff.settings as s; o = s.DATABASES['default'].get('OPTIONS', {});"
    "print(json.dumps([o.get('server_side_binding'), o.get('prepare_threshold')]))"
)


def _options(**env) -> list:
    return _settings_figures(PREPARED, **env)


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_queries():
    assert _options(DATABASE_URL="postgres://signoff@db.internal/signoff") == [True, 5]


def test_prepared_statements_can_be_turned_off_for_an_older_pooler():
    assert _options(
        DATABASE_URL="postgres://signoff@pgbouncer.internal:6432/signoff",
        SIGNOFF_PG_PREPARED_STATEMENTS="0",
    ) == [None, None]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_query_run_again_and_again_is_planned_once_on_the_connection(shop):
    from django.db import connection

    from signoff.shops.models import Shop

    for _ in range(6):
        assert Shop.objects.filter(pk=shop.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "shops_shop"' in sql for sql in prepared), prepared
