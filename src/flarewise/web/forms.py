"""Reading form fields: one place that turns text into numbers and dates, or into an
``InvalidInput`` naming the field (shown by the app's one error handler).

The ``/api/`` routes that change data take the same fields as the forms, sent either as a form
or as a JSON object; :func:`fields` reads both into one shape, so a JSON body is checked by the
same code, with the same sentences, as the HTML form.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import Request

from flarewise.errors import InvalidInput


def number(raw: object, field: str, label: str | None = None) -> float | None:
    """A finite number from a form field (a decimal comma is accepted); None when left empty.
    NaN and infinities (``nan``, ``inf``, ``1e999``) are refused: they are not numbers a
    person means. ``label`` names a field whose label the page builds (see InvalidInput)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        raise InvalidInput(field, f"{text[:40]!r} is not a number", label=label) from None
    if not math.isfinite(value):
        raise InvalidInput(field, f"{text[:40]!r} is not a number", label=label)
    return value


def whole(raw: object, field: str, lo: int, hi: int) -> int | None:
    """A whole number from ``lo`` to ``hi`` (a questionnaire answer); None when left empty."""
    value = number(raw, field)
    if value is None:
        return None
    if not value.is_integer() or not lo <= value <= hi:
        raise InvalidInput(field, f"choose a whole number from {lo} to {hi}, not {str(raw)[:40]!r}")
    return int(value)


#: The earliest day a page shows or accepts (the domain's own limit for dates of a life).
EARLIEST = date(1900, 1, 1)


def day(raw: object, field: str, latest: date | None = None) -> date:
    """A date like 2026-03-01 from 1900 on, and not after ``latest`` when given: days at the
    ends of the calendar (0001-01-01, 9999-12-31) are refused here, before a page computes the
    day before or after them."""
    text = "" if raw is None else str(raw).strip()
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            field,
            f"{text[:40]!r} is not a date like 2026-03-01",
            plain=f"“{text[:40]}” is not a day the journal can read: write it like 2026-03-01.",
        ) from None
    if value < EARLIEST:
        reason = f"{value.isoformat()} is before 1900; check the year"
        raise InvalidInput(field, reason, plain=reason[0].upper() + reason[1:] + ".")
    if latest is not None and value > latest:
        reason = f"{value.isoformat()} is after {latest.isoformat()}; check the year"
        raise InvalidInput(field, reason, plain=reason + ".")
    return value


class Fields:
    """Form fields or a JSON object, read alike: ``get`` gives one value, ``getlist`` all."""

    def __init__(self, data: Mapping[str, Any], *, is_json: bool) -> None:
        self._data = data
        self.is_json = is_json

    def get(self, key: str, default: Any = None) -> Any:
        value = self._data.get(key, default)
        if self.is_json and isinstance(value, list):
            return value[0] if value else default
        return value

    def getlist(self, key: str) -> list[Any]:
        if not self.is_json:
            getter = getattr(self._data, "getlist", None)
            return list(getter(key)) if getter else [self._data[key]] if key in self._data else []
        value = self._data.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def __contains__(self, key: str) -> bool:
        return key in self._data


async def fields(request: Request) -> Fields:
    """The request's fields, from a JSON object body or a form."""
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        try:
            data = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("body", "is not valid JSON") from None
        if not isinstance(data, dict):
            raise InvalidInput("body", "must be a JSON object of field names to values")
        return Fields(data, is_json=True)
    return Fields(await request.form(), is_json=False)
