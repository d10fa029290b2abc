"""FHIR R4 JSON: Observation (labs and vital signs), Bundle of any type, MedicationStatement and
MedicationRequest, Condition. A streaming-free reader (FHIR exports are documents), bounded in
size; it never writes: it returns records for the journal to write in one transaction.

Mapping: LOINC-coded Observations become lab results (codes outside the catalogue are kept as
custom analytes with the unit as given, never dropped); pain severity (72514-3) becomes a pain
score; heart rate, weight, temperature, breathing rate, oxygen saturation and blood-pressure
components become measurements. Medicines are matched to the vocabulary by name (RxNorm
display or text); those that cannot be matched are reported, not invented.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from flarewise.domain import json_text
from flarewise.domain.entries import (
    ENTRY_TYPES,
    Assessment,
    Intake,
    LabResult,
    Measurement,
    SymptomCheckin,
)
from flarewise.domain.profile import Condition
from flarewise.domain.regimens import UNRECOGNISED, UNRECOGNISED_NOTE, DoseStep, Regimen
from flarewise.domain.trackables import Trackable
from flarewise.domain.units import is_product_unit, parse_unit
from flarewise.errors import FlarewiseError, InvalidInput
from flarewise.importers.report import ImportBatch
from flarewise.knowledge.vocabulary import Vocabulary

MAX_BYTES = 512 * 1024 * 1024
LOINC = "http://loinc.org"
SOURCE = "fhir"
#: Vital-sign LOINC codes that map to journal measurements: code -> (metric, expected unit).
VITALS = {
    "8867-4": ("heart_rate", "/min"),
    "29463-7": ("body_mass", "kg"),
    "8310-5": ("body_temperature", "Cel"),
    "8331-1": ("body_temperature", "Cel"),
    "9279-1": ("respiratory_rate", "/min"),
    "2708-6": ("oxygen_saturation", "%"),
    "59408-5": ("oxygen_saturation", "%"),
    "8480-6": ("blood_pressure_systolic", "mm[Hg]"),
    "8462-4": ("blood_pressure_diastolic", "mm[Hg]"),
}
PAIN = "72514-3"
#: Code systems of flarewise's own FHIR export (see exporters/fhir_bundle.py).
FLAREWISE_SYMPTOM = "urn:flarewise:symptom"
FLAREWISE_METRIC = "urn:flarewise:metric"
FLAREWISE_SUBSTANCE = "urn:flarewise:substance"
FLAREWISE_CONDITION = "urn:flarewise:condition"
FLAREWISE_FORM = "urn:flarewise:form"
FLAREWISE_ROUTE = "urn:flarewise:route"
FLAREWISE_BASIS = "urn:flarewise:dose-basis"
FLAREWISE_STRENGTH = "urn:flarewise:strength-per-unit"
FLAREWISE_POPULATION = "urn:flarewise:population"
FLAREWISE_INSTRUMENT = "urn:flarewise:instrument"
FLAREWISE_ANSWERS = "urn:flarewise:answers"
#: A whole diary entry of flarewise's export (exporters/fhir_bundle.py): its kind, a check-in's
#: painful sites, the record as JSON, a custom trackable's definition.
FLAREWISE_KIND = "urn:flarewise:entry-kind"
FLAREWISE_BODY_SITE = "urn:flarewise:body-site"
FLAREWISE_RECORD = "urn:flarewise:record"
FLAREWISE_TRACKABLE = "urn:flarewise:trackable"
#: The kinds an export carries as a record; other kinds have FHIR codes of their own.
RECORD_KINDS = frozenset(
    ("activity", "sleep", "mindbody", "therapy", "meal", "event", "note", "custom")
)
SNOMED = "http://snomed.info/sct"
#: Status observations read into the profile (codes as in exporters/fhir_bundle.py):
#: question LOINC -> (profile field, {(answer system, code): value}).
POPULATION_CODES: dict[str, tuple[str, dict[tuple[str, str], bool]]] = {
    "82810-3": (
        "pregnant",
        {(SNOMED, "77386006"): True, (SNOMED, "60001007"): False},
    ),
    "63895-7": (
        "breastfeeding",
        {("http://loinc.org", "LA29252-6"): True, ("http://loinc.org", "LA29253-4"): False},
    ),
}
BASES = ("elemental", "compound")
ROUTES = ("oral", "sublingual", "topical", "transdermal", "injection", "inhaled", "rectal", "other")
FLAGS = {
    "L": "L",
    "LL": "LL",
    "LU": "LL",
    "H": "H",
    "HH": "HH",
    "HU": "HH",
    "N": "N",
    "A": "A",
    "AA": "A",
}


class FhirError(FlarewiseError):
    """The file is not readable FHIR JSON at all."""


def load(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FhirError(
            f"{path.name}: {size / 1e6:.0f} MB is larger than flarewise reads as "
            f"FHIR JSON ({MAX_BYTES / 1e6:.0f} MB)"
        )
    return parse(path.read_bytes(), path.name)


def parse(raw: bytes, name: str) -> Any:
    """Decode and parse FHIR JSON bytes; errors name the file and the line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FhirError(
            f"{name}: not UTF-8 text (byte {exc.start}); FHIR JSON must be UTF-8"
        ) from None
    try:
        return json_text.loads(text)
    except json_text.JsonTooComplex as exc:
        raise FhirError(f"{name}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise FhirError(
            f"{name}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None


def _when(value: Any) -> datetime | None:
    """FHIR dateTime (with offset, or a date alone: noon UTC so it stays on that date)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(datetime.fromisoformat(text).date(), time(12), tzinfo=UTC)
        if re.fullmatch(r"\d{4}(-\d{2})?", text):
            parts = [int(p) for p in text.split("-")] + [1, 1]
            return datetime(parts[0], parts[1], 1, 12, tzinfo=UTC)
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _loinc(concept: Any) -> str | None:
    for c in (concept or {}).get("coding", []) or []:
        if c.get("system") == LOINC and isinstance(c.get("code"), str):
            return str(c["code"])
    return None


def _code(concept: Any, system: str) -> str | None:
    for c in (concept or {}).get("coding", []) or []:
        if c.get("system") == system and isinstance(c.get("code"), str):
            return str(c["code"])
    return None


def _note(res: dict[str, Any]) -> str | None:
    """The first annotation's text (flarewise's export keeps an entry's comment there)."""
    note = (res.get("note") or [{}])[0].get("text")
    return note if isinstance(note, str) else None


def _text(concept: Any) -> list[str]:
    out = []
    if isinstance(concept, dict):
        if isinstance(concept.get("text"), str):
            out.append(concept["text"])
        for c in concept.get("coding", []) or []:
            if isinstance(c.get("display"), str):
                out.append(c["display"])
    return out


def _performer(res: dict[str, Any]) -> str | None:
    """The laboratory that reported a result, as its name (``performer[0].display``)."""
    performers = res.get("performer") or []
    first = performers[0] if performers else None
    name = first.get("display") if isinstance(first, dict) else None
    return str(name)[:200] if name else None


def _reason(res: dict[str, Any], names: list[str]) -> str | None:
    """Why the medicine is taken (``reasonCode[0].text``). A statement from another system
    without one keeps the name it was written under, so the person can tell what was matched;
    flarewise's own export (coded with its substance system) has nothing more to say."""
    reasons = res.get("reasonCode") or []
    first = reasons[0] if reasons else None
    text = first.get("text") if isinstance(first, dict) else None
    if text:
        return str(text)[:2000]
    if _code(res.get("medicationCodeableConcept"), FLAREWISE_SUBSTANCE) is not None:
        return None
    return names[0] if names else None


def _resources(doc: Any) -> list[tuple[str, dict[str, Any]]]:
    """(label, resource) for a single resource or every entry of a Bundle (nested too)."""
    if not isinstance(doc, dict) or "resourceType" not in doc:
        raise FhirError('not a FHIR resource: no "resourceType"')
    if doc["resourceType"] != "Bundle":
        return [(f"{doc['resourceType']}/{doc.get('id', '?')}", doc)]
    out: list[tuple[str, dict[str, Any]]] = []
    entries = doc.get("entry") or []
    if not isinstance(entries, list):
        raise FhirError('the Bundle\'s "entry" is not a list of entries')
    for i, entry in enumerate(entries):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or "resourceType" not in res:
            continue
        label = f"entry[{i}] {res['resourceType']}/{res.get('id', '?')}"
        if res["resourceType"] == "Bundle":
            out.extend((f"{label} > {lbl}", r) for lbl, r in _resources(res))
        else:
            out.append((label, res))
    return out


def _strength(
    dosage: dict[str, Any], product: dict[str, Any] | None, unit: str | None
) -> dict[str, Any] | None:
    """What one product unit holds, for a dose counted in that unit: flarewise's Dosage
    extension, else the referenced Medication's single ingredient strength (a Ratio of an amount
    to one product unit). None when absent, unreadable, or per another unit than the dose's."""
    ratios = [
        ext.get("valueRatio")
        for ext in dosage.get("extension") or []
        if isinstance(ext, dict) and ext.get("url") == FLAREWISE_STRENGTH
    ]
    if not ratios and product is not None:
        ingredients = [i for i in product.get("ingredient") or [] if isinstance(i, dict)]
        if len(ingredients) == 1:
            ratios = [ingredients[0].get("strength")]
    if not ratios or unit is None or not isinstance(ratios[0], dict):
        return None
    num, den = ratios[0].get("numerator") or {}, ratios[0].get("denominator") or {}
    try:
        amount = float(num["value"]) / float(den.get("value", 1))
        strength_unit = parse_unit(str(num.get("code") or num.get("unit") or "")).code
        per = parse_unit(str(den.get("code") or den.get("unit") or "")).code
    except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if per != unit or not is_product_unit(per) or is_product_unit(strength_unit):
        return None
    if not 0 < amount < 1e9:
        return None
    return {"amount": amount, "unit": strength_unit, "per": per}


class FhirReader:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    def read(self, path: Path, batch: ImportBatch | None = None) -> ImportBatch:
        doc = load(path)
        return self.read_document(doc, path.name, batch)

    def read_document(self, doc: Any, name: str, batch: ImportBatch | None = None) -> ImportBatch:
        """Records from an already parsed FHIR document (a file, or a zip member)."""
        batch = batch or ImportBatch(name)
        batch.format = batch.format or "fhir"
        try:
            resources = _resources(doc)
        except FhirError as exc:
            raise FhirError(f"{name}: {exc}") from None
        by_ref = {f"{r['resourceType']}/{r.get('id')}": r for _, r in resources}
        for label, res in resources:
            batch.count()
            kind = res["resourceType"]
            try:
                if kind == "Observation":
                    self._observation(batch, label, res)
                elif kind in ("MedicationStatement", "MedicationRequest"):
                    self._medication(batch, label, res, by_ref)
                elif kind == "Condition":
                    self._condition(batch, label, res)
            except InvalidInput as exc:
                batch.problem(label, exc.field, exc.reason)
            except (AttributeError, TypeError, KeyError, IndexError, ValueError, OverflowError):
                # an element of the wrong JSON type (a coding given as a string, a number where
                # an object belongs): this resource's problem, never a traceback
                batch.problem(
                    label,
                    "",
                    "an element is not of the type FHIR R4 defines (e.g. text where an object "
                    "or list belongs); the resource was not imported",
                )
        return batch

    # -- observations -------------------------------------------------------------------------

    def _observation(self, batch: ImportBatch, label: str, res: dict[str, Any]) -> None:
        if res.get("status") in ("entered-in-error", "cancelled"):
            batch.problem(label, "status", f"skipped: the record is marked {res['status']}")
            return
        at = _when(
            res.get("effectiveDateTime")
            or (res.get("effectivePeriod") or {}).get("start")
            or res.get("effectiveInstant")
            or res.get("issued")
        )
        if at is None:
            batch.problem(
                label, "effectiveDateTime", "missing or not a date; the result was not imported"
            )
            return
        if self._population(batch, label, res):
            return
        if self._whole_entry(batch, label, res, at):
            return
        if self._assessment(batch, label, res, at):
            return
        key = str(res.get("id") or label)
        parts = [(res, key)]
        if "valueQuantity" not in res and "valueString" not in res and res.get("component"):
            parts = [(c, f"{key}:{i}") for i, c in enumerate(res["component"])]
        for part, part_key in parts:
            if self._flarewise_code(batch, label, res, part, at, part_key):
                continue
            code = _loinc(part.get("code"))
            if code is None:
                batch.problem(label, "code", "no LOINC code; flarewise stores lab results by LOINC")
                continue
            self._one(batch, label, res, part, code, at, part_key)

    def _whole_entry(
        self, batch: ImportBatch, label: str, res: dict[str, Any], at: datetime
    ) -> bool:
        """One diary entry of flarewise's export: a check-in with its scores and painful sites
        together, or an entry FHIR has no code for (meal, note, sleep...), read from its record
        and validated like any new entry."""
        kind = _code(res.get("code"), FLAREWISE_KIND)
        if kind is None:
            return False
        common: dict[str, Any] = {
            "at": at,
            "source": SOURCE,
            "source_key": f"obs:{res.get('id') or label}",
        }
        if kind == "checkin":
            scores: dict[str, float] = {}
            sites: list[str] = []
            for part in res.get("component") or []:
                site = _code(part.get("code"), FLAREWISE_BODY_SITE)
                if site is not None:
                    if part.get("valueBoolean") is True:
                        sites.append(site)
                    continue
                symptom = _code(part.get("code"), FLAREWISE_SYMPTOM)
                if symptom is None and _loinc(part.get("code")) == PAIN:
                    symptom = "pain"
                value = (part.get("valueQuantity") or {}).get("value")
                if symptom is None or isinstance(value, bool) or not isinstance(value, int | float):
                    batch.problem(label, "component", "a check-in part flarewise cannot read")
                    continue
                scores[symptom] = float(value)
            batch.add(SymptomCheckin(scores=scores, pain_sites=sites, comment=_note(res), **common))
            return True
        if kind not in RECORD_KINDS:
            batch.problem(label, "code", f"{kind!r} is not a kind of entry flarewise exports")
            return True
        extensions = {
            x.get("url"): x.get("valueString")
            for x in res.get("extension") or []
            if isinstance(x, dict)
        }
        try:
            data = json.loads(extensions.get(FLAREWISE_RECORD) or "")
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict) or data.get("kind") != kind:
            batch.problem(label, "extension", f"the {kind} record is missing; it was not kept")
            return True
        definition = extensions.get(FLAREWISE_TRACKABLE)
        if kind == "custom" and isinstance(definition, str):
            trackable = Trackable(**json.loads(definition))
            batch.trackables.setdefault(trackable.id, trackable)
        batch.add(ENTRY_TYPES[kind](**{**common, **data}))  # the record's own instant
        return True

    def _assessment(
        self, batch: ImportBatch, label: str, res: dict[str, Any], at: datetime
    ) -> bool:
        """A completed instrument of flarewise's export: its answers (the journal scores them
        again when it stores them; the exported scores are not trusted)."""
        instrument = _code(res.get("code"), FLAREWISE_INSTRUMENT)
        if instrument is None:
            return False
        raw = next(
            (
                x.get("valueString")
                for x in res.get("extension") or []
                if isinstance(x, dict) and x.get("url") == FLAREWISE_ANSWERS
            ),
            None,
        )
        try:
            answers = json.loads(raw) if isinstance(raw, str) else None
        except json.JSONDecodeError:
            answers = None
        if not isinstance(answers, dict):
            batch.problem(label, "extension", "the answers are missing; the result was not kept")
            return True
        performers = res.get("performer") or []
        by_clinician = any(
            isinstance(p, dict) and p.get("display") == "clinician" for p in performers
        )
        batch.add(
            Assessment(
                at=at,
                instrument=instrument,
                answers=answers,
                entered_by="clinician" if by_clinician else "self",
                comment=_note(res),
                source=SOURCE,
                source_key=f"obs:{res.get('id') or label}",
            )
        )
        return True

    def _population(self, batch: ImportBatch, label: str, res: dict[str, Any]) -> bool:
        """Pregnancy status, breastfeeding status and flarewise's "planning a pregnancy": kept
        for the profile (the journal fills only fields the person has not answered)."""
        own = _code(res.get("code"), FLAREWISE_POPULATION)
        if own is not None:
            value = res.get("valueBoolean")
            if own in ("pregnant", "planning_pregnancy", "breastfeeding") and isinstance(
                value, bool
            ):
                batch.populations[own] = value
            else:
                batch.problem(label, "valueBoolean", "a population status needs true or false")
            return True
        question = _loinc(res.get("code"))
        if question not in POPULATION_CODES:
            return False
        name, answers = POPULATION_CODES[question]
        concept = res.get("valueCodeableConcept") or {}
        for coding in concept.get("coding") or [] if isinstance(concept, dict) else []:
            if not isinstance(coding, dict):
                continue
            found = answers.get((str(coding.get("system")), str(coding.get("code"))))
            if found is not None:
                batch.populations[name] = found
                return True
        batch.problem(
            label, "valueCodeableConcept", f"not an answer flarewise reads for {name}; not kept"
        )
        return True

    def _flarewise_code(
        self,
        batch: ImportBatch,
        label: str,
        res: dict[str, Any],
        part: dict[str, Any],
        at: datetime,
        key: str,
    ) -> bool:
        """Symptom scores and metrics coded with flarewise's own systems (its FHIR export)."""
        symptom = _code(part.get("code"), FLAREWISE_SYMPTOM)
        metric = _code(part.get("code"), FLAREWISE_METRIC)
        if symptom is None and metric is None:
            return False
        q = part.get("valueQuantity") or {}
        value = q.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            batch.problem(label, "valueQuantity.value", f"{value!r} is not a number")
            return True
        common: dict[str, Any] = {"at": at, "source": SOURCE, "source_key": f"obs:{key}"}
        if (note := _note(res)) is not None:
            common["comment"] = note
        if symptom is not None:
            batch.add(SymptomCheckin(scores={symptom: float(value)}, **common))
            return True
        end = _when((res.get("effectivePeriod") or {}).get("end"))
        batch.add(
            Measurement(
                metric=str(metric),
                value=float(value),
                unit=str(q.get("code") or q.get("unit") or ""),
                ends_at=end if end and end != at else None,
                **common,
            )
        )
        return True

    def _one(
        self,
        batch: ImportBatch,
        label: str,
        res: dict[str, Any],
        part: dict[str, Any],
        code: str,
        at: datetime,
        key: str,
    ) -> None:
        q = part.get("valueQuantity") or {}
        value = q.get("value")
        unit = q.get("code") if q.get("system") == "http://unitsofmeasure.org" else None
        unit = unit or q.get("unit")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            batch.problem(label, "valueQuantity.value", f"{value!r} is not a number")
            return
        comment = _note(res)
        if code == PAIN and value is not None:
            batch.add(
                SymptomCheckin(
                    at=at,
                    scores={"pain": float(value)},
                    comment=comment,
                    source=SOURCE,
                    source_key=f"obs:{key}",
                )
            )
            return
        if code in VITALS and value is not None:
            metric, expected = VITALS[code]
            if unit != expected:
                batch.problem(
                    label,
                    "valueQuantity.unit",
                    f"{code} in {unit!r}: flarewise records {metric} in {expected}",
                )
                return
            batch.add(
                Measurement(
                    at=at,
                    metric=metric,
                    value=float(value),
                    unit=expected,
                    comment=comment,
                    source=SOURCE,
                    source_key=f"obs:{key}",
                )
            )
            return
        text = part.get("valueString")
        if text is None and part.get("valueCodeableConcept"):
            names = _text(part["valueCodeableConcept"])
            text = names[0] if names else None
        if value is None and text is None:
            batch.problem(label, "value[x]", "no value (quantity, string or coded) to import")
            return
        ref = (part.get("referenceRange") or res.get("referenceRange") or [{}])[0]
        low = (ref.get("low") or {}).get("value")
        high = (ref.get("high") or {}).get("value")
        flag = None
        for concept in part.get("interpretation") or res.get("interpretation") or []:
            for c in concept.get("coding", []) or []:
                flag = FLAGS.get(str(c.get("code", "")).upper(), flag)
        if value is not None and unit is None:
            batch.problem(label, "valueQuantity.unit", "a numeric result without a unit")
            return
        if code in self.vocab.analytes and unit is not None:
            unit = self.vocab.analyte_unit(code, unit, "valueQuantity.unit")
        batch.add(
            LabResult(
                at=at,
                loinc=code,
                value=float(value) if value is not None else None,
                value_text=str(text)[:200] if value is None and text is not None else None,
                unit=unit,
                ref_low=low,
                ref_high=high,
                ref_text=ref.get("text"),
                flag=flag,
                lab=_performer(res),
                comment=comment,
                source=SOURCE,
                source_key=f"obs:{key}",
            )
        )

    # -- medicines and conditions --------------------------------------------------------------

    def _match(self, names: list[str], resolve: Any) -> str | None:
        """The first vocabulary id any run of up to 4 words of a display name resolves to
        ("Tramadol Hydrochloride 50 MG Oral Tablet" -> tramadol)."""
        for name in names:
            words = re.findall(r"[A-Za-z][A-Za-z'-]+", name)
            for n in range(min(4, len(words)), 0, -1):
                for start in range(0, len(words) - n + 1):
                    try:
                        return str(resolve(" ".join(words[start : start + n])))
                    except InvalidInput:
                        continue
        return None

    def match_substance(self, names: list[str]) -> str | None:
        return self._match(names, lambda text: self.vocab.resolve_substance(text)[0])

    def _medication(
        self, batch: ImportBatch, label: str, res: dict[str, Any], by_ref: dict[str, dict[str, Any]]
    ) -> None:
        names = _text(res.get("medicationCodeableConcept"))
        ref = (res.get("medicationReference") or {}).get("reference")
        product: dict[str, Any] | None = None
        if isinstance(ref, str):
            target = None
            if ref.startswith("#"):
                target = next(
                    (c for c in res.get("contained", []) or [] if c.get("id") == ref[1:]), None
                )
            else:
                target = by_ref.get(ref) or by_ref.get("/".join(ref.split("/")[-2:]))
            if target is None:
                batch.problem(
                    label,
                    "medicationReference",
                    f"{ref} is not in this file; the medicine could not be identified",
                )
                return
            product = target
            names = _text(target.get("code")) + [
                t
                for ing in target.get("ingredient", []) or []
                for t in _text(ing.get("itemCodeableConcept"))
            ]
        coded = _code(res.get("medicationCodeableConcept"), FLAREWISE_SUBSTANCE)
        substances, unknown, unread = (
            ([coded], [], [])
            if coded in self.vocab.substances
            else self._ingredients(names, product)
        )
        if substances and unread:
            # parts of a combination's display name that match no medicine: said, never dropped
            # silently (they are not kept as medicines: a split name such as "MG/ACTUAT" would
            # invent ones)
            batch.problem(
                label,
                "medication",
                f"{', '.join(repr(u) for u in unread)} in {names[0]!r} matched no medicine "
                "flarewise knows; if it is an ingredient, its interactions are not checked "
                "(add it by hand if it matters)",
            )
        if not substances:
            # kept by its written name, never dropped: the plan lists it as a medicine whose
            # interactions are not checked (issue 13)
            written = (names or ["(a medicine without a name)"])[0]
            batch.problem(
                label,
                "medication",
                f"{written!r} is not a medicine flarewise knows; it was kept as "
                f"{UNRECOGNISED_NOTE!r}",
            )
            self._one_medication(batch, label, res, UNRECOGNISED, None, names, "", written)
            return
        for other in unknown:
            batch.problem(
                label,
                "medication.ingredient",
                f"{other!r} is an ingredient flarewise does not know; it was kept as "
                f"{UNRECOGNISED_NOTE!r}",
            )
        if len(substances) + len(unknown) > 1:
            # a combination product: every ingredient is a regimen of its own, so each one's
            # interactions are checked (keeping only the first dropped the rest silently), and
            # one flarewise does not know is kept by its name, marked as not checked
            for substance in substances:
                self._one_medication(batch, label, res, substance, None, names, f":{substance}")
            for other in unknown:
                self._one_medication(
                    batch, label, res, UNRECOGNISED, None, names, f":?{other[:100]}", other
                )
            return
        self._one_medication(batch, label, res, substances[0], product, names, "")

    def _ingredients(
        self, names: list[str], product: dict[str, Any] | None
    ) -> tuple[list[str], list[str], list[str]]:
        """(vocabulary substances, ingredient names it does not know, parts of a split display
        name that matched nothing) of a medicine: each ingredient of a referenced Medication,
        else the first match among its names; a display name such as "Paracetamol 325 MG /
        Tramadol 37.5 MG Oral Tablet" is split at its slashes."""
        found: list[str] = []
        ingredients = [i for i in (product or {}).get("ingredient") or [] if isinstance(i, dict)]
        unknown: list[str] = []
        for ing in ingredients:
            texts = _text(ing.get("itemCodeableConcept"))
            hit = self.match_substance(texts)
            if hit is None:
                unknown.append(texts[0] if texts else "(an ingredient without a name)")
            elif hit not in found:
                found.append(hit)
        if found:
            return found, unknown, []
        for name in names:
            parts = [p for p in re.split(r"\s*/\s*|\s+and\s+|\s*\+\s*", name) if p.strip()]
            unread: list[str] = []
            for part in parts if len(parts) > 1 else []:
                hit = self.match_substance([part])
                if hit is None:
                    unread.append(part.strip())
                elif hit not in found:
                    found.append(hit)
            if found:
                return found, [], unread
        first = self.match_substance(names)
        return ([first] if first is not None else []), [], []

    def _one_medication(
        self,
        batch: ImportBatch,
        label: str,
        res: dict[str, Any],
        substance: str,
        product: dict[str, Any] | None,
        names: list[str],
        key_suffix: str,
        unrecognised: str | None = None,
    ) -> None:
        if (
            res.get("resourceType") == "MedicationStatement"
            and res.get("status") in ("completed", "not-taken")
            and "effectiveDateTime" in res
            and "effectivePeriod" not in res
        ):
            if unrecognised is not None:
                batch.problem(
                    label, "medication", "a dose of a medicine flarewise does not know; not kept"
                )
                return
            self._intake(batch, label, res, substance, key_suffix)
            return
        period = res.get("effectivePeriod") or {}
        start = _when(
            res.get("authoredOn")
            or period.get("start")
            or res.get("effectiveDateTime")
            or res.get("dateAsserted")
        )
        if start is None:
            batch.problem(label, "effective[x]", "no start date; the medicine was not imported")
            return
        stop = _when(period.get("end"))
        if stop is None and res.get("status") in ("stopped", "completed", "cancelled"):
            stop = start
        dosages = [d for d in res.get("dosageInstruction") or res.get("dosage") or [] if d]
        dosage = dosages[0] if dosages else {}
        steps = self._steps(dosages, start.date())
        # a strength describes a product unit (capsule, drop) that some step counts in
        unit = next((x.unit for x in steps if x.unit and is_product_unit(x.unit)), steps[0].unit)
        strength = _strength(dosage, product, unit) if unrecognised is None else None
        how = self._how(res, dosage)
        if unrecognised is not None:
            how.pop("form", None)
            how.pop("basis", None)
        batch.regimens.append(
            Regimen(
                substance=substance,
                unrecognised=unrecognised[:200] if unrecognised is not None else None,
                strength=strength,
                **how,
                # FHIR R4: asNeededCodeableConcept (the reason, "for pain") implies as needed
                as_needed=dosage.get("asNeededBoolean") is True
                or isinstance(dosage.get("asNeededCodeableConcept"), dict),
                steps=steps,
                stop=stop.date() if stop else None,
                reason=_reason(res, names),
                source=SOURCE,
                source_key=f"med:{res.get('id') or label}{key_suffix}",
            )
        )

    def _steps(self, dosages: list[dict[str, Any]], start: date) -> list[DoseStep]:
        """Dose steps: one per Dosage when each is bounded by the dates it was in force
        (``timing.repeat.boundsPeriod.start``, flarewise's export of a dose change), else the
        first Dosage from the statement's start."""
        bounded = [
            (
                _when(
                    ((d.get("timing") or {}).get("repeat") or {})
                    .get("boundsPeriod", {})
                    .get("start")
                ),
                d,
            )
            for d in dosages
        ]
        if len(bounded) > 1 and all(when is not None for when, _ in bounded):
            ordered = sorted(((when.date(), d) for when, d in bounded if when), key=lambda x: x[0])
            if len({day for day, _ in ordered}) == len(ordered):
                return [self._step(d, day) for day, d in ordered]
        return [self._step(dosages[0] if dosages else {}, start)]

    @staticmethod
    def _step(dosage: dict[str, Any], start: date) -> DoseStep:
        amount = unit = None
        per_day = 1.0
        dose = ((dosage.get("doseAndRate") or [{}])[0].get("doseQuantity")) or {}
        if isinstance(dose.get("value"), int | float):
            try:
                unit = parse_unit(str(dose.get("code") or dose.get("unit") or "")).code
                amount = float(dose["value"])
            except ValueError:
                amount = unit = None
        repeat = (dosage.get("timing") or {}).get("repeat") or {}
        if isinstance(repeat.get("frequency"), int) and repeat.get("periodUnit") == "d":
            per_day = round(repeat["frequency"] / float(repeat.get("period") or 1), 9)
        comment = dosage.get("text") if isinstance(dosage.get("text"), str) else None
        return DoseStep(
            start=start, amount=amount, unit=unit, times_per_day=per_day, comment=comment
        )

    def _how(self, res: dict[str, Any], dosage: dict[str, Any]) -> dict[str, Any]:
        """Form, route and dose basis where the statement carries them (flarewise's export)."""
        out: dict[str, Any] = {}
        form = _code(res.get("medicationCodeableConcept"), FLAREWISE_FORM)
        if form is not None and form in self.vocab.forms:
            out["form"] = form
        route = _code(dosage.get("route"), FLAREWISE_ROUTE)
        if route in ROUTES:
            out["route"] = route
        for ext in dosage.get("extension") or []:
            if ext.get("url") == FLAREWISE_BASIS and ext.get("valueCode") in BASES:
                out["basis"] = ext["valueCode"]
        return out

    def _intake(
        self, batch: ImportBatch, label: str, res: dict[str, Any], substance: str, suffix: str = ""
    ) -> None:
        """A MedicationStatement at one time: a dose taken (or, ``not-taken``, skipped)."""
        at = _when(res.get("effectiveDateTime"))
        if at is None:
            batch.problem(label, "effectiveDateTime", "not a date; the dose was not imported")
            return
        dosage = (res.get("dosage") or [{}])[0]
        dose = ((dosage.get("doseAndRate") or [{}])[0].get("doseQuantity")) or {}
        amount = dose.get("value") if isinstance(dose.get("value"), int | float) else None
        unit = dose.get("code") or dose.get("unit") if amount is not None else None
        status = "skipped" if res["status"] == "not-taken" else "taken"
        if status == "taken" and amount is None:
            status = "taken_dose_unknown"
        batch.add(
            Intake(
                at=at,
                substance=substance,
                status=status,
                amount=float(amount) if amount is not None and status != "skipped" else None,
                unit=str(unit) if unit and status != "skipped" else None,
                comment=_note(res),
                source=SOURCE,
                source_key=f"med:{res.get('id') or label}{suffix}",
                **self._how(res, dosage),
            )
        )

    def _condition(self, batch: ImportBatch, label: str, res: dict[str, Any]) -> None:
        names = [
            re.sub(r"\s*\((disorder|finding|situation)\)\s*$", "", n)
            for n in _text(res.get("code"))
        ]
        coded = _code(res.get("code"), FLAREWISE_CONDITION)
        found = (
            coded
            if coded is not None and coded in self.vocab.conditions
            else self._match(names, lambda text: self.vocab.resolve("condition", text))
        )
        if found is None:
            batch.problem(
                label,
                "code",
                f"{(names or ['(no name)'])[0]!r} is not a condition "
                "flarewise tracks; not added to the profile",
            )
            return
        since = _when(res.get("onsetDateTime"))
        until = _when(res.get("abatementDateTime"))
        batch.conditions.append(
            Condition(
                condition=found,
                since=since.date() if since else None,
                until=until.date() if until else None,
            )
        )
