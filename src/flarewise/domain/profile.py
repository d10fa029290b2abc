"""The person's profile: what the plan and safety checks need to know about them."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, model_validator

from flarewise.domain.base import Record
from flarewise.domain.entries import Slug
from flarewise.errors import InvalidInput


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name (e.g. Europe/London)") from None
    return name


def _birth_year(year: int) -> int:
    if year > date.today().year:
        raise ValueError("the birth year is in the future")
    return year


class Condition(Record):
    condition: Slug
    since: date | None = None
    until: date | None = None
    comment: Annotated[str, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _order(self) -> Condition:
        if self.since and self.until and self.until < self.since:
            raise ValueError("until: before since")
        return self


class Preferences(Record):
    """What the person wants considered: things to avoid, diet pattern, free notes."""

    avoid: tuple[Slug, ...] = ()
    diet: tuple[Slug, ...] = ()
    notes: Annotated[str, Field(max_length=5000)] | None = None


class Override(Record):
    """A clinician's recorded decision to go above a dose limit for one item (D.4 'unless a
    clinician records an override')."""

    rule: Annotated[str, Field(pattern=r"^SAF-[A-Z0-9-]+$")]
    item: Slug
    clinician: Annotated[str, Field(min_length=1, max_length=200)]
    on: date
    note: Annotated[str, Field(max_length=2000)] | None = None


#: The D.5.5 populations, in the order they are asked.
POPULATIONS = ("pregnant", "planning_pregnancy", "breastfeeding")
_ANSWERS: dict[str, bool | None] = {
    "yes": True,
    "y": True,
    "true": True,
    "no": False,
    "n": False,
    "false": False,
    "unknown": None,
    "not recorded": None,
    "": None,
}


def population_answer(text: str, field: str) -> bool | None:
    """``yes`` / ``no`` / ``unknown`` (not recorded) as the profile stores it."""
    key = " ".join(str(text).strip().lower().split())
    if key not in _ANSWERS:
        raise InvalidInput(field, f"answer yes, no or unknown, not {text!r}")
    return _ANSWERS[key]


def population_prompt(profile: Profile) -> bool:
    """Whether to invite the person, once, to record pregnancy and breastfeeding: nothing of
    the three is recorded and the sex is female, unspecified or not given (SAF-PREG-UNKNOWN's
    population, clinical-rules.md D.5.3; age is left to the safety rule)."""
    if profile.sex not in (None, "female", "unspecified"):
        return False
    return all(getattr(profile, name) is None for name in POPULATIONS)


class Profile(Record):
    display_name: Annotated[str, Field(max_length=200)] | None = None
    birth_year: Annotated[int, Field(ge=1900), AfterValidator(_birth_year)] | None = None
    sex: Literal["female", "male", "intersex", "unspecified"] | None = None
    timezone: Annotated[str, AfterValidator(_zone)] | None = None
    conditions: tuple[Condition, ...] = ()
    allergies: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = ()
    clinical_findings: tuple[Slug, ...] = ()
    # Populations of clinical-rules.md D.5.5: None = not recorded (SAF-PREG-UNKNOWN may apply),
    # False = recorded as no (no warning of that family), True = the D.5.5 table applies.
    pregnant: bool | None = None
    planning_pregnancy: bool | None = None
    breastfeeding: bool | None = None
    preferences: Preferences = Preferences()
    overrides: tuple[Override, ...] = ()
    #: The person's own "questions for this visit", kept for the next visit report's page 1.
    visit_questions: Annotated[str, Field(max_length=2000)] | None = None
    #: Plan options (intervention ids) the person marked "to discuss at my next visit": the
    #: report lists exactly these, so the clinician sees the person's choice, not a top six.
    to_discuss: tuple[Slug, ...] = ()

    def zone(self) -> tzinfo:
        """The person's time zone, else this machine's local zone (for "today" and entry
        times: the journal, the quick entry and the insights reader all ask here)."""
        if self.timezone:
            return ZoneInfo(self.timezone)
        return datetime.now().astimezone().tzinfo or UTC

    def age_on(self, day: date) -> int | None:
        """Age in whole years, taking the birthday as 1 July (only the year is stored)."""
        if self.birth_year is None:
            return None
        return day.year - self.birth_year - (1 if (day.month, day.day) < (7, 1) else 0)

    def has_condition(self, condition: str, on: date | None = None) -> bool:
        for c in self.conditions:
            if c.condition != condition:
                continue
            if on is None or (
                (c.since is None or c.since <= on) and (c.until is None or on <= c.until)
            ):
                return True
        return False
