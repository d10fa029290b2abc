"""The journal: one person's record (:class:`Journal`, in :mod:`flarewise.journal.facade`).

>>> from flarewise.journal import open_journal
>>> j = open_journal("sqlite:///journal.db")              # doctest: +SKIP

The names below are imported on first use (PEP 562). Why: ``flarewise log`` imports
:mod:`flarewise.journal.quick` to add an entry without SQLAlchemy, and should not pay for the
whole facade (its backup, experiment and visit helpers) on the way (issue 17).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flarewise.journal.backup import read_backup
    from flarewise.journal.facade import (
        DoseToOffer,
        Journal,
        Progress,
        migrate_database,
        open_database,
        open_journal,
        schema_status,
    )

_WHERE = {
    "DoseToOffer": "flarewise.journal.facade",
    "Journal": "flarewise.journal.facade",
    "Progress": "flarewise.journal.facade",
    "migrate_database": "flarewise.journal.facade",
    "open_database": "flarewise.journal.facade",
    "open_journal": "flarewise.journal.facade",
    "schema_status": "flarewise.journal.facade",
    "read_backup": "flarewise.journal.backup",
}

__all__ = [
    "DoseToOffer",
    "Journal",
    "Progress",
    "migrate_database",
    "open_database",
    "open_journal",
    "read_backup",
    "schema_status",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'flarewise.journal' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
