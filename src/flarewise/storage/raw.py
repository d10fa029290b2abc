"""Reading rows through the driver's own cursor, for the few large reads of plain columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection


def fetch_raw(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """Rows as plain driver tuples, inside the connection's transaction: for large reads of
    simple columns, SQLAlchemy's per-row Result machinery cost more than the query."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()
