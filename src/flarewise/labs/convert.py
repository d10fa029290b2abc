"""Unit conversion by analyte (clinical-rules.md C): exact factors from molar masses; an
analyte and unit pair that is not defined is an error, never a guess."""

from __future__ import annotations

from flarewise.domain.numbers import is_real, short
from flarewise.errors import InvalidInput, UnknownTerm
from flarewise.knowledge.schema import AnalyteDef
from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary

#: Above any concentration, count or rate a laboratory reports (the domain's LabResult ceiling).
MAX_LAB_VALUE = 1e9


def lab_value(value: object, field: str = "value") -> float:
    """A lab number as the library accepts it: a real, finite number from 0 up. Every analyte in
    the catalogue is an amount, a concentration, a rate or a count, so a negative value is a
    typing or unit mistake; text, None, booleans, NaN and infinities are refused too."""
    if not is_real(value):
        raise InvalidInput(field, f"a lab value must be a real number, not {short(value)}")
    if not 0 <= value <= MAX_LAB_VALUE:
        raise InvalidInput(
            field, f"a lab value is a number from 0 to {MAX_LAB_VALUE:g}, not {short(value)}"
        )
    return float(value)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, f"must be text such as a LOINC code or unit, not {short(value)}")
    return value


def analyte(loinc_or_name: str, vocab: Vocabulary | None = None) -> AnalyteDef:
    vocab = vocab or load_vocabulary()
    code = vocab.resolve_analyte(_text(loinc_or_name, "analyte"), "analyte")
    found = vocab.analytes.get(code)
    if found is None:
        raise UnknownTerm("analyte", loinc_or_name, [], field="analyte")
    return found


def convert(
    value: float, from_unit: str, to_unit: str, loinc: str, vocab: Vocabulary | None = None
) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` for the analyte ``loinc``."""
    number = lab_value(value)
    vocab = vocab or load_vocabulary()
    a = analyte(loinc, vocab)
    src = vocab.analyte_unit(a.loinc, _text(from_unit, "from_unit"), "from_unit")
    dst = vocab.analyte_unit(a.loinc, _text(to_unit, "to_unit"), "to_unit")
    if src not in a.units or dst not in a.units:
        raise InvalidInput("unit", f"{src} or {dst} is not a unit of {a.short}")
    return number * a.units[src] / a.units[dst]


def in_unit(value: float, unit: str, target: str, a: AnalyteDef) -> float:
    """Conversion between two units already known to belong to ``a``."""
    number = lab_value(value)
    if not isinstance(unit, str) or not isinstance(target, str):
        raise InvalidInput("unit", "a unit must be text such as mg/L")
    if unit not in a.units or target not in a.units:
        raise InvalidInput("unit", f"{unit} or {target} is not a unit of {a.short}")
    return number * a.units[unit] / a.units[target]
