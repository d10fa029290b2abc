"""Web app under a bounded mixed load: 20 concurrent people checking in, reading the timeline
and the plan, against the same app's trivial endpoint as the floor.

The app runs in its own process (`flarewise serve`, one uvicorn worker) on 127.0.0.1, first on
SQLite, then on PostgreSQL. Each of 20 clients is its own person with 365 days of demo data,
signs in, then for the measured 30 s repeats: one request (check-in 40 %, timeline of 90 days
40 %, plan 20 %), then a think time of 0.5-1.5 s (bounded load: about 20 requests/s offered,
a busy clinic's worth). The floor phase runs the same clients against `/healthz` for 10 s.
Prints per kind: requests, throughput, p50/p95/p99 latency, errors; and the server process's
CPU time per request in each phase (read from the OS before and after it), a figure a busy
machine disturbs far less than latencies, which wait for a core.
Targets (issue 17): check-in, timeline and plan p99 under 100 ms on both databases, zero errors.
``--runs N`` repeats the measured phases N times back to back against the same server (the
range over runs is what to quote).

    python benchmarks/web_load.py [--seconds 30] [--clients 20] [--runs 2]
                                  [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil

from _machine import describe, free_port
from _pg import PG_URL, in_schema

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "load test password"


def _prepare(url: str, clients: int) -> None:
    """People with a year of demo data each, ending today as `flarewise demo --years 1` writes it,
    and passwords (outside the measured time)."""
    from datetime import date

    from flarewise.accounts import Accounts
    from flarewise.demo import years_ending
    from flarewise.journal import Journal, open_database

    db = open_database(url)
    try:
        for i in range(clients):
            j = Journal.for_person(db, f"load{i}")
            first, days = years_ending(1, date.today())
            j.write_demo(start=first, days=days, replace=True, seed=i)
            Accounts(db).set_password(f"load{i}", PASSWORD)
    finally:
        db.close()


class Client:
    def __init__(self, base: str, handle: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
        self.handle = handle
        self.csrf = ""

    async def sign_in(self) -> None:
        page = await self.http.get("/signin")
        token = CSRF.search(page.text)
        assert token
        r = await self.http.post(
            "/signin", data={"handle": self.handle, "password": PASSWORD, "csrf": token.group(1)}
        )
        assert r.status_code == 303, r.text[:200]
        account = await self.http.get("/account")
        found = CSRF.search(account.text)
        assert found
        self.csrf = found.group(1)

    async def one(self, kind: str) -> tuple[float, bool]:
        start = time.perf_counter()
        if kind == "check-in":
            r = await self.http.post(
                "/today",
                data={
                    "pain": str(random.randint(2, 8)),
                    "fatigue": "5",
                    "sites": ["neck"],
                    "csrf": self.csrf,
                },
            )
            ok = r.status_code == 303
        elif kind == "timeline":
            r = await self.http.get("/timeline?range=90")
            ok = r.status_code == 200 and "vconcat" in r.text
        elif kind == "plan":
            r = await self.http.get("/plan")
            ok = r.status_code == 200
        else:
            r = await self.http.get("/healthz")
            ok = r.status_code == 200
        return (time.perf_counter() - start) * 1000, ok


async def _drive(
    base: str, clients: int, seconds: float, floor: bool, server: psutil.Process
) -> tuple[dict[str, list[Any]], float]:
    """The phase's results per kind, and the server's CPU seconds while the clients ran
    (after signing in: 20 password hashes would otherwise dominate the figure)."""
    people = [Client(base, f"load{i}") for i in range(clients)]
    await asyncio.gather(*(p.sign_in() for p in people))
    before = sum(server.cpu_times()[:2])
    results: dict[str, list[Any]] = {}
    end = time.monotonic() + seconds

    async def run(p: Client) -> None:
        rng = random.Random(p.handle)
        await asyncio.sleep(rng.uniform(0, 1))
        while time.monotonic() < end:
            kind = "floor" if floor else rng.choices(["check-in", "timeline", "plan"], [4, 4, 2])[0]
            try:
                ms, ok = await p.one(kind)
            except httpx.HTTPError:
                ms, ok = float("nan"), False
            results.setdefault(kind, []).append((ms, ok))
            await asyncio.sleep(rng.uniform(0.5, 1.5))

    await asyncio.gather(*(run(p) for p in people))
    cpu = sum(server.cpu_times()[:2]) - before
    await asyncio.gather(*(p.http.aclose() for p in people))
    return results, cpu


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))]


def _report(results: dict[str, list[Any]], seconds: float, cpu_s: float) -> None:
    total = sum(len(rows) for rows in results.values())
    print(f"  server CPU {cpu_s * 1000 / max(1, total):.1f} ms per request ({total} requests)")
    for kind in ("check-in", "timeline", "plan", "floor"):
        rows = results.get(kind)
        if not rows:
            continue
        ms = [m for m, ok in rows if ok]
        errors = sum(1 for _, ok in rows if not ok)
        line = f"  {kind:9s} {len(rows):5d} requests {len(rows) / seconds:6.1f}/s  "
        if ms:
            p50, p95, p99 = (_pct(ms, q) for q in (50, 95, 99))
            line += f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms"
        print(line + f"  errors {errors}")


def run_backend(name: str, url: str, clients: int, seconds: float, runs: int) -> None:
    print(f"\n{name}: preparing {clients} people with 365 days each...", flush=True)
    _prepare(url, clients)
    port = free_port()
    exe = str(Path(sys.executable).parent / "flarewise")
    env = {**os.environ, "FLAREWISE_DATABASE_URL": url}
    server = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--insecure-cookies"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        cpu = psutil.Process(server.pid)

        def phase(floor: bool, length: float) -> tuple[dict[str, list[Any]], float]:
            return asyncio.run(_drive(base, clients, length, floor, cpu))

        measured = []
        for _ in range(runs):
            measured.append((phase(True, 10), phase(False, seconds), os.getloadavg()[0]))
    finally:
        server.terminate()
        server.wait(10)
    for i, ((floor, floor_cpu), (mixed, mixed_cpu), load) in enumerate(measured, 1):
        print(
            f"{name}, run {i} of {runs}: {clients} clients, think time 0.5-1.5 s; "
            f"mixed load {seconds:.0f} s, floor 10 s; machine load average {load:.1f}"
        )
        _report(mixed, seconds, mixed_cpu)
        _report(floor, 10, floor_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(f"Machine: {describe()}")
    if args.backend in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="flarewise-load-"))
        try:
            run_backend(
                "SQLite", f"sqlite:///{folder / 'load.db'}", args.clients, args.seconds, args.runs
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if args.backend in ("postgresql", "both"):
        import sqlalchemy as sa

        schema = f"load_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            run_backend(
                "PostgreSQL",
                in_schema(PG_URL, schema),
                args.clients,
                args.seconds,
                args.runs,
            )
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
