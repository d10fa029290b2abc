"""Custom trackables: things a person wants to follow that the vocabulary does not name."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from flarewise.domain.base import Record
from flarewise.domain.entries import Slug

ValueType = Literal["scale", "number", "count", "yes_no"]


class Trackable(Record):
    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    value_type: ValueType = "scale"
    unit: Annotated[str, Field(max_length=40)] | None = None
    minimum: float | None = None
    maximum: float | None = None
    higher_is_worse: bool | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Trackable:
        lo, hi = self.bounds
        if lo is not None and hi is not None and lo >= hi:
            raise ValueError("minimum: must be below maximum")
        return self

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        if self.value_type == "scale":
            return (
                self.minimum if self.minimum is not None else 0.0,
                self.maximum if self.maximum is not None else 10.0,
            )
        if self.value_type == "yes_no":
            return (0.0, 1.0)
        if self.value_type == "count":
            return (self.minimum if self.minimum is not None else 0.0, self.maximum)
        return (self.minimum, self.maximum)

    def check(self, value: float) -> None:
        """Raise ValueError when ``value`` does not fit this trackable."""
        lo, hi = self.bounds
        if self.value_type in ("count", "yes_no") and value != int(value):
            raise ValueError(f"{self.name} takes whole numbers")
        if lo is not None and value < lo:
            raise ValueError(f"{self.name} must be at least {lo:g}")
        if hi is not None and value > hi:
            raise ValueError(f"{self.name} must be at most {hi:g}")
