"""What counts as a number at the library's edge, in one place.

Python lets NaN compare false with everything, ``int(inf)`` raise OverflowError and ``True``
pass as 1; each of these once leaked out of a scoring or conversion function as a bare
exception or, worse, as a plausible result. Public functions test their numeric arguments with
:func:`is_real` and refuse the rest with InvalidInput.
"""

from __future__ import annotations

import math
from typing import TypeGuard

#: Ints beyond this cannot be turned into a float (OverflowError), so they are not numbers here.
MAX_INT = 10**300


def is_real(value: object) -> TypeGuard[int | float]:
    """True for an int or a finite float (not a bool, not NaN, not an infinity, not an int too
    large to become a float)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_INT <= value <= MAX_INT
    return isinstance(value, float) and math.isfinite(value)


def is_whole(value: object) -> TypeGuard[int | float]:
    """A real number without a fractional part (3 and 3.0, not 3.5)."""
    return is_real(value) and (isinstance(value, int) or float(value).is_integer())


def short(value: object) -> str:
    """``repr`` cut to a length a sentence can hold."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
