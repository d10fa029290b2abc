"""Rows of the job queue. No policy lives here (lease lengths, retries, what a job does): that is
:mod:`flarewise.jobs`. What lives here is the one thing that must be exactly right in SQL: a job
is claimed by one worker only, however many poll at once.

Claiming picks the oldest claimable row ``FOR UPDATE SKIP LOCKED`` (PostgreSQL: two workers
polling together get different rows, or none, without waiting on each other; SQLite ignores the
clause and has one writer at a time anyway), then moves it to ``running`` with an UPDATE that
names the status and attempt count it read: a compare-and-swap, so even without row locks a
second claimer changes nothing. Every later write names the worker and attempt too, so a worker
whose lease ran out (and whose job went to another) can no longer touch the row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.storage.tables import jobs, persons

#: Every column but the output file, which only :func:`output` reads.
SHOWN = tuple(c for c in jobs.columns if c.name != "output")


def _as_dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def add(
    conn: Connection,
    job_id: str,
    person_id: int,
    kind: str,
    file: str,
    folder: str,
    options: dict[str, Any],
    total_bytes: int,
    now: datetime,
) -> None:
    conn.execute(
        jobs.insert().values(
            id=job_id,
            person_id=person_id,
            kind=kind,
            status="queued",
            file=file,
            folder=folder,
            options=options,
            records=0,
            done_bytes=0,
            total_bytes=total_bytes,
            rate=0,
            attempts=0,
            created_at=now,
        )
    )


def get(conn: Connection, job_id: str, person_id: int | None = None) -> dict[str, Any] | None:
    """The job with its owner's handle (``person``); only the owner's when ``person_id``."""
    query = (
        sa.select(*SHOWN, persons.c.handle.label("person"))
        .join(persons, persons.c.id == jobs.c.person_id)
        .where(jobs.c.id == job_id)
    )
    if person_id is not None:
        query = query.where(jobs.c.person_id == person_id)
    row = conn.execute(query).first()
    return None if row is None else _as_dict(row)


def fail_exhausted(conn: Connection, now: datetime, max_attempts: int, error: str) -> list[str]:
    """Mark failed every running job whose lease ran out after its last allowed attempt;
    the folders of those jobs, to remove."""
    stale = sa.and_(
        jobs.c.status == "running", jobs.c.lease_until < now, jobs.c.attempts >= max_attempts
    )
    folders = [str(r[0]) for r in conn.execute(sa.select(jobs.c.folder).where(stale))]
    if folders:
        conn.execute(
            jobs.update()
            .where(stale)
            .values(status="failed", error=error, finished_at=now, worker=None, lease_until=None)
        )
    return folders


def claim(
    conn: Connection, worker: str, now: datetime, lease_until: datetime
) -> dict[str, Any] | None:
    """The oldest queued job, or a running one whose lease ran out, now held by ``worker``
    until ``lease_until``; None when there is nothing to do (or another worker won the row)."""
    claimable = sa.or_(
        jobs.c.status == "queued", sa.and_(jobs.c.status == "running", jobs.c.lease_until < now)
    )
    row = conn.execute(
        sa.select(jobs.c.id, jobs.c.status, jobs.c.attempts)
        .where(claimable)
        .order_by(jobs.c.created_at, jobs.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        return None
    job_id, status, attempts = str(row[0]), str(row[1]), int(row[2])
    won = conn.execute(
        jobs.update()
        .where(jobs.c.id == job_id, jobs.c.status == status, jobs.c.attempts == attempts)
        .values(
            status="running",
            worker=worker,
            attempts=attempts + 1,
            lease_until=lease_until,
            started_at=now,
            records=0,
            done_bytes=0,
            rate=0,
        )
    ).rowcount
    return get(conn, job_id) if won == 1 else None


def _held(job_id: str, worker: str, attempt: int) -> Any:
    return sa.and_(
        jobs.c.id == job_id,
        jobs.c.worker == worker,
        jobs.c.attempts == attempt,
        jobs.c.status == "running",
    )


def progress(
    conn: Connection,
    job_id: str,
    worker: str,
    attempt: int,
    lease_until: datetime,
    **values: int,
) -> bool:
    """Record progress (records, done_bytes, total_bytes, rate) and renew the lease; False when
    the job is no longer this worker's."""
    unknown = set(values) - {"records", "done_bytes", "total_bytes", "rate"}
    assert not unknown, unknown
    done = conn.execute(
        jobs.update()
        .where(_held(job_id, worker, attempt))
        .values(lease_until=lease_until, **values)
    )
    return done.rowcount == 1


def finish(
    conn: Connection,
    job_id: str,
    worker: str,
    attempt: int,
    now: datetime,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    progress: dict[str, int] | None = None,
    output: bytes | None = None,
) -> bool:
    """Done (``result``) or failed (``error``), with the last ``progress``; False when the job
    is no longer this worker's."""
    done = conn.execute(
        jobs.update()
        .where(_held(job_id, worker, attempt))
        .values(
            status="failed" if error is not None else "done",
            result=result,
            output=output,
            error=error,
            finished_at=now,
            lease_until=None,
            **(progress or {}),
        )
    )
    return done.rowcount == 1


def output(conn: Connection, job_id: str, person_id: int) -> bytes | None:
    """The file a finished job made, for its owner only."""
    row = conn.execute(
        sa.select(jobs.c.output).where(
            jobs.c.id == job_id, jobs.c.person_id == person_id, jobs.c.status == "done"
        )
    ).first()
    return None if row is None or row[0] is None else bytes(row[0])


def release_others(conn: Connection, worker: str, now: datetime) -> int:
    """Make every running job held by another worker claimable at once (SQLite, where only one
    process serves: a job still marked running belongs to a process that has stopped)."""
    done = conn.execute(
        jobs.update()
        .where(jobs.c.status == "running", sa.or_(jobs.c.worker.is_(None), jobs.c.worker != worker))
        .values(lease_until=now)
    )
    return int(done.rowcount)


def purge_finished(conn: Connection, before: datetime) -> int:
    """Forget jobs that finished before ``before`` (their report has been seen by then)."""
    done = conn.execute(
        jobs.delete().where(jobs.c.status.in_(("done", "failed")), jobs.c.finished_at < before)
    )
    return int(done.rowcount)


def count(conn: Connection, job_id: str | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(jobs)
    if job_id is not None:
        query = query.where(jobs.c.id == job_id)
    return int(conn.execute(query).scalar_one())
