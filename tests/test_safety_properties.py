"""Property tests of the safety engine (clinical-rules.md D.5.0) over generated profiles: medicines
drawn from every D.5.1 class, recently stopped ones with gaps around every D.5.4 washout,
conditions, pregnancy and breastfeeding flags, ages, and labs with and without reference ranges.

For every profile and its plan: no offered option is blocked by a contraindicated rule; every
warning carries a known rule id; never two warnings for one hazard (same rule and same pair, or
same rule and plan item for the multi-partner rules); between recorded medicines alone only the
profile-level MAOI rules (and the upper-limit sums) speak (D.5.0 item 2b).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from flarewise import Condition, DoseStep, LabResult, Profile, Regimen
from flarewise.labs import red_flags
from flarewise.plan import (
    PlanContext,
    Warning,
    agents_from_regimens,
    build_plan,
    check_safety,
)
from flarewise.plan.items import PlanItem

from .plan_helpers import ON, V

D5_CLASSES = [cid for cid, c in V.class_defs.items() if c.d5]
#: every substance of every D.5.1 class, and a few the D.4 rules key on
MEDICINES = sorted(
    {s for c in D5_CLASSES for s in V.class_members[c]}
    | {"magnesium", "vitamin_d", "coq10", "probiotic", "hydrochlorothiazide", "alendronate",
       "methotrexate", "naltrexone", "tacrolimus", "metformin"}
)  # fmt: skip
CONDITIONS = sorted(
    {c for r in V.safety_rules.values() for c in (*r.conditions, *r.partner_conditions)}
    | {"chronic_kidney_disease", "rheumatoid_arthritis", "fibromyalgia"}
)
#: days since stop around each washout of D.5.4 (equal, one under) and the 35-day window
STOP_DAYS = sorted(
    {1, 2, 3, 34, 35, *V.washouts.partner.values()} | {d - 1 for d in (5, 7, 14, 21)}
)
MULTI = frozenset({"SAF-PGB-CNS", "SAF-GABA-CNS", "SAF-CNS-DEPRESS", "SAF-BLEED-STACK"})
PROFILE_LEVEL = frozenset({"SAF-MAOI-SERO", "SAF-MAOI-WASHOUT", "SAF-MG-UL", "SAF-VITD-UL",
                           "SAF-OMEGA3-DOSE"})  # fmt: skip


def _dose(sid: str) -> Any:
    if sid == "aspirin":  # D.5.1: an NSAID only above 325 mg/day
        return st.sampled_from([None, 75.0, 325.0, 326.0, 900.0])
    if sid == "vitamin_d":
        return st.sampled_from([None, 1000.0, 5000.0])
    return st.sampled_from([None, 10.0, 200.0])


@st.composite
def regimens(draw: Any, stopped: bool) -> Regimen:
    sid = draw(st.sampled_from(MEDICINES))
    amount = draw(_dose(sid))
    unit = None if amount is None else ("IU" if sid == "vitamin_d" else "mg")
    if stopped:
        stop = ON - timedelta(days=draw(st.sampled_from(STOP_DAYS)))
        start = stop - timedelta(days=draw(st.integers(0, 300)))
    else:
        stop = None
        start = ON - timedelta(days=draw(st.integers(0, 400)))
    return Regimen(
        substance=sid, stop=stop, steps=[DoseStep(start=start, amount=amount, unit=unit)]
    )


@st.composite
def labs(draw: Any) -> list[LabResult]:
    out = []
    at = datetime(2025, 5, 1, 9, tzinfo=UTC)
    if draw(st.booleans()):
        ranged = draw(st.booleans())
        out.append(
            LabResult(
                at=at,
                loinc="62238-1",
                value=draw(st.sampled_from([15.0, 29.0, 30.0, 45.0, 59.0, 60.0, 95.0])),
                unit="mL/min/{1.73_m2}",
                ref_low=60.0 if ranged else None,
            )
        )
    if draw(st.booleans()):
        ranged = draw(st.booleans())
        out.append(
            LabResult(
                at=at,
                loinc="17861-6",
                value=draw(st.sampled_from([8.9, 10.2, 11.4])),
                unit="mg/dL",
                ref_low=8.6 if ranged else None,
                ref_high=10.3 if ranged else None,
            )
        )
    return out


@st.composite
def contexts(draw: Any) -> PlanContext:
    current = draw(st.lists(regimens(False), max_size=5))
    stopped = draw(st.lists(regimens(True), max_size=3))
    results = draw(labs())
    conditions = draw(st.sets(st.sampled_from(CONDITIONS), max_size=3))
    profile = Profile(
        birth_year=draw(st.one_of(st.none(), st.integers(1930, 2007))),
        sex=draw(st.sampled_from(["female", "male", None])),
        conditions=[Condition(condition=c) for c in conditions],
        pregnant=draw(st.sampled_from([None, True, False])),
        breastfeeding=draw(st.sampled_from([None, True, False])),
    )  # fmt: skip
    cur, old = agents_from_regimens(V, [*current, *stopped], ON)
    return PlanContext(
        on=ON,
        profile=profile,
        current=cur,
        recently_stopped=old,
        labs=tuple(results),
        red_flags=tuple(red_flags(results, profile, V)),
    )


def hazard(w: Warning) -> tuple[str, Any]:
    """D.5.0 P1: one warning per (rule, unordered pair); multi-partner rules one per (rule,
    plan item); single-item rules one per (rule, item)."""
    if w.rule in MULTI or not w.partners:
        return (w.rule, w.subject or w.involves)
    return (w.rule, frozenset({w.subject, *w.partners}))


def _assert_one_per_hazard(warnings: list[Warning] | tuple[Warning, ...]) -> None:
    keys = [hazard(w) for w in warnings]
    assert len(keys) == len(set(keys)), [w.rule for w in warnings]
    assert all(w.rule in V.safety_rules for w in warnings)


@settings(max_examples=1000, deadline=None)
@given(ctx=contexts())
def test_property_no_offered_option_is_contraindicated_for_the_profile(ctx: PlanContext) -> None:
    plan = build_plan(ctx, V)
    options = [o.as_item(V) for o in plan.options]
    check = check_safety(ctx, options, V)
    offered = {o.intervention for o in plan.options} | {
        s for o in plan.options if (s := V.interventions[o.intervention].substance)
    }
    for w in check.warnings:
        assert not (w.blocks and set(w.involves) & offered), w
    for o, item in zip(plan.options, options, strict=True):
        alone = check_safety(ctx, [item], V).warnings
        assert not [w for w in alone if w.blocks and item.substance in w.involves], o.intervention
        _assert_one_per_hazard(o.warnings)
    _assert_one_per_hazard(check.warnings)
    _assert_one_per_hazard(plan.current_warnings)
    # what is not offered says why, with the rule that contraindicates it
    for n in plan.not_offered:
        r = V.safety_rules[n.rule]
        assert "contraindicated" in (r.severity, *r.severities)
        assert f"[{n.rule}]" in n.reason and n.intervention not in offered


@settings(max_examples=2000, deadline=None)
@given(ctx=contexts(), extra=st.lists(st.sampled_from(MEDICINES), max_size=4, unique=True))
def test_property_checks_of_any_items_keep_the_evaluation_model(
    ctx: PlanContext, extra: list[str]
) -> None:
    items = [PlanItem(s, None, s) for s in extra]
    check = check_safety(ctx, items, V)
    _assert_one_per_hazard(check.warnings)
    planned = set(extra)
    for w in check.warnings:
        # D.5.0 item 2: >= 1 side is a plan item unless profile-level
        assert w.rule in PROFILE_LEVEL or set(w.involves) & planned, w
    # with an empty plan only the profile-level rules speak (D.5.0 item 2b)
    assert {w.rule for w in check_safety(ctx, [], V).warnings} <= PROFILE_LEVEL
