"""Writing the demo journal: the generated diary, then its two experiments made the way a person
makes them (designed from the stored diary, saved, started, finished), so the Experiments page,
Today and the analysis show real results on a newcomer's first look. Kept apart from the facade;
``Journal.write_demo`` delegates here.

The generator (flarewise.demo) sits below the experiments layer and cannot design a trial, so
the running trial's doses are written here, from the designed protocol's own schedule: taken on
its B days, never on its A days.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from flarewise.demo import DemoTruth, generate_demo
from flarewise.demo.model import TIMEZONE
from flarewise.domain.backup import Backup, StoredEntry
from flarewise.domain.entries import Intake
from flarewise.domain.experiments import DoseLevel, Protocol
from flarewise.journal.lazy import trials_module as _trials

if TYPE_CHECKING:
    from flarewise.journal import Journal, Progress

SOURCE = "demo"
#: Seed offset of the experiments' own random stream (ids, the trial's order, its doses), so
#: the diary's records are the same with or without them.
SEED_OFFSET = 20_011
#: The demo's experiments are not written into a diary shorter than this (a 60-day demo has no
#: magnesium and no room for a trial).
MIN_DAYS_FOR_TRIALS = 120


def write_demo(
    j: Journal,
    *,
    seed: int,
    start: date,
    days: int,
    replace: bool = False,
    progress: Progress | None = None,
) -> DemoTruth:
    """The diary in one restore (all or nothing), then the experiments and their doses."""
    data = generate_demo(seed=seed, start=start, days=days)
    now = datetime.now(UTC).replace(tzinfo=None)
    backup = Backup.model_construct(
        format="flarewise-journal",
        version=1,
        exported_at=now,
        person=j.handle,
        profile=data.profile,
        trackables=tuple(data.trackables),
        regimens=tuple(data.regimens),
        entries=tuple(
            StoredEntry.model_construct(entry=cast(Any, e), recorded_at=now, updated_at=now)
            for e in data.entries
        ),
    )
    j.restore(backup, replace=replace, progress=progress)
    truth = data.truth
    if truth.days >= MIN_DAYS_FOR_TRIALS:
        rng = random.Random(truth.seed + SEED_OFFSET)
        if truth.magnesium_start_offset + truth.magnesium_trial_days <= truth.days:
            magnesium_trial(j, truth, rng)
        running_trial(j, truth, rng)
    return truth


def _id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def magnesium_trial(j: Journal, truth: DemoTruth, rng: random.Random) -> Protocol:
    """The magnesium start as a finished AB experiment whose B phase begins on the day the
    diary's magnesium begins. The design sizes the A phase from the diary before it, so the
    start is moved back until A ends the day before magnesium (it settles in a step or two)."""
    mg_start = truth.magnesium_start
    baseline = 14
    for _ in range(5):
        protocol, _advice = j.design_experiment(
            "magnesium",
            "pain",
            design="ab",
            start=mg_start - timedelta(days=baseline),
            period_days=truth.magnesium_trial_days,
            washout_days=3,
            dose=DoseLevel(amount=200, unit="mg", days=truth.magnesium_trial_days),
            timing="at night",
            why="Does magnesium at night lower my pain? Before and after starting it.",
        )
        if protocol.baseline_days == baseline:
            break
        baseline = protocol.baseline_days
    protocol = j.add_experiment(protocol.replace(id=_id(rng)))
    j.set_experiment_status(protocol.id, "running", on=protocol.start)
    last = _trials().planned_schedule(protocol)[-1].day
    return j.set_experiment_status(protocol.id, "finished", on=last)


def running_trial(j: Journal, truth: DemoTruth, rng: random.Random) -> Protocol:
    """A randomised-blocks trial started a few weeks before the last day, with its doses
    logged on its B days up to the last day (no effect is planted: its answer is open)."""
    dose = DoseLevel(
        amount=truth.running_trial_dose_mg, unit="mg", days=truth.running_trial_period_days
    )
    protocol, _advice = j.design_experiment(
        truth.running_trial_substance,
        truth.running_trial_outcome,
        design="randomised_blocks",
        start=truth.running_trial_start,
        period_days=truth.running_trial_period_days,
        washout_days=truth.running_trial_washout_days,
        blocks=truth.running_trial_blocks,
        seed=rng.randrange(2**31),
        dose=dose,
        timing="with breakfast",
        why="Does CoQ10 help my fatigue? On and off in a random order.",
    )
    protocol = j.add_experiment(protocol.replace(id=_id(rng)))
    protocol = j.set_experiment_status(protocol.id, "running", on=protocol.start)
    j.add_many(trial_doses(protocol, truth, rng))
    return protocol


def trial_doses(protocol: Protocol, truth: DemoTruth, rng: random.Random) -> list[Intake]:
    """The trial's doses as the demo person logs them: on each planned dose day up to the
    diary's last day, taken at the trial's adherence, about half the misses logged as skipped;
    nothing on the days meant to be without it."""
    tz = ZoneInfo(TIMEZONE)
    out: list[Intake] = []
    for d in _trials().planned_schedule(protocol):
        if d.day > truth.last_day:
            break
        if d.dose is None:
            continue
        taken = rng.random() < truth.running_trial_adherence
        if not taken and rng.random() < 0.5:
            continue  # a missed dose not logged at all
        out.append(
            Intake(
                id=_id(rng),
                at=datetime.combine(d.day, time(8, 35), tzinfo=tz),
                substance=protocol.substance or truth.running_trial_substance,
                status="taken" if taken else "skipped",
                amount=d.dose.amount if taken else None,
                unit=d.dose.unit if taken else None,
                source=SOURCE,
                source_key=f"trial:{protocol.substance}:{d.day}",
            )
        )
    return out
