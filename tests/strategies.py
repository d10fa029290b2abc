"""Hypothesis strategies for valid journal content (ids drawn from the real vocabulary)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from flarewise import (
    Activity,
    Assessment,
    Condition,
    CustomValue,
    DoseStep,
    FoodPortion,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Note,
    Profile,
    Regimen,
    Sleep,
    SymptomCheckin,
    Therapy,
    Trackable,
)
from flarewise.domain.body import BodySite
from flarewise.domain.entries import EntryBase
from flarewise.knowledge import load_vocabulary

V = load_vocabulary()
TRACKABLE = Trackable(id="cold_hands", name="Cold hands")

offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
instants = st.builds(
    lambda seconds, micro, tz: (
        datetime(2015, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=micro)
    ).astimezone(tz),
    st.integers(min_value=0, max_value=10 * 365 * 86400),
    st.integers(min_value=0, max_value=999_999),
    offsets,
)
scores = st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda x: round(x, 2))
text = (
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
comments = st.none() | text
amounts = st.floats(min_value=0.001, max_value=1e6, allow_nan=False, allow_infinity=False)


def _pick(ids: frozenset[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(ids))


def _intake(at: datetime, status: str, amount: float, comment: str | None) -> Intake:
    if status == "taken_dose_unknown":
        return Intake(at=at, substance="duloxetine", status=status, comment=comment)
    return Intake(
        at=at,
        substance="magnesium",
        form="magnesium_citrate",
        status=status,
        amount=amount,
        unit="mg",
        basis="compound",
        comment=comment,
    )


def _sleep(at: datetime, minutes: int, quality: float | None) -> Sleep:
    return Sleep(
        at=at, bed_at=at - timedelta(minutes=minutes), quality=quality, asleep_minutes=minutes * 0.9
    )


def _event(at: datetime, event: str, severity: float | None) -> LifeEvent:
    details = [d.id for d in V.events[event].details]
    return LifeEvent(at=at, event=event, detail=details[0] if details else None, severity=severity)


entries: st.SearchStrategy[EntryBase] = st.one_of(
    st.builds(
        lambda at, s, sites, c: SymptomCheckin(at=at, scores=s, pain_sites=sites, comment=c),
        instants,
        st.dictionaries(_pick(V.ids("symptom")), scores, min_size=1, max_size=5),
        st.lists(st.sampled_from(list(BodySite)), max_size=19),
        comments,
    ),
    st.builds(
        _intake,
        instants,
        st.sampled_from(["taken", "skipped", "taken_dose_unknown"]),
        amounts,
        comments,
    ),
    st.builds(
        lambda at, a, m: Activity(at=at, activity=a, minutes=m),
        instants,
        _pick(V.ids("activity")),
        st.integers(min_value=1, max_value=600),
    ),
    st.builds(_sleep, instants, st.integers(min_value=1, max_value=900), st.none() | scores),
    st.builds(
        lambda at, p, m: MindBody(at=at, practice=p, minutes=m),
        instants,
        _pick(V.ids("practice")),
        st.integers(min_value=1, max_value=120),
    ),
    st.builds(
        lambda at, fs: Meal(at=at, foods=[FoodPortion(food=f) for f in fs]),
        instants,
        st.lists(_pick(V.ids("food")), min_size=1, max_size=5),
    ),
    st.builds(lambda at, t: Therapy(at=at, therapy=t), instants, _pick(V.ids("therapy"))),
    st.builds(_event, instants, _pick(V.ids("event")), st.none() | scores),
    st.builds(lambda at, t: Note(at=at, text=t), instants, text),
    st.builds(
        lambda at, v: LabResult(at=at, loinc="1988-5", value=v, unit="mg/dL", ref_high=0.5),
        instants,
        st.floats(min_value=0, max_value=50, allow_nan=False),
    ),
    st.builds(
        lambda at, v: CustomValue(at=at, trackable=TRACKABLE.id, value=v),
        instants,
        st.integers(min_value=0, max_value=10),
    ),
    st.builds(
        lambda at, v: Assessment(at=at, instrument="pgic", answers={"pgic": v}),
        instants,
        st.integers(min_value=1, max_value=7),
    ),
    st.builds(
        lambda at, v: Measurement(at=at, metric="steps", value=v, unit="count"),
        instants,
        st.integers(min_value=0, max_value=50_000),
    ),
)

regimens = st.builds(
    lambda start, a, b, stop: Regimen(
        substance="duloxetine",
        steps=[
            DoseStep(start=start, amount=a, unit="mg"),
            DoseStep(start=start + timedelta(days=30), amount=b, unit="mg"),
        ],
        stop=None if stop is None else start + timedelta(days=30 + stop),
    ),
    st.dates(min_value=date(2010, 1, 1), max_value=date(2025, 1, 1)),
    amounts,
    amounts,
    st.none() | st.integers(min_value=0, max_value=400),
)

profiles = st.builds(
    lambda year, sex, conds: Profile(
        birth_year=year, sex=sex, conditions=[Condition(condition=c) for c in conds]
    ),
    st.none() | st.integers(min_value=1920, max_value=2010),
    st.none() | st.sampled_from(["female", "male", "intersex", "unspecified"]),
    st.lists(_pick(V.ids("condition")), max_size=4, unique=True),
)
