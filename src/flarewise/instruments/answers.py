"""Reading answer sets: every instrument takes a mapping of item ids to values and refuses
unknown items and out-of-range values with the item named."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flarewise.domain.numbers import is_real, is_whole, short
from flarewise.errors import InvalidInput

__all__ = ["boolean", "check_known", "integer", "short"]


def check_known(answers: Mapping[str, Any], known: Iterable[str], instrument: str) -> None:
    if not isinstance(answers, Mapping):
        raise InvalidInput("answers", "must be an object of item ids to values")
    allowed = set(known)
    unknown = sorted(str(k) for k in set(answers) - allowed)
    if unknown:
        raise InvalidInput(
            unknown[0], f"is not an item of {instrument}; items are: {', '.join(sorted(allowed))}"
        )


def integer(
    answers: Mapping[str, Any], item: str, lo: int, hi: int, *, required: bool = True
) -> int | None:
    """A whole-number answer from ``lo`` to ``hi``. NaN, infinities, fractions, text and
    booleans are refused with the item named (never a bare ValueError or OverflowError)."""
    value = answers.get(item)
    if value is None:
        if required:
            raise InvalidInput(item, f"is missing (a whole number from {lo} to {hi})")
        return None
    if not is_whole(value):
        raise InvalidInput(item, f"must be a whole number from {lo} to {hi}, not {short(value)}")
    if not lo <= value <= hi:
        raise InvalidInput(item, f"must be from {lo} to {hi}, not {short(value)}")
    return int(value)


def boolean(answers: Mapping[str, Any], item: str, *, default: bool | None = None) -> bool:
    value = answers.get(item, default)
    if isinstance(value, bool):
        return value
    if is_real(value) and value in (0, 1):
        return bool(value)
    if value is None:
        raise InvalidInput(item, "is missing (true or false)")
    raise InvalidInput(item, f"must be true or false, not {short(value)}")
