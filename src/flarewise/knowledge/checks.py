"""Check records against the vocabulary and put them in canonical form.

The domain checks shapes and ranges; this module checks that every id exists, that a unit fits
the substance or analyte, that a form belongs to its substance and that a custom value fits its
trackable. It returns the record with canonical spellings (``mg/dl`` -> ``mg/dL``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from flarewise.domain.entries import (
    Activity,
    CustomValue,
    EntryBase,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    SymptomCheckin,
    Therapy,
)
from flarewise.domain.profile import Profile
from flarewise.domain.regimens import Regimen
from flarewise.domain.trackables import Trackable
from flarewise.domain.units import Dimension, parse_unit
from flarewise.errors import InvalidInput
from flarewise.knowledge.plausibility import implausible
from flarewise.knowledge.vocabulary import Vocabulary

E = TypeVar("E", bound=EntryBase)


def _known(vocab: Vocabulary, kind: Any, value: str, field: str) -> None:
    if value not in vocab.ids(kind):
        vocab.resolve(kind, value, field)  # raises UnknownTerm with suggestions
        raise InvalidInput(
            field, f"use the id {vocab.resolve(kind, value)!r}, not the name {value!r}"
        )


def check_dose(
    vocab: Vocabulary,
    substance: str,
    form: str | None,
    unit: str | None,
    basis: str | None,
    field: str = "",
) -> None:
    """Substance and form exist and belong together; the unit's dimension fits the substance."""
    p = f"{field}." if field else ""
    _known(vocab, "substance", substance, f"{p}substance")
    sdef = vocab.substances[substance]
    if form is not None:
        owner = vocab.forms.get(form)
        if owner is None:
            vocab.resolve("form", form, f"{p}form")
            raise InvalidInput(f"{p}form", f"{form!r} is not a form id")
        if owner[0] != substance:
            raise InvalidInput(f"{p}form", f"{form!r} is a form of {owner[0]}, not of {substance}")
    if unit is not None:
        dim = parse_unit(unit).dimension
        if not sdef.fits(dim):
            allowed = ", ".join(sdef.accepted_dimensions)
            raise InvalidInput(
                f"{p}unit",
                f"{unit} does not fit {sdef.name}: its doses are measured by {allowed} "
                f"(e.g. {sdef.canonical_unit})",
            )
    if basis == "compound":
        fdef = vocab.forms[form][1] if form else None
        if fdef is None or fdef.elemental_fraction is None:
            raise InvalidInput(
                f"{p}basis",
                "a compound (salt) weight needs a form with known elemental content, "
                "e.g. magnesium_citrate",
            )
        if unit is not None and parse_unit(unit).dimension is not Dimension.MASS:
            raise InvalidInput(f"{p}basis", "a compound weight must be a mass (mg, g, mcg)")


def canonical_dose(
    vocab: Vocabulary,
    substance: str,
    form: str | None,
    amount: float | None,
    unit: str | None,
    basis: str | None,
) -> tuple[float, str] | None:
    """The dose in the substance's canonical unit (elemental where that matters), or None when
    it cannot be known (dose unknown, or counted in tablets)."""
    if amount is None or unit is None:
        return None
    sdef = vocab.substances[substance]
    src, dst = parse_unit(unit), parse_unit(sdef.canonical_unit)
    if src.dimension is dst.dimension:
        value = amount * src.to_base / dst.to_base
    elif {src.dimension, dst.dimension} == {Dimension.MASS, Dimension.IU} and sdef.iu_per_mcg:
        if src.dimension is Dimension.IU:
            value = amount / sdef.iu_per_mcg * 0.001 / dst.to_base  # IU -> mcg -> mg -> dst
        else:
            value = amount * src.to_base / 0.001 * sdef.iu_per_mcg
    else:
        return None
    if basis == "compound" and form is not None:
        fraction = vocab.forms[form][1].elemental_fraction
        if fraction is None:
            return None
        value *= fraction
    return value, dst.code


