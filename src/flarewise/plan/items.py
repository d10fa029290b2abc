"""Plan items: what a plan proposes, or what a person or clinician types in to be checked.

A dose that is present but unusable (NaN, Infinity, text such as ``"abc"``, zero or less, or
such a strength per unit) is kept as data, not refused, so that SAF-DOSE-INVALID can say so and
withhold the item (clinical-rules.md D.5.6); so is a dose in a known unit that does not fit the
substance (IU of magnesium) or a product unit without a strength (SAF-DOSE-UNITS). Refused with
:class:`InvalidInput`, because no reading of them is a dose: a dose or strength amount that is a
JSON boolean, list or object; a unit that is not text or not a unit flarewise knows; a valid
dose without a unit; a ``strength`` that is not an object with an amount and a unit, that is
itself in a product unit, or that is given for a dose not counted in product units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flarewise.domain.units import PRODUCT_DIMENSIONS, Unit, parse_unit
from flarewise.errors import InvalidInput, UnknownTerm
from flarewise.knowledge.checks import check_dose
from flarewise.knowledge.schema import InterventionDef
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.amounts import as_number, number_problem, read_dose
from flarewise.plan.context import Agent, agent_classes

FIELDS = ("item", "dose", "unit", "form", "basis", "strength")


@dataclass(frozen=True)
class PlanItem:
    item: str  # intervention id, or a substance id when no intervention matches
    intervention: InterventionDef | None
    substance: str | None
    daily_amount: float | None = None
    unit: str | None = None
    form: str | None = None
    basis: str | None = None
    raw_dose: float | str | None = None  # as entered, kept when it is not a usable number
    invalid_dose: str | None = None  # why the dose or strength is not usable (SAF-DOSE-INVALID)
    strength: tuple[float | str, str] | None = None  # amount and unit per product unit

    @property
    def label(self) -> str:
        return self.intervention.name if self.intervention else self.item

    def agent(self, vocab: Vocabulary) -> Agent | None:
        if self.substance is None:
            return None
        amount = self.raw_dose if self.raw_dose is not None else self.daily_amount
        dose = read_dose(
            vocab, self.substance, self.form, amount, self.unit, self.basis, self.strength
        )
        return Agent(
            substance=self.substance,
            classes=agent_classes(vocab, self.substance, dose.amount),
            origin="proposed",
            daily_amount=dose.amount,
            unit=dose.unit,
            label=self.intervention.name
            if self.intervention
            else vocab.name_of("substance", self.substance),
            item=self.item,
            raw_amount=amount,
            raw_unit=self.unit if amount is not None else None,
            invalid_dose=dose.invalid,
            unconvertible=dose.unconvertible,
        )


def resolve_item(vocab: Vocabulary, raw: Mapping[str, Any], field: str = "") -> PlanItem:
    """``{"item": "magnesium", "dose": 400, "unit": "mg", "form": "magnesium_citrate"}``."""
    p = f"{field}." if field else ""
    if not isinstance(raw, Mapping):
        raise InvalidInput(field or "item", 'each item must be an object with at least "item"')
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise InvalidInput(
            f"{p}{sorted(unknown)[0]}", f"is not a plan-item field ({', '.join(FIELDS)})"
        )
    name = raw.get("item")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"{p}item", 'names an intervention or substance, e.g. "magnesium"')
    intervention: InterventionDef | None = None
    substance: str | None = None
    form: str | None = raw.get("form")
    try:
        intervention = vocab.interventions[vocab.resolve("intervention", name, f"{p}item")]
        substance = intervention.substance
    except UnknownTerm:
        substance, found_form = vocab.resolve_substance(name, f"{p}item")
        form = form or found_form
        intervention = next(
            (i for i in vocab.interventions.values() if i.substance == substance), None
        )
    dose = _amount(raw.get("dose"), f"{p}dose")
    problem = number_problem(dose)
    unit_raw = raw.get("unit")
    parsed: Unit | None = None
    if dose is not None:
        if substance is None:
            raise InvalidInput(f"{p}dose", f"{name} is not taken in doses")
        if unit_raw is not None or problem is None:
            if not isinstance(unit_raw, str):
                raise InvalidInput(f"{p}unit", "a dose needs its unit, e.g. mg or IU")
            parsed = _unit(unit_raw, f"{p}unit")
    strength = _strength(raw.get("strength"), parsed, f"{p}strength")
    if problem is None and strength is not None:
        problem = number_problem(strength[0], "the strength per unit")
    basis = raw.get("basis")
    if substance is not None:
        # the unit that carries the amount: the strength's for tablets, capsules, drops...
        carrier = strength[1] if strength is not None else parsed.code if parsed else None
        fits = carrier is not None and vocab.substances[substance].fits(
            parse_unit(carrier).dimension
        )
        product = parsed is not None and parsed.dimension in PRODUCT_DIMENSIONS
        check_dose(
            vocab,
            substance,
            form,
            carrier if fits and not (product and strength is None) else None,
            basis,
            field,
        )
    return PlanItem(
        item=intervention.id if intervention else str(substance),
        intervention=intervention,
        substance=substance,
        daily_amount=as_number(dose) if dose is not None and problem is None else None,
        unit=parsed.code if parsed is not None else None,
        form=form,
        basis=basis,
        raw_dose=dose if problem is not None else None,
        invalid_dose=problem,
        strength=strength,
    )


def _amount(value: Any, field: str) -> float | str | None:
    """A dose or strength amount as data: numbers (NaN and Infinity included) and text pass,
    to be judged by SAF-DOSE-INVALID; booleans, lists and objects are not amounts at all."""
    if value is None or (isinstance(value, int | float | str) and not isinstance(value, bool)):
        return value
    raise InvalidInput(field, "must be a number (per day), e.g. 400")


def _unit(text: str, field: str) -> Unit:
    try:
        return parse_unit(text)
    except ValueError as exc:
        raise InvalidInput(field, str(exc)) from None


def _strength(value: Any, dose_unit: Unit | None, field: str) -> tuple[float | str, str] | None:
    """``{"amount": 120, "unit": "mg"}``: what one tablet, capsule or drop holds."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) - {"amount", "unit"}:
        raise InvalidInput(field, 'must be an object like {"amount": 120, "unit": "mg"}')
    if dose_unit is None or dose_unit.dimension not in PRODUCT_DIMENSIONS:
        raise InvalidInput(
            field, "only goes with a dose counted in tablets, capsules, drops or similar"
        )
    amount = _amount(value.get("amount"), f"{field}.amount")
    if amount is None:
        raise InvalidInput(f"{field}.amount", "the amount per unit is needed, e.g. 120")
    text = value.get("unit")
    if not isinstance(text, str):
        raise InvalidInput(f"{field}.unit", "the strength needs its unit, e.g. mg or IU")
    unit = _unit(text, f"{field}.unit")
    if unit.dimension in PRODUCT_DIMENSIONS:
        raise InvalidInput(f"{field}.unit", "must be an amount such as mg, mcg, IU or CFU")
    return amount, unit.code


def resolve_items(vocab: Vocabulary, raw: Sequence[Mapping[str, Any]]) -> list[PlanItem]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise InvalidInput("items", "must be a list of plan items")
    return [resolve_item(vocab, r, f"items[{i}]") for i, r in enumerate(raw)]
