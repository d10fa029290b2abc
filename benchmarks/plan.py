"""Safety-engine and plan speed over generated profiles, beside the knowledge base's load time.

Profiles (fixed seed): 0-5 current medicines drawn from every clinical-rules.md D.5.1 class (and
the substances the D.4 rules key on), 0-3 recently stopped ones with gaps around every D.5.4
washout, 0-3 conditions of D.4/D.5.2, age, sex, pregnancy and breastfeeding flags, an eGFR and a
calcium result with or without the lab's range. For each profile, measured in one run:
- the whole plan (``build_plan``: every option checked alone, all options together, the final
  combined check and the profile-level check), from the person's regimens;
- ``check_safety`` of every medicine and supplement of the knowledge base proposed at once;
- the floor: ``check_safety`` with an empty plan (profile-level rules only).
Beside them, the time to load and validate the knowledge base once (``Vocabulary()``).

Target (the engine brief): p99 < 50 ms per profile for the plan.

    python benchmarks/plan.py [--profiles 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from _machine import describe
from flarewise import Condition, DoseStep, LabResult, Profile, Regimen
from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary
from flarewise.labs import red_flags
from flarewise.plan import PlanContext, agents_from_regimens, build_plan, check_safety
from flarewise.plan.items import PlanItem

ON = date(2025, 6, 1)


def pools(v: Vocabulary) -> tuple[list[str], list[str], list[int]]:
    d5 = [cid for cid, c in v.class_defs.items() if c.d5]
    medicines = sorted(
        {s for c in d5 for s in v.class_members[c]}
        | {"magnesium", "vitamin_d", "coq10", "probiotic", "hydrochlorothiazide", "alendronate"}
    )
    conditions = sorted(
        {c for r in v.safety_rules.values() for c in (*r.conditions, *r.partner_conditions)}
        | {"chronic_kidney_disease", "fibromyalgia"}
    )
    gaps = sorted({1, 3, 34, 35, *v.washouts.partner.values()} | {4, 6, 13, 14, 20})
    return medicines, conditions, gaps


def profile(rng: random.Random, v: Vocabulary) -> PlanContext:
    medicines, conditions, gaps = pools(v)
    regimens = []
    for _ in range(rng.randint(0, 5)):
        sid = rng.choice(medicines)
        amount = rng.choice([None, 75.0, 500.0]) if sid == "aspirin" else None
        start = ON - timedelta(days=rng.randint(0, 400))
        regimens.append(
            Regimen(
                substance=sid,
                steps=[DoseStep(start=start, amount=amount, unit="mg" if amount else None)],
            )
        )
    for _ in range(rng.randint(0, 3)):
        stop = ON - timedelta(days=rng.choice(gaps))
        regimens.append(
            Regimen(
                substance=rng.choice(medicines),
                stop=stop,
                steps=[DoseStep(start=stop - timedelta(days=rng.randint(0, 300)))],
            )
        )
    labs = []
    at = datetime(2025, 5, 1, 9, tzinfo=UTC)
    if rng.random() < 0.6:
        ranged = rng.random() < 0.5
        labs.append(
            LabResult(
                at=at,
                loinc="62238-1",
                value=rng.choice([15.0, 29.0, 30.0, 59.0, 60.0, 95.0]),
                unit="mL/min/{1.73_m2}",
                ref_low=60.0 if ranged else None,
            )
        )
    if rng.random() < 0.4:
        ranged = rng.random() < 0.5
        labs.append(
            LabResult(
                at=at,
                loinc="17861-6",
                value=rng.choice([9.0, 10.2, 11.4]),
                unit="mg/dL",
                ref_high=10.3 if ranged else None,
            )
        )
    p = Profile(
        birth_year=rng.choice([None, *range(1935, 2006)]),
        sex=rng.choice(["female", "male", None]),
        conditions=[Condition(condition=c) for c in rng.sample(conditions, rng.randint(0, 3))],
        pregnant=rng.choice([None, True, False]),
        breastfeeding=rng.choice([None, True, False]),
    )
    current, stopped = agents_from_regimens(v, regimens, ON)
    return PlanContext(
        on=ON,
        profile=p,
        current=current,
        recently_stopped=stopped,
        labs=tuple(labs),
        red_flags=tuple(red_flags(labs, p, v)),
    )


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def line(name: str, ms: list[float]) -> str:
    return (
        f"{name:<44} p50 {statistics.median(ms):6.2f} ms  p95 {pct(ms, 0.95):6.2f} ms  "
        f"p99 {pct(ms, 0.99):6.2f} ms  max {max(ms):6.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profiles", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(f"machine: {describe()}")
    loads = []
    for _ in range(5):
        t = time.perf_counter()
        Vocabulary()
        loads.append((time.perf_counter() - t) * 1000)
    v = load_vocabulary()
    everything = [
        PlanItem(i.id, i, i.substance)
        for i in v.interventions.values()
        if i.substance is not None and i.grade != "X"
    ]
    rng = random.Random(args.seed)
    plan_ms, items_ms, floor_ms = [], [], []
    warnings = not_offered = 0
    for _ in range(args.profiles):
        ctx = profile(rng, v)
        t0 = time.perf_counter()
        plan = build_plan(ctx, v)
        t1 = time.perf_counter()
        check = check_safety(ctx, everything, v)
        t2 = time.perf_counter()
        check_safety(ctx, [], v)
        t3 = time.perf_counter()
        plan_ms.append((t1 - t0) * 1000)
        items_ms.append((t2 - t1) * 1000)
        floor_ms.append((t3 - t2) * 1000)
        warnings += len(check.warnings)
        not_offered += len(plan.not_offered)
    print(
        f"knowledge base load (Vocabulary(), 5 loads): median {statistics.median(loads):.0f} ms, "
        f"range {min(loads):.0f}-{max(loads):.0f} ms"
    )
    print(f"{args.profiles:,} profiles (seed {args.seed}); per profile:")
    print(line("plan (build_plan, all checks)", plan_ms))
    print(line(f"check_safety of {len(everything)} items at once", items_ms))
    print(line("floor: check_safety, empty plan", floor_ms))
    print(
        f"warnings per all-items check: {warnings / args.profiles:.1f}; options not offered per "
        f"plan: {not_offered / args.profiles:.2f}"
    )
    verdict = "met" if pct(plan_ms, 0.99) < 50 else "NOT met"
    print(f"target p99 < 50 ms per profile for the plan: {verdict}")


if __name__ == "__main__":
    main()
