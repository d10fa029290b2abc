"""The clinician's side: the people who shared with them, each with what changed since the
clinician's last visit; opening one person's page marks it visited.

Reading a person's summary for the list is an access like any other: the list checks each
grant as :func:`flarewise.sharing.access.open_shared` does (live, the newest of each person)
and leaves an audit row in that person's log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flarewise.accounts import Accounts
from flarewise.domain.audit import AuditRecord
from flarewise.domain.profile import Profile
from flarewise.errors import FlarewiseError
from flarewise.journal import Journal
from flarewise.reports import VisitReport
from flarewise.sharing import changes
from flarewise.sharing.access import Shared
from flarewise.sharing.calendar import still_shared
from flarewise.storage import Database
from flarewise.storage import audit as audit_rows
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
    """The people with a live grant to ``clinician``, by name, each with their changes.

    One transaction reads the live grants, appends one audit row per person, marks the grants
    accessed and reads every summary's inputs and the kept summaries (a dashboard of 20 people
    used to take 20 openings of five transactions each); only a person whose summary is out of
    date then goes through a report (:func:`current_summary`'s rule, the same fingerprint)."""
    now = now or utcnow()
    record = AuditRecord(
        actor=clinician, action="read", what="clinic list (what changed)", via=via, at=now
    )
    with db.shared(), db.begin() as conn:  # the role and the ids join the one transaction
        clinician_id = db.person_id(clinician)
        if clinician_id is None or Accounts(db).role_of(clinician) != "clinician":
            return []
        unrevoked = rows.unrevoked_grants_of_clinician(conn, clinician_id)
        profiles = {g.owner_id: Profile.model_validate(g.profile) for g in unrevoked}
        listed = [g for g in unrevoked if still_shared(g.grant.until, profiles[g.owner_id], now)]
        owners = [g.owner_id for g in listed]
        audit_rows.append_many(conn, [(owner, clinician_id, record) for owner in owners])
        rows.touch_many(conn, [g.grant.id for g in listed], now)
        inputs = rows.summary_fingerprints(conn, owners)
        kept = rows.cached_summaries(conn, owners)
    found = []
    for g in listed:
        profile = profiles[g.owner_id]
        fingerprint = _fingerprint(datetime.now(profile.zone()).date(), inputs[g.owner_id])
        cached = kept.get(g.owner_id)
        if cached is not None and cached[0] == fingerprint:
            summary = cached[1]
        else:
            journal = Journal(db, g.grant.owner, g.owner_id)
            shared = Shared(journal, clinician, g.grant.scope, g.grant.id, g.owner_id)
            summary = _recompute(shared, fingerprint, now)
        found.append(
            Patient(
                g.grant.owner,
                profile.display_name,
                g.grant.scope,
                g.grant.created_at,
                g.grant.until,
                g.grant.seen_at,
                changes.since(g.grant.seen, summary),
            )
        )
    return found


def _fingerprint(today: date, inputs: str) -> str:
    from flarewise import __version__

    return f"{__version__}|{today}|{inputs}"


def _recompute(shared: Shared, fingerprint: str, now: datetime) -> dict[str, Any]:
    summary = changes.summary(report_of(shared))
    with shared.journal.db.begin() as conn:
        rows.put_summary(conn, shared.owner_id, fingerprint, summary, now)
    return summary


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
    with shared.journal.db.begin() as conn:
        inputs = rows.summary_fingerprint(conn, shared.owner_id)
        cached = rows.cached_summary(conn, shared.owner_id)
    fingerprint = _fingerprint(shared.journal.today(), inputs)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    return _recompute(shared, fingerprint, now or utcnow())


def visit(shared: Shared, summary: dict[str, Any], *, now: datetime | None = None) -> None:
    """Remember what the clinician saw now (a :func:`changes.summary`): the next list compares
    with it."""
    with shared.journal.db.begin() as conn:
        rows.mark_seen(conn, shared.grant_id, now or utcnow(), summary)


def last_seen(shared: Shared) -> dict[str, Any] | None:
    """What the clinician saw at their last visit (None before the first)."""
    with shared.journal.db.begin() as conn:
        return rows.grant_seen(conn, shared.grant_id)
