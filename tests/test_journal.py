"""The journal on SQLite and PostgreSQL: record, read, correct, delete every kind; bad input
leaves stored data untouched; imports are idempotent; daily views follow local dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from flarewise import (
    Conflict,
    CustomValue,
    DoseStep,
    Intake,
    InvalidInput,
    Journal,
    LabResult,
    NotFound,
    Profile,
    Regimen,
    SymptomCheckin,
    Trackable,
    UnknownTerm,
)
from flarewise.domain import ENTRY_KINDS

from .samples import ACR2016_MET, fill, one_of_each


def test_record_and_read_every_kind(journal: Journal, t0: datetime) -> None:
    stored = fill(journal, t0)
    assert journal.count() == len(stored)
    back = {e.id: e for e in journal.entries()}
    for e in stored:
        assert back[e.id] == e
        assert journal.get(e.id) == e
    assert {e.kind for e in back.values()} == set(ENTRY_KINDS)  # type: ignore[attr-defined]
    assert [e.kind for e in journal.entries(kinds=["intake"])] == ["intake"] * 3  # type: ignore[attr-defined]


def test_correct_and_delete_every_kind(journal: Journal, t0: datetime) -> None:
    stored = fill(journal, t0)
    for e in stored:
        corrected = journal.correct(e.id, comment="corrected")
        assert journal.get(e.id) == corrected
        assert corrected.comment == "corrected"
    for e in stored:
        journal.delete(e.id)
        with pytest.raises(NotFound):
            journal.get(e.id)
    assert journal.count() == 0
    assert journal.daily_summaries(t0.date(), t0.date()) == []


def test_correction_updates_derived_values(journal: Journal, t0: datetime) -> None:
    e = journal.add(SymptomCheckin(at=t0, scores={"pain": 6}))
    journal.correct(e.id, scores={"pain": 3})
    [day] = journal.daily_summaries(t0.date(), t0.date())
    assert day.mean("symptom:pain") == 3


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda t: SymptomCheckin(at=t, scores={"headache_x": 3}), "not a known symptom"),
        (
            lambda t: Intake(at=t, substance="magnesum", amount=200, unit="mg"),
            "Did you mean 'magnesium'",
        ),
        (
            lambda t: Intake(at=t, substance="vitamin_d", amount=5, unit="billion CFU"),
            "does not fit Vitamin D",
        ),
        (
            lambda t: Intake(at=t, substance="probiotic", amount=200, unit="mg"),
            "does not fit Probiotic",
        ),
        (
            lambda t: Intake(
                at=t, substance="magnesium", form="cholecalciferol", amount=2, unit="mg"
            ),
            "form of vitamin_d",
        ),
        (
            lambda t: Intake(at=t, substance="magnesium", amount=900, unit="mg", basis="compound"),
            "known elemental content",
        ),
        (lambda t: LabResult(at=t, loinc="1988-5", value=3, unit="ng/mL"), "not a unit for CRP"),
        (lambda t: LabResult(at=t, loinc="99999-5", value=3, unit="mg/L"), "not a known analyte"),
        (lambda t: CustomValue(at=t, trackable="nope", value=1), "define it first"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    journal: Journal, t0: datetime, make, needle: str
) -> None:  # type: ignore[no-untyped-def]
    before = fill(journal, t0)
    with pytest.raises(InvalidInput, match=needle):
        journal.add(make(t0))
    assert sorted(e.id for e in journal.entries()) == sorted(e.id for e in before)


def test_add_many_is_all_or_nothing(journal: Journal, t0: datetime) -> None:
    good = [SymptomCheckin(at=t0 - timedelta(days=i), scores={"pain": 4}) for i in range(10)]
    bad = Intake(at=t0, substance="not_a_thing", amount=1, unit="mg")
    with pytest.raises(UnknownTerm) as info:
        journal.add_many([*good, bad])
    assert info.value.field == "entries[10].substance"
    assert journal.count() == 0
    assert journal.add_many(good) == 10


def test_source_keys_make_imports_idempotent(journal: Journal, t0: datetime) -> None:
    batch = [
        SymptomCheckin(
            at=t0 - timedelta(days=i),
            scores={"pain": i % 10},
            source="test-import",
            source_key=f"row-{i}",
        )
        for i in range(50)
    ]
    assert journal.add_many(batch) == 50
    assert journal.add_many(batch) == 0
    assert journal.add_many(batch + batch) == 0
    # an overlapping export: 20 old rows and 5 new ones
    more = [
        SymptomCheckin(at=t0, scores={"pain": 1}, source="test-import", source_key=f"row-{i}")
        for i in range(30, 55)
    ]
    assert journal.add_many(more) == 5
    assert journal.count() == 55
    with pytest.raises(Conflict):
        journal.add(batch[0])


def test_daily_summaries(journal: Journal, t0: datetime) -> None:
    journal.add(SymptomCheckin(at=t0, scores={"pain": 6}))
    journal.add(SymptomCheckin(at=t0 + timedelta(hours=10), scores={"pain": 4}))
    journal.add(Intake(at=t0, substance="magnesium", amount=150, unit="mg"))
    journal.add(Intake(at=t0 + timedelta(hours=1), substance="magnesium", amount=0.1, unit="g"))
    journal.add(Intake(at=t0, substance="vitamin_d", amount=25, unit="mcg"))
    journal.add(
        Intake(
            at=t0,
            substance="magnesium",
            form="magnesium_oxide",
            amount=500,
            unit="mg",
            basis="compound",
        )
    )
    journal.add(Intake(at=t0, substance="duloxetine", status="skipped"))
    [day] = journal.daily_summaries(t0.date(), t0.date())
    assert day.entries == 7
    pain = day.measures["symptom:pain"]
    assert (pain.n, pain.mean, pain.minimum, pain.maximum) == (2, 5.0, 4.0, 6.0)
    # 150 mg + 100 mg + 60.3 % of 500 mg magnesium oxide, all elemental
    assert day.total("dose:magnesium") == pytest.approx(150 + 100 + 500 * 24.305 / 40.30, rel=1e-4)
    assert day.total("dose:vitamin_d") == pytest.approx(1000)  # 25 mcg = 1000 IU
    assert day.total("intake:magnesium") == 3
    assert day.total("skipped:duloxetine") == 1
    with pytest.raises(InvalidInput):
        journal.daily_summaries(t0.date(), t0.date() - timedelta(days=1))


def test_daily_grouping_follows_local_dates_across_dst_and_travel(journal: Journal) -> None:
    london_winter = timezone(timedelta(hours=0))
    london_summer = timezone(timedelta(hours=1))
    tokyo = timezone(timedelta(hours=9))
    # 00:30 on 30 March after the clocks went forward: 23:30 UTC on 29 March
    journal.add(
        SymptomCheckin(at=datetime(2025, 3, 30, 0, 30, tzinfo=london_winter), scores={"pain": 2})
    )
    journal.add(
        SymptomCheckin(at=datetime(2025, 3, 30, 23, 30, tzinfo=london_summer), scores={"pain": 4})
    )
    # in Tokyo at 07:00 on 31 March, still 30 March in UTC
    journal.add(SymptomCheckin(at=datetime(2025, 3, 31, 7, 0, tzinfo=tokyo), scores={"pain": 8}))
    days = {
        d.day: d.mean("symptom:pain")
        for d in journal.daily_summaries(date(2025, 3, 29), date(2025, 4, 1))
    }
    assert days == {date(2025, 3, 30): 3.0, date(2025, 3, 31): 8.0}
    assert [e.at.utcoffset() for e in journal.day(date(2025, 3, 31))] == [timedelta(hours=9)]


def test_find_id_by_prefix(journal: Journal, t0: datetime) -> None:
    e = journal.add(SymptomCheckin(at=t0, scores={"pain": 6}))
    assert journal.find_id(e.id[:8]) == e.id
    with pytest.raises(NotFound):
        journal.find_id("zzzzzzzz")


def test_regimens_with_dose_changes(journal: Journal) -> None:
    r = journal.add_regimen(
        Regimen(
            substance="duloxetine", steps=[DoseStep(start=date(2025, 1, 1), amount=30, unit="mg")]
        )
    )
    journal.change_dose(r.id, DoseStep(start=date(2025, 2, 15), amount=60, unit="mg"))
    journal.stop_regimen(r.id, date(2025, 9, 1))
    back = journal.regimen(r.id)
    assert [s.amount for s in back.steps] == [30, 60]
    assert back.stop == date(2025, 9, 1)
    assert journal.regimens(active_on=date(2025, 10, 1)) == []
    assert journal.regimens(active_on=date(2025, 3, 1)) == [back]
    with pytest.raises(InvalidInput, match="does not fit"):
        journal.add_regimen(
            Regimen(
                substance="probiotic", steps=[DoseStep(start=date(2025, 1, 1), amount=3, unit="mg")]
            )
        )
    with pytest.raises(InvalidInput, match="before the start"):
        journal.stop_regimen(r.id, date(2024, 1, 1))
    with pytest.raises(Conflict):
        journal.add_regimen(back)
    journal.delete_regimen(r.id)
    with pytest.raises(NotFound):
        journal.regimen(r.id)


def test_profile(journal: Journal) -> None:
    assert journal.profile() == Profile()
    p = journal.update_profile(
        birth_year=1980,
        sex="female",
        timezone="Europe/Paris",
        conditions=[{"condition": "chronic_kidney_disease"}],
        clinical_findings=["joint_swelling"],
    )
    assert journal.profile() == p
    assert journal.profile().has_condition("chronic_kidney_disease")
    with pytest.raises(InvalidInput, match="not a known condition"):
        journal.update_profile(conditions=[{"condition": "kidney_trouble_x"}])
    assert journal.profile() == p
    assert str(journal.timezone()) == "Europe/Paris"


def test_trackables(journal: Journal, t0: datetime) -> None:
    journal.define_trackable(Trackable(id="hot_flushes", name="Hot flushes", value_type="count"))
    journal.add(CustomValue(at=t0, trackable="hot_flushes", value=3))
    with pytest.raises(InvalidInput, match="whole numbers"):
        journal.add(CustomValue(at=t0, trackable="hot_flushes", value=2.5))
    with pytest.raises(Conflict, match="delete them first"):
        journal.delete_trackable("hot_flushes")
    assert [t.id for t in journal.trackables()] == ["hot_flushes"]


def test_journal_survives_reopening(db_url: str, t0: datetime) -> None:
    from flarewise import open_journal

    with open_journal(db_url, "bob") as j:
        stored = [j.add(e) for e in one_of_each(t0) if e.kind != "custom"]  # type: ignore[attr-defined]
    with open_journal(db_url, "bob", create=False) as j:
        assert sorted(e.id for e in j.entries()) == sorted(e.id for e in stored)
    with pytest.raises(NotFound):
        open_journal(db_url, "nobody", create=False)


def test_bad_person_handle(db_url: str) -> None:
    from flarewise import open_journal

    with pytest.raises(InvalidInput, match="not a usable name"):
        open_journal(db_url, "../etc/passwd")


def test_daily_aggregates_stay_equal_to_a_full_recompute(journal: Journal, t0: datetime) -> None:
    """Adds, corrections that move entries between days, and deletes keep the per-day
    aggregate table equal to what the entries themselves say."""
    from collections import defaultdict

    from flarewise.knowledge import measures_of

    stored = fill(journal, t0)
    more = journal.add_many(
        [
            SymptomCheckin(at=t0 + timedelta(hours=h), scores={"pain": h % 11})
            for h in range(0, 72, 5)
        ]
    )
    assert more == 15
    journal.correct(stored[0].id, at=t0 - timedelta(days=2))  # moves to another day
    journal.correct(stored[1].id, amount=350)
    journal.delete(stored[4].id)
    journal.delete(journal.entries()[-1].id)

    expected: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for e in journal.entries():
        for measure, value in measures_of(e, journal.vocabulary):
            expected[e.local_date][measure].append(value)
    got = journal.daily_summaries(t0.date() - timedelta(days=5), t0.date() + timedelta(days=5))
    assert {d.day for d in got} == {e.local_date for e in journal.entries()}
    for d in got:
        assert set(d.measures) == set(expected[d.day])
        for measure, stats in d.measures.items():
            values = expected[d.day][measure]
            assert stats.n == len(values)
            assert stats.total == pytest.approx(sum(values))
            assert (stats.minimum, stats.maximum) == (min(values), max(values))


def test_assessments_are_scored_from_their_answers(journal: Journal, t0: datetime) -> None:
    from flarewise import Assessment

    entry, result = journal.assess("acr2016", dict(ACR2016_MET), at=t0)
    assert result.met is True and entry.met is True and entry.scores["psd"] == 13
    # typed-in scores are never trusted: they are recomputed from the answers
    forged = journal.add(
        Assessment(
            at=t0,
            instrument="fiqr",
            answers={"pain": 2, "brush_hair": 1, "prevented_goals": 0},
            scores={"total": 99.0},
        )
    )
    assert forged.scores["total"] == pytest.approx(1 * 9 / 3 + 0 + 2 * 10 / 2)
    with pytest.raises(InvalidInput) as info:
        journal.add(Assessment(at=t0, instrument="fiqr", answers={"pain": 12}))
    assert info.value.field == "answers.pain"
    history = journal.assessments("acr2016")
    assert [r.met for _, r in history] == [True]
    [day] = journal.daily_summaries(t0.date(), t0.date())
    assert day.mean("acr2016:psd") == 13 and day.mean("fiqr:total") == pytest.approx(13.0)


def test_doses_to_offer_yesterdays_and_todays_regimen(journal: Journal, t0) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from flarewise import DoseStep, Intake, Regimen

    day = t0.date()
    journal.add(Intake(at=t0 - timedelta(days=1), substance="magnesium", amount=300, unit="mg"))
    journal.add(Intake(at=t0 - timedelta(days=1), substance="magnesium", amount=300, unit="mg"))
    journal.add_regimen(
        Regimen(substance="duloxetine", steps=[DoseStep(start=day, amount=60, unit="mg")])
    )
    journal.add(Intake(at=t0, substance="duloxetine", amount=60, unit="mg"))
    offered = journal.doses_to_offer(day)
    assert [(d.substance, d.amount, d.taken_today) for d in offered] == [
        ("magnesium", 300.0, False),
        ("duloxetine", 60.0, True),
    ]
