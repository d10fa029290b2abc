"""What the sharing gate and the clinic list cost, beside a floor measured in the same run.

Data: N people (default 20) with 90 days of the demo diary each, all sharing (scope read) with
one clinician, in SQLite. Through the web app (FastAPI's TestClient, no network), interleaved
repeats (default 5 rounds), median of each:
- floor: ``GET /api/account`` of the clinician (a signed-in page reading its own account);
- one shared page: ``GET /api/clinic/{person}/labs`` (the grant checked, an audit row written,
  the labs page's data), and the person's own ``GET /api/labs`` for the same data;
- the clinic list: ``GET /api/clinic`` (an audit row per person, and each person's report
  summary: read from the report the first time, then kept until their journal changes), per
  person; and the first list, which reads every report.

The gate's cost is the shared page minus the person's own page; the list grows with the number
of people because it reads each person's report.

    python benchmarks/clinic_list.py [--people 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from _machine import describe
from flarewise.accounts import Accounts
from flarewise.journal import Journal
from flarewise.sharing import admin, invitations
from flarewise.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.webkit import enrol_two_factor  # the tests' enrolment, through the pages

PASSWORD = "correct horse battery"


def signed_in(app: Any, handle: str, password: str) -> TestClient:
    import re

    c = TestClient(app, base_url="https://testserver", follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]*)"', c.get("/signin").text)
    assert token
    r = c.post("/signin", data={"handle": handle, "password": password, "csrf": token.group(1)})
    assert r.status_code == 303, r.text
    return c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(f"sqlite:///{Path(tmp) / 'clinic.db'}", trusted_hosts=("testserver",))
        db = app.state.db
        start = date.today() - timedelta(days=90)
        admin.create(db, None, "drbench", "clinician")
        Accounts(db).set_password("drbench", PASSWORD)  # no temporary password to change
        for i in range(args.people):
            j = Journal.for_person(db, f"p{i:03d}")
            j.write_demo(start=start, days=90, replace=True)
            Accounts(db).set_password(j.handle, PASSWORD)
            invitations.accept(db, "drbench", invitations.invite(db, j.handle, "read").code)
        doctor = signed_in(app, "drbench", PASSWORD)
        enrol_two_factor(doctor)  # a clinician's pages open only once two-step sign-in is on
        owner = signed_in(app, "p000", PASSWORD)

        def get(c: TestClient, path: str) -> Callable[[], None]:
            def call() -> None:
                r = c.get(path)
                assert r.status_code == 200, (path, r.status_code)

            return call

        cases = {
            "floor: own account page": get(doctor, "/api/account"),
            "person's own labs page": get(owner, "/api/labs"),
            "clinician's shared labs page": get(doctor, "/api/clinic/p000/labs"),
            f"clinic list ({args.people} people)": get(doctor, "/api/clinic"),
        }
        t = time.perf_counter()
        cases[f"clinic list ({args.people} people)"]()  # the first list reads every report
        cold = time.perf_counter() - t
        for call in cases.values():
            call()  # warm-up
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.rounds):
            for name, call in cases.items():  # interleaved: each round measures every case
                t = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - t)
        db.close()
    print(describe())
    floor = statistics.median(times["floor: own account page"])
    for name, found in times.items():
        median = statistics.median(found)
        print(f"{name:40s} {median * 1000:8.1f} ms  {median / floor:6.1f} x floor")
    gate = statistics.median(times["clinician's shared labs page"]) - statistics.median(
        times["person's own labs page"]
    )
    per_person = statistics.median(times[f"clinic list ({args.people} people)"]) / args.people
    print(f"the sharing gate (shared minus own page): {gate * 1000:.1f} ms")
    print(f"clinic list per person: {per_person * 1000:.1f} ms (journals unchanged since the last)")
    print(
        f"first clinic list (every report read): {cold * 1000:.0f} ms, "
        f"{cold / args.people * 1000:.1f} ms per person"
    )


if __name__ == "__main__":
    main()
