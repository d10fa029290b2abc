"""What the plan and the safety checks know about a person on a given day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flarewise.domain.entries import LabResult
from flarewise.domain.profile import Profile
from flarewise.domain.regimens import Regimen
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.labs.redflags import RedFlag
from flarewise.plan.amounts import read_dose

#: How far back a stopped medicine still counts: the longest washout of clinical-rules.md D.5.4
#: (fluoxetine, 35 days; MAOIs need 14 days). A longer washout in the data widens it.
RECENT_DAYS = 35


@dataclass(frozen=True)
class Agent:
    """A substance the person takes, or that a plan proposes, with what the rules need."""

    substance: str
    classes: frozenset[str]
    origin: str  # "current", "stopped", or "proposed"
    daily_amount: float | None = None  # in the substance's canonical unit
    unit: str | None = None
    label: str = ""
    stopped_on: date | None = None
    item: str | None = None  # the plan item (intervention or substance id) it comes from
    started_on: date | None = None  # None: a plan item, or a start not recorded (= plan day)
    # What the dose rules of clinical-rules.md D.5.6 need (plan/doses.py):
    raw_amount: float | str | None = None  # the daily dose as entered (may be NaN or text)
    raw_unit: str | None = None
    invalid_dose: str | None = None  # why the dose or its strength is not a usable number
    unconvertible: str | None = None  # why a given dose cannot be put in the canonical unit

    def is_a(self, *classes: str) -> bool:
        return not self.classes.isdisjoint(classes)


def agent_classes(vocab: Vocabulary, substance: str, daily_amount: float | None) -> frozenset[str]:
    """The substance's classes for this dose: a dose-dependent member (aspirin is an NSAID only
    above 325 mg/day, clinical-rules.md D.5.1) leaves the class when its known daily dose is at
    or below the threshold; an unknown dose keeps it (the safer reading)."""
    classes = set(vocab.substances[substance].classes)
    if daily_amount is not None:
        for cls, limits in vocab.dose_dependent.items():
            limit = limits.get(substance)
            if limit is not None and daily_amount <= limit:
                classes.discard(cls)
    return frozenset(classes)


@dataclass(frozen=True)
class PlanContext:
    on: date
    profile: Profile
    current: tuple[Agent, ...] = ()
    recently_stopped: tuple[Agent, ...] = ()
    labs: tuple[LabResult, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    symptoms: dict[str, float] = field(default_factory=dict)  # 30-day means
    psd: float | None = None
    fiqr: float | None = None
    tried: dict[str, tuple[date, date]] = field(default_factory=dict)  # substance -> (start, stop)
    #: medicines taken now (or stopped within the lookback) that flarewise does not know, by
    #: their written names: never agents, always named as unchecked (plan/inputs.py)
    unrecognised: tuple[str, ...] = ()

    @property
    def age(self) -> int | None:
        return self.profile.age_on(self.on)

    def has_condition(self, *conditions: str) -> bool:
        return any(self.profile.has_condition(c, self.on) for c in conditions)

    def latest(self, *loincs: str) -> LabResult | None:
        found = [r for r in self.labs if r.loinc in loincs and r.at.date() <= self.on]
        return max(found, key=lambda r: r.at) if found else None


def agent_from_regimen(vocab: Vocabulary, r: Regimen, on: date, origin: str) -> Agent:
    step = r.step_on(on) or r.steps[-1]
    amount = None if r.as_needed else step.daily_amount
    strength = (r.strength.amount, r.strength.unit) if r.strength else None
    dose = read_dose(
        vocab,
        r.substance,
        r.form,
        amount,
        step.unit,
        r.basis,
        strength,
        r.strength.per if r.strength else None,
    )
    return Agent(
        substance=r.substance,
        classes=agent_classes(vocab, r.substance, dose.amount),
        origin=origin,
        daily_amount=dose.amount,
        unit=dose.unit,
        label=vocab.name_of("substance", r.substance),
        stopped_on=r.stop,
        raw_amount=amount,
        raw_unit=step.unit if amount is not None else None,
        invalid_dose=dose.invalid,
        unconvertible=dose.unconvertible,
        started_on=r.start,
    )


def unrecognised_names(regimens: list[Regimen], on: date) -> tuple[str, ...]:
    """The written names of medicines flarewise does not know, taken on ``on`` or stopped
    within the washout lookback of ``agents_from_regimens``: their interactions are not checked,
    and the plan must say so rather than stay silent."""
    since = on - timedelta(days=RECENT_DAYS)
    names = {
        r.unrecognised: None
        for r in regimens
        if r.unrecognised is not None
        and (r.active_on(on) or (r.stop is not None and since <= r.stop < on))
    }
    return tuple(names)


def agents_from_regimens(
    vocab: Vocabulary, regimens: list[Regimen], on: date
) -> tuple[tuple[Agent, ...], tuple[Agent, ...]]:
    """(current, recently stopped) agents on ``on``, each with its start and stop day. Stopped
    means stopped before ``on`` within the longest washout (at least 35 days)."""
    # a medicine flarewise does not know is never an agent: no class is guessed for it
    # (clinical-rules.md D.5.0 item 1); plan/inputs.py names it as an unchecked input instead
    regimens = [r for r in regimens if r.unrecognised is None]
    current = tuple(
        agent_from_regimen(vocab, r, on, "current") for r in regimens if r.active_on(on)
    )
    w = vocab.washouts
    lookback = max(RECENT_DAYS, w.maoi_stopped, w.partner_default, *w.partner.values())
    since = on - timedelta(days=lookback)
    stopped = tuple(
        agent_from_regimen(vocab, r, on, "stopped")
        for r in regimens
        if r.stop is not None and since <= r.stop < on
    )
    return current, stopped
