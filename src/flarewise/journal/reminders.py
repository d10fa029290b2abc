"""Reminders without nagging (issue 15 item 5): the check-in time, and a secret calendar feed
any phone calendar can subscribe to, so reminders come from the person's own calendar.

Why these rules:
- the feed's address holds a random 256-bit token; the database keeps only its SHA-256 (as for
  sessions, accounts.py), so a copy of the database cannot read anyone's calendar, and the
  address is shown once, when made; making a new one ends the old one, revoking ends it;
- calendars cannot sign in, so the feed needs no session; an unknown or revoked token answers
  exactly as a missing page does (the web route raises NotFound), saying nothing of whether it
  ever existed;
- events: a daily check-in reminder at the person's time (RRULE daily, with an alarm), daily
  dose reminders from the regular (not as-needed) medicines, skipping the days a running
  experiment asks to leave that medicine out, and each phase start of a running experiment in
  words. A planned experiment gives no instruction (journal/agreement.py), so none here either;
- UIDs come from a random calendar key made once per person, so re-created feeds and later
  fetches update the same events rather than adding copies.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.domain.reminders import DEFAULT_CHECKIN, ReminderSettings
from flarewise.storage import Database
from flarewise.storage import reminders as rows

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from flarewise.exporters.ical import AllDay, Repeating
    from flarewise.journal import Journal

#: When doses are reminded, by how many a day (no regimen records clock times yet).
DOSE_TIMES = {
    1: ("08:00",),
    2: ("08:00", "20:00"),
    3: ("08:00", "14:00", "20:00"),
    4: ("08:00", "12:00", "16:00", "20:00"),
}
CHECKIN_SUMMARY = "Check in with flarewise (about a minute)"
CHECKIN_WORDS = "How are you today? Tap your scores on Today. A day left out is fine."


@dataclass(frozen=True)
class FeedState:
    """What the account page shows: whether a feed exists and since when (its address cannot
    be shown again: only its hash is kept), and the check-in time."""

    exists: bool
    created: datetime | None
    checkin_time: str


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _row(j: Journal, conn: Connection) -> dict[str, object]:
    """The person's reminder row, made with the default time and a fresh key if missing."""
    found = rows.get(conn, j._repo.pid)
    if found is None:
        rows.create(conn, j._repo.pid, DEFAULT_CHECKIN, secrets.token_hex(16), _now())
        found = rows.get(conn, j._repo.pid)
    assert found is not None
    return found


def settings(j: Journal) -> ReminderSettings:
    with j.db.begin() as conn:
        found = rows.get(conn, j._repo.pid)
    return ReminderSettings(checkin_time=str(found["checkin_time"]) if found else DEFAULT_CHECKIN)


def set_checkin_time(j: Journal, when: str) -> ReminderSettings:
    """Choose the time of the daily check-in reminder (24-hour HH:MM)."""
    chosen = ReminderSettings(checkin_time=when)
    with j.db.begin() as conn:
        put_settings(j, conn, chosen)
    return chosen


def put_settings(j: Journal, conn: Connection, chosen: ReminderSettings) -> None:
    """Write restored settings inside the caller's transaction (journal/backup.py)."""
    _row(j, conn)
    rows.set_time(conn, j._repo.pid, chosen.checkin_time)


def feed_state(j: Journal) -> FeedState:
    with j.db.begin() as conn:
        found = rows.get(conn, j._repo.pid)
    if found is None:
        return FeedState(False, None, DEFAULT_CHECKIN)
    created = found["feed_created_at"]
    return FeedState(
        isinstance(created, datetime),
        created if isinstance(created, datetime) else None,
        str(found["checkin_time"]),
    )


def create_feed(j: Journal) -> str:
    """A new secret token for the feed (any older address stops working). Returned once."""
    token = secrets.token_urlsafe(32)
    with j.db.begin() as conn:
        _row(j, conn)
        rows.set_feed(conn, j._repo.pid, _digest(token), _now())
    return token


def revoke_feed(j: Journal) -> None:
    """End the feed: its address then answers as a missing page does."""
    with j.db.begin() as conn:
        if rows.get(conn, j._repo.pid) is not None:
            rows.set_feed(conn, j._repo.pid, None, None)


