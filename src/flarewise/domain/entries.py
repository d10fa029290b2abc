"""Journal entries: one typed record per kind of thing a person logs (capability C1).

Every entry has an id, the instant it happened (with the UTC offset it was recorded in) and
optional provenance (``source`` and ``source_key``, which make imports idempotent). Vocabulary
ids (symptoms, substances, foods...) are checked against the knowledge base by the journal, not
here: this module checks shape and ranges that hold whatever the vocabulary says.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from flarewise.domain.base import Record
from flarewise.domain.body import BodySite
from flarewise.domain.time import local_date, normalise_instant
from flarewise.domain.units import parse_unit

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not an id (lower-case letters, digits and underscores, up to 64)"
        )
    return value


def _unit(value: str) -> str:
    return parse_unit(value).code


def loinc_check_digit_ok(code: str) -> bool:
    """LOINC codes end in a mod-10 (Luhn) check digit: ``62292-8``."""
    body, _, check = code.partition("-")
    if not (body.isdigit() and check.isdigit() and len(check) == 1 and 1 <= len(body) <= 7):
        return False
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(check)


def _loinc(value: str) -> str:
    if not loinc_check_digit_ok(value):
        raise ValueError(
            f"{value!r} is not a valid LOINC code (e.g. 62292-8; check digit included)"
        )
    return value


def _instant(value: datetime) -> datetime:
    return normalise_instant(value)


Slug = Annotated[str, AfterValidator(_slug)]
DoseUnit = Annotated[str, AfterValidator(_unit)]
Loinc = Annotated[str, AfterValidator(_loinc)]
Instant = Annotated[datetime, AfterValidator(_instant)]
Score = Annotated[float, Field(ge=0, le=10)]
Minutes = Annotated[float, Field(gt=0, le=24 * 60)]


def new_id() -> str:
    """A fresh entry id (random UUID, hex): unique across people and databases, so restores and
    merges never collide."""
    return uuid.uuid4().hex


class EntryBase(Record):
    kind: str
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")] = Field(
        default_factory=new_id
    )
    at: Instant
    comment: Annotated[str, Field(max_length=10_000)] | None = None
    source: Annotated[str, Field(min_length=1, max_length=64)] = "manual"
    source_key: Annotated[str, Field(min_length=1, max_length=256)] | None = None

    @property
    def local_date(self) -> date:
        return local_date(self.at)


IntakeStatus = Literal["taken", "taken_dose_unknown", "skipped"]
Route = Literal[
    "oral", "sublingual", "topical", "transdermal", "injection", "inhaled", "rectal", "other"
]
DoseBasis = Literal["elemental", "compound"]


class SymptomCheckin(EntryBase):
    """Symptom scores 0-10 (0 = none or best, see each symptom's direction) and a WPI body map."""

    kind: Literal["checkin"] = "checkin"
    scores: dict[Slug, Score] = Field(default_factory=dict)
    pain_sites: tuple[BodySite, ...] = ()

    @field_validator("pain_sites")
    @classmethod
    def _sorted_sites(cls, sites: tuple[BodySite, ...]) -> tuple[BodySite, ...]:
        order = list(BodySite)
        return tuple(sorted(set(sites), key=order.index))

    @model_validator(mode="after")
    def _not_empty(self) -> SymptomCheckin:
        if not self.scores and not self.pain_sites:
            raise ValueError("a check-in needs at least one symptom score or a painful site")
        return self


class Intake(EntryBase):
    """One dose of a substance. ``taken``, ``taken_dose_unknown`` and ``skipped`` are distinct."""

    kind: Literal["intake"] = "intake"
    substance: Slug
    form: Slug | None = None
    status: IntakeStatus = "taken"
    amount: Annotated[float, Field(gt=0, le=1e15)] | None = None
    unit: DoseUnit | None = None
    basis: DoseBasis | None = None
    route: Route = "oral"
    regimen_id: str | None = None

    @model_validator(mode="after")
    def _dose_matches_status(self) -> Intake:
        if self.amount is not None and self.unit is None:
            raise ValueError("unit: a dose amount needs a unit (mg, mcg, IU, ...)")
        if self.amount is None and self.unit is not None:
            raise ValueError("amount: a unit was given without an amount")
        if self.status == "taken" and self.amount is None:
            raise ValueError(
                "amount: a taken dose needs an amount and unit; "
                "use status 'taken_dose_unknown' if you do not know it"
            )
        if self.status == "taken_dose_unknown" and self.amount is not None:
            raise ValueError("amount: status 'taken_dose_unknown' cannot carry an amount")
        return self


class Activity(EntryBase):
    kind: Literal["activity"] = "activity"
    activity: Slug
    minutes: Minutes
    intensity: Literal["light", "moderate", "vigorous"] | None = None
    distance_km: Annotated[float, Field(ge=0, le=1000)] | None = None
    energy_kcal: Annotated[float, Field(ge=0, le=20_000)] | None = None


SleepStage = Literal["awake", "core", "deep", "rem"]


class Sleep(EntryBase):
    """A night (or nap). ``at`` is the wake time, so the sleep belongs to the morning's date."""

    kind: Literal["sleep"] = "sleep"
    bed_at: Instant
    asleep_minutes: Annotated[float, Field(ge=0, le=24 * 60)] | None = None
    quality: Score | None = None
    awakenings: Annotated[int, Field(ge=0, le=100)] | None = None
    stage_minutes: dict[SleepStage, Annotated[float, Field(ge=0, le=24 * 60)]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _order(self) -> Sleep:
        span = (self.at - self.bed_at).total_seconds() / 60
        if span <= 0:
            raise ValueError("at: the wake time must be after the bed time")
        if span > 24 * 60:
            raise ValueError("bed_at: a sleep cannot last more than 24 hours")
        if self.asleep_minutes is not None and self.asleep_minutes > span + 1e-9:
            raise ValueError("asleep_minutes: longer than the time in bed")
        return self

    @property
    def in_bed_minutes(self) -> float:
        return (self.at - self.bed_at).total_seconds() / 60

    @property
    def sleep_minutes(self) -> float:
        """Time asleep when known, else time in bed."""
        return self.asleep_minutes if self.asleep_minutes is not None else self.in_bed_minutes


class MindBody(EntryBase):
    kind: Literal["mindbody"] = "mindbody"
    practice: Slug
    minutes: Minutes


class FoodPortion(Record):
    food: Slug
    amount: Annotated[float, Field(gt=0, le=100_000)] | None = None
    unit: Literal["g", "mL", "serving", "piece", "cup", "tbsp", "tsp"] | None = None


class Meal(EntryBase):
    kind: Literal["meal"] = "meal"
    meal: Literal["breakfast", "lunch", "dinner", "snack", "drink"] | None = None
    foods: Annotated[tuple[FoodPortion, ...], Field(min_length=1, max_length=200)]


class Therapy(EntryBase):
    kind: Literal["therapy"] = "therapy"
    therapy: Slug
    minutes: Minutes | None = None


class LifeEvent(EntryBase):
    """Infection (with its type), flare, stressful event, menstruation, travel..."""

    kind: Literal["event"] = "event"
    event: Slug
    detail: Slug | None = None
    severity: Score | None = None
    ends_at: Instant | None = None

    @model_validator(mode="after")
    def _ends_after(self) -> LifeEvent:
        if self.ends_at is not None and self.ends_at < self.at:
            raise ValueError("ends_at: the end is before the start")
        return self


class Note(EntryBase):
    kind: Literal["note"] = "note"
    text: Annotated[str, Field(min_length=1, max_length=20_000)]


LabFlag = Literal["LL", "L", "N", "H", "HH", "A"]


_READING_STORED: ContextVar[bool] = ContextVar("reading_stored", default=False)


@contextmanager
def reading_stored() -> Iterator[None]:
    """Within this block, records are being read back from storage: rules added after a value
    may have been stored (a lab value below 0, a regimen date outside the window) are not
    re-applied, so an old journal still opens and exports. New entries and restores are
    checked in full. (A context variable, not pydantic's validation context: records with
    their own ``__init__`` do not pass that context on to nested records.)"""
    token = _READING_STORED.set(True)
    try:
        yield
    finally:
        _READING_STORED.reset(token)


def stored() -> bool:
    return _READING_STORED.get()


def _lab_number(value: float) -> float:
    if stored():
        return value
    # Every analyte flarewise reads is an amount, a concentration, a rate or a count: none can be
    # below 0, so a negative number is a typing or unit mistake (vitamin D -5 ng/mL must not be
    # read as "at risk of deficiency"). 0 is kept: laboratories report an undetectable amount
    # (CRP, IL-6, rheumatoid factor) as 0. Signed results (base excess) are out of scope.
    if value < 0:
        raise ValueError(f"a lab value cannot be below 0 (got {value:g}); check the number")
    if value > 1e9:
        raise ValueError(f"{value:g} is not a lab value; check the number and its unit")
    return value


#: A lab number: finite (the record refuses NaN and infinities), from 0 to 1e9.
LabNumber = Annotated[float, AfterValidator(_lab_number)]


class LabResult(EntryBase):
    """A laboratory result as the lab reported it. ``at`` is the specimen time."""

    kind: Literal["lab"] = "lab"
    loinc: Loinc
    value: LabNumber | None = None
    value_text: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    unit: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    ref_low: LabNumber | None = None
    ref_high: LabNumber | None = None
    ref_text: Annotated[str, Field(max_length=200)] | None = None
    flag: LabFlag | None = None
    lab: Annotated[str, Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _has_result(self) -> LabResult:
        if self.value is None and self.value_text is None:
            raise ValueError("value: a lab result needs a value (or a text value such as 1:160)")
        if self.value is not None and self.unit is None:
            raise ValueError("unit: a numeric lab result needs its unit")
        if self.ref_low is not None and self.ref_high is not None and self.ref_low > self.ref_high:
            raise ValueError("ref_low: the reference interval's low end is above its high end")
        return self


class CustomValue(EntryBase):
    """A value of a trackable the person defined (checked against its definition)."""

    kind: Literal["custom"] = "custom"
    trackable: Slug
    value: Annotated[float, Field(ge=-1e9, le=1e9)]


class Measurement(EntryBase):
    """A device or body measurement (steps, heart rate, HRV, weight...) over an optional span."""

    kind: Literal["measurement"] = "measurement"
    metric: Slug
    value: Annotated[float, Field(ge=-1e9, le=1e12)]
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    ends_at: Instant | None = None


AnswerValue = bool | int | float | str | list[str] | None


class Assessment(EntryBase):
    """A completed instrument (ACR criteria, FIQR, PGIC) with its answers. ``scores`` and
    ``met`` are computed from the answers by the journal when it is recorded, never typed in."""

    kind: Literal["assessment"] = "assessment"
    instrument: Slug
    answers: dict[Annotated[str, Field(max_length=64)], AnswerValue]
    entered_by: Literal["self", "clinician"] = "self"
    scores: dict[str, float] = Field(default_factory=dict)
    met: bool | None = None


Entry = Annotated[
    SymptomCheckin
    | Intake
    | Activity
    | Sleep
    | MindBody
    | Meal
    | Therapy
    | LifeEvent
    | Note
    | LabResult
    | CustomValue
    | Measurement
    | Assessment,
    Field(discriminator="kind"),
]

ENTRY_TYPES: dict[str, type[EntryBase]] = {
    cls.model_fields["kind"].default: cls
    for cls in (
        SymptomCheckin,
        Intake,
        Activity,
        Sleep,
        MindBody,
        Meal,
        Therapy,
        LifeEvent,
        Note,
        LabResult,
        CustomValue,
        Measurement,
        Assessment,
    )
}
ENTRY_KINDS: tuple[str, ...] = tuple(ENTRY_TYPES)

#: built on first use (defer_build), like the records themselves: see domain/base.py
ENTRY_ADAPTER: TypeAdapter[Any] = TypeAdapter(Entry, config=ConfigDict(defer_build=True))
