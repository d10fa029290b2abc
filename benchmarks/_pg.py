"""The PostgreSQL server the benchmarks use: the configured one, in a schema of their own."""

from __future__ import annotations

import os

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
