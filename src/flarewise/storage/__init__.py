"""Storage: SQLAlchemy tables, Alembic migrations and per-person repositories, on SQLite or
PostgreSQL.

The SQLAlchemy side is imported on first use of its names (PEP 562), so that
:mod:`flarewise.storage.lite` (a quick entry through the driver) does not pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flarewise.storage.database import Database, make_engine
    from flarewise.storage.repository import PersonRepository

_WHERE = {
    "Database": "flarewise.storage.database",
    "make_engine": "flarewise.storage.database",
    "PersonRepository": "flarewise.storage.repository",
}

__all__ = ["Database", "PersonRepository", "make_engine"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'flarewise.storage' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
