"""Pregnancy, lactation and dose-plausibility knowledge (clinical-rules.md D.5.5, D.5.6).

Kept apart from ``schema.py``/``vocabulary.py`` because it is read only by the plan's safety
rules. Loading validates the file against these models *and* against the vocabulary, so a
misspelt substance id fails the test suite instead of silently giving a pregnant person the
"not listed" default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

import pydantic
import yaml
from pydantic import Field

from flarewise.domain.entries import Slug
from flarewise.knowledge.schema import Name, Strict
from flarewise.knowledge.vocabulary import Vocabulary, VocabularyError

#: "none" means the row was checked and no warning of that family applies.
PopulationSeverity = Literal["contraindicated", "major", "caution", "none"]
RANK: dict[str, int] = {"none": 0, "caution": 1, "major": 2, "contraindicated": 3}


class SeverityAbove(Strict):
    """A severity that applies above a daily amount (ginger: major above 1050 mg/day)."""

    amount: Annotated[float, Field(gt=0)]
    unit: Annotated[str, Field(min_length=1)]
    severity: PopulationSeverity


class PopulationRow(Strict):
    label: Name
    substances: tuple[Slug, ...] = ()
    classes: tuple[Slug, ...] = ()
    pregnancy: PopulationSeverity
    pregnancy_above: SeverityAbove | None = None
    lactation: PopulationSeverity
    #: why, in pregnancy (and while breastfeeding unless ``lactation_basis`` says otherwise)
    basis: Annotated[str, Field(min_length=10)]
    #: why while breastfeeding, when the reason differs from pregnancy's (LactMed, labels)
    lactation_basis: Annotated[str, Field(min_length=10)] | None = None
    source: Name


class Unlisted(Strict):
    pregnancy: PopulationSeverity
    lactation: PopulationSeverity
    basis: Annotated[str, Field(min_length=10)]
    source: Name


class Ceiling(Strict):
    substance: Slug
    amount: Annotated[float, Field(gt=0)]
    unit: Annotated[str, Field(min_length=1)]
    anchor: Annotated[str, Field(min_length=5)]


class PopulationsFile(Strict):
    unlisted: Unlisted
    pregnancy_lactation: tuple[PopulationRow, ...]
    ceilings: tuple[Ceiling, ...]


@dataclass(frozen=True)
class Populations:
    """The validated file, indexed for the rules."""

    unlisted: Unlisted
    rows: tuple[PopulationRow, ...]
    by_substance: dict[str, PopulationRow]
    by_class: dict[str, PopulationRow]
    ceilings: dict[str, Ceiling]

    def row_for(self, substance: str, classes: frozenset[str]) -> PopulationRow | None:
        """The D.5.5 row of a substance: by its own id first, then by one of its classes."""
        if substance in self.by_substance:
            return self.by_substance[substance]
        for cls in sorted(classes):
            if cls in self.by_class:
                return self.by_class[cls]
        return None


def parse_populations(data: Any, vocab: Vocabulary) -> Populations:
    """Validate ``data`` (the parsed YAML) against the schema and the vocabulary."""
    try:
        parsed = PopulationsFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise VocabularyError(f"knowledge/data/populations.yaml is invalid: {exc}") from None
    by_substance: dict[str, PopulationRow] = {}
    by_class: dict[str, PopulationRow] = {}
    for row in parsed.pregnancy_lactation:
        if not row.substances and not row.classes:
            raise VocabularyError(f"populations.yaml: {row.label!r} names no substance or class")
        for sid in row.substances:
            if sid not in vocab.substances:
                raise VocabularyError(f"populations.yaml: {row.label!r} names unknown {sid!r}")
            if sid in by_substance:
                raise VocabularyError(f"populations.yaml: {sid!r} is listed twice")
            by_substance[sid] = row
        for cls in row.classes:
            if cls not in vocab.substance_classes:
                raise VocabularyError(
                    f"populations.yaml: {row.label!r} names unknown class {cls!r}"
                )
            if cls in by_class:
                raise VocabularyError(f"populations.yaml: class {cls!r} is listed twice")
            by_class[cls] = row
        step = row.pregnancy_above
        if step is not None:
            for sid in row.substances:
                if vocab.substances[sid].canonical_unit != step.unit:
                    raise VocabularyError(
                        f"populations.yaml: {row.label!r} limit is in {step.unit}, "
                        f"not {sid}'s canonical unit"
                    )
    ceilings: dict[str, Ceiling] = {}
    for c in parsed.ceilings:
        s = vocab.substances.get(c.substance)
        if s is None:
            raise VocabularyError(f"populations.yaml: ceiling for unknown {c.substance!r}")
        if c.substance in ceilings:
            raise VocabularyError(f"populations.yaml: two ceilings for {c.substance!r}")
        if c.unit != s.canonical_unit:
            raise VocabularyError(
                f"populations.yaml: the ceiling of {c.substance} is in {c.unit}, "
                f"not its canonical unit {s.canonical_unit}"
            )
        ceilings[c.substance] = c
    return Populations(
        parsed.unlisted, parsed.pregnancy_lactation, by_substance, by_class, ceilings
    )


@cache
def _raw() -> Any:
    text = resources.files("flarewise.knowledge").joinpath("data", "populations.yaml")
    try:
        return yaml.safe_load(text.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise VocabularyError(f"knowledge/data/populations.yaml is invalid: {exc}") from None


_parsed: dict[int, tuple[Vocabulary, Populations]] = {}


def load_populations(vocab: Vocabulary) -> Populations:
    """The package's D.5.5/D.5.6 data, validated against ``vocab`` (once per vocabulary)."""
    hit = _parsed.get(id(vocab))
    if hit is not None and hit[0] is vocab:
        return hit[1]
    found = parse_populations(_raw(), vocab)
    _parsed[id(vocab)] = (vocab, found)
    return found
