"""The clinician's side: the people who shared with them, each with what changed since the
clinician's last visit; opening one person's page marks it visited.

Reading a person's report for the list is an access like any other: it goes through
:func:`flarewise.sharing.access.open_shared` and leaves an audit row in that person's log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flarewise.errors import FlarewiseError
from flarewise.reports import VisitReport
from flarewise.sharing import changes
from flarewise.sharing.access import Shared, open_shared
from flarewise.sharing.grants import people_of
from flarewise.storage import Database
from flarewise.storage import sharing as rows
from flarewise.storage.database import utcnow


@dataclass(frozen=True)
class Patient:
    handle: str
    name: str | None
    scope: str
    since: datetime
    until: date | None
    last_visit: datetime | None
    changes: changes.Changes


def report_of(shared: Shared) -> VisitReport | None:
    """The person's visit report for the default period, without the experiments and the
    trigger screen (what changed reads only the alerts and the FIQR), or None for a journal
    too empty to report on."""
    try:
        return shared.journal.visit_report(screens=False)
    except FlarewiseError:
        return None


def patients(
    db: Database, clinician: str, *, via: str, now: datetime | None = None
) -> list[Patient]:
    """The people with a live grant to ``clinician``, by name, each with their changes."""
    now = now or utcnow()
    found = []
    for grant in people_of(db, clinician, now=now):
        shared = open_shared(
            db,
            clinician,
            grant.owner,
            "report",
            what="clinic list (what changed)",
            via=via,
            now=now,
        )
        found.append(
            Patient(
                grant.owner,
                shared.journal.profile().display_name,
                grant.scope,
                grant.created_at,
                grant.until,
                grant.seen_at,
                changes.since(grant.seen, current_summary(shared, now=now)),
            )
        )
    return found


def current_summary(shared: Shared, *, now: datetime | None = None) -> dict[str, Any]:
    """What the person's report shows now (alerts, FIQR): read from the cache while its inputs
    are unchanged since it was computed (same profile and overrides, labs, assessments and
    medicines, same last day of the journal, same today, same flarewise), else from a fresh
    report, then kept for the next clinician.

    Why those inputs: the alerts are the plan's red flags (labs, profile) and the safety
    warnings of the medicines in force on the report's end (regimens, labs, profile and its
    overrides), the FIQR is the latest assessment; none reads a symptom, so a check-in does
    not send every clinician's next list through a full report. The report's end is the last
    entry's day, hence that day in the fingerprint."""
    from flarewise import __version__

    now = now or utcnow()
    db = shared.journal.db
    with db.begin() as conn:
        journal = rows.summary_fingerprint(conn, shared.owner_id)
        cached = rows.cached_summary(conn, shared.owner_id)
    fingerprint = f"{__version__}|{shared.journal.today()}|{journal}"
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    summary = changes.summary(report_of(shared))
    with db.begin() as conn:
        rows.put_summary(conn, shared.owner_id, fingerprint, summary, now)
    return summary


def visit(shared: Shared, summary: dict[str, Any], *, now: datetime | None = None) -> None:
    """Remember what the clinician saw now (a :func:`changes.summary`): the next list compares
    with it."""
    with shared.journal.db.begin() as conn:
        rows.mark_seen(conn, shared.grant_id, now or utcnow(), summary)


def last_seen(shared: Shared) -> dict[str, Any] | None:
    """What the clinician saw at their last visit (None before the first)."""
    with shared.journal.db.begin() as conn:
        return rows.grant_seen(conn, shared.grant_id)
