"""Building plan contexts and items quickly in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flarewise import Condition, DoseStep, LabResult, Profile, Regimen
from flarewise.knowledge import load_vocabulary
from flarewise.labs import red_flags
from flarewise.plan import PlanContext, agents_from_regimens, resolve_items

V = load_vocabulary()
ON = date(2025, 6, 1)


def regimen(
    substance: str,
    amount: float | None = None,
    unit: str | None = None,
    *,
    start: date = date(2025, 1, 1),
    stop: date | None = None,
    form: str | None = None,
    times: float = 1.0,
) -> Regimen:
    return Regimen(
        substance=substance,
        form=form,
        stop=stop,
        steps=[DoseStep(start=start, amount=amount, unit=unit, times_per_day=times)],
    )


def lab(loinc: str, value: float, unit: str, **kw: Any) -> LabResult:
    return LabResult(
        at=datetime(2025, 5, 1, 9, tzinfo=UTC), loinc=loinc, value=value, unit=unit, **kw
    )


def context(
    *,
    meds: list[Regimen] = (),
    conditions: list[str] = (),
    labs: list[LabResult] = (),  # type: ignore[assignment]
    birth_year: int | None = 1980,
    sex: str | None = "female",
    findings: list[str] = (),  # type: ignore[assignment]
    avoid: list[str] = (),
    symptoms: dict[str, float] | None = None,  # type: ignore[assignment]
    overrides: list[dict[str, Any]] = (),
) -> PlanContext:  # type: ignore[assignment]
    profile = Profile(
        birth_year=birth_year,
        sex=sex,  # type: ignore[arg-type]
        conditions=[Condition(condition=c) for c in conditions],
        clinical_findings=list(findings),
        preferences={"avoid": list(avoid)},
        overrides=list(overrides),
    )
    current, stopped = agents_from_regimens(V, list(meds), ON)
    return PlanContext(
        on=ON,
        profile=profile,
        current=current,
        recently_stopped=stopped,
        labs=tuple(labs),
        red_flags=tuple(red_flags(labs, profile, V)),
        symptoms=symptoms or {},
    )


def items(*raw: dict[str, Any]):  # type: ignore[no-untyped-def]
    return resolve_items(V, list(raw))


def days_ago(n: int) -> date:
    return ON - timedelta(days=n)