def check_entry(
    vocab: Vocabulary,
    entry: E,
    trackables: Mapping[str, Trackable] | None = None,
    *,
    allow_unknown_analytes: bool = False,
    field: str = "",
) -> E:
    """Check ``entry`` against the vocabulary; return it with canonical spellings."""
    p = f"{field}." if field else ""
    if isinstance(entry, SymptomCheckin):
        for key in entry.scores:
            _known(vocab, "symptom", key, f"{p}scores.{key}")
    elif isinstance(entry, Intake):
        check_dose(vocab, entry.substance, entry.form, entry.unit, entry.basis, field)
    elif isinstance(entry, Activity):
        _known(vocab, "activity", entry.activity, f"{p}activity")
    elif isinstance(entry, MindBody):
        _known(vocab, "practice", entry.practice, f"{p}practice")
    elif isinstance(entry, Meal):
        for i, portion in enumerate(entry.foods):
            _known(vocab, "food", portion.food, f"{p}foods[{i}].food")
    elif isinstance(entry, Therapy):
        _known(vocab, "therapy", entry.therapy, f"{p}therapy")
    elif isinstance(entry, LifeEvent):
        _known(vocab, "event", entry.event, f"{p}event")
        details = {d.id for d in vocab.events[entry.event].details}
        if entry.detail is not None and entry.detail not in details:
            opts = ", ".join(sorted(details)) or "none"
            raise InvalidInput(
                f"{p}detail", f"{entry.detail!r} is not a kind of {entry.event} (known: {opts})"
            )
    elif isinstance(entry, LabResult):
        if entry.loinc not in vocab.analytes and not allow_unknown_analytes:
            vocab.resolve("analyte", entry.loinc, f"{p}loinc")
        if entry.unit is not None:
            unit = vocab.analyte_unit(entry.loinc, entry.unit, f"{p}unit")
            if entry.value is not None:
                canonical = vocab.to_canonical_lab(entry.loinc, entry.value, unit)
                if canonical is not None:
                    why = implausible("analyte", entry.loinc, canonical[0], canonical[1])
                    if why is not None:
                        raise InvalidInput(f"{p}value", why)
            if unit != entry.unit:
                return entry.replace(unit=unit)  # type: ignore[no-any-return]
    elif isinstance(entry, CustomValue):
        definition = (trackables or {}).get(entry.trackable)
        if definition is None:
            raise InvalidInput(
                f"{p}trackable",
                f"{entry.trackable!r} is not one of your trackables; define it first "
                "(flarewise trackable add)",
            )
        try:
            definition.check(entry.value)
        except ValueError as exc:
            raise InvalidInput(f"{p}value", str(exc)) from None
    elif isinstance(entry, Measurement):
        _known(vocab, "metric", entry.metric, f"{p}metric")
        expected = vocab.metrics[entry.metric].unit
        if entry.unit != expected:
            raise InvalidInput(
                f"{p}unit", f"{entry.metric} is recorded in {expected}, not {entry.unit}"
            )
        why = implausible("metric", entry.metric, entry.value, entry.unit)
        if why is not None:
            raise InvalidInput(f"{p}value", why)
    return entry


def check_regimen(vocab: Vocabulary, regimen: Regimen) -> Regimen:
    if regimen.unrecognised is not None:
        # kept by its written name and marked so (domain/regimens.py checks the marker): there
        # is no substance to hold a form, basis or unit against
        if regimen.form is not None or regimen.basis is not None:
            raise InvalidInput(
                "form", "a medicine flarewise does not know has no form or dose basis to check"
            )
        return regimen
    check_dose(vocab, regimen.substance, regimen.form, None, regimen.basis)
    for i, step in enumerate(regimen.steps):
        check_dose(vocab, regimen.substance, regimen.form, step.unit, regimen.basis, f"steps[{i}]")
    return regimen


def check_profile(vocab: Vocabulary, profile: Profile) -> Profile:
    for i, c in enumerate(profile.conditions):
        _known(vocab, "condition", c.condition, f"conditions[{i}].condition")
    for i, f in enumerate(profile.clinical_findings):
        _known(vocab, "finding", f, f"clinical_findings[{i}]")
    for i, item in enumerate(profile.preferences.avoid):
        kinds = (
            "substance",
            "food",
            "food_group",
            "activity",
            "practice",
            "therapy",
            "substance_class",
        )
        known = any(item in vocab.ids(k) for k in kinds)  # type: ignore[arg-type]
        if not known and item not in vocab.class_aliases:  # an earlier class id still counts
            raise InvalidInput(
                f"preferences.avoid[{i}]", f"{item!r} is not a known substance, food or activity id"
            )
    return profile
