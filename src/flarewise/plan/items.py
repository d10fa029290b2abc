"""Plan items: what a plan proposes, or what a person or clinician types in to be checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flarewise.domain.units import parse_unit
from flarewise.errors import InvalidInput, UnknownTerm
from flarewise.knowledge.checks import canonical_dose, check_dose
from flarewise.knowledge.schema import InterventionDef
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.context import Agent, agent_classes


@dataclass(frozen=True)
class PlanItem:
    item: str  # intervention id, or a substance id when no intervention matches
    intervention: InterventionDef | None
    substance: str | None
    daily_amount: float | None = None
    unit: str | None = None
    form: str | None = None
    basis: str | None = None

    @property
    def label(self) -> str:
        return self.intervention.name if self.intervention else self.item

    def agent(self, vocab: Vocabulary) -> Agent | None:
        if self.substance is None:
            return None
        dose = None
        if self.daily_amount is not None and self.unit is not None:
            dose = canonical_dose(
                vocab, self.substance, self.form, self.daily_amount, self.unit, self.basis
            )
        daily = dose[0] if dose else None
        return Agent(
            substance=self.substance,
            classes=agent_classes(vocab, self.substance, daily),
            origin="proposed",
            daily_amount=daily,
            unit=dose[1] if dose else None,
            label=self.intervention.name
            if self.intervention
            else vocab.name_of("substance", self.substance),
            item=self.item,
        )


def resolve_item(vocab: Vocabulary, raw: Mapping[str, Any], field: str = "") -> PlanItem:
    """``{"item": "magnesium", "dose": 400, "unit": "mg", "form": "magnesium_citrate"}``."""
    p = f"{field}." if field else ""
    if not isinstance(raw, Mapping):
        raise InvalidInput(field or "item", 'each item must be an object with at least "item"')
    unknown = set(raw) - {"item", "dose", "unit", "form", "basis"}
    if unknown:
        raise InvalidInput(
            f"{p}{sorted(unknown)[0]}", "is not a plan-item field (item, dose, unit, form, basis)"
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
    dose, unit = raw.get("dose"), raw.get("unit")
    if dose is not None:
        if isinstance(dose, bool) or not isinstance(dose, int | float) or dose <= 0:
            raise InvalidInput(f"{p}dose", "must be a positive number (per day)")
        if not isinstance(unit, str):
            raise InvalidInput(f"{p}unit", "a dose needs its unit, e.g. mg or IU")
        if substance is None:
            raise InvalidInput(f"{p}dose", f"{name} is not taken in doses")
        try:
            unit = parse_unit(unit).code
        except ValueError as exc:
            raise InvalidInput(f"{p}unit", str(exc)) from None
    basis = raw.get("basis")
    if substance is not None:
        check_dose(vocab, substance, form, unit if dose is not None else None, basis, field)
    return PlanItem(
        item=intervention.id if intervention else str(substance),
        intervention=intervention,
        substance=substance,
        daily_amount=float(dose) if dose is not None else None,
        unit=unit if dose is not None else None,
        form=form,
        basis=basis,
    )


def resolve_items(vocab: Vocabulary, raw: Sequence[Mapping[str, Any]]) -> list[PlanItem]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise InvalidInput("items", "must be a list of plan items")
    return [resolve_item(vocab, r, f"items[{i}]") for i, r in enumerate(raw)]
