"""A journal opened only to read insights, without SQLAlchemy: what ``flarewise insights``
uses on an up-to-date SQLite journal.

Why: importing SQLAlchemy and building the tables cost about 0.2 s of the 0.6 s the command
should take on a year of data (issue 17). The reads are few (the date span, the daily
summaries, the regimens, the trackables) and go through :mod:`flarewise.storage.lite` with the
repository's own read function and SQL compiled from the tables; the analysis is handed the
data by :func:`flarewise.journal.insights.journal_insights`, as ``Journal.insights`` does, so
both give the same insights (tests/test_insights_cli.py compares them).

:func:`open_lite_reader` gives ``None`` whenever the journal must be opened the usual way
(PostgreSQL, a database to create or migrate, a person not in it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flarewise.domain.profile import Profile
from flarewise.domain.regimens import Regimen
from flarewise.domain.summaries import DaySummary
from flarewise.domain.trackables import Trackable
from flarewise.errors import InvalidInput
from flarewise.journal.insights import journal_insights
from flarewise.journal.vocabulary_cache import cached_vocabulary
from flarewise.knowledge import Vocabulary
from flarewise.storage.basics import check_handle
from flarewise.storage.lite import LiteStore, open_lite
from flarewise.storage.stored import regimen_from_data

if TYPE_CHECKING:
    from flarewise.analysis.insights import Insights


class LiteReader:
    """One person's SQLite journal, opened to read insights; see the module's doc."""

    def __init__(self, store: LiteStore, vocabulary: Vocabulary) -> None:
        self._store = store
        self._vocabulary = vocabulary

    @property
    def vocabulary(self) -> Vocabulary:
        return self._vocabulary

    def close(self) -> None:
        self._store.close()

    def today(self) -> date:
        """Today in the person's zone (the profile's, else this machine's), as Journal's."""
        return datetime.now(Profile.model_validate(self._store.profile).zone()).date()

    def date_span(self) -> tuple[date | None, date | None]:
        return self._store.date_span()

    def daily_summaries(self, start: date, end: date) -> list[DaySummary]:
        """Per local date: entry count and, per measure, n / total / mean / min / max."""
        if end < start:
            raise InvalidInput("end", "the end date is before the start date")
        return self._store.daily(start, end)

    def regimens(self) -> list[Regimen]:
        return [regimen_from_data(d) for d in self._store.regimens()]

    def trackables(self) -> list[Trackable]:
        return [Trackable.model_validate(d) for d in self._store.trackables()]

    def insights(
        self,
        start: date | None = None,
        end: date | None = None,
        fdr: str = "bh",
        max_hits: int | None = 20,
    ) -> Insights:
        """What ``Journal.insights`` gives, from the same reads."""
        return journal_insights(self, start, end, fdr, max_hits)


def open_lite_reader(url: str, person: str) -> LiteReader | None:
    """``person``'s journal for reading insights without SQLAlchemy, or None (open it the
    usual way: see the module's doc)."""
    store = open_lite(url, check_handle(person))
    if store is None:
        return None
    return LiteReader(store, cached_vocabulary())
