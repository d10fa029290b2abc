"""Clinician notes and plan overrides: written only under an ``annotate`` grant, signed with
the clinician's account name and the date, and audited as writes.

An override is the profile's :class:`~flarewise.domain.profile.Override` (a rule and an item,
the clinician and the day), which the safety checks already honour: the warning stays, marked
"overridden by <clinician> on <date>"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flarewise.domain.profile import Override
from flarewise.errors import InvalidInput
from flarewise.sharing.access import Shared, open_shared
from flarewise.storage import Database
from flarewise.storage import sharing as rows
from flarewise.storage.database import utcnow

MAX_NOTE = 4000


@dataclass(frozen=True)
class Note:
    clinician: str
    at: datetime
    text: str


def notes_of(shared: Shared) -> list[Note]:
    """The person's clinician notes, newest first (read under the caller's grant)."""
    with shared.journal.db.begin() as conn:
        return [Note(*n) for n in rows.notes(conn, shared.owner_id)]


def add_note(
    db: Database, clinician: str, owner: str, text: str, *, via: str, now: datetime | None = None
) -> Note:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("text", "write the note first")
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput("text", f"keep a note under {MAX_NOTE} characters")
    now = now or utcnow()
    shared = open_shared(
        db, clinician, owner, "annotate", what="clinician note", via=via, action="write", now=now
    )
    with db.begin() as conn:
        rows.add_note(conn, shared.owner_id, clinician, cleaned, now)
    return Note(clinician, now, cleaned)


def add_override(
    db: Database,
    clinician: str,
    owner: str,
    rule: str,
    item: str,
    note: str | None = None,
    *,
    via: str,
    now: datetime | None = None,
) -> Override:
    """Record the clinician's decision to go past ``rule`` for ``item`` in the person's plan."""
    now = now or utcnow()
    shared = open_shared(
        db, clinician, owner, "annotate", what="plan override", via=via, action="write", now=now
    )
    j = shared.journal
    if rule not in j.vocabulary.safety_rules:
        raise InvalidInput("rule", f"{rule!r} is not a safety rule flarewise knows")
    override = Override(
        rule=rule, item=item, clinician=clinician, on=now.date(), note=(note or "").strip() or None
    )
    kept = tuple(o for o in j.profile().overrides if (o.rule, o.item) != (rule, item))
    j.update_profile(overrides=(*kept, override))
    return override
