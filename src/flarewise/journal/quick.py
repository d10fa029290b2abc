"""A journal opened only to add entries, without SQLAlchemy: what ``flarewise log`` uses.

Why: a quick entry is typed daily, and importing SQLAlchemy alone took longer than the 0.25 s
the whole command should take (issue 17). :class:`QuickLog` adds entries through
:mod:`flarewise.storage.lite` (the driver, the same row-writing function as the full journal)
after exactly the checks :meth:`Journal.add` makes
(:func:`~flarewise.journal.prepare.prepare_entry`),
so an entry is stored, refused and described the same way either way.

:func:`open_quick_log` gives ``None`` whenever the journal must be opened the usual way
(PostgreSQL, a database to create or migrate, a person not yet in it); the caller then uses
:func:`flarewise.journal.open_journal`, which also offers ``add``, ``describe``, ``timezone``
and ``vocabulary`` (the :class:`EntryWriter` protocol).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Protocol, TypeVar

from flarewise.domain.entries import EntryBase
from flarewise.domain.profile import Profile
from flarewise.domain.trackables import Trackable
from flarewise.errors import Conflict
from flarewise.journal.prepare import prepare_entry
from flarewise.journal.vocabulary_cache import cached_vocabulary
from flarewise.knowledge import Vocabulary
from flarewise.knowledge.describe import describe_entry
from flarewise.storage.basics import check_handle
from flarewise.storage.lite import LiteStore, open_lite

E = TypeVar("E", bound=EntryBase)


class EntryWriter(Protocol):
    """What adding one entry needs: a :class:`QuickLog` or a full ``Journal``."""

    @property
    def vocabulary(self) -> Vocabulary: ...

    def timezone(self) -> tzinfo: ...

    def add(self, entry: E) -> E: ...

    def describe(self, entry: EntryBase) -> str: ...

    def close(self) -> None: ...


class QuickLog:
    """One person's SQLite journal, opened to add entries; see the module's doc."""

    def __init__(self, store: LiteStore, vocabulary: Vocabulary) -> None:
        self._store = store
        self._vocabulary = vocabulary
        self._profile: Profile | None = None

    @property
    def vocabulary(self) -> Vocabulary:
        return self._vocabulary

    def close(self) -> None:
        self._store.close()

    def profile(self) -> Profile:
        """The profile as it was when the journal was opened."""
        if self._profile is None:
            self._profile = Profile.model_validate(self._store.profile)
        return self._profile

    def timezone(self) -> tzinfo:
        """The person's zone from the profile, else this machine's local zone (as Journal's)."""
        return self.profile().zone()

    def add(self, entry: E) -> E:
        """Record one entry; returns it as stored (canonical spellings), as Journal.add does."""
        trackables = {t.id: t for t in map(Trackable.model_validate, self._store.trackables())}
        checked, measures = prepare_entry(self._vocabulary, entry, trackables)
        if self._store.insert_entries([(checked, measures)]) == 0:
            raise Conflict(
                f"an entry from {checked.source} with key {checked.source_key!r} is already stored"
            )
        return checked

    def describe(self, entry: EntryBase) -> str:
        """A one-line plain-language description of an entry."""
        return describe_entry(entry, self._vocabulary)


def open_quick_log(url: str, person: str) -> QuickLog | None:
    """``person``'s journal for adding entries without SQLAlchemy, or None (open it the usual
    way: see the module's doc)."""
    store = open_lite(url, check_handle(person))
    if store is None:
        return None
    return QuickLog(store, cached_vocabulary())
