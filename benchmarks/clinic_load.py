"""A clinic's server under load: 200 people and 10 clinicians on PostgreSQL, `flarewise serve
--workers 4`, 60 s of mixed traffic, beside the /healthz floor measured in the same run; then
the throughput of 1 against 4 workers at saturation, as a ratio.

Set-up (not measured): people with --history-days of demo data ending today; clinicians are
real clinician accounts, each enrolled in two-step sign-in through the library (the code
comes from the stored secret with pyotp, as an authenticator app would give it) and each
holding a "read" grant from an equal share of the people, made by a real invitation that the
clinician accepted. Everyone signs in through the web (clinicians in two steps: password, then
a code of a time step not used before: the replay guard accepts each step once).

Phase 1 (bounded load): each person repeats one request (check-in 50 %, timeline of 90 days
30 %, visit report 20 %) then thinks 2-6 s: about 50 requests/s offered, a clinic's busy hour
many times over. Each clinician opens their dashboard (`/clinic`, every person's "what
changed") or the visit report of one of their people (`/clinic/{handle}/report`), half and
half, then thinks 3-8 s. Each clinician's first dashboard, with the summaries not yet cached
(a visit report per person), is timed apart at sign-in and printed as "cold dashboard", after
an unmeasured warm-up (20 people ask for each page once: a worker imports a page's modules on
its first request), then once more cached and idle ("idle dashboard"). The floor: the people
asking /healthz for 10 s, before the mixed load. Prints per kind: requests, p50/p95/p99,
errors; the load average; how many clinic-list summaries were computed again during the mixed
load (a check-in on a day already in the journal causes none). Targets (issue 16): p99 < 250 ms
for check-in and dashboard, 0 errors.

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
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx
import pyotp

from _machine import describe, free_port
from _pg import PG_URL, in_schema

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "clinic load password"
#: The clinician's dashboard: their people, each with what changed since the last visit.
CLINIC_DASHBOARD = "/clinic"
#: When the mixed load began (the server's clock: naive UTC, as computed_at is written).
MIXED_START: list[datetime] = []
#: TOTP time steps already used per clinician: the server accepts each step once.
USED_STEPS: dict[str, int] = {}
#: Why requests failed: "timeline answered 500", "ReadTimeout"... with counts.
FAILURES: dict[str, int] = {}
#: Requests answered per server process (its pid, from X-Flarewise-Worker) in the mixed load:
#: each client keeps one connection, so an uneven share of connections is an uneven load.
PER_WORKER: dict[str, int] = {}


def _prepare(url: str, people: int, clinicians: int, days: int) -> dict[str, str]:
    """Clinicians enrolled in two-step sign-in, people with ``days`` of demo data ending
    today, each sharing with one clinician, and everyone's password (outside the measured
    time). The clinicians' TOTP secrets, as their authenticator apps would hold them."""
    from datetime import date, timedelta

    from flarewise.accounts import Accounts
    from flarewise.journal import Journal, open_database
    from flarewise.sharing import invitations
    from flarewise.twofactor import TwoFactor

    db = open_database(url)
    accounts = Accounts(db)
    secrets: dict[str, str] = {}
    try:
        for i in range(clinicians):
            handle = f"clinician{i}"
            Journal.for_person(db, handle)
            accounts.set_password(handle, PASSWORD, role="clinician")
            pid = db.person_id(handle)
            assert pid is not None
            enrolment = TwoFactor(db).start(pid, handle)
            totp = pyotp.TOTP(enrolment.secret)
            assert TwoFactor(db).confirm(pid, totp.now()) is not None
            USED_STEPS[handle] = totp.timecode(time.time())
            secrets[handle] = enrolment.secret
        for i in range(people):
            j = Journal.for_person(db, f"person{i}")
            j.write_demo(start=date.today() - timedelta(days=days - 1), days=days, seed=i)
            accounts.set_password(f"person{i}", PASSWORD)
            if clinicians:
                code = invitations.invite(db, f"person{i}", "read").code
                invitations.accept(db, f"clinician{i % clinicians}", code)
            if i % 50 == 49:
                print(f"  {i + 1} people ready", flush=True)
    finally:
        db.close()
    return secrets


async def _fresh_code(handle: str, secret: str) -> str:
    """The app's code for a time step this account has not used yet (waiting for the next
    step when the current one was used: the server refuses a replayed step)."""
    totp = pyotp.TOTP(secret)
    while totp.timecode(time.time()) <= USED_STEPS.get(handle, -1):
        await asyncio.sleep(30 - time.time() % 30 + 0.1)
    now = time.time()
    USED_STEPS[handle] = totp.timecode(now)
    return totp.at(now)


