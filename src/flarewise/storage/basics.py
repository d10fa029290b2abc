"""What both ways of opening a database share, without importing SQLAlchemy: the schema
revision this flarewise needs, the rule for journal names, and how time is stored.

:mod:`flarewise.storage.database` (SQLAlchemy) and :mod:`flarewise.storage.lite` (the driver,
for a quick entry) both use these, so the two cannot disagree about them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flarewise.errors import InvalidInput

#: The newest migration. Opening an up-to-date database compares the stored revision with this
#: and never loads Alembic (a tenth of a second and 20 MB on every start); a test checks it
#: against the migration scripts' head.
HEAD = "0009_note_amendments"

_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")


def utcnow() -> datetime:
    """Naive UTC, the way every DateTime column stores time."""
    return datetime.now(UTC).replace(tzinfo=None)


def check_handle(handle: str) -> str:
    """``handle`` if it is a usable journal name, else an :class:`InvalidInput` saying why."""
    if not _HANDLE.match(handle):
        raise InvalidInput(
            "person",
            f"{handle!r} is not a usable name: use letters, digits, '.', '_', '-' or '@' "
            "(up to 100)",
        )
    return handle


def setup_sqlite(dbapi_conn: Any) -> None:
    """Every SQLite connection's settings, on the driver's connection."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-32768")  # 32 MiB: a year of summaries stays in memory
    cur.execute("PRAGMA mmap_size=268435456")  # read pages without a copy per page
    cur.close()
