"""Reading answer sets: every instrument takes a mapping of item ids to values and refuses
unknown items and out-of-range values with the item named."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flarewise.errors import InvalidInput


def check_known(answers: Mapping[str, Any], known: Iterable[str], instrument: str) -> None:
    allowed = set(known)
    unknown = sorted(set(answers) - allowed)
    if unknown:
        raise InvalidInput(
            unknown[0], f"is not an item of {instrument}; items are: {', '.join(sorted(allowed))}"
        )


def integer(
    answers: Mapping[str, Any], item: str, lo: int, hi: int, *, required: bool = True
) -> int | None:
    value = answers.get(item)
    if value is None:
        if required:
            raise InvalidInput(item, f"is missing (a whole number from {lo} to {hi})")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InvalidInput(item, f"must be a whole number from {lo} to {hi}, not {value!r}")
    if not lo <= int(value) <= hi:
        raise InvalidInput(item, f"must be from {lo} to {hi}, not {value!r}")
    return int(value)


def boolean(answers: Mapping[str, Any], item: str, *, default: bool | None = None) -> bool:
    value = answers.get(item, default)
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if value is None:
        raise InvalidInput(item, "is missing (true or false)")
    raise InvalidInput(item, f"must be true or false, not {value!r}")
