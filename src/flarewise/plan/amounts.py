"""Reading a dose as the safety rules need it (clinical-rules.md D.5.6).

A dose is one of four things, and the rules must tell them apart: absent ("taken, dose
unknown": no dose rule fires), invalid (NaN, Infinity, text, zero or less: SAF-DOSE-INVALID,
never compared with a limit), present but not convertible to the substance's canonical unit
(tablets without a strength, IU of magnesium: SAF-DOSE-UNITS, never counted as zero), or a
number in the canonical unit. Conversions: g x 1000 = mg, mcg / 1000 = mg, vitamin D mcg x 40 =
IU (the substance's ``iu_per_mcg``), product units x the strength per unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flarewise.domain.units import PRODUCT_DIMENSIONS, parse_unit
from flarewise.knowledge.checks import canonical_dose
from flarewise.knowledge.vocabulary import Vocabulary


@dataclass(frozen=True)
class DoseReading:
    """A daily dose in the substance's canonical unit, or why it is not one."""

    amount: float | None = None
    unit: str | None = None
    invalid: str | None = None  # the dose or strength is not a positive finite number
    unconvertible: str | None = None  # present and valid, but not expressible in ``unit``

    @property
    def given(self) -> bool:
        return self.amount is not None or self.invalid is not None or bool(self.unconvertible)


def number_problem(value: float | str | None, what: str = "the dose") -> str | None:
    """Why ``value`` is not a usable amount (a finite number above zero), or None if it is."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return f"{what} {value!r} is not a number"
    else:
        number = float(value)
    if math.isnan(number):
        return f"{what} is NaN (not a number)"
    if math.isinf(number):
        return f"{what} is {'minus ' if number < 0 else ''}infinity"
    if number <= 0:
        return f"{what} is {number:g}: a dose must be more than 0"
    return None


def as_number(value: float | str) -> float:
    """The number of a value that :func:`number_problem` accepted."""
    return float(value.strip()) if isinstance(value, str) else float(value)


def read_dose(
    vocab: Vocabulary,
    substance: str,
    form: str | None,
    amount: float | str | None,
    unit: str | None,
    basis: str | None,
    strength: tuple[float | str, str] | None = None,
    strength_per: str | None = None,
) -> DoseReading:
    """The daily dose of ``substance`` in its canonical unit (see the module docstring).

    ``strength`` is the amount per product unit (``(120, "mg")``) and ``strength_per`` the
    product unit it is counted in; when ``strength_per`` is None it is the dose's own unit.
    """
    if amount is None:
        return DoseReading()
    problem = number_problem(amount)
    if problem is None and strength is not None:
        problem = number_problem(strength[0], "the strength per unit")
    if problem is not None:
        return DoseReading(invalid=problem)
    value = as_number(amount)
    sdef = vocab.substances[substance]
    canonical = sdef.canonical_unit
    if unit is None:
        return DoseReading(unconvertible=f"{value:g} has no unit")
    try:
        src = parse_unit(unit)
    except ValueError:
        return DoseReading(unconvertible=f"{unit!r} is not a unit flarewise knows")
    shown = f"{value:g} {src.code}"
    if src.dimension in PRODUCT_DIMENSIONS:
        if strength is None:
            return DoseReading(
                unconvertible=f"{shown} with no amount per {src.code}, so flarewise cannot "
                f"tell how much {sdef.name} that is"
            )
        per = parse_unit(strength_per).code if strength_per else src.code
        if per != src.code:
            return DoseReading(
                unconvertible=f"{shown}, but the strength recorded is per {per}, not per {src.code}"
            )
        s_amount, s_unit = as_number(strength[0]), strength[1]
        try:
            s_dim = parse_unit(s_unit).dimension
        except ValueError:
            return DoseReading(unconvertible=f"{s_unit!r} is not a unit flarewise knows")
        if s_dim in PRODUCT_DIMENSIONS:
            return DoseReading(unconvertible=f"a strength in {s_unit} is not an amount")
        value, unit = value * s_amount, s_unit
        shown = f"{shown} of {s_amount:g} {s_unit}"
    elif not sdef.fits(src.dimension):
        return DoseReading(
            unconvertible=f"{shown} cannot be converted to {canonical} for {sdef.name}"
        )
    dose = canonical_dose(vocab, substance, form, value, unit, basis)
    if dose is None:
        return DoseReading(
            unconvertible=f"{shown} cannot be converted to {canonical} for {sdef.name}"
        )
    if not math.isfinite(dose[0]):
        return DoseReading(invalid=f"the dose ({shown}) is too large to be a number")
    return DoseReading(amount=dose[0], unit=dose[1])
