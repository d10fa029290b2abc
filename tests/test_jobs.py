"""The job queue on SQLite and PostgreSQL: a job runs once however many workers poll, a dead
worker's job is taken over after its lease, a job that keeps killing workers ends failed with a
sentence, and a worker that lost its job can no longer write to it."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from flarewise import Journal
from flarewise.errors import FlarewiseError, NotFound
from flarewise.jobs import MAX_ATTEMPTS, Queue
from flarewise.jobs.imports import import_options
from flarewise.journal import open_database
from flarewise.storage import jobs as rows
from flarewise.storage.database import utcnow


def _steps(day: int) -> str:
    stamp = f'startDate="2024-03-0{day} 10:00:00 +0000" endDate="2024-03-0{day} 10:00:00 +0000"'
    return (
        '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" '
        f'{stamp} value="{900 + day}"/>'
    )


#: An Apple Health export of three step counts (its format is recognised without a mapping).
CSV = ("<HealthData>" + "".join(_steps(d) for d in (1, 2, 3)) + "</HealthData>").encode()


@pytest.fixture
def db(db_url: str) -> Any:
    database = open_database(db_url)
    Journal.for_person(database, "alice")
    Journal.for_person(database, "bob")
    yield database
    database.close()


def _queue(db: Any, tmp_path: Path, **kw: Any) -> Queue:
    return Queue(db, tmp_path / "uploads", **kw)


def _submit(q: Queue, handle: str = "alice", data: bytes = CSV) -> str:
    job_id, folder = q.new_folder()
    (folder / "export.xml").write_bytes(data)
    q.submit_import(job_id, handle, folder / "export.xml", import_options())
    return job_id


def _submit_quietly(q: Queue) -> str:
    """A job queued without waking a worker thread (the test runs the workers itself)."""
    job_id, folder = q.new_folder()
    (folder / "export.xml").write_bytes(CSV)
    with q.db.begin() as conn:
        pid = q.db.person_id("alice")
        rows.add(
            conn,
            job_id,
            pid,
            "import",
            "export.xml",
            str(folder),
            import_options(),
            len(CSV),
            utcnow(),
        )
    return job_id


def test_a_job_polled_by_eight_workers_runs_once(db: Any, tmp_path: Path) -> None:
    queues = [_queue(db, tmp_path) for _ in range(8)]
    job_id = _submit_quietly(queues[0])
    claimed: list[bool] = []
    barrier = threading.Barrier(len(queues))

    def work(q: Queue) -> None:
        barrier.wait()
        try:
            claimed.append(q.work_once())
        except FlarewiseError:  # SQLite: the database was busy; this worker claimed nothing
            claimed.append(False)

    threads = [threading.Thread(target=work, args=(q,)) for q in queues]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert claimed.count(True) == 1
    job = queues[3].view(job_id, "alice")
    assert job["status"] == "done" and job["attempts"] == 1
    assert job["result"]["entries_added"] == 3 and job["records"] > 0
    assert Journal.for_person(db, "alice").count() == 3
    assert queues[0].count() == 1
    assert not (tmp_path / "uploads" / f"job-{job_id}").exists()  # the upload is removed
    assert not any(q.work_once() for q in queues)  # nothing left to do


def test_only_the_owner_sees_a_job(db: Any, tmp_path: Path) -> None:
    q = _queue(db, tmp_path)
    job_id = _submit_quietly(q)
    assert q.view(job_id, "alice")["file"] == "export.xml"
    for who in ("bob", None, "nobody"):
        with pytest.raises(NotFound):
            q.view(job_id, who)
    with pytest.raises(NotFound):
        q.view("no-such-job", "alice")


def test_the_worker_thread_runs_what_is_submitted(db: Any, tmp_path: Path) -> None:
    q = _queue(db, tmp_path, poll_seconds=0.05)
    try:
        job_id = _submit(q)
        for _ in range(400):
            if q.view(job_id, "alice")["status"] in ("done", "failed"):
                break
            threading.Event().wait(0.05)
        job = q.view(job_id, "alice")
        assert job["status"] == "done", job
        assert job["result"]["entries_added"] == 3
    finally:
        q.stop()


def test_a_dead_workers_job_is_taken_over_after_its_lease(db: Any, tmp_path: Path) -> None:
    q = _queue(db, tmp_path)
    job_id = _submit_quietly(q)
    now = utcnow()
    with db.begin() as conn:  # a worker claims it, then dies: its lease is not renewed
        dead = rows.claim(conn, "host:1:dead", now, now + timedelta(seconds=30))
    assert dead is not None and dead["id"] == job_id
    assert not q.work_once()  # the lease still holds: nobody else may take it
    with db.begin() as conn:
        conn.execute(rows.jobs.update().values(lease_until=now - timedelta(seconds=1)))
    assert q.work_once()
    job = q.view(job_id, "alice")
    assert job["status"] == "done" and job["attempts"] == 2 and job["worker"] == q.worker
    # the dead worker, were it to wake up, can change nothing any more
    with db.begin() as conn:
        assert not rows.finish(conn, job_id, "host:1:dead", 1, utcnow(), error="late")
        assert not rows.progress(conn, job_id, "host:1:dead", 1, utcnow(), records=1)
    assert q.view(job_id, "alice")["error"] is None
    assert Journal.for_person(db, "alice").count() == 3


def test_a_job_that_keeps_killing_workers_ends_failed_with_a_sentence(
    db: Any, tmp_path: Path
) -> None:
    q = _queue(db, tmp_path)
    job_id = _submit_quietly(q)
    folder = tmp_path / "uploads" / f"job-{job_id}"
    for attempt in range(MAX_ATTEMPTS):
        now = utcnow()
        with db.begin() as conn:
            held = rows.claim(conn, f"host:{attempt}:dead", now, now + timedelta(seconds=30))
            assert held is not None
            conn.execute(rows.jobs.update().values(lease_until=now - timedelta(seconds=1)))
    assert not q.work_once()
    job = q.view(job_id, "alice")
    assert job["status"] == "failed" and job["attempts"] == MAX_ATTEMPTS
    assert job["error"].startswith(f"it was interrupted {MAX_ATTEMPTS} times")
    assert "nothing was changed" in job["error"]
    assert not folder.exists()
    assert Journal.for_person(db, "alice").count() == 0


def test_a_broken_file_fails_with_the_files_name_not_the_servers_folder(
    db: Any, tmp_path: Path
) -> None:
    q = _queue(db, tmp_path)
    job_id, folder = q.new_folder()
    (folder / "broken.xml").write_bytes(b"<HealthData><Record")
    q.submit_import(job_id, "alice", folder / "broken.xml", import_options())
    q.stop()
    while q.work_once():
        pass
    job = q.view(job_id, "alice")
    assert job["status"] in ("failed", "done"), job
    if job["status"] == "failed":
        assert str(folder) not in job["error"] and "broken.xml" in job["error"]
    assert Journal.for_person(db, "alice").count() == 0


def test_sqlite_takes_up_a_job_a_stopped_process_left_running(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'j.db'}")
    try:
        Journal.for_person(db, "alice")
        q = _queue(db, tmp_path)
        job_id = _submit_quietly(q)
        now = utcnow()
        with db.begin() as conn:  # the laptop's server stopped mid-import an hour ago
            rows.claim(conn, "laptop:1:gone", now, now + timedelta(hours=1))
        q.start()  # the next start hands it to this process's worker
        for _ in range(400):
            if q.view(job_id, "alice")["status"] == "done":
                break
            threading.Event().wait(0.05)
        assert q.view(job_id, "alice")["status"] == "done"
    finally:
        q.stop()
        db.close()


def test_a_report_job_makes_a_pdf_its_owner_fetches_from_another_process(
    db: Any, tmp_path: Path
) -> None:
    Journal.for_person(db, "alice").write_demo(start=date(2026, 1, 1), days=60, replace=True)
    # one process adds the job and hands out the file; the other runs it
    here, there = _queue(db, tmp_path, work=False), _queue(db, tmp_path)
    job_id = here.submit_report("alice", paper="letter")
    with pytest.raises(NotFound):  # not made yet
        here.output(job_id, "alice")
    assert there.work_once()
    job = here.view(job_id, "alice")
    assert job["status"] == "done" and job["kind"] == "report", job
    assert job["result"]["file"].startswith("visit-") and job["result"]["file"].endswith(".pdf")
    pdf = here.output(job_id, "alice")
    assert pdf.startswith(b"%PDF") and len(pdf) == job["result"]["bytes"]
    for who in ("bob", None):
        with pytest.raises(NotFound):
            here.output(job_id, who)
