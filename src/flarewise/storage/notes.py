"""Rows of clinician notes and their amendments. A note is inserted and never updated: an
amendment is another row naming the one it corrects (``amends``, unique, so each version is
amended at most once and the versions of a note form one chain). Who may write or amend, and
what a page shows, is decided in :mod:`flarewise.sharing.notes`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.domain.notes import ClinicianNote, NoteVersion
from flarewise.storage.tables import clinician_notes as notes


@dataclass(frozen=True)
class NoteRow:
    id: int
    clinician: str
    at: datetime
    text: str
    #: the id of the version this one corrects (None for a note as first written)
    amends: int | None

    @property
    def key(self) -> tuple[str, datetime, str]:
        """What tells two copies of one version apart from two versions (ids differ between
        servers; author, time and words do not)."""
        return (self.clinician, self.at, self.text)


def add(
    conn: Connection,
    owner_id: int,
    clinician: str,
    text: str,
    at: datetime,
    amends: int | None = None,
) -> int:
    result = conn.execute(
        notes.insert().values(
            owner_id=owner_id, clinician=clinician, text=text, at=at, amends=amends
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _row(r: Any) -> NoteRow:
    return NoteRow(int(r[0]), str(r[1]), r[2], str(r[3]), None if r[4] is None else int(r[4]))


def _query() -> sa.Select[Any]:
    return sa.select(notes.c.id, notes.c.clinician, notes.c.at, notes.c.text, notes.c.amends)


def get(conn: Connection, owner_id: int, note_id: int) -> NoteRow | None:
    row = conn.execute(_query().where(notes.c.id == note_id, notes.c.owner_id == owner_id)).first()
    return None if row is None else _row(row)


def is_amended(conn: Connection, note_id: int) -> bool:
    found = conn.execute(sa.select(notes.c.id).where(notes.c.amends == note_id)).first()
    return found is not None


def rows_of(conn: Connection, owner_id: int) -> list[NoteRow]:
    """Every version of every note about the person, oldest first."""
    query = _query().where(notes.c.owner_id == owner_id).order_by(notes.c.at, notes.c.id)
    return [_row(r) for r in conn.execute(query)]


def chains(rows: Iterable[NoteRow]) -> list[list[NoteRow]]:
    """The versions of each note, first written to latest, in the order the notes were first
    written."""
    rows = list(rows)
    after = {r.amends: r for r in rows if r.amends is not None}
    found = []
    for root in (r for r in rows if r.amends is None):
        chain = [root]
        while chain[-1].id in after:
            chain.append(after[chain[-1].id])
        found.append(chain)
    return found


def records(conn: Connection, owner_id: int) -> list[ClinicianNote]:
    """The person's notes as the backup carries them."""
    return [
        ClinicianNote(
            clinician=first.clinician,
            at=first.at,
            text=first.text,
            amendments=tuple(
                NoteVersion(clinician=v.clinician, at=v.at, text=v.text) for v in rest
            ),
        )
        for first, *rest in chains(rows_of(conn, owner_id))
    ]


def append_missing(conn: Connection, owner_id: int, restored: Iterable[ClinicianNote]) -> int:
    """Add the notes and amendments of a backup this person's record lacks (a restore never
    loses nor repeats a version); returns how many versions were added. A note amended
    differently on two servers keeps every version: the ones this server lacks are added after
    its latest, in the backup's order."""
    held = {chain[0].key: chain for chain in chains(rows_of(conn, owner_id))}
    added = 0
    for note in restored:
        versions = [note, *note.amendments]
        root_key = (note.clinician, note.at, note.text)
        chain = held.get(root_key)
        if chain is None:
            root = NoteRow(
                add(conn, owner_id, note.clinician, note.text, note.at),
                note.clinician,
                note.at,
                note.text,
                None,
            )
            chain = held[root_key] = [root]
            added += 1
        have = {v.key for v in chain}
        for v in versions[1:]:
            if (v.clinician, v.at, v.text) in have:
                continue
            new_id = add(conn, owner_id, v.clinician, v.text, v.at, amends=chain[-1].id)
            chain.append(NoteRow(new_id, v.clinician, v.at, v.text, chain[-1].id))
            have.add((v.clinician, v.at, v.text))
            added += 1
    return added
