"""Exporters: tidy CSV (safe in spreadsheets, intake states kept apart) and the FHIR R4 Bundle
(valid FHIR, and flarewise's importer reads it back without loss)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flarewise import (
    Condition,
    DoseStep,
    Intake,
    Journal,
    LabResult,
    Measurement,
    Regimen,
    SymptomCheckin,
    open_journal,
)
from flarewise.domain.entries import EntryBase
from flarewise.exporters import COLUMNS, fhir_bundle, neutralise, tidy_row, write_tidy_csv

from .strategies import V, entries, instants, scores, text


def _read(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("bad", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_neutralised(bad: str) -> None:
    assert neutralise(bad) == "'" + bad
    assert neutralise("fine = ok") == "fine = ok"


def test_intake_states_stay_apart_in_csv(t0) -> None:  # type: ignore[no-untyped-def]
    rows = [
        Intake(at=t0, substance="magnesium", amount=300, unit="mg"),
        Intake(at=t0, substance="magnesium", status="taken_dose_unknown"),
        Intake(at=t0, substance="magnesium", status="skipped"),
    ]
    out = io.StringIO()
    assert write_tidy_csv(rows, out) == 3
    got = _read(out.getvalue())
    assert [(r["status"], r["value"], r["unit"]) for r in got] == [
        ("taken", "300.0", "mg"),
        ("taken_dose_unknown", "", ""),
        ("skipped", "", ""),
    ]
    assert got[0]["date"] == "2025-03-01" and got[0]["utc_offset"] == "UTC+01:00"


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(entries, min_size=1, max_size=8))
def test_tidy_csv_round_trip(items: list[EntryBase]) -> None:
    """Every entry is one row; parsing the CSV gives back its id, kind, time and number, and no
    text cell a spreadsheet would run as a formula."""
    out = io.StringIO()
    write_tidy_csv(items, out)
    rows = _read(out.getvalue())
    assert list(rows[0]) == list(COLUMNS) if rows else True
    assert len(rows) == len(items)
    for e, row in zip(items, rows, strict=True):
        assert row["id"] == e.id and row["kind"] == e.kind
        assert row["date"] == str(e.local_date)
        value = tidy_row(e)[6]
        assert row["value"] == ("" if value == "" else str(value))
        for cell in row.values():
            assert (
                not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                or cell.lstrip("-").replace(".", "", 1).replace("e", "", 1).isdigit()
            )
        if row["details"]:
            details = json.loads(row["details"].removeprefix("'"))
            assert isinstance(details, dict)


def test_fhir_bundle_validates_as_fhir(journal: Journal, tmp_path: Path) -> None:
    resources = pytest.importorskip("fhir.resources.R4B.bundle")
    journal.write_demo(days=60)
    path = tmp_path / "bundle.fhir.json"
    n = journal.export_fhir(path)
    doc = json.loads(path.read_text())
    assert n == len(doc["entry"]) > 100
    bundle = resources.Bundle.model_validate(doc)
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Observation", "MedicationStatement", "Condition"} <= kinds


labs = st.builds(
    lambda at, loinc_unit, v, lo, flag, c: LabResult(
        at=at,
        loinc=loinc_unit[0],
        value=v,
        unit=loinc_unit[1],
        ref_low=lo,
        ref_high=lo + 10,
        flag=flag,
        comment=c,
    ),
    instants,
    st.sampled_from(
        [("1988-5", "mg/L"), ("62292-8", "ng/mL"), ("2132-9", "pg/mL"), ("2276-4", "ng/mL")]
    ),
    st.floats(min_value=0, max_value=500, allow_nan=False),
    st.floats(min_value=0, max_value=50, allow_nan=False),
    st.none() | st.sampled_from(["L", "H", "N", "A"]),
    st.none() | text,
)
measures = st.builds(
    lambda at, mu, v: Measurement(at=at, metric=mu[0], value=v, unit=mu[1]),
    instants,
    st.sampled_from(
        [("heart_rate", "/min"), ("body_mass", "kg"), ("steps", "count"), ("hrv_sdnn", "ms")]
    ),
    # plausible for all four (knowledge/data/plausibility.yaml: a heart rate is at least 10/min)
    st.floats(min_value=10, max_value=300, allow_nan=False),
)
checkins = st.builds(
    lambda at, s: SymptomCheckin(at=at, scores=s),
    instants,
    st.dictionaries(st.sampled_from(sorted(V.ids("symptom"))), scores, min_size=1, max_size=4),
)
intakes = st.builds(
    lambda at, status, amount, form: Intake(
        at=at,
        substance="magnesium",
        form=form,
        status=status,
        amount=amount if status == "taken" else None,
        unit="mg" if status == "taken" else None,
        basis="elemental" if status == "taken" else None,
    ),
    instants,
    st.sampled_from(["taken", "taken_dose_unknown", "skipped"]),
    st.floats(min_value=1, max_value=900, allow_nan=False),
    st.none() | st.just("magnesium_glycinate"),
)
regimens = st.builds(
    lambda start, amount, per_day, stop, later: Regimen(
        substance="duloxetine",
        steps=[DoseStep(start=start, amount=amount, unit="mg", times_per_day=per_day)]
        + [  # a dose change (issue 14: it must come back as one medicine with two steps)
            DoseStep(start=start + timedelta(days=d), amount=amount * 2, unit="mg") for d in later
        ],
        stop=None if stop is None else start + timedelta(days=stop + max(later, default=0)),
    ),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 1, 1)),
    st.floats(min_value=1, max_value=120, allow_nan=False),
    st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.25]),
    st.none() | st.integers(min_value=0, max_value=300),
    st.lists(st.integers(min_value=1, max_value=200), max_size=2, unique=True).map(sorted),
)


def _key(e: EntryBase) -> object:
    if isinstance(e, LabResult):
        return ("lab", e.at, e.loinc, e.value, e.unit, e.ref_low, e.ref_high, e.flag, e.comment)
    if isinstance(e, Measurement):
        return ("m", e.at, e.metric, e.value, e.unit)
    if isinstance(e, Intake):
        return ("i", e.at, e.substance, e.form, e.status, e.amount, e.unit, e.basis, e.route)
    raise AssertionError(e)


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    deadline=None,
)
@given(
    st.lists(st.one_of(labs, measures, checkins, intakes), max_size=10),
    st.lists(regimens, max_size=3),
    st.lists(st.sampled_from(sorted(V.ids("condition"))), max_size=3, unique=True),
)
def test_fhir_round_trip_is_lossless(
    tmp_path_factory: pytest.TempPathFactory,
    items: list[EntryBase],
    meds: list[Regimen],
    conditions: list[str],
) -> None:
    folder = tmp_path_factory.mktemp("fhir")
    doc = fhir_bundle(items, meds, [Condition(condition=c) for c in conditions])
    path = folder / "bundle.json"
    path.write_text(json.dumps(doc))
    j = open_journal(f"sqlite:///{folder / 'j.db'}")
    report = j.import_file(path)
    assert report.problems == (), report.problems
    back = j.entries()
    assert sorted(
        map(repr, map(_key, (e for e in back if not isinstance(e, SymptomCheckin))))
    ) == sorted(map(repr, map(_key, (e for e in items if not isinstance(e, SymptomCheckin)))))
    scores_in = sorted(
        (e.at, k, v) for e in items if isinstance(e, SymptomCheckin) for k, v in e.scores.items()
    )
    scores_out = sorted(
        (e.at, k, v) for e in back if isinstance(e, SymptomCheckin) for k, v in e.scores.items()
    )
    assert scores_out == scores_in
    got = sorted(repr((r.substance, r.steps, r.stop, r.as_needed)) for r in j.regimens())
    assert got == sorted(repr((r.substance, r.steps, r.stop, r.as_needed)) for r in meds)
    assert sorted(c.condition for c in j.profile().conditions) == sorted(conditions)
    assert j.import_file(path).entries_added == 0
