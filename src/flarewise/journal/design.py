"""Designing a personal experiment from the person's own diary: the protocol sized from their
baseline, the missed days and adherence they have actually shown, and "Test this" from a trigger
finding. Kept apart from the facade; ``Journal.design_experiment`` and
``Journal.design_from_finding`` delegate here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flarewise.domain.experiments import Challenge, DoseLevel, Protocol
from flarewise.errors import InvalidInput
from flarewise.journal.lazy import trials_module as _trials

if TYPE_CHECKING:
    from flarewise import experiments as trials
    from flarewise.journal import Journal


def design_experiment(
    j: Journal,
    intervention: str,
    outcome: str = "pain",
    *,
    design: str = "randomised_blocks",
    start: date | None = None,
    period_days: int = 14,
    washout_days: int = 3,
    meaningful_change: float = 1.0,
    blocks: int | None = None,
    dose: DoseLevel | None = None,
    titration: Sequence[DoseLevel] = (),
    challenges: Sequence[str] = (),
    eliminated: Sequence[str] = (),
    why: str | None = None,
    seed: int | None = None,
    meaningful_percent: float | None = None,
    timing: str | None = None,
    without_baseline: bool = False,
) -> tuple[Protocol, trials.DesignAdvice | None]:
    """A protocol sized from the person's own baseline (the last 60 days of the outcome).

    When that baseline cannot size a randomised trial (too few days, too noisy) the design
    is refused with the reason, unless ``without_baseline``: then it plans the fewest
    blocks that can answer (6) after a 14-day run-in that collects the baseline, and the
    protocol says so (a newcomer can start at once, knowing the trial may be too small)."""
    import secrets

    vocab = j.vocabulary
    outcome_id = vocab.resolve("symptom", outcome, "outcome")
    try:
        iid = vocab.resolve("intervention", intervention, "intervention")
        substance = vocab.interventions[iid].substance
    except InvalidInput:
        substance, _ = vocab.resolve_substance(intervention, "intervention")
        iid = substance
    start = start or j.today()
    advice = None
    run_in = 0
    order: tuple[str, ...] = ()
    if design == "randomised_blocks":
        if blocks is None:
            base = j._grid(
                start - timedelta(days=60), start - timedelta(days=1), [f"symptom:{outcome_id}"]
            )
            shown, source = _shown_adherence(j, start)
            try:
                advice = _trials().advise(
                    base.values[:, 0],
                    meaningful_change,
                    period_days,
                    washout_days,
                    adherence=shown,
                    adherence_source=source,
                )
                blocks = advice.blocks
                why = f"{why}. {advice.assumptions}" if why else advice.assumptions
            except InvalidInput as exc:
                if not without_baseline:
                    raise
                blocks, run_in = 6, 14
                note = (
                    f"Sized without your baseline ({exc.reason}): 6 blocks, the fewest "
                    "that can give an answer, after a 14-day run-in that collects it. This "
                    "may be too few to detect a small change."
                )
                why = f"{why}. {note}" if why else note
        if blocks < _trials().design.MIN_BLOCKS_RANDOMISATION:
            raise InvalidInput(
                "blocks",
                f"{blocks} blocks cannot answer: a randomisation test "
                "needs at least 6 AB/BA pairs (its smallest p is 2/2^k)",
            )
        seed = seed if seed is not None else secrets.randbelow(2**31)
        order = _trials().random_order(blocks, seed)
    baseline_days = 14
    if design in ("ab", "titration"):
        # the comparison needs 14 scored days before and 14 after (analysis-methods.md
        # 4.2): plan enough calendar days for that at the share of days this person scores
        base = j._grid(
            start - timedelta(days=60), start - timedelta(days=1), [f"symptom:{outcome_id}"]
        )
        missing = _trials().design.missing_share(base.values[:, 0])
        missing = 0.2 if missing >= 1.0 else missing  # no baseline yet: a realistic share
        needed = math.ceil(14 / max(1.0 - missing, 0.3))
        baseline_days = max(14, needed)
        if design == "ab":
            period_days = max(period_days, needed + washout_days)
    foods = tuple(Challenge(food=_challenge_food(j, f)) for f in challenges)
    protocol = Protocol(
        title=f"{vocab.name_of('intervention', iid) if iid in vocab.interventions else iid} "
        f"and {vocab.name_of('symptom', outcome_id).lower()}",
        why=why,
        design=design,
        intervention=iid,
        substance=substance,
        outcome=outcome_id,
        lower_is_better=vocab.symptoms[outcome_id].higher_is_worse,
        meaningful_change=meaningful_change,
        start=start,
        run_in_days=run_in,
        baseline_days=baseline_days,
        period_days=period_days,
        washout_days=washout_days if design != "reintroduction" else 0,
        order=order,
        seed=seed,
        dose=dose,
        titration=tuple(titration),
        challenges=foods,
        eliminated=tuple(eliminated),
        meaningful_basis="percent" if meaningful_percent else "points",
        meaningful_percent=meaningful_percent or 30.0,
        timing=timing,
        # a medicine flarewise does not know by its written name (name_of keeps it as is)
        concurrent=tuple(r.unrecognised or r.substance for r in j.regimens(active_on=start)),
    )
    return protocol, advice


def _shown_adherence(j: Journal, before: date) -> tuple[float | None, str | None]:
    """The share of planned doses this person has actually logged, for sizing a trial:
    from their earlier experiments, else from daily regimens they log intakes for (last 60
    days). None when the diary shows neither (the design then assumes a realistic rate)."""
    taken = planned = 0
    for q in j.experiments():
        if q.status == "planned" or q.substance is None or q.start >= before:
            continue
        done = _trials().executed_schedule(q, before - timedelta(days=1))
        if not done:
            continue
        grid = j._grid(q.start, done[-1].day, [f"intake:{q.substance}"])
        adh = _trials().analyze.adherence(done, grid, f"intake:{q.substance}")
        if adh is not None:
            taken += adh.taken_on_intervention_days
            planned += adh.intervention_days
    if planned >= 7:
        return taken / planned, f"as logged in your earlier experiments, {taken} of {planned}"
    since = before - timedelta(days=60)
    regs = [
        r for r in j.regimens() if not r.as_needed and r.start < before and r.unrecognised is None
    ]
    if regs:
        grid = j._grid(since, before - timedelta(days=1), [f"intake:{r.substance}" for r in regs])
        for r in regs:
            col = grid.column(f"intake:{r.substance}")
            if not (col > 0).any():
                continue  # intakes of it are never logged: no evidence either way
            active = [i for i in range(grid.days) if r.active_on(grid.date_of(i))]
            planned += len(active)
            taken += int(sum(1 for i in active if col[i] > 0))
    if planned >= 7:
        return taken / planned, f"as logged for your daily medicines, {taken} of {planned} days"
    return None, None


def design_from_finding(
    j: Journal, finding: Any, start: date | None = None
) -> tuple[Protocol, Any]:
    """ "Test this": turn a trigger finding into a designed (unsaved) experiment."""
    proposal = finding.test_this
    if proposal is None:
        raise InvalidInput(
            "finding",
            f"{finding.exposure} cannot be changed at will, so it "
            "cannot be tested by an experiment",
        )
    foods = [proposal["foods"]] if proposal.get("foods") else []
    return design_experiment(
        j,
        proposal["intervention"],
        proposal["outcome"],
        design=proposal["design"],
        start=start,
        challenges=foods,
        why=f"Insight: {getattr(finding, 'exposure_name', '') or finding.exposure} and "
        f"{getattr(finding, 'outcome_name', '') or finding.outcome} (lag {finding.lag} d, "
        f"q {finding.q:.2g}; an association in your own data, not proof)",
    )


def _challenge_food(j: Journal, name: str) -> str:
    """A food id for a challenge; a food group stands for its first listed food (e.g.
    gluten grains -> wheat bread), since one food is challenged at a time."""
    vocab = j.vocabulary
    try:
        return vocab.resolve("food", name, "challenges")
    except InvalidInput:
        group = vocab.resolve("food_group", name, "challenges")
        return next(f.id for f in vocab.foods.values() if group in f.groups)
