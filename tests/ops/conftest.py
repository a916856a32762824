import pytest

from tests.support.worker_process import SQLITE_NAME, migrate, process_env


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """One migrated SQLite file; each process test works on its own copy of it."""
    folder = tmp_path_factory.mktemp("worker-db")
    migrate(process_env(folder))
    return folder / SQLITE_NAME
