"""A FHIR R4 ``collection`` Bundle of a journal's clinical content.

What it carries: lab results (LOINC, UCUM quantity, the lab's reference range and flag),
measurements (LOINC for vital signs, otherwise flarewise's metric code), symptom scores (pain as
LOINC 72514-3, other symptoms with flarewise's symptom code), intakes (a MedicationStatement at
one time: ``completed`` when taken, ``not-taken`` when skipped, no dose when the dose is unknown),
medicines (one MedicationStatement per medicine, one Dosage per dose step bounded by the dates it
was in force, so a dose change stays one medicine), assessments (an Observation per completed
instrument: its scores as components, its answers kept so an import scores it again) and profile
conditions. A symptom check-in is one Observation whose components are its scores and its
painful sites, so it comes back whole. The diary's other entries (meals, notes, sleep,
activity, mind-body practice, therapy, life events, custom trackables) have no FHIR code: each
is an Observation coded with flarewise's entry kind, a readable ``valueString``, and the record
itself as JSON in an extension (custom values also carry their trackable's definition), which
the importer validates like any new entry. Experiments, the plan's marks and the profile's
preferences are only in the JSON backup. Codes that no public system has use the URIs below,
which flarewise's FHIR importer reads back, so export then import loses nothing it carries.
Resource ids are UUIDv5 of the entry id (FHIR ids allow neither ``_`` nor ``:``); the entry id
itself is kept as an identifier.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from flarewise.domain.entries import (
    Activity,
    Assessment,
    CustomValue,
    EntryBase,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Note,
    Sleep,
    SymptomCheckin,
    Therapy,
)
from flarewise.domain.profile import Condition
from flarewise.domain.regimens import Regimen, UnitStrength
from flarewise.domain.trackables import Trackable

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
FLAREWISE_SYMPTOM = "urn:flarewise:symptom"
FLAREWISE_METRIC = "urn:flarewise:metric"
FLAREWISE_SUBSTANCE = "urn:flarewise:substance"
FLAREWISE_CONDITION = "urn:flarewise:condition"
FLAREWISE_ENTRY = "urn:flarewise:entry"
FLAREWISE_FORM = "urn:flarewise:form"
FLAREWISE_ROUTE = "urn:flarewise:route"
FLAREWISE_BASIS = "urn:flarewise:dose-basis"
#: What one product unit holds, on the Dosage: a Ratio of the substance's amount (mg, IU...) to
#: one product unit (capsule, drop...). An extension rather than a contained Medication, so the
#: statement keeps its coded medicationCodeableConcept (the importer also reads a referenced
#: Medication's ingredient strength, the standard's other place for it).
FLAREWISE_STRENGTH = "urn:flarewise:strength-per-unit"
FLAREWISE_POPULATION = "urn:flarewise:population"
#: Completed instruments (acr2016, fiqr...) and their scores (total, psd, wpi...); the answers
#: travel in an extension as JSON so that an import re-scores them (scores are never trusted).
FLAREWISE_INSTRUMENT = "urn:flarewise:instrument"
FLAREWISE_SCORE = "urn:flarewise:score"
FLAREWISE_ANSWERS = "urn:flarewise:answers"
#: A diary entry's kind (checkin, meal, note...), the code of an Observation that is one whole
#: entry; its painful sites (WPI regions) as components; the entry as JSON; a trackable's
#: definition as JSON (on each custom value, so an import can define it).
FLAREWISE_KIND = "urn:flarewise:entry-kind"
FLAREWISE_BODY_SITE = "urn:flarewise:body-site"
FLAREWISE_RECORD = "urn:flarewise:record"
FLAREWISE_TRACKABLE = "urn:flarewise:trackable"
#: The kinds carried as a record (no FHIR code), with the Observation category each is filed under.
RECORD_KINDS = {
    "activity": "activity",
    "sleep": "activity",
    "mindbody": "activity",
    "therapy": "therapy",
    "meal": "social-history",
    "event": "social-history",
    "note": "social-history",
    "custom": "survey",
}
PAIN_LOINC = "72514-3"
SNOMED = "http://snomed.info/sct"
#: Pregnancy status (LOINC 82810-3) answered with SNOMED CT 77386006 "Pregnant" or 60001007
#: "Not pregnant", the coding of the HL7 pregnancy-status observations (brief; IPS/US Core).
PREGNANCY_LOINC = "82810-3"
PREGNANT, NOT_PREGNANT = "77386006", "60001007"
#: Breastfeeding status (LOINC 63895-7) answered with LOINC answers LA29252-6 "Currently
#: breastfeeding" / LA29253-4 "Not currently breastfeeding": a status question with a yes/no
#: answer list is what the profile holds (a SNOMED finding such as "breastfeeding" has no
#: coded "no"); the answer codes are those of a published breastfeeding-status value set
#: (Jembi Starter FHIR IG). The pairing with 63895-7 was not checked against LOINC itself.
BREASTFEEDING_LOINC = "63895-7"
BREASTFEEDING, NOT_BREASTFEEDING = "LA29252-6", "LA29253-4"
#: Measurement metrics with a LOINC vital-sign code (the FHIR importer maps them back).
METRIC_LOINC = {
    "heart_rate": ("8867-4", "/min"),
    "body_mass": ("29463-7", "kg"),
    "body_temperature": ("8310-5", "Cel"),
    "respiratory_rate": ("9279-1", "/min"),
    "oxygen_saturation": ("2708-6", "%"),
    "blood_pressure_systolic": ("8480-6", "mm[Hg]"),
    "blood_pressure_diastolic": ("8462-4", "mm[Hg]"),
}
_NS = uuid.UUID("6f1d3c2e-6a43-4d0e-9d0a-0b3f1a2c9e57")
_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def fhir_id(key: str) -> str:
    return str(uuid.uuid5(_NS, key))


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _observation(
    e: EntryBase, key: str, code: dict[str, Any], category: str, value: dict[str, Any]
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": fhir_id(key),
        "identifier": [{"system": FLAREWISE_ENTRY, "value": key}],
        "status": "final",
        "category": [{"coding": [{"system": _CATEGORY, "code": category}]}],
        "code": code,
        "effectiveDateTime": e.at.isoformat(),
        **value,
    }
    if e.comment:
        res["note"] = [{"text": e.comment}]
    return res


def _lab(e: LabResult, names: dict[str, str]) -> dict[str, Any]:
    code = {"coding": [{"system": LOINC, "code": e.loinc}], "text": names.get(e.loinc, e.loinc)}
    value: dict[str, Any] = {}
    if e.value is not None:
        value["valueQuantity"] = _quantity(e.value, e.unit) if e.unit else {"value": e.value}
    elif e.value_text is not None:
        value["valueString"] = e.value_text
    ref: dict[str, Any] = {}
    if e.ref_low is not None:
        ref["low"] = _quantity(e.ref_low, e.unit) if e.unit else {"value": e.ref_low}
    if e.ref_high is not None:
        ref["high"] = _quantity(e.ref_high, e.unit) if e.unit else {"value": e.ref_high}
    if e.ref_text:
        ref["text"] = e.ref_text
    if ref:
        value["referenceRange"] = [ref]
    if e.flag:
        value["interpretation"] = [{"coding": [{"system": _INTERPRETATION, "code": e.flag}]}]
    if e.lab:
        value["performer"] = [{"display": e.lab}]  # the laboratory, by name
    return _observation(e, e.id, code, "laboratory", value)


def _measurement(e: Measurement) -> dict[str, Any]:
    if e.metric in METRIC_LOINC and METRIC_LOINC[e.metric][1] == e.unit:
        coding = {"system": LOINC, "code": METRIC_LOINC[e.metric][0]}
        category = "vital-signs"
    else:
        coding = {"system": FLAREWISE_METRIC, "code": e.metric}
        category = "activity"
    value: dict[str, Any] = {"valueQuantity": _quantity(e.value, e.unit)}
    if e.ends_at is not None:
        value = {
            **value,
            "effectivePeriod": {"start": e.at.isoformat(), "end": e.ends_at.isoformat()},
        }
    res = _observation(e, e.id, {"coding": [coding], "text": e.metric}, category, value)
    if e.ends_at is not None:
        res.pop("effectiveDateTime")
    return res


def _score_quantity(score: float) -> dict[str, Any]:
    return {"value": score, "unit": "{score}", "system": UCUM, "code": "{score}"}


def _checkin(e: SymptomCheckin) -> dict[str, Any]:
    """One check-in as one Observation: each score and each painful site a component (the
    export used to write one Observation per score, which came back as separate check-ins)."""
    components: list[dict[str, Any]] = []
    for symptom, score in sorted(e.scores.items()):
        if symptom == "pain":
            coding = {"system": LOINC, "code": PAIN_LOINC}
        else:
            coding = {"system": FLAREWISE_SYMPTOM, "code": symptom}
        components.append(
            {
                "code": {"coding": [coding], "text": symptom},
                "valueQuantity": _score_quantity(score),
            }
        )
    for site in e.pain_sites:
        components.append(
            {
                "code": {
                    "coding": [{"system": FLAREWISE_BODY_SITE, "code": str(site)}],
                    "text": f"painful: {str(site).replace('_', ' ')}",
                },
                "valueBoolean": True,
            }
        )
    code = {"coding": [{"system": FLAREWISE_KIND, "code": "checkin"}], "text": "symptom check-in"}
    return _observation(e, e.id, code, "survey", {"component": components})


_RECORD_TYPES = (Activity, Sleep, MindBody, Therapy, Meal, LifeEvent, Note, CustomValue)


def _summary(e: EntryBase) -> str:
    """The entry in a few words, for a reader of the Bundle (the record extension is exact)."""
    if isinstance(e, Note):
        return e.text
    if isinstance(e, Meal):
        foods = ", ".join(
            f.food.replace("_", " ")
            + (f" {f.amount:g} {f.unit or ''}".rstrip() if f.amount is not None else "")
            for f in e.foods
        )
        return f"{e.meal or 'meal'}: {foods}"
    if isinstance(e, Sleep):
        return f"sleep from {e.bed_at.isoformat()}, {e.sleep_minutes:g} min"
    if isinstance(e, Activity | MindBody):
        what = e.activity if isinstance(e, Activity) else e.practice
        return f"{what.replace('_', ' ')}, {e.minutes:g} min"
    if isinstance(e, Therapy):
        return e.therapy.replace("_", " ") + (f", {e.minutes:g} min" if e.minutes else "")
    if isinstance(e, LifeEvent):
        return e.event.replace("_", " ") + (f" ({e.detail})" if e.detail else "")
    if isinstance(e, CustomValue):
        return f"{e.trackable.replace('_', ' ')}: {e.value:g}"
    return e.kind


def _record(e: EntryBase, trackables: Mapping[str, Trackable]) -> dict[str, Any]:
    """An entry FHIR has no code for, coded with its flarewise kind and carried whole."""
    data = e.model_dump(mode="json", exclude={"id", "source", "source_key"})
    code = {"coding": [{"system": FLAREWISE_KIND, "code": e.kind}], "text": e.kind}
    res = _observation(e, e.id, code, RECORD_KINDS[e.kind], {"valueString": _summary(e)})
    res["extension"] = [{"url": FLAREWISE_RECORD, "valueString": json.dumps(data, sort_keys=True)}]
    if isinstance(e, CustomValue) and e.trackable in trackables:
        definition = trackables[e.trackable].model_dump(mode="json")
        res["extension"].append(
            {"url": FLAREWISE_TRACKABLE, "valueString": json.dumps(definition, sort_keys=True)}
        )
    return res


def _medication(substance: str, form: str | None, names: dict[str, str]) -> dict[str, Any]:
    coding = [{"system": FLAREWISE_SUBSTANCE, "code": substance}]
    if form:
        coding.append({"system": FLAREWISE_FORM, "code": form})
    return {"coding": coding, "text": names.get(substance, substance)}


def _dosage(
    amount: float | None,
    unit: str | None,
    route: str,
    basis: str | None,
    strength: UnitStrength | None = None,
) -> dict[str, Any]:
    dosage: dict[str, Any] = {"route": {"coding": [{"system": FLAREWISE_ROUTE, "code": route}]}}
    if amount is not None and unit is not None:
        dosage["doseAndRate"] = [{"doseQuantity": _quantity(amount, unit)}]
    extensions: list[dict[str, Any]] = []
    if basis:
        extensions.append({"url": FLAREWISE_BASIS, "valueCode": basis})
    if strength is not None and unit == strength.per:
        extensions.append(
            {
                "url": FLAREWISE_STRENGTH,
                "valueRatio": {
                    "numerator": _quantity(strength.amount, strength.unit),
                    "denominator": {"value": 1, "unit": strength.per},
                },
            }
        )
    if extensions:
        dosage["extension"] = extensions
    return dosage


def _intake(e: Intake, names: dict[str, str]) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": fhir_id(e.id),
        "identifier": [{"system": FLAREWISE_ENTRY, "value": e.id}],
        "status": "not-taken" if e.status == "skipped" else "completed",
        "medicationCodeableConcept": _medication(e.substance, e.form, names),
        "subject": {"display": "the journal's person"},
        "effectiveDateTime": e.at.isoformat(),
        "dosage": [_dosage(e.amount, e.unit, e.route, e.basis)],
    }
    if e.comment:
        res["note"] = [{"text": e.comment}]
    return res


def _regimen(r: Regimen, names: dict[str, str]) -> list[dict[str, Any]]:
    """One statement for the medicine; one Dosage per dose step, bounded by the days it was
    in force (``timing.repeat.boundsPeriod``), in order (``sequence``)."""
    dosages = []
    for i, (step, first, last) in enumerate(r.spans()):
        bounds: dict[str, str] = {"start": first.isoformat()}
        if last is not None:
            bounds["end"] = last.isoformat()
        dosage = _dosage(step.amount, step.unit, r.route, r.basis, r.strength)
        dosage["sequence"] = i + 1
        dosage["timing"] = {"repeat": {**_repeat(step.times_per_day), "boundsPeriod": bounds}}
        dosage["asNeededBoolean"] = r.as_needed
        if step.comment:
            dosage["text"] = step.comment
        dosages.append(dosage)
    period: dict[str, str] = {"start": r.start.isoformat()}
    if r.stop is not None:
        period["end"] = r.stop.isoformat()
    res: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": fhir_id(f"regimen:{r.id}"),
        "identifier": [{"system": FLAREWISE_ENTRY, "value": f"regimen:{r.id}"}],
        "status": "active" if r.stop is None or r.stop >= date.today() else "completed",
        "medicationCodeableConcept": (
            # the name as written, uncoded: a reader (flarewise's own import too) sees a
            # medicine it must match by name, and keeps it as not recognised if it cannot
            {"text": r.unrecognised}
            if r.unrecognised is not None
            else _medication(r.substance, r.form, names)
        ),
        "subject": {"display": "the journal's person"},
        "effectivePeriod": period,
        "dosage": dosages,
    }
    if r.reason:
        res["reasonCode"] = [{"text": r.reason}]
    return [res]


def _assessment(e: Assessment) -> dict[str, Any]:
    """A completed instrument: the main score as the value, every score as a component."""
    main = next((k for k in ("total", "psd", "pgic") if k in e.scores), None)
    value: dict[str, Any] = {}
    if main is not None:
        value["valueQuantity"] = {
            "value": e.scores[main],
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        }
    value["component"] = [
        {
            "code": {"coding": [{"system": FLAREWISE_SCORE, "code": name}], "text": name},
            "valueQuantity": {"value": score, "unit": "{score}", "system": UCUM, "code": "{score}"},
        }
        for name, score in sorted(e.scores.items())
    ]
    if not value["component"]:
        del value["component"]
    res = _observation(
        e,
        e.id,
        {"coding": [{"system": FLAREWISE_INSTRUMENT, "code": e.instrument}], "text": e.instrument},
        "survey",
        value,
    )
    res["extension"] = [
        {"url": FLAREWISE_ANSWERS, "valueString": json.dumps(e.answers, sort_keys=True)}
    ]
    if e.entered_by == "clinician":
        res["performer"] = [{"display": "clinician"}]
    return res


def _repeat(per_day: float) -> dict[str, Any]:
    """FHIR timing for ``per_day`` doses a day: exact for whole numbers and for 1/n."""
    if per_day == int(per_day):
        return {"frequency": int(per_day), "period": 1, "periodUnit": "d"}
    return {"frequency": 1, "period": 1 / per_day, "periodUnit": "d"}


def _condition(c: Condition, names: dict[str, str]) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "id": fhir_id(f"condition:{c.condition}"),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "resolved" if c.until else "active",
                }
            ]
        },
        "code": {
            "coding": [{"system": FLAREWISE_CONDITION, "code": c.condition}],
            "text": names.get(c.condition, c.condition),
        },
        "subject": {"display": "the journal's person"},
    }
    if c.since:
        res["onsetDateTime"] = c.since.isoformat()
    if c.until:
        res["abatementDateTime"] = c.until.isoformat()
    return res


def _answer(system: str, code: str, display: str) -> dict[str, Any]:
    return {
        "valueCodeableConcept": {"coding": [{"system": system, "code": code, "display": display}]}
    }


def _population(name: str, value: bool, when: str) -> dict[str, Any]:
    """One recorded population (pregnant, planning a pregnancy, breastfeeding) as an
    Observation; "not recorded" is not exported (absence says it)."""
    coding: dict[str, Any]
    answer: dict[str, Any]
    if name == "pregnant":
        coding = {"system": LOINC, "code": PREGNANCY_LOINC, "display": "Pregnancy status"}
        code, display = (PREGNANT, "Pregnant") if value else (NOT_PREGNANT, "Not pregnant")
        answer = {
            "valueCodeableConcept": {
                "coding": [{"system": SNOMED, "code": code, "display": display}]
            }
        }
    elif name == "breastfeeding":
        coding = {"system": LOINC, "code": BREASTFEEDING_LOINC, "display": "Breastfeeding status"}
        code, display = (
            (BREASTFEEDING, "Currently breastfeeding")
            if value
            else (NOT_BREASTFEEDING, "Not currently breastfeeding")
        )
        answer = {
            "valueCodeableConcept": {
                "coding": [{"system": LOINC, "code": code, "display": display}]
            }
        }
    else:  # no public code found for "planning a pregnancy": flarewise's own, read back
        coding = {"system": FLAREWISE_POPULATION, "code": name}
        answer = {"valueBoolean": value}
    return {
        "resourceType": "Observation",
        "id": fhir_id(f"population:{name}"),
        "identifier": [{"system": FLAREWISE_ENTRY, "value": f"population:{name}"}],
        "status": "final",
        "category": [{"coding": [{"system": _CATEGORY, "code": "social-history"}]}],
        "code": {"coding": [coding], "text": name.replace("_", " ")},
        "subject": {"display": "the journal's person"},
        "effectiveDateTime": when,
        **answer,
    }


def fhir_bundle(
    entries: Iterable[EntryBase],
    regimens: Iterable[Regimen] = (),
    conditions: Iterable[Condition] = (),
    names: dict[str, str] | None = None,
    timestamp: str | None = None,
    populations: Mapping[str, bool | None] | None = None,
    trackables: Mapping[str, Trackable] | None = None,
) -> dict[str, Any]:
    """The Bundle as a JSON-ready dict. ``names`` maps vocabulary ids to display names;
    ``populations`` holds the profile's pregnant / planning_pregnancy / breastfeeding answers
    (exported as Observations dated ``timestamp``, or now); ``trackables`` the definitions of
    the person's custom trackables, by id."""
    names = names or {}
    resources: list[dict[str, Any]] = []
    when = timestamp or datetime.now(UTC).isoformat()
    for name, value in (populations or {}).items():
        if value is not None:
            resources.append(_population(name, value, when))
    for e in entries:
        if isinstance(e, LabResult):
            resources.append(_lab(e, names))
        elif isinstance(e, Measurement):
            resources.append(_measurement(e))
        elif isinstance(e, SymptomCheckin):
            resources.append(_checkin(e))
        elif isinstance(e, Intake):
            resources.append(_intake(e, names))
        elif isinstance(e, Assessment):
            resources.append(_assessment(e))
        elif isinstance(e, _RECORD_TYPES):
            resources.append(_record(e, trackables or {}))
    for r in regimens:
        resources.extend(_regimen(r, names))
    resources.extend(_condition(c, names) for c in conditions)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{res['id']}", "resource": res} for res in resources],
    }
    if timestamp:
        bundle["timestamp"] = timestamp
    return bundle
