"""``web.plain.plain`` gives the plan page exactly what ``dataclasses.asdict`` gave it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from flarewise import Journal
from flarewise.web.plain import plain


def test_a_plan_and_a_safety_check_convert_as_asdict_did(journal: Journal, t0: datetime) -> None:
    journal.write_demo(start=t0.date() - timedelta(days=60), days=60, seed=4)
    plan = journal.plan(on=t0.date())
    assert plan.options and plain(plan) == asdict(plan)
    assert type(plain(plan)["options"]) is type(asdict(plan)["options"])
    check = journal.safety_check(
        [{"item": "magnesium", "dose": 900, "unit": "mg"}, {"item": "tramadol"}], on=t0.date()
    )
    for part in (*check.warnings, *check.missing):
        assert plain(part) == asdict(part)
    assert check.warnings