@contextmanager
def serving(url: str, workers: int) -> Iterator[str]:
    port = free_port()
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
    def __init__(
        self, base: str, handle: str, limits: httpx.Limits, secret: str | None = None
    ) -> None:
        self.http = httpx.AsyncClient(
            base_url=base, timeout=30, follow_redirects=False, limits=limits
        )
        self.handle = handle
        self.secret = secret
        #: a clinician's people (their handles), for the visit reports they open
        self.people: list[str] = []
        self.csrf = ""

    async def sign_in(self) -> None:
        page = await self.http.get("/signin")
        token = CSRF.search(page.text)
        assert token
        r = await self.http.post(
            "/signin", data={"handle": self.handle, "password": PASSWORD, "csrf": token.group(1)}
        )
        assert r.status_code == 303, r.text[:200]
        if self.secret is not None:  # step two: the code from the authenticator app
            assert r.headers["location"] == "/signin/code", r.headers["location"]
            token = CSRF.search((await self.http.get("/signin/code")).text)
            assert token
            code = await _fresh_code(self.handle, self.secret)
            r = await self.http.post("/signin/code", data={"code": code, "csrf": token.group(1)})
            assert r.status_code == 303 and r.headers["location"] == "/", r.text[:300]
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
        elif kind in ("dashboard", "cold dashboard", "idle dashboard"):
            r = await self.http.get(CLINIC_DASHBOARD)
            ok = r.status_code == 200 and all(f'/clinic/{p}"' in r.text for p in self.people)
        elif kind == "patient report":
            r = await self.http.get(f"/clinic/{random.choice(self.people)}/report")
            ok = r.status_code == 200
        else:
            r = await self.http.get("/healthz")
            ok = r.status_code == 200
        worker = r.headers.get("x-flarewise-worker", "?")
        PER_WORKER[worker] = PER_WORKER.get(worker, 0) + 1
        return (time.perf_counter() - start) * 1000, ok, r.status_code


async def _sign_in_all(clients: list[Client]) -> None:
    for i in range(0, len(clients), 20):  # in groups: sign-in hashes passwords (argon2)
        await asyncio.gather(*(c.sign_in() for c in clients[i : i + 20]))


async def _bounded(
    base: str, people: int, secrets: dict[str, str], seconds: float, floor_seconds: float
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    limits = httpx.Limits(max_connections=1)
    persons = [Client(base, f"person{i}", limits) for i in range(people)]
    doctors = [Client(base, h, limits, secret) for h, secret in secrets.items()]
    for i in range(people if doctors else 0):
        doctors[i % len(doctors)].people.append(f"person{i}")
    await _sign_in_all(persons + doctors)
    # warm-up, not measured: every worker imports a route's modules on its first request
    for kind in ("check-in", "timeline", "report"):
        await asyncio.gather(*(c.one(kind) for c in persons[:20]))
    cold: dict[str, list[Any]] = {"cold dashboard": []}
    for d in doctors:  # one after the other: each computes its people's summaries
        cold["cold dashboard"].append(await d.one("cold dashboard"))
    cold["idle dashboard"] = [await d.one("idle dashboard") for d in doctors]  # cached now

    async def drive(who: list[Client], seconds: float, pick: Any) -> dict[str, list[Any]]:
        results: dict[str, list[Any]] = {}
        end = time.monotonic() + seconds

        async def run(c: Client) -> None:
            rng = random.Random(c.handle)
            think = (3.0, 8.0) if c.secret is not None else (2.0, 6.0)
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

    floor = await drive(persons, floor_seconds, lambda rng, c: "floor")

    def pick(rng: random.Random, c: Client) -> str:
        if c.secret is not None:
            return str(rng.choice(["dashboard", "patient report"]))
        return str(rng.choices(["check-in", "timeline", "report"], [5, 3, 2])[0])

    from flarewise.storage.database import utcnow

    MIXED_START.append(utcnow())
    PER_WORKER.clear()
    mixed = await drive(persons + doctors, seconds, pick)
    await asyncio.gather(*(c.http.aclose() for c in persons + doctors))
    return {**mixed, **cold}, floor


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


def _report(
    results: dict[str, list[Any]], seconds: float, kinds: tuple[str, ...], *, rate: bool = True
) -> None:
    for kind in kinds:
        rows = results.get(kind)
        if not rows:
            continue
        ms = [m for m, ok in rows if ok]
        errors = sum(1 for _, ok in rows if not ok)
        per_s = f"{len(rows) / seconds:6.1f}/s" if rate else " " * 8
        line = f"  {kind:14s} {len(rows):6d} requests {per_s}  "
        if ms:
            p50, p95, p99 = (_pct(ms, q) for q in (50, 95, 99))
            line += f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"
        print(line + f"  errors {errors}", flush=True)


def _recomputed(url: str, since: Any) -> int:
    """Clinic-list summaries computed after ``since`` (a check-in should cause none)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            query = "SELECT count(*) FROM report_summaries WHERE computed_at > :since"
            return int(conn.execute(sa.text(query), {"since": since}).scalar_one())
    finally:
        engine.dispose()


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
        secrets = _prepare(url, args.people, args.clinicians, args.history_days)
        with serving(url, args.workers) as base:
            cpu0, wall0 = _cpu(), time.monotonic()
            load0 = os.getloadavg()[0]
            mixed, floor = asyncio.run(
                _bounded(base, args.people, secrets, args.seconds, args.floor_seconds)
            )
            gen = (_cpu() - cpu0) / (time.monotonic() - wall0)
        print(
            f"\nBounded load, {args.workers} workers: {args.people} people and "
            f"{args.clinicians} clinicians, think time 2-6 s; mixed {args.seconds:.0f} s, "
            f"floor {args.floor_seconds:.0f} s; load generator CPU {gen:.0%} of a core; "
            f"load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after"
        )
        _report(mixed, args.seconds, ("check-in", "timeline", "report", "dashboard"))
        _report(mixed, args.seconds, ("patient report",))
        _report(mixed, args.seconds, ("cold dashboard", "idle dashboard"), rate=False)
        print(
            f"  summaries computed again during the mixed load: {_recomputed(url, MIXED_START[0])}"
        )
        _report(floor, args.floor_seconds, ("floor",))
        shares = sorted(PER_WORKER.values(), reverse=True)
        print(f"  requests per server process in the mixed load: {' / '.join(map(str, shares))}")
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