def handle_for_token(db: Database, token: str) -> str | None:
    """The person whose live feed this token opens, or None (unknown, revoked, malformed)."""
    if not token or len(token) > 100:
        return None
    with db.begin() as conn:
        return rows.handle_of(conn, _digest(token))


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _dose_slots(step: DoseStep) -> tuple[tuple[str, ...], int]:
    """(times of day, every how many days) for a step's doses a day."""
    n = step.times_per_day
    if n < 1:
        return DOSE_TIMES[1], max(1, round(1 / n))
    count = math.ceil(n)
    if count in DOSE_TIMES:
        return DOSE_TIMES[count], 1
    # more than 4 a day: evenly from 08:00 to 22:00
    gap = 14 * 60 // (count - 1)
    return tuple(f"{(480 + k * gap) // 60:02d}:{(480 + k * gap) % 60:02d}" for k in range(count)), 1


def _dose_events(
    j: Journal, key: str, since: date, today: date, held: dict[str, list[date]]
) -> list[Repeating]:
    from flarewise.exporters.ical import Repeating

    out: list[Repeating] = []
    v = j.vocabulary
    regimens: list[Regimen] = [r for r in j.regimens() if not r.as_needed]
    for r in regimens:
        name = r.unrecognised or v.name_of("substance", r.substance)
        for step, first, last in r.spans():
            if last is not None and last < today:
                continue
            dose = f" {step.amount:g} {step.unit}" if step.amount is not None else ""
            times, every = _dose_slots(step)
            skip = tuple(d for d in held.get(r.substance, []) if d >= first)
            for k, at in enumerate(times):
                out.append(
                    Repeating(
                        uid=f"dose-{r.id}-{first.isoformat()}-{k}-{key}@flarewise",
                        summary=f"Take {name}{dose}",
                        description="From your medicines in flarewise. Tick it on Today "
                        "when taken; a dose left out is fine to record too.",
                        start=max(first, since),
                        at=_clock(at),
                        until=last,
                        skip=skip,
                        every=every,
                    )
                )
    return out


def _experiment_events(j: Journal, key: str) -> tuple[list[AllDay], dict[str, list[date]]]:
    """Each phase start of the running experiments, and their "off" days per substance."""
    running = [p for p in j.experiments() if p.status == "running"]
    if not running:
        return [], {}
    from flarewise.experiments.schedule import held_days
    from flarewise.exporters.ical import AllDay
    from flarewise.journal import agreement

    events: list[AllDay] = []
    held: dict[str, list[date]] = {}
    for p in running:
        if p.substance is not None:
            held.setdefault(p.substance, []).extend(held_days(p))
        r = agreement.experiment_review(j, p.id)
        for x in r.phases:
            events.append(
                AllDay(
                    uid=f"phase-{p.id}-{x.start.isoformat()}-{key}@flarewise",
                    summary=f"{p.title}: {x.what}",
                    description=f"From {x.start:%A %d %B} to {x.end:%A %d %B} ({x.days} days). "
                    + " ".join(r.daily),
                    day=x.start,
                )
            )
    return events, held


def feed(j: Journal) -> bytes:
    """The person's calendar: check-in, doses, experiment phases (see the module docstring)."""
    from flarewise.exporters.ical import Repeating, calendar_feed

    with j.db.begin() as conn:
        row = _row(j, conn)
    key = str(row["calendar_key"])
    today = j.today()
    created = row.get("feed_created_at")
    since = created.date() if isinstance(created, datetime) else today
    phases, held = _experiment_events(j, key)
    checkin = Repeating(
        uid=f"checkin-{key}@flarewise",
        summary=CHECKIN_SUMMARY,
        description=CHECKIN_WORDS,
        start=since,
        at=_clock(str(row["checkin_time"])),
    )
    tz = j.timezone()
    zone = tz if isinstance(tz, ZoneInfo) else None
    return calendar_feed(
        "flarewise reminders",
        zone,
        [checkin, *_dose_events(j, key, since, today, held)],
        phases,
    )
