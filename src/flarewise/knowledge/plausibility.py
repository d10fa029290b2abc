"""Plausibility ranges per measure (``data/plausibility.yaml``): the boundary between a reading
of a living person and a typing error, a wrong unit or a device artefact.

A body weight of -70 kg or a heart rate of -60/min must never reach the journal, whichever way
it comes in (typed, imported, restored), because daily means, trends and n-of-1 effects would
silently absorb it. :func:`implausible` gives the sentence a per-record problem carries.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Annotated, Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from flarewise.knowledge.vocabulary import VocabularyError


class Range(BaseModel):
    """Inclusive ends of what a living person can show; ``basis`` says why they are there."""

    # built on first use: only entries with a metric or an analyte are held to these ranges
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

    #: what a person calls the measure ("body weight" for body_mass), for the message
    name: Annotated[str, Field(min_length=2)]
    low: float | None = None
    high: float | None = None
    basis: Annotated[str, Field(min_length=3)]

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low is None and self.high is None:
            raise ValueError("a range needs a low or a high end")
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValueError("low must be below high")
        return self

    def refuses(self, value: float) -> bool:
        if not math.isfinite(value):
            return True
        return (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        )

    def describe(self, unit: str) -> str:
        if self.low is None:
            return f"at most {self.high:,g} {unit}"
        if self.high is None:
            return f"at least {self.low:,g} {unit}"
        return f"from {self.low:,g} to {self.high:,g} {unit}"


class PlausibilityFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    metrics: dict[str, Range]
    analytes: dict[str, Range]


@cache
def plausibility() -> PlausibilityFile:
    """The package's plausibility ranges, validated once per process."""
    import yaml  # here: only entries with a metric or an analyte need the ranges

    text = (
        resources.files("flarewise.knowledge")
        .joinpath("data", "plausibility.yaml")
        .read_text("utf-8")
    )
    data: Any = yaml.safe_load(text)
    try:
        return PlausibilityFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise VocabularyError(f"knowledge/data/plausibility.yaml is invalid: {exc}") from None


def implausible(kind: str, key: str, value: float, unit: str, name: str = "") -> str | None:
    """Why ``value`` (in ``unit``) of the metric or analyte ``key`` cannot be a real reading,
    or None when it can (or no range is known). ``kind`` is "metric" or "analyte"."""
    table = plausibility().metrics if kind == "metric" else plausibility().analytes
    found = table.get(key)
    if found is None or not found.refuses(value):
        return None
    what = name or found.name
    return (
        f"{value:,g} {unit} is not plausible for {what} (a living person's is "
        f"{found.describe(unit)}); check the unit or the device. The record was not stored"
    )
