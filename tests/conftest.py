"""Shared fixtures. Every storage test runs on SQLite and on PostgreSQL.

PostgreSQL: ``FLAREWISE_TEST_PG_URL`` (default: the local server, database ``test``). Each test gets
its own schema, dropped afterwards. When the server cannot be reached the PostgreSQL tests are
skipped with the reason on a developer machine, and FAIL when ``CI`` is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from flarewise import Journal, open_journal

PG_URL = os.environ.get(
    "FLAREWISE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = SHARED / "corpora"


def corpus(*parts: str) -> Path:
    """A file or folder of ``../shared/corpora``. A test calls this only where it needs the real
    sample files, so every other test runs in a clone without them; a missing corpus skips the
    test with the reason on a developer machine and FAILS it when ``CI`` is set."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        problem = f"shared corpora not found at {path}"
        if os.environ.get("CI"):
            pytest.fail(f"{problem} (CI must run every corpus test)", pytrace=False)
        pytest.skip(problem)
    return path


BACKENDS = ("sqlite", "postgresql")


REPO = Path(__file__).resolve().parents[1]


def _untracked() -> set[str] | None:
    """Files in the checkout that git neither tracks nor ignores (None without git)."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "ls-files", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return set(done.stdout.splitlines())


@pytest.fixture(autouse=True, scope="session")
def _tests_leave_the_checkout_alone() -> Iterator[None]:
    """No test may write into the checkout (a bundle written to the current directory once
    ended up committed): a file the run leaves behind that git would offer to add is an error."""
    before = _untracked()
    yield
    after = _untracked()
    if before is not None and after is not None:
        assert after <= before, f"tests wrote into the checkout: {sorted(after - before)}"


def _pg_problem() -> str | None:
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} is not reachable: {type(exc).__name__}: {exc}"


_PG_PROBLEM: str | bool | None = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_problem()
    return _PG_PROBLEM  # type: ignore[return-value]


def require_pg() -> None:
    problem = pg_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{problem} (CI must run every storage test on PostgreSQL)", pytrace=False)
    pytest.skip(problem)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh, empty PostgreSQL schema."""
    require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def journal(db_url: str) -> Iterator[Journal]:
    j = open_journal(db_url, "alice")
    try:
        yield j
    finally:
        j.close()


#: A fixed past instant in a +01:00 offset, for deterministic entries.
T0 = datetime(2025, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def t0() -> datetime:
    return T0


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
