"""``flarewise serve --workers 2`` on PostgreSQL: an import started through one process is
followed through the other and finishes once; a report PDF asked for through one process is
downloaded through the other. (Each answer names its process in the
X-Flarewise-Worker header, switched on by FLAREWISE_SHOW_WORKER=1.)"""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import REPO, cli_against

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _steps_export(records: int) -> bytes:
    """An Apple Health export of ``records`` step counts, one a minute."""
    parts = ["<HealthData>"]
    for i in range(records):
        day, minute = divmod(i, 1440)
        stamp = f"2024-{1 + day // 28:02d}-{1 + day % 28:02d} {minute // 60:02d}:{minute % 60:02d}"
        parts.append(
            '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" '
            f'startDate="{stamp}:00 +0000" endDate="{stamp}:30 +0000" value="{10 + i % 50}"/>'
        )
    parts.append("</HealthData>")
    return "\n".join(parts).encode()


@pytest.fixture
def server(pg_schema_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "FLAREWISE_HOME": str(tmp_path / "home"),
        "FLAREWISE_DATABASE_URL": pg_schema_url,
        "FLAREWISE_UPLOAD_DIR": str(tmp_path / "uploads"),
        "FLAREWISE_SHOW_WORKER": "1",
    }
    cmd = [
        sys.executable,
        "-c",
        "from flarewise.cli import main; main()",
        "serve",
        "--workers",
        "2",
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(
        [*cmd, "--insecure-cookies"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        pids: set[str] = set()
        deadline = time.monotonic() + 120
        while len(pids) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                r = httpx.get(f"{base}/healthz", timeout=2)
                pids.add(r.headers["x-flarewise-worker"])
            except httpx.TransportError:
                time.sleep(0.2)
        assert len(pids) == 2, f"both processes should answer, saw {pids}"
        yield base, pg_schema_url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _client_on_a_worker(base: str, cookies: httpx.Cookies, avoid: str | None) -> httpx.Client:
    """A client whose kept-alive connection is served by a process other than ``avoid``."""
    for _ in range(200):
        c = httpx.Client(base_url=base, cookies=cookies, follow_redirects=False, timeout=30)
        if c.get("/healthz").headers["x-flarewise-worker"] != avoid:
            return c
        c.close()
    raise AssertionError("the kernel never handed a connection to the other process")


def test_an_import_started_on_one_worker_is_followed_on_the_other_and_runs_once(
    server: tuple[str, str],
) -> None:
    base, url = server
    first = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    token = CSRF.search(first.get("/signup").text)
    assert token
    r = first.post("/signup", data={"handle": "alice", "password": PASSWORD, "csrf": token[1]})
    assert r.status_code == 303, r.text
    one = first.get("/healthz").headers["x-flarewise-worker"]
    token = CSRF.search(first.get("/data").text)
    assert token
    started = first.post(
        "/api/import",
        data={"csrf": token[1]},
        # large enough to run for seconds on a quiet machine (progress is written ~4 times a second)
        files={"file": ("export.xml", _steps_export(200_000), "text/xml")},
    )
    assert started.status_code == 200, started.text
    assert started.headers["x-flarewise-worker"] == one
    job = started.json()["job"]

    other = _client_on_a_worker(base, first.cookies, avoid=one)
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        r = other.get(f"/api/import/{job}")
        assert r.status_code == 200 and r.headers["x-flarewise-worker"] != one
        seen.append(r.json())
        if seen[-1]["status"] != "running":
            break
        time.sleep(0.05)
    final = seen[-1]
    assert final["status"] == "done", final
    assert final["report"]["entries_read"] > 0
    moving = [s for s in seen if s["status"] == "running" and s["records"] > 0]
    assert moving, "the other process should have shown the import's progress while it ran"
    assert all(a["records"] <= b["records"] for a, b in itertools.pairwise(moving))
    # it ran once: one job row, one attempt, and the journal holds what the report says
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT status, attempts FROM jobs")).all()
        entries = conn.execute(sa.text("SELECT count(*) FROM entries")).scalar_one()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("done", 1)]
    assert entries == final["report"]["entries_added"] > 0
    # and the same page, through the first process, says the same
    assert first.get(f"/api/import/{job}").json() == final
    first.close()
    other.close()


def test_a_report_pdf_asked_for_on_one_worker_is_downloaded_from_the_other(
    server: tuple[str, str],
) -> None:
    base, _url = server
    first = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    token = CSRF.search(first.get("/signup").text)
    assert token
    r = first.post("/signup", data={"handle": "alice", "password": PASSWORD, "csrf": token[1]})
    assert r.status_code == 303, r.text
    token = CSRF.search(first.get("/report").text)
    assert token
    started = first.post("/api/report/pdf", data={"csrf": token[1], "paper": "a4"})
    assert started.status_code == 200, started.text
    one = started.headers["x-flarewise-worker"]
    job = started.json()["id"]
    other = _client_on_a_worker(base, first.cookies, avoid=one)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = other.get(f"/api/report/pdf/{job}").json()
        if state["status"] != "running":
            break
        time.sleep(0.1)
    assert state["status"] == "done", state
    pdf = other.get(state["download"])
    assert pdf.status_code == 200 and pdf.headers["x-flarewise-worker"] != one
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) == state["bytes"]
    first.close()
    other.close()


def test_several_workers_are_refused_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = cli_against(f"sqlite:///{tmp_path / 'j.db'}", monkeypatch, tmp_path, capsys)
    code, _out, err = cli("serve", "--workers", "2")
    assert code == 1
    assert "--workers 2 needs PostgreSQL" in err and "docs/deploy.md" in err
