"""The full-journal backup document: versioned JSON that restores losslessly.

Version 1 layout::

    {"format": "flarewise-journal", "version": 1, "exported_at": ...,
     "person": {...}, "profile": {...}, "trackables": [...], "regimens": [...], "entries": [...],
     "experiments": [...], "reminders": {"checkin_time": "20:00"},
     "audit": [...], "notes": [...]}

Entries keep their ids, instants and offsets, provenance and record times, so an export followed
by a restore gives an identical journal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from flarewise.domain.audit import AuditRecord
from flarewise.domain.base import Record
from flarewise.domain.entries import Entry
from flarewise.domain.experiments import Protocol
from flarewise.domain.notes import ClinicianNote
from flarewise.domain.profile import Profile
from flarewise.domain.regimens import Regimen
from flarewise.domain.reminders import ReminderSettings
from flarewise.domain.trackables import Trackable

BACKUP_FORMAT = "flarewise-journal"
BACKUP_VERSION = 1


class StoredEntry(Record):
    """An entry with the times storage recorded it and last changed it."""

    entry: Entry
    recorded_at: datetime
    updated_at: datetime


class Backup(Record):
    format: Literal["flarewise-journal"] = "flarewise-journal"
    version: Literal[1] = 1
    exported_at: datetime
    person: Annotated[str, Field(min_length=1, max_length=100)]
    profile: Profile = Profile()
    trackables: tuple[Trackable, ...] = ()
    regimens: tuple[Regimen, ...] = ()
    entries: tuple[StoredEntry, ...] = ()
    experiments: tuple[Protocol, ...] = ()
    #: the reminder time chosen (None in backups made before reminders); never the feed's
    #: secret address, which a restore must not bring back to life
    reminders: ReminderSettings | None = None
    #: who else read or changed the journal (append-only; a restore adds the rows it lacks)
    audit: tuple[AuditRecord, ...] = ()
    #: clinicians' notes about the person, each with its amendments (none in backups made
    #: before notes travelled; a restore adds the notes and amendments it lacks)
    notes: tuple[ClinicianNote, ...] = ()

    def content(self) -> dict[str, Any]:
        """What a restore must reproduce: everything but the export time and the person handle."""
        data = self.model_dump(mode="json")
        data.pop("exported_at")
        data.pop("person")
        data["entries"] = sorted(data["entries"], key=lambda e: e["entry"]["id"])
        data["regimens"] = sorted(data["regimens"], key=lambda r: r["id"])
        data["trackables"] = sorted(data["trackables"], key=lambda t: t["id"])
        data["experiments"] = sorted(data["experiments"], key=lambda x: x["id"])
        return data
