"""Flaredown CSV, both formats, from hand-written fixtures (tests/fixtures/flaredown/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flarewise import FlarewiseError, Journal
from flarewise.domain.entries import CustomValue, Intake, Meal, SymptomCheckin
from flarewise.importers import parse_dose

FIX = Path(__file__).parent / "fixtures" / "flaredown"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8.0 mg", (8.0, "mg")),
        ("3 x 5mg", (15.0, "mg")),
        ("500mg x2", (1000.0, "mg")),
        ("1,5 g", (1.5, "g")),
        ("2 spoons", None),
        ("", None),
        ("some", None),
    ],
)
def test_free_text_doses(text: str, expected: tuple[float, str] | None) -> None:
    assert parse_dose(text) == expected


def test_long_research_export(journal: Journal) -> None:
    path = FIX / "long-one-person.csv"
    report = journal.import_file(path)
    assert report.format == "flaredown-long" and report.records == 20
    entries = journal.entries()
    checkins = [e for e in entries if isinstance(e, SymptomCheckin)]
    fatigue = sorted(
        (str(e.local_date), e.scores["fatigue"]) for e in checkins if "fatigue" in e.scores
    )
    assert fatigue == [("2017-05-01", 5.0), ("2017-05-02", 10.0)]  # 2/4 and 4/4 rescaled
    assert all("rescaled" in (e.comment or "") for e in checkins)
    intakes = {e.substance: e for e in entries if isinstance(e, Intake)}
    assert (intakes["amitriptyline"].amount, intakes["amitriptyline"].unit) == (10.0, "mg")
    assert intakes["naltrexone"].amount == pytest.approx(4.5)
    assert intakes["magnesium"].status == "taken_dose_unknown"
    custom = {e.trackable: e.value for e in entries if isinstance(e, CustomValue)}
    names = {t.id: t.name for t in journal.trackables()}
    assert custom["fd_condition_fibromyalgia"] == 3
    assert names["fd_condition_fibromyalgia"] == "Flaredown condition: Fibromyalgia"
    assert custom["fd_symptom_pain_in_joints_feet"] == 2  # quoted name with a comma, once
    assert custom["fd_tag_didn_t_sleep"] == 1
    assert custom["fd_weather_rain"] == 1 and custom["fd_weather_temperature_max"] == 54.0
    assert custom["fd_hbi_general_wellbeing"] == 2
    assert any("Kopfschmerzen über dem Auge" in n for n in names.values())
    assert [m.foods[0].food for m in entries if isinstance(m, Meal)] == ["coffee"]
    assert custom["fd_food_gluten"] == 1
    assert [c.condition for c in journal.profile().conditions] == ["fibromyalgia"]
    reasons = {p.record: p.reason for p in report.problems}
    assert "outside Flaredown's 0-4" in reasons["line 20"]
    assert "not a date" in reasons["line 21"]
    assert "Mystery tonic" in " ".join(reasons.values())
    again = journal.import_file(path)
    assert again.entries_added == 0


def test_a_research_export_of_several_people_needs_a_choice(journal: Journal) -> None:
    path = FIX / "long-two-people.csv"
    with pytest.raises(FlarewiseError, match=r"more than one person.*--user"):
        journal.import_file(path)
    assert journal.count() == 0
    report = journal.import_file(path, flaredown_user="QEVuQwEAfirst==")
    assert report.entries_added == 2


def test_wide_in_app_export_with_weather(journal: Journal) -> None:
    report = journal.import_file(FIX / "wide-with-weather.csv")
    assert report.format == "flaredown-wide"
    entries = journal.entries()
    headache = sorted(
        e.scores["headache"]
        for e in entries
        if isinstance(e, SymptomCheckin) and "headache" in e.scores
    )
    assert headache == [0.0, 2.5, 5.0]  # both "Headache" columns kept
    doses = sorted(
        (str(e.local_date), e.substance, e.amount) for e in entries if isinstance(e, Intake)
    )
    assert doses == [
        ("2021-03-01", "amitriptyline", 10.0),
        ("2021-03-02", "amitriptyline", 10.0),
        ("2021-03-02", "magnesium", 200.0),
    ]
    custom = {
        (str(e.local_date), e.trackable): e.value for e in entries if isinstance(e, CustomValue)
    }
    assert custom[("2021-03-01", "fd_tag_stress")] == 1
    assert custom[("2021-03-01", "fd_weather_humidity")] == 0.81
    assert custom[("2021-03-02", "fd_weather_clear_day")] == 1
    empty = [p for p in report.problems if "empty treatment cells" in p.record]
    assert empty and "will not guess" in empty[0].reason
    assert journal.import_file(FIX / "wide-with-weather.csv").entries_added == 0


def test_wide_export_without_weather(journal: Journal) -> None:
    report = journal.import_file(FIX / "wide-without-weather.csv")
    assert report.entries_added == 7
    assert not any("weather" in t.id for t in journal.trackables())
