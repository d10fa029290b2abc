"""Clinician notes as the person's record keeps them: each note with its amendments, oldest
first. A clinician corrects their own note by amending it; the earlier text is never
overwritten, so the backup carries every version and a restore can tell which it already holds.
Kept in the domain so the backup document can carry the notes with the journal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from flarewise.domain.base import Record


class NoteVersion(Record):
    #: the account name of the clinician who wrote it
    clinician: Annotated[str, Field(min_length=1, max_length=100)]
    #: naive UTC, as every stored time
    at: datetime
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class ClinicianNote(NoteVersion):
    """A note as first written, and its amendments in the order they were made (the last one
    is the note's text today; each earlier one is superseded by the next)."""

    amendments: tuple[NoteVersion, ...] = ()
