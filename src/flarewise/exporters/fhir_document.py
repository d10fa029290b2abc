"""A FHIR R4 ``document`` Bundle of a journal: the collection of :mod:`fhir_bundle` made into
a document a clinic's system can file.

What a document adds (FHIR R4 Bundle rules bdl-9..11, Composition cmp-1/cmp-2): a Composition
first, saying what the document is, whose it is and which resources belong to which section;
a Patient that every Observation, MedicationStatement and Condition names as its ``subject``;
an identifier and a timestamp. Every reference points at a ``urn:uuid:`` entry of the same
Bundle. Sections use the LOINC section codes of the International Patient Summary: problems
(11450-4), medications (10160-0), results (30954-2), vital signs (8716-3), functional status
(47420-5: the instruments, symptom scores and activity), social history (29762-2: pregnancy
and breastfeeding). An empty section carries an ``emptyReason``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flarewise.domain.entries import EntryBase
from flarewise.domain.profile import Condition
from flarewise.domain.regimens import Regimen
from flarewise.domain.trackables import Trackable
from flarewise.exporters.fhir_bundle import LOINC, fhir_bundle, fhir_id

FLAREWISE_PERSON = "urn:flarewise:person"
FLAREWISE_DOCUMENT = "urn:flarewise:document"
#: LOINC 60591-5 "Patient summary Document" (the IPS Composition type).
DOCUMENT_TYPE = {"system": LOINC, "code": "60591-5", "display": "Patient summary Document"}
_EMPTY = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
_XHTML = "http://www.w3.org/1999/xhtml"
#: (key, LOINC code, title) of each section, in the order a reader meets them.
SECTIONS = (
    ("problems", "11450-4", "Problems"),
    ("medications", "10160-0", "Medications and supplements"),
    ("results", "30954-2", "Lab results"),
    ("vital-signs", "8716-3", "Vital signs"),
    ("functional-status", "47420-5", "Assessments, symptom scores and activity"),
    ("social-history", "29762-2", "Social history: pregnancy, breastfeeding, meals, events, notes"),
)
#: The section each resource belongs to: by resource type, and for Observations by category.
_BY_CATEGORY = {
    "laboratory": "results",
    "vital-signs": "vital-signs",
    "survey": "functional-status",
    "activity": "functional-status",
    "social-history": "social-history",
    "therapy": "functional-status",
}
_GENDER = {"female": "female", "male": "male", "intersex": "other", "unspecified": "unknown"}


@dataclass(frozen=True)
class Person:
    """Who the document is about, as far as the profile records it."""

    handle: str
    display_name: str | None = None
    birth_year: int | None = None
    sex: str | None = None


def _patient(person: Person) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Patient",
        "id": fhir_id(f"patient:{person.handle}"),
        "identifier": [{"system": FLAREWISE_PERSON, "value": person.handle}],
    }
    if person.display_name:
        res["name"] = [{"text": person.display_name}]
    if person.sex in _GENDER:
        res["gender"] = _GENDER[person.sex]
    if person.birth_year is not None:
        res["birthDate"] = f"{person.birth_year:04d}"  # a FHIR date may be a year alone
    return res


def _section_of(res: dict[str, Any]) -> str:
    kind = res["resourceType"]
    if kind == "Condition":
        return "problems"
    if kind == "MedicationStatement":
        return "medications"
    codes = [c.get("code") for cat in res.get("category", []) for c in cat.get("coding", [])]
    return next((_BY_CATEGORY[c] for c in codes if c in _BY_CATEGORY), "functional-status")


def _label(res: dict[str, Any]) -> str:
    concept = res.get("code") or res.get("medicationCodeableConcept") or {}
    text = concept.get("text") or res["resourceType"]
    when = (
        res.get("effectiveDateTime")
        or (res.get("effectivePeriod") or {}).get("start")
        or res.get("onsetDateTime")
        or ""
    )
    return f"{text} {str(when)[:10]}".strip()


def _narrative(title: str, items: list[dict[str, Any]]) -> dict[str, str]:
    """A short human-readable summary: the first items by name, then how many in all."""
    shown = "".join(f"<li>{html.escape(_label(r))}</li>" for r in items[:20])
    more = f"<p>{len(items)} entries in all.</p>" if len(items) > 20 else ""
    body = f"<ul>{shown}</ul>{more}" if items else "<p>None recorded.</p>"
    return {
        "status": "generated",
        "div": f'<div xmlns="{_XHTML}"><p>{html.escape(title)}</p>{body}</div>',
    }


def fhir_document(
    entries: Iterable[EntryBase],
    regimens: Iterable[Regimen],
    conditions: Iterable[Condition],
    names: dict[str, str],
    *,
    person: Person,
    timestamp: str,
    populations: Mapping[str, bool | None] | None = None,
    trackables: Mapping[str, Trackable] | None = None,
) -> dict[str, Any]:
    """The document Bundle as a JSON-ready dict (Composition first, then the Patient)."""
    collection = fhir_bundle(
        entries,
        regimens,
        conditions,
        names,
        timestamp=timestamp,
        populations=populations,
        trackables=trackables,
    )
    patient = _patient(person)
    subject = {"reference": f"urn:uuid:{patient['id']}"}
    resources = [e["resource"] for e in collection["entry"]]
    members: dict[str, list[dict[str, Any]]] = {key: [] for key, _, _ in SECTIONS}
    for res in resources:
        res["subject"] = subject
        members[_section_of(res)].append(res)
    sections = []
    for key, code, title in SECTIONS:
        items = members[key]
        section: dict[str, Any] = {
            "title": title,
            "code": {"coding": [{"system": LOINC, "code": code}], "text": title},
            "text": _narrative(title, items),
        }
        if items:
            section["entry"] = [{"reference": f"urn:uuid:{r['id']}"} for r in items]
        else:
            section["emptyReason"] = {"coding": [{"system": _EMPTY, "code": "nilknown"}]}
        sections.append(section)
    doc_key = f"document:{person.handle}:{timestamp}"
    composition = {
        "resourceType": "Composition",
        "id": fhir_id(doc_key),
        "status": "final",
        "type": {"coding": [DOCUMENT_TYPE], "text": "Patient summary"},
        "subject": subject,
        "date": timestamp,
        "author": [subject],
        "title": f"flarewise record of {person.display_name or person.handle}",
        "section": sections,
    }
    entry = [
        {"fullUrl": f"urn:uuid:{r['id']}", "resource": r}
        for r in (composition, patient, *resources)
    ]
    return {
        "resourceType": "Bundle",
        "id": fhir_id(f"bundle:{doc_key}"),
        "identifier": {"system": FLAREWISE_DOCUMENT, "value": fhir_id(doc_key)},
        "type": "document",
        "timestamp": timestamp,
        "entry": entry,
    }
