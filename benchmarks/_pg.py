"""The PostgreSQL server the benchmarks use: the configured one, in a schema of their own."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

#: Same setting as the tests (tests/conftest.py); the local server's `test` database otherwise.
PG_URL = os.environ.get(
    "FLAREWISE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def in_schema(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on the search path, keeping any options the URL has."""
    parsed = sa.engine.make_url(url)
    options = parsed.query.get("options", "")
    extra = options if isinstance(options, str) else " ".join(options)
    path = f"-csearch_path={schema}"
    return parsed.update_query_dict({"options": f"{extra} {path}".strip()}).render_as_string(
        hide_password=False
    )


def on_backends(backend: str, name: str, run: Callable[[str, str], None]) -> None:
    """``run(label, url)`` on a new SQLite file and/or in a new PostgreSQL schema (``backend``:
    sqlite, postgresql or both), each removed afterwards: what every per-backend benchmark
    does around its measurement."""
    if backend in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix=f"flarewise-{name}-"))
        try:
            run("SQLite", f"sqlite:///{folder / f'{name}.db'}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if backend in ("postgresql", "both"):
        schema = f"{name}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            run("PostgreSQL", in_schema(PG_URL, schema))
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
