"""Peak memory of restoring a large backup through the web app, beside a floor from the same run.

Issue 13: ``POST /restore`` read the whole upload into memory (200 MB of zeros took the server
from 169 to 571 MB). Now the upload is streamed to disk with a cap and the backup is read piece
by piece (flarewise/exporters/backup_stream.py). This benchmark writes a valid backup of about
``--mb`` megabytes (the entries of a 60-day demo journal, repeated with new ids), starts
``flarewise serve`` (one uvicorn worker, SQLite) in its own process, signs up, and samples the
server's resident memory every 10 ms with psutil:

- floor: the server after sign-up and one page of each kind, before the upload;
- zeros: ``POST /restore`` of the same number of NUL bytes (refused: not a backup);
- restore: ``POST /restore`` of the valid backup (every entry restored).

The upload is streamed from disk by httpx, so the client never holds it either.
Target (issue 13): peak for a 200 MB backup under 200 MB.

    python benchmarks/restore_memory.py [--mb 200]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil

from flarewise.journal import Journal, open_database

try:
    from benchmarks._machine import describe
except ImportError:  # run as a script: benchmarks/ is on sys.path, not its parent
    from _machine import describe  # type: ignore[no-redef]

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "benchmark password 1"
MB = 1024**2


def write_backup(target: Path, size_mb: int) -> int:
    """A valid backup of about ``size_mb`` MB; returns its entry count."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/source.db")
        try:
            j = Journal.for_person(db, "source")
            j.write_demo(start=date.today() - timedelta(days=61), days=60, replace=True)
            j.export_json(Path(tmp) / "small.json")
        finally:
            db.close()
        small = json.loads((Path(tmp) / "small.json").read_text())
    templates: list[dict[str, Any]] = small.pop("entries")
    head = json.dumps(small)[:-1]  # without the closing brace
    count = 0
    with target.open("w", encoding="utf-8") as out:
        out.write(head + ',\n "entries": [\n')
        first = True
        while out.tell() < size_mb * MB:
            for stored in templates:
                entry = dict(stored["entry"], id=uuid.uuid4().hex)
                if entry.get("source_key"):
                    entry["source_key"] = uuid.uuid4().hex
                out.write(("" if first else ",\n") + json.dumps({**stored, "entry": entry}))
                first = False
                count += 1
        out.write("\n]}\n")
    return count


class Sampler:
    """The peak resident memory of a process, sampled every 10 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.01)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _upload(c: httpx.Client, token: str, path: Path) -> httpx.Response:
    with path.open("rb") as fh:
        return c.post(
            "/restore",
            data={"csrf": token, "replace": "yes"},
            files={"file": ("backup.json", fh, "application/json")},
            timeout=3600,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the backup in MB")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        backup = Path(tmp) / "backup.json"
        started = time.monotonic()
        n = write_backup(backup, args.mb)
        size = backup.stat().st_size
        took = time.monotonic() - started
        print(f"backup: {size / MB:.0f} MB, {n:,} entries (written in {took:.0f} s)")
        zeros = Path(tmp) / "zeros.json"
        with zeros.open("wb") as out:
            for _ in range(max(1, size // MB)):
                out.write(bytes(MB))
        port = _port()
        env = {**os.environ, "FLAREWISE_DATABASE_URL": f"sqlite:///{tmp}/server.db"}
        exe = str(Path(sys.executable).parent / "flarewise")
        server = subprocess.Popen(
            [exe, "serve", "--port", str(port), "--insecure-cookies"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            c = httpx.Client(base_url=base, follow_redirects=False)
            found = CSRF.search(c.get("/signup").text)
            assert found
            r = c.post(
                "/signup", data={"handle": "bench", "password": PASSWORD, "csrf": found.group(1)}
            )
            assert r.status_code == 303, r.text
            found = CSRF.search(c.get("/data").text)
            assert found
            token = found.group(1)
            for page in ("/today", "/timeline", "/plan", "/data"):
                c.get(page)
            with Sampler(server.pid) as floor:
                time.sleep(1.0)
            with Sampler(server.pid) as refused:
                r = _upload(c, token, zeros)
            assert r.status_code == 400, (r.status_code, r.text[:300])
            started = time.monotonic()
            with Sampler(server.pid) as restored:
                r = _upload(c, token, backup)
            seconds = time.monotonic() - started
            assert r.status_code == 303 and f"restored={n}" in r.headers["location"], r.text[:300]
        finally:
            server.terminate()
            server.wait(10)
    print(f"floor (server signed in, pages served, idle):   peak RSS {floor.peak / MB:6.0f} MB")
    print(
        f"POST /restore, {size / MB:.0f} MB of zeros (refused):     peak RSS "
        f"{refused.peak / MB:6.0f} MB"
    )
    print(
        f"POST /restore, {size / MB:.0f} MB backup ({n:,} entries): peak RSS "
        f"{restored.peak / MB:6.0f} MB  ({seconds:.0f} s)"
    )
    print(f"target: under 200 MB -> {'met' if restored.peak < 200 * MB else 'NOT met'}")


if __name__ == "__main__":
    main()
