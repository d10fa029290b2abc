"""Reading form fields: one place that turns text into numbers and dates, or into an
``InvalidInput`` naming the field (shown by the app's one error handler)."""

from __future__ import annotations

from datetime import date

from flarewise.errors import InvalidInput


def number(raw: object, field: str) -> float | None:
    """A number from a form field (a decimal comma is accepted); None when left empty."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        return float(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a number") from None


def day(raw: object, field: str) -> date:
    text = "" if raw is None else str(raw).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date like 2026-03-01") from None
