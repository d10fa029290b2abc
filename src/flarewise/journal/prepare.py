"""An entry made ready to store: scored (an assessment), checked against the vocabulary, and its
derived measures computed.

One function for every way an entry is written (the journal facade, a restore, and the quick
entry of :mod:`flarewise.journal.quick`), so the same record gets the same checks and the same
error sentences whichever way it comes in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from flarewise.domain.entries import Assessment, EntryBase
from flarewise.domain.trackables import Trackable
from flarewise.errors import InvalidInput
from flarewise.knowledge import Vocabulary, check_entry, measures_of
from flarewise.storage.params import Measure

E = TypeVar("E", bound=EntryBase)


def prepare_entry(
    vocabulary: Vocabulary,
    entry: E,
    trackables: Mapping[str, Trackable],
    *,
    allow_unknown_analytes: bool = False,
    field: str = "",
) -> tuple[E, list[Measure]]:
    """The entry as it will be stored (canonical spellings) and its derived measures."""
    if not isinstance(entry, EntryBase):
        raise InvalidInput(
            field or "entry", f"expected a journal entry, got {type(entry).__name__}"
        )
    if isinstance(entry, Assessment):
        entry = scored(entry, field)  # type: ignore[assignment]
    checked = check_entry(
        vocabulary, entry, trackables, allow_unknown_analytes=allow_unknown_analytes, field=field
    )
    return checked, measures_of(checked, vocabulary)


def scored(entry: Assessment, field: str = "") -> Assessment:
    """The assessment with scores computed from its answers (never trusted from input)."""
    from flarewise import instruments  # imported on use: start-up stays light

    try:
        result = instruments.score(entry.instrument, entry.answers, entry.entered_by)
    except InvalidInput as exc:
        where = f"{field}.answers" if field else "answers"
        raise InvalidInput(f"{where}.{exc.field}" if exc.field else where, exc.reason) from None
    done: Assessment = entry.replace(scores=result.scores, met=result.met)
    return done
