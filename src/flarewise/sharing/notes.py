"""Clinician notes and plan overrides: written only under an ``annotate`` grant, signed with
the clinician's account name and the date, and audited as writes. A note is part of the
person's record: its author may amend it (the earlier text stays, superseded), nobody edits or
deletes it, the person reads the notes about them, and the notes travel in their backup.

An override is the profile's :class:`~flarewise.domain.profile.Override` (a rule and an item,
the clinician and the day), which the safety checks already honour: the warning stays, marked
"overridden by <clinician> on <date>"."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from flarewise.domain.profile import Override, Profile
from flarewise.errors import Conflict, InvalidInput, NotFound
from flarewise.journal.vocabulary_cache import cached_vocabulary
from flarewise.knowledge import check_profile
from flarewise.sharing.access import NOTHING_HERE, Shared, open_shared
from flarewise.storage import Database, PersonRepository
from flarewise.storage import notes as note_rows
from flarewise.storage.database import utcnow

MAX_NOTE = 4000


@dataclass(frozen=True)
class Version:
    """One text of a note: who wrote it and when; for a superseded text, the amendment that
    replaced it (by whom, when)."""

    clinician: str
    at: datetime
    text: str
    amended_by: str | None = None
    amended_at: datetime | None = None


@dataclass(frozen=True)
class Note:
    """A note as it reads today (its latest version, ``id`` the one to amend) and the texts it
    replaced, first written first."""

    id: int
    clinician: str
    at: datetime
    text: str
    superseded: tuple[Version, ...] = ()

    @property
    def amended(self) -> bool:
        return bool(self.superseded)


def _notes(db: Database, owner_id: int) -> list[Note]:
    """The person's notes, the most recently written first (an amendment keeps its note's
    place: the order is that of the first versions)."""
    with db.begin() as conn:
        chains = note_rows.chains(note_rows.rows_of(conn, owner_id))
    found = []
    for chain in chains:
        latest = chain[-1]
        superseded = tuple(
            Version(old.clinician, old.at, old.text, new.clinician, new.at)
            for old, new in itertools.pairwise(chain)
        )
        found.append(Note(latest.id, latest.clinician, latest.at, latest.text, superseded))
    return found[::-1]


def notes_of(shared: Shared) -> list[Note]:
    """The person's clinician notes, read under the caller's grant (already audited)."""
    return _notes(shared.journal.db, shared.owner_id)


def notes_about(db: Database, owner: str) -> list[Note]:
    """The notes clinicians wrote about ``owner``, for the owner to read."""
    owner_id = db.person_id(owner)
    if owner_id is None:
        raise NotFound(f"there is no journal named {owner!r}")
    return _notes(db, owner_id)


#: C0 control characters but tab, newline and carriage return: invisible, meaningless in a note
#: (they come from pasting), and PostgreSQL refuses to store NUL at all. And the bidirectional
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069): with them a signed note shows other
#: words than it holds ("\u202eevil" reads "live"); right-to-left text needs none of them
_CONTROLS = dict.fromkeys(
    [c for c in range(32) if chr(c) not in "\t\n\r"]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)


def _plain(text: str) -> str:
    """``text`` without invisible control characters, trimmed."""
    return text.translate(_CONTROLS).strip()


def _cleaned(text: str) -> str:
    cleaned = _plain(text)
    if not cleaned:
        raise InvalidInput("text", "write the note first")
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput("text", f"keep a note under {MAX_NOTE} characters")
    return cleaned


def add_note(
    db: Database, clinician: str, owner: str, text: str, *, via: str, now: datetime | None = None
) -> Note:
    cleaned = _cleaned(text)
    now = now or utcnow()
    written: list[int] = []

    def write(conn: Connection, owner_id: int) -> None:
        written.append(note_rows.add(conn, owner_id, clinician, cleaned, now))

    open_shared(
        db,
        clinician,
        owner,
        "annotate",
        what="clinician note",
        via=via,
        action="write",
        now=now,
        within=write,
    )
    return Note(written[0], clinician, now, cleaned)


def amend_note(
    db: Database,
    clinician: str,
    owner: str,
    note_id: int,
    text: str,
    *,
    via: str,
    now: datetime | None = None,
) -> Note:
    """Correct the clinician's own note ``note_id`` (its latest version) with ``text``: a new
    version that supersedes it, the old text kept and shown as "amended by ... on ...". Only
    the note's author, through a live ``annotate`` grant; anyone else, or a note that is not
    about ``owner``, gets the answer of a missing record (and no audit row). The amendment is
    written to the owner's audit log."""
    cleaned = _cleaned(text)
    now = now or utcnow()
    if not 0 < note_id < 2**31:  # an id no integer column holds
        raise NotFound(NOTHING_HERE)
    written: list[int] = []

    def write(conn: Connection, owner_id: int) -> None:
        found = note_rows.get(conn, owner_id, note_id)
        if found is None or found.clinician != clinician:
            raise NotFound(NOTHING_HERE)
        if note_rows.is_amended(conn, note_id):
            raise Conflict(_ALREADY_AMENDED)
        written.append(note_rows.add(conn, owner_id, clinician, cleaned, now, amends=note_id))

    try:
        shared = open_shared(
            db,
            clinician,
            owner,
            "annotate",
            what="clinician note amendment",
            via=via,
            action="write",
            now=now,
            within=write,
        )
    except Conflict as exc:  # also two amendments racing: the unique index keeps one
        raise Conflict(_ALREADY_AMENDED) from exc
    return next(n for n in _notes(db, shared.owner_id) if n.id == written[0])


_ALREADY_AMENDED = (
    "this note was amended already; open the person's page again and amend its latest version"
)


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
    """Record the clinician's decision to go past ``rule`` for ``item`` in the person's plan.

    The grant check, the checks of the override, the profile's change and the audit row are one
    transaction: a refused override (an unknown rule, no item) changes nothing and leaves no
    "plan override" row claiming that the clinician changed the plan."""
    now = now or utcnow()
    vocabulary = cached_vocabulary()
    made: list[Override] = []

    def write(conn: Connection, owner_id: int) -> None:
        if rule not in vocabulary.safety_rules:
            raise InvalidInput("rule", f"{rule!r} is not a safety rule flarewise knows")
        named = _plain(item)
        if not named:
            raise InvalidInput("item", "name what the override is for, e.g. magnesium")
        override = Override(
            rule=rule,
            item=named,
            clinician=clinician,
            on=now.date(),
            note=_plain(note or "") or None,
        )
        repo = PersonRepository(db, owner_id)
        profile = Profile.model_validate(repo.get_profile(conn))
        kept = tuple(o for o in profile.overrides if (o.rule, o.item) != (rule, named))
        changed = check_profile(vocabulary, profile.replace(overrides=(*kept, override)))
        repo.put_profile(conn, changed.model_dump(mode="json", exclude_none=True))
        made.append(override)

    open_shared(
        db,
        clinician,
        owner,
        "annotate",
        what="plan override",
        via=via,
        action="write",
        now=now,
        within=write,
    )
    return made[0]
