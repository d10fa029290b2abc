"""Reading a dose amount, a per-unit strength and a regimen date from what a person typed.

Every face (CLI arguments, web forms, JSON bodies) reads doses through these functions, so a
NaN, an infinity, a word or a zero is refused with the same sentence wherever it was typed,
before it can reach the journal or a safety rule (clinical-rules.md D.5.6: a dose present but
not a finite number above zero is invalid, never compared with a limit).
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from flarewise.domain.units import is_product_unit, parse_unit
from flarewise.errors import InvalidInput

#: Larger than any real dose in any unit (1e15 CFU is already absurd), the domain's ceiling.
MAX_AMOUNT = 1e15
#: Regimen dates: none before 1900 (no one now alive started a medicine earlier) and none more
#: than a year ahead (a planned start, not a typo for 9999); see docs/input-rules.md.
EARLIEST_DAY = date(1900, 1, 1)
DAYS_AHEAD = 366

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def amount(raw: object, field: str = "amount") -> float:
    """A dose amount: a finite number above zero, from a number or text (a decimal comma is
    accepted). Raises :class:`InvalidInput` naming ``field`` otherwise."""
    if isinstance(raw, bool) or raw is None:
        raise InvalidInput(
            field, f"give the dose as a number above 0, such as 200 or 2.5{_got(raw)}"
        )
    if isinstance(raw, int | float):
        value = float(raw) if abs(raw) < 1e300 else math.inf
    elif isinstance(raw, str):
        text = raw.strip()
        if not _NUMBER.match(text):
            raise InvalidInput(
                field, f"{text!r} is not a number; give the dose as a number such as 200 or 2.5"
            )
        value = float(text.replace(",", "."))
    else:
        raise InvalidInput(
            field, f"give the dose as a number above 0, such as 200 or 2.5{_got(raw)}"
        )
    if not math.isfinite(value) or value > MAX_AMOUNT:
        raise InvalidInput(field, f"{_show(raw)} is not a dose a person can take; check the number")
    if value <= 0:
        raise InvalidInput(
            field,
            f"a dose must be more than 0 (got {_show(raw)}); if you do not know the dose, "
            "record it as taken with the dose unknown",
        )
    return value


def optional_amount(raw: object, field: str = "amount") -> float | None:
    """Like :func:`amount`, but empty (None or blank text) means "dose not known"."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return amount(raw, field)


def strength(text: str, per: str | None, field: str = "strength") -> tuple[float, str, str]:
    """``"120 mg"`` per capsule -> ``(120.0, "mg", "capsule")``. ``per`` is the dose's unit, which
    must be a product unit (tablet, capsule, drop, scoop...); the strength's own unit must be an
    amount of the substance (mg, mcg, g, IU, CFU)."""
    raw = text.strip()
    m = re.match(r"^\s*([^\s]*\d[^\s]*?)\s*([A-Za-zµμ\[].*)$", raw)
    if not m:
        raise InvalidInput(
            field, f"{raw!r} is not a strength; write the amount and its unit, e.g. 120 mg"
        )
    value = amount(m.group(1), field)
    try:
        unit = parse_unit(m.group(2).split("/")[0].split(" per ")[0]).code
    except ValueError as exc:
        raise InvalidInput(field, str(exc)) from None
    if is_product_unit(unit):
        raise InvalidInput(
            field, f"a strength is what one unit holds, in mg, mcg, g, IU or CFU, not in {unit}"
        )
    if per is None:
        raise InvalidInput(field, "a strength needs the dose's unit (tablet, capsule, drop...)")
    try:
        per_code = parse_unit(per).code
    except ValueError as exc:
        raise InvalidInput(field, str(exc)) from None
    if not is_product_unit(per_code):
        raise InvalidInput(
            field,
            f"a strength is only needed when the dose is counted in tablets, capsules, drops, "
            f"sprays or scoops; this dose is already in {per_code}",
        )
    return value, unit, per_code


def regimen_day(day: date, field: str = "start", today: date | None = None) -> date:
    """A regimen date inside the sane window (1900-01-01 to a year from today)."""
    latest = (today or date.today()) + timedelta(days=DAYS_AHEAD)
    if day < EARLIEST_DAY:
        raise InvalidInput(field, f"{day} is before 1900; check the year")
    if day > latest:
        raise InvalidInput(
            field, f"{day} is more than a year ahead (latest {latest}); check the year"
        )
    return day


def _show(raw: object) -> str:
    return repr(raw.strip()) if isinstance(raw, str) else repr(raw)


def _got(raw: object) -> str:
    return "" if raw is None else f" (got {_show(raw)})"
