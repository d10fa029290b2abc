"""The queue: adding jobs, showing them to their owner, and the worker that claims and runs them.

Every server process has one :class:`Queue` with one worker thread (started with the app, or on
the first job it is given). The thread polls the jobs table (and wakes at once when its own
process adds a job), claims one job at a time and runs it. On PostgreSQL it writes progress to
the row (at most a few times a second) and renews its lease while the job runs, so every process
shows the same progress and a dead worker's job is taken over when the lease runs out.

SQLite (a laptop: one process, refused by ``serve --workers``) keeps the same table, but an
import holds SQLite's single write lock for its whole transaction, so progress written to the
table would wait for the import itself. There the worker keeps live progress in memory (one
process serves every page) and the row gets the outcome; a job left ``running`` by a process
that stopped is taken up again when the next process starts.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flarewise.errors import FlarewiseError, NotFound
from flarewise.jobs.imports import run_import
from flarewise.jobs.reports import report_options, run_report
from flarewise.storage import jobs as rows
from flarewise.storage.database import utcnow

if TYPE_CHECKING:
    from flarewise.importers.archive import ArchiveBudget
    from flarewise.storage import Database

log = logging.getLogger("flarewise.jobs")

#: How often a job may be started before it is marked failed: a worker that dies once (a deploy,
#: a crash) costs a retry; twice in a row suggests the job itself kills workers (memory).
MAX_ATTEMPTS = 2
#: How long a claim holds without renewal; workers renew every third of it.
LEASE = timedelta(seconds=30)
#: Finished jobs are kept this long, for their report.
KEEP_FINISHED = timedelta(days=1)
#: Seconds between progress writes to the table.
PROGRESS_EVERY = 0.25

#: What a job gives back: its result (JSON, shown on the page) and the file it made, if any.
Outcome = tuple[dict[str, Any], bytes | None]
Kind = Callable[["Database", dict[str, Any], Callable[[dict[str, int]], None]], Outcome]


def default_upload_dir() -> Path:
    """Uploads wait here for a worker when FLAREWISE_UPLOAD_DIR is not set: shared by every
    process of one machine, not by several machines."""
    return Path(tempfile.gettempdir()) / "flarewise-uploads"


def _interrupted(attempts: int) -> str:
    return (
        f"it was interrupted {attempts} times because the server stopped while it ran, so "
        "nothing was changed; start it again, and if it stops again it may be too large for "
        "this server"
    )


class Queue:
    """Jobs in the database at ``db``, their uploads under ``upload_dir``."""

    def __init__(
        self,
        db: Database,
        upload_dir: Path | None = None,
        *,
        archive_budget: ArchiveBudget | None = None,
        lease: timedelta = LEASE,
        poll_seconds: float = 1.0,
        work: bool = True,
    ) -> None:
        self.db = db
        #: False: this process only adds and shows jobs; other processes run them
        self.work = work
        self.upload_dir = upload_dir or default_upload_dir()
        self.archive_budget = archive_budget
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.worker = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.shared_progress = db.dialect != "sqlite"
        self.kinds: dict[str, Kind] = {
            "import": lambda db, job, report: (
                run_import(db, job, report, self.archive_budget),
                None,
            ),
            "report": lambda db, job, _report: run_report(db, job),
        }
        self._live: dict[str, dict[str, int]] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._purged_at = 0.0

    # -- adding and showing jobs -------------------------------------------------------------

    def new_folder(self) -> tuple[str, Path]:
        """A new job's id and its private folder, where its upload is saved before
        :meth:`submit_import`; remove it with :meth:`discard` if the upload is refused."""
        self.upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        job_id = secrets.token_urlsafe(16)
        folder = self.upload_dir / f"job-{job_id}"
        folder.mkdir(mode=0o700)
        return job_id, folder

    @staticmethod
    def discard(folder: Path) -> None:
        """Remove a job's upload folder (and nothing that is not one)."""
        if folder.name.startswith("job-"):
            shutil.rmtree(folder, ignore_errors=True)

    def submit_import(self, job_id: str, handle: str, path: Path, options: dict[str, Any]) -> None:
        """Queue the import of ``path`` (saved in the job's folder) into ``handle``'s journal."""
        pid = self.db.person_id(handle)
        if pid is None:
            raise NotFound(f"there is no journal named {handle!r}")
        with self.db.begin() as conn:
            rows.add(
                conn,
                job_id,
                pid,
                "import",
                path.name,
                str(path.parent),
                options,
                path.stat().st_size,
                utcnow(),
            )
        self.start()
        self._wake.set()

    def submit_report(
        self,
        handle: str,
        start: date | None = None,
        end: date | None = None,
        paper: str = "a4",
        *,
        requested_by: str | None = None,
    ) -> str:
        """Queue the visit report of ``handle`` as a PDF; the job's id. The file is then
        :meth:`output`, from any process. ``requested_by``: the clinician asking (the job is
        still the person's; the web face shows it to that clinician through their grant)."""
        pid = self.db.person_id(handle)
        if pid is None:
            raise NotFound(f"there is no journal named {handle!r}")
        job_id = secrets.token_urlsafe(16)
        options = report_options(start, end, paper, requested_by)
        with self.db.begin() as conn:
            rows.add(conn, job_id, pid, "report", "visit report", "", options, 0, utcnow())
        self.start()
        self._wake.set()
        return job_id

    def output(self, job_id: str, handle: str | None) -> bytes:
        """The file a finished job made, for its owner; NotFound for anyone else, or before
        the job is done."""
        pid = None if handle is None else self.db.person_id(handle)
        with self.db.begin() as conn:
            data = None if pid is None else rows.output(conn, job_id, pid)
        if data is None:
            raise NotFound(job_id)
        return data

    def view(self, job_id: str, handle: str | None) -> dict[str, Any]:
        """The job as its owner sees it; NotFound for anyone else (as for no job at all)."""
        pid = None if handle is None else self.db.person_id(handle)
        if pid is None:
            raise NotFound(job_id)
        with self.db.begin() as conn:
            job = rows.get(conn, job_id, pid)
        if job is None:
            raise NotFound(job_id)
        if job["status"] == "running":
            job.update(self._live.get(job_id, {}))
        return job

    # -- the worker --------------------------------------------------------------------------

    def start(self) -> None:
        """Start this process's worker thread (once; never when ``work`` is off)."""
        if not self.work:
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            if not self.shared_progress:
                with self.db.begin() as conn:
                    rows.release_others(conn, self.worker, utcnow())
            self._thread = threading.Thread(target=self._loop, name="flarewise-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker thread after its current job (if any)."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set() and not self.db.closed:
            try:
                busy = self.work_once()
            except FlarewiseError as exc:  # the database is away: try again later
                log.warning("job queue: %s", exc)
                busy = False
            except Exception:
                log.exception("job queue: unexpected error")
                busy = False
            if not busy:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def work_once(self) -> bool:
        """Claim one job and run it; False when there was nothing to do."""
        now = utcnow()
        with self.db.begin() as conn:
            for folder in rows.fail_exhausted(conn, now, MAX_ATTEMPTS, _interrupted(MAX_ATTEMPTS)):
                if folder:  # a report job has no upload
                    self.discard(Path(folder))
            if time.monotonic() - self._purged_at > 600:
                rows.purge_finished(conn, now - KEEP_FINISHED)
                self._purged_at = time.monotonic()
            job = rows.claim(conn, self.worker, now, now + self.lease)
        if job is None:
            return False
        self._run(job)
        return True

    def _run(self, job: dict[str, Any]) -> None:
        job_id, attempt = str(job["id"]), int(job["attempts"])
        folder = Path(job["folder"])
        held = threading.Event()  # set when the job is no longer ours (logged once)
        done = threading.Event()
        last = [0.0]

        def report(progress: dict[str, int]) -> None:
            self._live[job_id] = progress
            if self.shared_progress and time.monotonic() - last[0] >= PROGRESS_EVERY:
                last[0] = time.monotonic()
                self._write(job_id, attempt, held, progress)

        beat = threading.Thread(
            target=self._heartbeat, args=(job_id, attempt, held, done), daemon=True
        )
        if self.shared_progress:
            beat.start()
        result: dict[str, Any] | None = None
        output: bytes | None = None
        error: str | None = None
        try:
            result, output = self.kinds[job["kind"]](self.db, job, report)
        except FlarewiseError as exc:
            error = str(exc)
            if job["folder"]:  # the file's name, never the server's folder
                error = error.replace(f"{folder}{os.sep}", "")
        except Exception as exc:  # the page must say something; details go to the log
            log.exception("job %s (%s) failed", job_id, job["kind"])
            error = f"the {job['kind']} stopped unexpectedly ({type(exc).__name__})"
        finally:
            done.set()
            if beat.is_alive():
                beat.join()
        with self.db.begin() as conn:
            ours = rows.finish(
                conn,
                job_id,
                self.worker,
                attempt,
                utcnow(),
                result=result,
                error=error,
                progress=self._live.get(job_id),
                output=output,
            )
        self._live.pop(job_id, None)
        if not ours:
            log.warning("job %s was taken over by another worker before it finished", job_id)
        elif job["folder"]:
            self.discard(folder)

    def _write(
        self, job_id: str, attempt: int, lost: threading.Event, progress: dict[str, int] | None
    ) -> None:
        try:
            with self.db.begin() as conn:
                ours = rows.progress(
                    conn, job_id, self.worker, attempt, utcnow() + self.lease, **(progress or {})
                )
        except FlarewiseError as exc:
            log.warning("job %s: progress not saved: %s", job_id, exc)
            return
        if not ours and not lost.is_set():
            lost.set()
            log.warning("job %s: its lease ran out and another worker may hold it", job_id)

    def _heartbeat(
        self, job_id: str, attempt: int, lost: threading.Event, done: threading.Event
    ) -> None:
        """Renew the lease every third of it while the job runs (a reader may go quiet for a
        while: unpacking an archive, sorting before a write)."""
        while not done.wait(self.lease.total_seconds() / 3):
            self._write(job_id, attempt, lost, None)

    # -- what tests and benchmarks ask -------------------------------------------------------

    def count(self, job_id: str | None = None) -> int:
        with self.db.begin() as conn:
            return rows.count(conn, job_id)
