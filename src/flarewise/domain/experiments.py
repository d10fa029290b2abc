"""Personal experiments (n-of-1 protocols) as the person planned them (CENT 2015 items 3a-6a,
analysis-methods.md 1.1): the pre-specified outcome, periods, run-in and washout, the randomised
order, the meaningful change, doses per period and the concurrent medicines at the start. What
actually happened (pauses, an early stop) is kept beside the plan, never over it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from flarewise.domain.base import Record
from flarewise.domain.entries import DoseUnit, Slug, new_id

Design = Literal["ab", "randomised_blocks", "titration", "reintroduction"]
Status = Literal["planned", "running", "paused", "stopped", "finished"]


class DoseLevel(Record):
    amount: Annotated[float, Field(gt=0)]
    unit: DoseUnit
    days: Annotated[int, Field(ge=1, le=365)]


class Challenge(Record):
    """One food (or food group) eaten 2-3 times over 2 days after a stable elimination baseline."""

    food: Slug
    days: Annotated[int, Field(ge=1, le=3)] = 2


class Pause(Record):
    start: date
    end: date | None = None


class Protocol(Record):
    id: Annotated[str, Field(min_length=1, max_length=64)] = Field(default_factory=new_id)
    title: Annotated[str, Field(min_length=1, max_length=200)]
    why: Annotated[str, Field(max_length=2000)] | None = None
    design: Design
    intervention: Slug  # an intervention id, a substance id or (reintroduction) "elimination_diet"
    substance: Slug | None = None
    outcome: Slug  # the pre-specified primary outcome: a symptom id
    secondary: tuple[Slug, ...] = ()
    lower_is_better: bool = True
    meaningful_change: Annotated[float, Field(gt=0, le=10)] = 1.0
    meaningful_percent: Annotated[float, Field(gt=0, le=100)] = 30.0
    meaningful_basis: Literal["points", "percent"] = "points"
    timing: Annotated[str, Field(max_length=200)] | None = None  # e.g. "with the evening meal"
    start: date
    run_in_days: Annotated[int, Field(ge=0, le=90)] = 0
    baseline_days: Annotated[int, Field(ge=0, le=180)] = 14
    period_days: Annotated[int, Field(ge=3, le=90)] = 14
    washout_days: Annotated[int, Field(ge=0, le=30)] = 3
    order: tuple[Literal["AB", "BA"], ...] = ()
    seed: int | None = None
    dose: DoseLevel | None = None
    titration: tuple[DoseLevel, ...] = ()
    challenges: tuple[Challenge, ...] = ()
    window_days: Annotated[int, Field(ge=1, le=3)] = 3
    recovery_days: Annotated[int, Field(ge=1, le=30)] = 7
    eliminated: tuple[Slug, ...] = ()
    concurrent: tuple[str, ...] = ()
    research: bool = False
    status: Status = "planned"
    pauses: tuple[Pause, ...] = ()
    stopped_on: date | None = None
    stop_reason: Annotated[str, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _design_fields(self) -> Protocol:
        if self.design == "randomised_blocks" and not self.order:
            raise ValueError("order: a randomised design needs its AB/BA order per block")
        if self.design == "randomised_blocks" and self.washout_days >= self.period_days:
            raise ValueError("washout_days: must be shorter than a period")
        if self.design == "titration" and len(self.titration) < 1:
            raise ValueError("titration: list the dose steps")
        if self.design == "reintroduction" and not self.challenges:
            raise ValueError("challenges: list the foods to reintroduce, one at a time")
        return self

    @property
    def blocks(self) -> int:
        return len(self.order)
