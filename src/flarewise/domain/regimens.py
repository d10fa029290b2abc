"""Regular schedules of a medicine or supplement: start, dose changes, stop.

A regimen is a sequence of dose steps, each valid from its start date until the next step (or
the stop date). Past and current medicines of the profile are regimens too, so "what was taken
when, at which dose" has one answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from flarewise.domain.base import Record
from flarewise.domain.doses import regimen_day
from flarewise.domain.entries import DoseBasis, DoseUnit, Route, Slug, new_id, stored
from flarewise.domain.units import is_product_unit
from flarewise.errors import InvalidInput


def _sane_day(day: date) -> date:
    if stored():
        return day
    try:
        return regimen_day(day, "")
    except InvalidInput as exc:
        raise ValueError(exc.reason) from None


#: A start or stop date between 1900 and a year from today (domain/doses.py says why).
RegimenDay = Annotated[date, AfterValidator(_sane_day)]


class DoseStep(Record):
    start: RegimenDay
    amount: Annotated[float, Field(gt=0, le=1e15)] | None = None
    unit: DoseUnit | None = None
    times_per_day: Annotated[float, Field(gt=0, le=48)] = 1.0
    comment: Annotated[str, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _amount_and_unit(self) -> DoseStep:
        if (self.amount is None) != (self.unit is None):
            raise ValueError("amount and unit go together (or leave both empty if unknown)")
        return self

    @property
    def daily_amount(self) -> float | None:
        return None if self.amount is None else self.amount * self.times_per_day


class UnitStrength(Record):
    """What one product unit holds ("120 mg elemental per capsule"), so a dose counted in
    tablets, capsules, drops or scoops can be converted and checked (clinical-rules.md D.5.6)."""

    amount: Annotated[float, Field(gt=0, le=1e9)]
    unit: DoseUnit
    per: DoseUnit  # the product unit: tablet, capsule, drop, scoop, ...

    @model_validator(mode="after")
    def _units(self) -> UnitStrength:
        if is_product_unit(self.unit):
            raise ValueError(
                f"unit: a strength is what one {self.per} holds, in mg, mcg, g, IU or CFU, "
                f"not in {self.unit}"
            )
        if not is_product_unit(self.per):
            raise ValueError(
                f"per: a strength is per tablet, capsule, drop, spray, scoop or gummy, "
                f"not per {self.per}"
            )
        return self

    def label(self) -> str:
        """ "120 mg per capsule", as the faces show it."""
        return f"{self.amount:g} {self.unit} per {self.per}"


#: The substance id of a regimen whose medicine the vocabulary does not know (issue 13): the
#: name as written is kept in ``Regimen.unrecognised`` and no rule ever guesses a class for it.
UNRECOGNISED = "unrecognised"
#: The short note every face shows next to such a medicine.
UNRECOGNISED_NOTE = "not recognised: interactions not checked"


class Regimen(Record):
    id: Annotated[str, Field(min_length=1, max_length=64)] = Field(default_factory=new_id)
    substance: Slug
    form: Slug | None = None
    route: Route = "oral"
    basis: DoseBasis | None = None
    strength: UnitStrength | None = None
    steps: Annotated[tuple[DoseStep, ...], Field(min_length=1, max_length=500)]
    stop: RegimenDay | None = None
    as_needed: bool = False
    reason: Annotated[str, Field(max_length=2000)] | None = None
    source: Annotated[str, Field(min_length=1, max_length=64)] = "manual"
    source_key: Annotated[str, Field(min_length=1, max_length=256)] | None = None
    #: the medicine's name as written, when flarewise does not know it (substance is then
    #: ``UNRECOGNISED``): kept and shown rather than dropped, its interactions not checked
    unrecognised: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Regimen:
        if (self.unrecognised is not None) != (self.substance == UNRECOGNISED):
            raise ValueError(
                "unrecognised: a medicine flarewise does not know keeps its written name in "
                f"'unrecognised' and the substance {UNRECOGNISED!r}, both or neither"
            )
        if self.unrecognised is not None and self.strength is not None:
            raise ValueError(
                "strength: a medicine flarewise does not know has no strength to check"
            )
        starts = [s.start for s in self.steps]
        if any(b <= a for a, b in pairwise(starts)):
            raise ValueError("steps: dose steps must be in date order, one per start date")
        if self.stop is not None and self.stop < starts[0]:
            raise ValueError("stop: the stop date is before the start date")
        if self.strength is not None:
            counted = {s.unit for s in self.steps if s.unit is not None and is_product_unit(s.unit)}
            if not counted:
                raise ValueError(
                    "strength: a strength per unit is only kept when the dose is counted in "
                    "tablets, capsules, drops, sprays, scoops or gummies"
                )
            if counted != {self.strength.per}:
                raise ValueError(
                    f"strength: the strength is per {self.strength.per} but the dose is "
                    f"counted in {', '.join(sorted(counted))}"
                )
        return self

    @property
    def recognised(self) -> bool:
        return self.unrecognised is None

    @property
    def start(self) -> date:
        return self.steps[0].start

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.stop is None or day <= self.stop)

    def step_on(self, day: date) -> DoseStep | None:
        """The dose step in force on ``day``, or None outside the regimen."""
        if not self.active_on(day):
            return None
        current = None
        for step in self.steps:
            if step.start <= day:
                current = step
        return current

    def spans(self) -> list[tuple[DoseStep, date, date | None]]:
        """Each dose step with the first and last day it was in force (None: still ongoing),
        the dose history the timeline draws and the FHIR export writes."""
        out: list[tuple[DoseStep, date, date | None]] = []
        for step, nxt in zip(self.steps, [*self.steps[1:], None], strict=True):
            out.append((step, step.start, nxt.start - timedelta(days=1) if nxt else self.stop))
        return out

    def with_dose_change(self, step: DoseStep) -> Regimen:
        """A copy with a new dose from ``step.start`` on (replacing a step on the same date)."""
        if step.start < self.start:
            raise ValueError("a dose change cannot be before the regimen starts")
        steps = [s for s in self.steps if s.start != step.start] + [step]
        steps.sort(key=lambda s: s.start)
        return Regimen(**{**self.model_dump(), "steps": [s.model_dump() for s in steps]})

    def stopped(self, on: date) -> Regimen:
        return Regimen(**{**self.model_dump(), "stop": on})
