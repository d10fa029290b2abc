"""Dose units: their spelling, their dimension and the factor to the dimension's base unit.

A dose is only comparable with another dose of the same dimension. Whether a dimension fits a
substance (IU for vitamin D, CFU for probiotics) is a property of the substance, checked against
the vocabulary; this module only knows units.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    MASS = "mass"  # base: mg
    IU = "iu"  # international units; convertible to mass only per substance
    VOLUME = "volume"  # base: mL
    CFU = "cfu"  # colony-forming units
    TABLET = "tablet"
    CAPSULE = "capsule"
    DROP = "drop"
    SPRAY = "spray"
    SACHET = "sachet"
    PATCH = "patch"
    PUFF = "puff"
    SERVING = "serving"
    GUMMY = "gummy"


@dataclass(frozen=True)
class Unit:
    code: str
    dimension: Dimension
    to_base: float


_UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        Unit("mg", Dimension.MASS, 1.0),
        Unit("g", Dimension.MASS, 1000.0),
        Unit("mcg", Dimension.MASS, 0.001),
        Unit("IU", Dimension.IU, 1.0),
        Unit("mL", Dimension.VOLUME, 1.0),
        Unit("CFU", Dimension.CFU, 1.0),
        Unit("billion CFU", Dimension.CFU, 1e9),
        Unit("tablet", Dimension.TABLET, 1.0),
        Unit("capsule", Dimension.CAPSULE, 1.0),
        Unit("drop", Dimension.DROP, 1.0),
        Unit("spray", Dimension.SPRAY, 1.0),
        Unit("sachet", Dimension.SACHET, 1.0),
        Unit("patch", Dimension.PATCH, 1.0),
        Unit("puff", Dimension.PUFF, 1.0),
        Unit("serving", Dimension.SERVING, 1.0),
        Unit("gummy", Dimension.GUMMY, 1.0),
    )
}

_ALIASES: dict[str, str] = {
    "milligram": "mg",
    "milligrams": "mg",
    "mgs": "mg",
    "gram": "g",
    "grams": "g",
    "gm": "g",
    "ug": "mcg",
    "µg": "mcg",
    "μg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "iu": "IU",
    "i.u.": "IU",
    "[iu]": "IU",
    "ui": "IU",
    "ml": "mL",
    "millilitre": "mL",
    "milliliter": "mL",
    "cc": "mL",
    "cfu": "CFU",
    "billion cfu": "billion CFU",
    "bn cfu": "billion CFU",
    "billion": "billion CFU",
    "tablets": "tablet",
    "tab": "tablet",
    "tabs": "tablet",
    "pill": "tablet",
    "pills": "tablet",
    "capsules": "capsule",
    "cap": "capsule",
    "caps": "capsule",
    "softgel": "capsule",
    "softgels": "capsule",
    "drops": "drop",
    "sprays": "spray",
    "sachets": "sachet",
    "patches": "patch",
    "puffs": "puff",
    "servings": "serving",
    "scoop": "serving",
    "scoops": "serving",
    "gummies": "gummy",
}

#: Counts of a product (clinical-rules.md D.5.6 "product units"): a dose in one of these says
#: nothing about the amount of substance until the product's strength per unit is known.
PRODUCT_DIMENSIONS = frozenset(
    {
        Dimension.TABLET,
        Dimension.CAPSULE,
        Dimension.DROP,
        Dimension.SPRAY,
        Dimension.SACHET,
        Dimension.PATCH,
        Dimension.PUFF,
        Dimension.SERVING,
        Dimension.GUMMY,
    }
)


def known_units() -> list[str]:
    return list(_UNITS)


def is_product_unit(unit: str) -> bool:
    """True for tablet, capsule, drop, scoop...: units that count a product, not a substance."""
    return parse_unit(unit).dimension in PRODUCT_DIMENSIONS


def parse_unit(text: str) -> Unit:
    """Find a unit by its code or a common spelling; raises ValueError naming the known units."""
    raw = text.strip()
    if raw in _UNITS:
        return _UNITS[raw]
    key = " ".join(raw.lower().split())
    code = _ALIASES.get(key)
    if code is None:
        code = next((c for c in _UNITS if c.lower() == key), None)
    if code is None:
        raise ValueError(f"{raw!r} is not a dose unit; use one of: {', '.join(_UNITS)}")
    return _UNITS[code]


def convert(amount: float, unit: str, target: str) -> float:
    """Convert within one dimension (mg to g...); ValueError across dimensions."""
    src, dst = parse_unit(unit), parse_unit(target)
    if src.dimension is not dst.dimension:
        raise ValueError(f"cannot convert {src.code} to {dst.code}")
    return amount * src.to_base / dst.to_base
