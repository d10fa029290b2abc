"""A clinic's server under load: 200 people and 10 clinicians on PostgreSQL, `flarewise serve
--workers 4`, 60 s of mixed traffic, beside the /healthz floor measured in the same run; then
the throughput of 1 against 4 workers at saturation, as a ratio.

Phase 1 (bounded load): each person signs in and repeats one request (check-in 50 %, timeline
of 90 days 30 %, visit report 20 %) then thinks 2-6 s: about 50 requests/s offered, a clinic's
busy hour many times over. Each clinician opens their dashboard (`/clinic`) every 3-8 s when the
server has that route (CLINIC_DASHBOARD below is the hook); without it they stay idle and the
run says so. The floor: the same clients asking /healthz for 10 s, before the mixed load.
Prints per kind: requests, p50/p95/p99, errors. Targets (issue 16): p99 < 250 ms for check-in
and dashboard, 0 errors.

Phase 2 (saturation): a fresh server with 1, then 4 workers (interleaved, --rounds times), 64
clients without think time doing check-ins and timelines for --saturation-seconds each; the
throughput of each and the median ratio. The load generator is one asyncio process: its own CPU
use is printed beside it (near 100 % of a core would mean it, not the server, is the limit).

    python benchmarks/clinic_load.py [--people 200] [--clinicians 10] [--seconds 60]
        [--history-days 90] [--saturation-seconds 15] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from _machine import describe
from _pg import PG_URL, in_schema

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "clinic load password"
#: The clinician's dashboard (issue 16 item 3, built by another branch). When the server does
#: not answer it, the clinician clients are left idle and the run says so.
CLINIC_DASHBOARD = "/clinic"
#: Why requests failed: "timeline answered 500", "ReadTimeout"... with counts.
FAILURES: dict[str, int] = {}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(url: str, people: int, clinicians: int, days: int) -> None:
    """People with ``days`` of demo data ending today, clinicians with empty journals, and
    their passwords (outside the measured time)."""
    from datetime import date, timedelta

    from flarewise.accounts import Accounts
    from flarewise.journal import Journal, open_database

    db = open_database(url)
    accounts = Accounts(db)
    try:
        for i in range(people):
            j = Journal.for_person(db, f"person{i}")
            j.write_demo(start=date.today() - timedelta(days=days), days=days, seed=i)
            accounts.set_password(f"person{i}", PASSWORD)
            if i % 50 == 49:
                print(f"  {i + 1} people ready", flush=True)
        for i in range(clinicians):
            Journal.for_person(db, f"clinician{i}")
            accounts.set_password(f"clinician{i}", PASSWORD)
    finally:
        db.close()


@contextmanager
def serving(url: str, workers: int) -> Iterator[str]:
    port = _port()
    exe = os.path.join(os.path.dirname(sys.executable), "flarewise")
    env = {**os.environ, "FLAREWISE_DATABASE_URL": url, "FLAREWISE_SHOW_WORKER": "1"}
    cmd = [exe, "serve", "--port", str(port), "--insecure-cookies", "--workers", str(workers)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        pids: set[str] = set()
        deadline = time.monotonic() + 120
        while len(pids) < workers and time.monotonic() < deadline:
            try:
                pids.add(httpx.get(base + "/healthz", timeout=2).headers["x-flarewise-worker"])
            except httpx.HTTPError:
                time.sleep(0.2)
        assert len(pids) == workers, f"expected {workers} processes answering, saw {len(pids)}"
        yield base
    finally:
        server.terminate()
        server.wait(30)


class Client:
    def __init__(self, base: str, handle: str, limits: httpx.Limits) -> None:
        self.http = httpx.AsyncClient(
            base_url=base, timeout=30, follow_redirects=False, limits=limits
        )
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
        found = CSRF.search((await self.http.get("/account")).text)
        assert found
        self.csrf = found.group(1)

    async def one(self, kind: str) -> tuple[float, bool]:
        start = time.perf_counter()
        ms, ok, status = await self._one(kind, start)
        if not ok:
            FAILURES[f"{kind} answered {status}"] = FAILURES.get(f"{kind} answered {status}", 0) + 1
        return ms, ok

    async def _one(self, kind: str, start: float) -> tuple[float, bool, int]:
        if kind == "check-in":
            r = await self.http.post(
                "/today",
                data={"pain": str(random.randint(2, 8)), "fatigue": "5", "csrf": self.csrf},
            )
            ok = r.status_code == 303
        elif kind == "timeline":
            r = await self.http.get("/timeline?range=90")
            ok = r.status_code == 200 and "vconcat" in r.text
        elif kind == "report":
            r = await self.http.get("/report")
            ok = r.status_code == 200
        elif kind == "dashboard":
            r = await self.http.get(CLINIC_DASHBOARD)
            ok = r.status_code == 200
        else:
            r = await self.http.get("/healthz")
            ok = r.status_code == 200
        return (time.perf_counter() - start) * 1000, ok, r.status_code


async def _sign_in_all(clients: list[Client]) -> None:
    for i in range(0, len(clients), 20):  # in groups: sign-in hashes passwords (argon2)
        await asyncio.gather(*(c.sign_in() for c in clients[i : i + 20]))


async def _bounded(
    base: str, people: int, clinicians: int, seconds: float, floor_seconds: float
) -> tuple[dict[str, list[Any]], dict[str, list[Any]], bool]:
    limits = httpx.Limits(max_connections=1)
    persons = [Client(base, f"person{i}", limits) for i in range(people)]
    doctors = [Client(base, f"clinician{i}", limits) for i in range(clinicians)]
    await _sign_in_all(persons + doctors)
    dashboard = (
        (await doctors[0].http.get(CLINIC_DASHBOARD)).status_code == 200 if doctors else False
    )

    async def drive(
        who: list[Client], seconds: float, pick: Any, think: tuple[float, float]
    ) -> dict[str, list[Any]]:
        results: dict[str, list[Any]] = {}
        end = time.monotonic() + seconds

        async def run(c: Client) -> None:
            rng = random.Random(c.handle)
            await asyncio.sleep(rng.uniform(0, think[1]))
            while time.monotonic() < end:
                kind = pick(rng, c)
                try:
                    ms, ok = await c.one(kind)
                except httpx.HTTPError as exc:
                    ms, ok = float("nan"), False
                    FAILURES[type(exc).__name__] = FAILURES.get(type(exc).__name__, 0) + 1
                results.setdefault(kind, []).append((ms, ok))
                await asyncio.sleep(rng.uniform(*think))

        await asyncio.gather(*(run(c) for c in who))
        return results

    floor = await drive(persons, floor_seconds, lambda rng, c: "floor", (2.0, 6.0))
    everyone = persons + (doctors if dashboard else [])

    def pick(rng: random.Random, c: Client) -> str:
        if c.handle.startswith("clinician"):
            return "dashboard"
        return str(rng.choices(["check-in", "timeline", "report"], [5, 3, 2])[0])

    mixed = await drive(everyone, seconds, pick, (2.0, 6.0))
    await asyncio.gather(*(c.http.aclose() for c in persons + doctors))
    return mixed, floor, dashboard


async def _saturate(base: str, clients: int, seconds: float) -> tuple[int, int]:
    """Requests completed (and errors) by ``clients`` back-to-back clients in ``seconds``."""
    limits = httpx.Limits(max_connections=1)
    people = [Client(base, f"person{i}", limits) for i in range(clients)]
    await _sign_in_all(people)
    done = [0, 0]
    end = time.monotonic() + seconds

    async def run(c: Client) -> None:
        rng = random.Random(c.handle)
        while time.monotonic() < end:
            try:
                _, ok = await c.one(rng.choice(["check-in", "timeline"]))
            except httpx.HTTPError:
                ok = False
            done[0 if ok else 1] += 1

    await asyncio.gather(*(run(c) for c in people))
    await asyncio.gather(*(c.http.aclose() for c in people))
    return done[0], done[1]


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))]


def _report(results: dict[str, list[Any]], seconds: float, kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        rows = results.get(kind)
        if not rows:
            continue
        ms = [m for m, ok in rows if ok]
        errors = sum(1 for _, ok in rows if not ok)
        line = f"  {kind:9s} {len(rows):6d} requests {len(rows) / seconds:6.1f}/s  "
        if ms:
            p50, p95, p99 = (_pct(ms, q) for q in (50, 95, 99))
            line += f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"
        print(line + f"  errors {errors}", flush=True)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--clinicians", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--floor-seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--history-days", type=int, default=90)
    parser.add_argument("--saturation-clients", type=int, default=64)
    parser.add_argument("--saturation-seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"Machine: {describe()}; load average {os.getloadavg()[0]:.1f}", flush=True)

    import sqlalchemy as sa

    schema = f"clinic_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = in_schema(PG_URL, schema)
    try:
        print(
            f"Preparing {args.people} people ({args.history_days} days each) and "
            f"{args.clinicians} clinicians on PostgreSQL...",
            flush=True,
        )
        _prepare(url, args.people, args.clinicians, args.history_days)
        with serving(url, args.workers) as base:
            cpu0, wall0 = _cpu(), time.monotonic()
            mixed, floor, dashboard = asyncio.run(
                _bounded(base, args.people, args.clinicians, args.seconds, args.floor_seconds)
            )
            gen = (_cpu() - cpu0) / (time.monotonic() - wall0)
        print(
            f"\nBounded load, {args.workers} workers: {args.people} people and "
            f"{args.clinicians} clinicians, think time 2-6 s; mixed {args.seconds:.0f} s, "
            f"floor {args.floor_seconds:.0f} s; load generator CPU {gen:.0%} of a core"
        )
        if not dashboard:
            print(
                f"  clinician dashboards: {CLINIC_DASHBOARD} is not on this server; the "
                f"{args.clinicians} clinician clients stayed idle (hook: CLINIC_DASHBOARD)"
            )
        _report(mixed, args.seconds, ("check-in", "timeline", "report", "dashboard"))
        _report(floor, args.floor_seconds, ("floor",))
        if FAILURES:
            print("  failures: " + ", ".join(f"{k}: {n}" for k, n in sorted(FAILURES.items())))

        print(
            f"\nSaturation: {args.saturation_clients} clients without think time, check-in "
            f"and timeline, {args.saturation_seconds:.0f} s per server, interleaved rounds"
        )
        per: dict[int, list[float]] = {1: [], args.workers: []}
        ratios = []
        for r in range(args.rounds):
            for workers in (1, args.workers):
                with serving(url, workers) as base:
                    cpu0, wall0 = _cpu(), time.monotonic()
                    ok, errors = asyncio.run(
                        _saturate(base, args.saturation_clients, args.saturation_seconds)
                    )
                    gen = (_cpu() - cpu0) / (time.monotonic() - wall0)
                rate = ok / args.saturation_seconds
                per[workers].append(rate)
                print(
                    f"  round {r + 1}, {workers} worker(s): {rate:7.1f} requests/s, "
                    f"errors {errors}, load generator CPU {gen:.0%} of a core",
                    flush=True,
                )
            ratios.append(per[args.workers][-1] / max(per[1][-1], 1e-9))
        print(
            f"  throughput {args.workers} workers / 1 worker: "
            f"median {statistics.median(ratios):.2f}x "
            f"(rounds: {', '.join(f'{x:.2f}x' for x in ratios)}); this machine has "
            f"{os.cpu_count()} cores"
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
