"""Domain records: shapes, ranges and the refusal of bad input, with the field named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from flarewise import (
    DoseStep,
    Intake,
    InvalidInput,
    LabResult,
    Profile,
    Regimen,
    Sleep,
    SymptomCheckin,
    Trackable,
)
from flarewise.domain.body import EXCLUDED_FROM_REGIONS, SITE_REGION, BodySite, parse_sites
from flarewise.domain.entries import loinc_check_digit_ok
from flarewise.domain.units import convert, parse_unit

from .samples import one_of_each

T = datetime(2025, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=1)))


def test_every_kind_builds(t0: datetime) -> None:
    assert len(one_of_each(t0)) == 15


def test_wpi_sites_match_clinical_rules_a2() -> None:
    # clinical-rules.md A.2: 19 sites with these ids; jaw, chest, abdomen excluded from regions
    assert len(BodySite) == 19
    assert set(SITE_REGION) == set(BodySite)
    assert {s.value for s in EXCLUDED_FROM_REGIONS} == {"jaw_left", "jaw_right", "chest", "abdomen"}
    assert parse_sites("Neck, lower-back,neck") == (BodySite.NECK, BodySite.LOWER_BACK)
    with pytest.raises(ValueError, match="wrist"):
        parse_sites("wrist")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scores": {"pain": 11}}, "scores.pain"),
        ({"scores": {"pain": -1}}, "scores.pain"),
        ({"scores": {"Pain Level": 3}}, "scores.Pain Level"),
        ({"scores": {}}, ""),
        ({"scores": {"pain": float("nan")}}, "scores.pain"),
        ({"scores": {"pain": 3}, "pain_sites": ["wrist"]}, "pain_sites[0]"),
    ],
)
def test_checkin_refuses(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        SymptomCheckin(at=T, **kwargs)
    assert info.value.field == field


def test_intake_states_are_distinct() -> None:
    taken = Intake(at=T, substance="magnesium", amount=200, unit="mg")
    unknown = Intake(at=T, substance="magnesium", status="taken_dose_unknown")
    skipped = Intake(at=T, substance="magnesium", status="skipped")
    assert {taken.status, unknown.status, skipped.status} == {
        "taken",
        "taken_dose_unknown",
        "skipped",
    }
    assert unknown.amount is None


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"amount": -5, "unit": "mg"}, "amount: must be more than 0"),
        ({"amount": 0, "unit": "mg"}, "amount"),
        ({"amount": 200, "unit": "furlong"}, "unit: 'furlong' is not a dose unit"),
        ({"amount": 200}, "needs a unit"),
        ({}, "a taken dose needs an amount"),
        ({"status": "taken_dose_unknown", "amount": 3, "unit": "mg"}, "cannot carry an amount"),
    ],
)
def test_intake_refuses(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        Intake(at=T, substance="magnesium", **kwargs)


def test_times_must_be_aware_plausible_and_past() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        SymptomCheckin(at=datetime(2025, 3, 1, 8), scores={"pain": 3})
    with pytest.raises(InvalidInput, match="in the future"):
        SymptomCheckin(at=datetime.now(UTC) + timedelta(days=3), scores={"pain": 3})
    with pytest.raises(InvalidInput, match="before 1900"):
        SymptomCheckin(at=datetime(1850, 1, 1, tzinfo=UTC), scores={"pain": 3})
    # within a day ahead is allowed: a person east of the server's clock
    SymptomCheckin(at=datetime.now(UTC) + timedelta(hours=12), scores={"pain": 3})


def test_local_date_is_the_date_in_the_recorded_offset() -> None:
    # 23:30 in New York on 1 March is 04:30 UTC on 2 March; the person lived it on 1 March
    ny = timezone(timedelta(hours=-5))
    e = SymptomCheckin(at=datetime(2025, 3, 1, 23, 30, tzinfo=ny), scores={"pain": 3})
    assert e.local_date == date(2025, 3, 1)
    assert e.at.utcoffset() == timedelta(hours=-5)


def test_sleep_checks_order_and_span() -> None:
    with pytest.raises(InvalidInput, match="after the bed time"):
        Sleep(at=T, bed_at=T + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="24 hours"):
        Sleep(at=T, bed_at=T - timedelta(hours=30))
    with pytest.raises(InvalidInput, match="longer than the time in bed"):
        Sleep(at=T, bed_at=T - timedelta(hours=7), asleep_minutes=500)
    s = Sleep(at=T, bed_at=T - timedelta(hours=8))
    assert s.sleep_minutes == 480


def test_sleep_across_spring_forward_counts_elapsed_time() -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")  # clocks went forward at 01:00 on 2025-03-30
    bed = datetime(2025, 3, 29, 23, 0, tzinfo=london)
    wake = datetime(2025, 3, 30, 7, 0, tzinfo=london)
    s = Sleep(at=wake, bed_at=bed)
    assert s.in_bed_minutes == 7 * 60
    assert s.local_date == date(2025, 3, 30)


def test_lab_result_rules() -> None:
    with pytest.raises(InvalidInput, match="not a valid LOINC"):
        LabResult(at=T, loinc="62292-7", value=3, unit="ng/mL")
    with pytest.raises(InvalidInput, match="needs a value"):
        LabResult(at=T, loinc="62292-8")
    with pytest.raises(InvalidInput, match="needs its unit"):
        LabResult(at=T, loinc="62292-8", value=3)
    with pytest.raises(InvalidInput, match="low end is above"):
        LabResult(at=T, loinc="62292-8", value=3, unit="ng/mL", ref_low=50, ref_high=30)
    titre = LabResult(at=T, loinc="5048-4", value_text="1:160", unit="{titer}")
    assert titre.value is None


@pytest.mark.parametrize("code", ["62292-8", "1988-5", "30522-7", "2157-6", "26881-3", "718-7"])
def test_loinc_check_digit_accepts_real_codes(code: str) -> None:
    assert loinc_check_digit_ok(code)


@pytest.mark.parametrize("code", ["62292-9", "1988", "abc-1", "12345678-0", "1988-55"])
def test_loinc_check_digit_refuses(code: str) -> None:
    assert not loinc_check_digit_ok(code)


def test_units() -> None:
    assert parse_unit("µg").code == "mcg"
    assert parse_unit("Billion CFU").code == "billion CFU"
    assert convert(1, "g", "mg") == 1000
    with pytest.raises(ValueError, match="cannot convert"):
        convert(1, "IU", "mg")


def test_regimen_steps_and_changes() -> None:
    r = Regimen(
        substance="duloxetine", steps=[DoseStep(start=date(2025, 1, 1), amount=30, unit="mg")]
    )
    r2 = r.with_dose_change(DoseStep(start=date(2025, 2, 15), amount=60, unit="mg"))
    assert r2.step_on(date(2025, 2, 14)).amount == 30  # type: ignore[union-attr]
    assert r2.step_on(date(2025, 2, 15)).amount == 60  # type: ignore[union-attr]
    stopped = r2.stopped(date(2025, 6, 1))
    assert stopped.step_on(date(2025, 6, 2)) is None
    assert stopped.active_on(date(2025, 6, 1))
    with pytest.raises(InvalidInput, match="date order"):
        Regimen(
            substance="duloxetine",
            steps=[
                DoseStep(start=date(2025, 2, 1), amount=60, unit="mg"),
                DoseStep(start=date(2025, 1, 1), amount=30, unit="mg"),
            ],
        )
    with pytest.raises(InvalidInput, match="stop date is before"):
        Regimen(
            substance="duloxetine",
            stop=date(2024, 1, 1),
            steps=[DoseStep(start=date(2025, 1, 1), amount=30, unit="mg")],
        )


def test_profile_and_trackable_checks() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        Profile(timezone="Mars/Olympus")
    with pytest.raises(InvalidInput, match="future"):
        Profile(birth_year=date.today().year + 1)
    p = Profile(birth_year=1984)
    assert p.age_on(date(2025, 6, 30)) == 40
    assert p.age_on(date(2025, 7, 1)) == 41
    t = Trackable(id="hot_flushes", name="Hot flushes", value_type="count")
    with pytest.raises(ValueError, match="whole numbers"):
        t.check(1.5)
    with pytest.raises(InvalidInput, match="below maximum"):
        Trackable(id="x", name="x", minimum=5, maximum=1)


def test_replace_revalidates() -> None:
    e = SymptomCheckin(at=T, scores={"pain": 3})
    with pytest.raises(InvalidInput):
        e.replace(scores={"pain": 12})


def test_regimen_spans_give_each_dose_step_its_days() -> None:
    from datetime import date

    from flarewise import DoseStep, Regimen

    r = Regimen(
        substance="duloxetine",
        steps=[
            DoseStep(start=date(2025, 1, 1), amount=30, unit="mg"),
            DoseStep(start=date(2025, 2, 1), amount=60, unit="mg"),
        ],
        stop=date(2025, 6, 30),
    )
    assert [(s.amount, a, b) for s, a, b in r.spans()] == [
        (30.0, date(2025, 1, 1), date(2025, 1, 31)),
        (60.0, date(2025, 2, 1), date(2025, 6, 30)),
    ]
    assert r.replace(stop=None).spans()[-1][2] is None
