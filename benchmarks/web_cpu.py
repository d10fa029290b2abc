"""CPU time of one page view, in process, beside the trivial `/healthz` as the floor.

On a shared machine the latencies of `web_load.py` mostly measure the wait for a core; the CPU
a request costs is what the code decides. One person with a year of demo data ending today
signs in through Starlette's TestClient (client and app in this process, so the floor carries
the client's share too). Each round times every route `--repeat` times, routes in turn, and
keeps the median process CPU time; the table gives the median over rounds with the range.
Run it with another tree first on PYTHONPATH for a before/after.

    python benchmarks/web_cpu.py [--rounds 5] [--repeat 15] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

from _machine import describe
from _pg import on_backends

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "cpu test password"


def _client(url: str) -> tuple[Any, str]:
    from flarewise.accounts import Accounts
    from flarewise.demo import years_ending
    from flarewise.journal import Journal, open_database
    from flarewise.web.app import create_app

    db = open_database(url)
    first, days = years_ending(1, date.today())
    Journal.for_person(db, "cpu").write_demo(start=first, days=days, replace=True, seed=3)
    Accounts(db).set_password("cpu", PASSWORD)
    db.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    client = TestClient(create_app(url, secure_cookies=False), base_url="http://127.0.0.1")
    token = CSRF.search(client.get("/signin").text)
    assert token
    signed = client.post(
        "/signin",
        data={"handle": "cpu", "password": PASSWORD, "csrf": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[:200]
    found = CSRF.search(client.get("/account").text)
    assert found
    return client, found.group(1)


def run(name: str, url: str, rounds: int, repeat: int) -> None:
    client, csrf = _client(url)

    def checkin() -> None:
        r = client.post(
            "/today",
            data={"pain": "5", "fatigue": "5", "sites": ["neck"], "csrf": csrf},
            follow_redirects=False,
        )
        assert r.status_code == 303

    def get(path: str, must: str = "") -> Callable[[], None]:
        def call() -> None:
            r = client.get(path)
            assert r.status_code == 200 and must in r.text

        return call

    routes: dict[str, Callable[[], None]] = {
        "floor /healthz": get("/healthz"),
        "check-in": checkin,
        "timeline 90 days": get("/timeline?range=90", "vconcat"),
        "plan": get("/plan"),
        "visit report": get("/report", "Report for your visit"),
    }
    got: dict[str, list[float]] = {k: [] for k in routes}
    wall: dict[str, list[float]] = {k: [] for k in routes}
    for _ in range(rounds):
        for k, fn in routes.items():
            fn()
            cpu, waited = [], []
            for _ in range(repeat):
                c, w = time.process_time(), time.perf_counter()
                fn()
                cpu.append(time.process_time() - c)
                waited.append(time.perf_counter() - w)
            got[k].append(statistics.median(cpu) * 1000)
            wall[k].append(statistics.median(waited) * 1000)
    floor = statistics.median(got["floor /healthz"])
    print(
        f"\n{name}: CPU per request, median of {rounds} rounds x {repeat} (range over rounds);"
        " wall time beside it (it includes the database server's share)"
    )
    for k, ms in got.items():
        med = statistics.median(ms)
        print(
            f"  {k:17s} {med:6.2f} ms ({min(ms):.2f}-{max(ms):.2f})  {med / floor:5.1f}x floor"
            f"   wall {statistics.median(wall[k]):6.2f} ms"
            f" ({min(wall[k]):.2f}-{max(wall[k]):.2f})"
        )
    client.app.state.db.close()
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(f"Machine: {describe()}")
    on_backends(args.backend, "cpu", lambda label, url: run(label, url, args.rounds, args.repeat))


if __name__ == "__main__":
    main()
