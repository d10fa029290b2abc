"""Unit conversion by analyte (clinical-rules.md C): exact factors from molar masses; an
analyte and unit pair that is not defined is an error, never a guess."""

from __future__ import annotations

from flarewise.errors import InvalidInput, UnknownTerm
from flarewise.knowledge.schema import AnalyteDef
from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary


def analyte(loinc_or_name: str, vocab: Vocabulary | None = None) -> AnalyteDef:
    vocab = vocab or load_vocabulary()
    code = vocab.resolve_analyte(loinc_or_name, "analyte")
    found = vocab.analytes.get(code)
    if found is None:
        raise UnknownTerm("analyte", loinc_or_name, [], field="analyte")
    return found


def convert(
    value: float, from_unit: str, to_unit: str, loinc: str, vocab: Vocabulary | None = None
) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` for the analyte ``loinc``."""
    vocab = vocab or load_vocabulary()
    a = analyte(loinc, vocab)
    src = vocab.analyte_unit(a.loinc, from_unit, "from_unit")
    dst = vocab.analyte_unit(a.loinc, to_unit, "to_unit")
    return value * a.units[src] / a.units[dst]


def in_unit(value: float, unit: str, target: str, a: AnalyteDef) -> float:
    """Conversion between two units already known to belong to ``a``."""
    if unit not in a.units or target not in a.units:
        raise InvalidInput("unit", f"{unit} or {target} is not a unit of {a.short}")
    return value * a.units[unit] / a.units[target]
