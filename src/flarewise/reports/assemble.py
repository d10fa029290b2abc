"""Build a :class:`VisitReport` from what the journal knows for a period (pure: no I/O).

The journal gathers the inputs (:class:`ReportInputs`) with its own methods; this module only
selects and summarises, so the same figures reach the PDF, the HTML view and the JSON answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from flarewise.analysis.confirm import reversed_after_adjusting
from flarewise.analysis.trigger_wording import effect_text, notes, when
from flarewise.domain.entries import Assessment, LabResult
from flarewise.domain.profile import Profile
from flarewise.domain.regimens import UNRECOGNISED_NOTE, Regimen
from flarewise.domain.summaries import DaySummary
from flarewise.errors import InvalidInput
from flarewise.instruments import InstrumentResult
from flarewise.knowledge import Vocabulary
from flarewise.reports.model import (
    Alert,
    AssessmentRow,
    Criteria,
    CurrentMedicine,
    ExperimentRow,
    FiqrScore,
    LabRow,
    MedicineChange,
    NotHeldRow,
    Period,
    PlanRow,
    SymptomTrend,
    TrendPoint,
    TriggerRow,
    VisitReport,
)

if TYPE_CHECKING:
    from flarewise.analysis.insights import Trigger
    from flarewise.domain.experiments import Protocol
    from flarewise.experiments import ExperimentResult
    from flarewise.labs import Interpretation
    from flarewise.plan import Plan, Warning

#: The three series of the page-1 figure: (measure, label). Sleep quality is a 0-10 score where
#: higher is better; pain and fatigue are 0-10 where lower is better (design note 3).
TREND_MEASURES = (
    ("symptom:pain", "Pain"),
    ("symptom:fatigue", "Fatigue"),
    ("symptom:sleep_quality", "Sleep quality"),
)
#: Adherence is read over the last 28 days of the period (four weeks: what a person recalls).
ADHERENCE_DAYS = 28
ASSOCIATION_LINE = (
    "Possible triggers are associations in this person's own diary, not proof of cause."
)
PSD_INSTRUMENTS = ("acr2016", "acr2011", "acr2010")


@dataclass(frozen=True)
class ReportInputs:
    """What the journal hands over for one period (everything already read from storage)."""

    person: str
    profile: Profile
    start: date
    end: date
    made_on: date
    days: Sequence[DaySummary]
    regimens: Sequence[Regimen]
    assessments: Sequence[tuple[Assessment, InstrumentResult]]
    labs: Sequence[tuple[LabResult, Interpretation]]
    plan: Plan | None
    medicine_warnings: Sequence[Warning] = ()
    experiments: Sequence[tuple[Protocol, ExperimentResult | None]] = ()
    triggers: Sequence[Trigger] = ()
    #: The screen's links that did not hold once adjusted (explained by another finding, or
    #: an adjusted range including no effect or running the other way).
    not_held: Sequence[Trigger] = ()
    #: Comparisons the screen tested, and the possible triggers it found in all (``triggers``
    #: may list fewer); 0 when the screen was not run.
    links_tested: int = 0
    triggers_found: int = 0
    questions: str | None = None
    #: Intervention ids the person marked to discuss, in the order marked.
    to_discuss: Sequence[str] = ()
    extra_notes: tuple[str, ...] = field(default=())


def check_period(
    start: date, end: date, first: date | None, last: date | None, today: date | None = None
) -> None:
    """Refuse a period that cannot be reported: reversed, ending in the future, or wholly
    outside the journal. A period that overlaps the journal is kept as asked (the diary's
    completeness line then says how much of it was logged)."""
    if start > end:
        raise InvalidInput(
            "from", f"the start ({start}) is after the end ({end}); give the earlier date first"
        )
    if today is not None and end > today:
        raise InvalidInput(
            "to", f"the end ({end}) is in the future; choose today ({today}) or earlier"
        )
    if first is None or last is None:
        return  # an empty journal: the report says "no entries in this period"
    if end < first or start > last:
        raise InvalidInput(
            "from",
            f"the journal holds entries from {first} to {last}; {start} to {end} is outside "
            "it. Choose dates within that span",
        )


def assemble(inputs: ReportInputs, vocab: Vocabulary) -> VisitReport:
    """The report for ``inputs.start`` .. ``inputs.end`` (both included)."""
    check_period(inputs.start, inputs.end, None, None)
    by_day = {d.day: d for d in inputs.days if inputs.start <= d.day <= inputs.end}
    n_days = (inputs.end - inputs.start).days + 1
    logged = sum(1 for d in by_day.values() if any(m.startswith("symptom:") for m in d.measures))
    period = Period(inputs.start, inputs.end, n_days, logged)
    fiqr, criteria, history = _assessments(inputs)
    interpreted = [(r, i) for r, i in inputs.labs if r.local_date <= inputs.end]
    lab_rows = tuple(_lab_row(r, i) for r, i in reversed(interpreted))
    latest: dict[str, LabRow] = {}
    for (r, _), row in zip(reversed(interpreted), lab_rows, strict=True):
        latest.setdefault(r.loinc, row)
    out_of_range = tuple(r for r in latest.values() if r.out_of_range)
    notes = list(inputs.extra_notes)
    if logged == 0:
        notes.insert(0, "No entries in this period.")
    return VisitReport(
        person=inputs.person,
        details=_details(inputs.profile, inputs.end),
        made_on=inputs.made_on,
        period=period,
        fiqr=fiqr,
        criteria=criteria,
        trends=tuple(_trend(by_day, m, label, inputs, vocab) for m, label in TREND_MEASURES),
        changes=_changes(inputs.regimens, inputs.start, inputs.end, vocab),
        medicines=_medicines(inputs.regimens, by_day, inputs.end, vocab),
        alerts=_alerts(inputs.plan, inputs.medicine_warnings, vocab),
        labs_out_of_range=out_of_range,
        questions=(inputs.questions or "").strip() or None,
        experiments=tuple(_experiment(p, r) for p, r in inputs.experiments),
        triggers=tuple(_trigger(t, vocab) for t in inputs.triggers),
        not_held=tuple(_not_held(t, vocab) for t in inputs.not_held),
        links_tested=inputs.links_tested,
        triggers_not_listed=max(0, inputs.triggers_found - len(inputs.triggers)),
        labs=lab_rows,
        assessments=history,
        plan=_plan(inputs.plan, inputs.to_discuss, vocab),
        notes=(*notes, ASSOCIATION_LINE) if inputs.triggers else tuple(notes),
    )


def _details(profile: Profile, on: date) -> str:
    parts = []
    age = profile.age_on(on)
    if age is not None:
        parts.append(f"born {profile.birth_year} (about {age})")
    if profile.sex:
        parts.append(profile.sex)
    return ", ".join(parts)


def _assessments(
    inputs: ReportInputs,
) -> tuple[FiqrScore | None, Criteria | None, tuple[AssessmentRow, ...]]:
    fiqrs = [
        (a, r)
        for a, r in inputs.assessments
        if a.instrument == "fiqr"
        and r.scorable
        and "total" in r.scores
        and a.local_date <= inputs.end
    ]
    fiqr = None
    if fiqrs:
        a, r = fiqrs[-1]
        prev = fiqrs[-2] if len(fiqrs) > 1 else None
        fiqr = FiqrScore(
            on=a.local_date,
            total=r.scores["total"],
            band=r.bands.get("severity_salaffi"),
            previous=prev[1].scores["total"] if prev else None,
            previous_on=prev[0].local_date if prev else None,
        )
    criteria = None
    for a, r in inputs.assessments:
        if a.instrument in PSD_INSTRUMENTS and "psd" in r.scores and a.local_date <= inputs.end:
            criteria = Criteria(
                on=a.local_date,
                instrument=a.instrument,
                wpi=r.scores.get("wpi", math.nan),
                sss=r.scores.get("sss", math.nan),
                psd=r.scores["psd"],
                band=next((v for k, v in r.bands.items() if k.startswith("psd")), None),
                met=r.met,
                label=r.label,
            )
    history = tuple(
        AssessmentRow(a.local_date, a.instrument, _summary(r), _band(r))
        for a, r in reversed(inputs.assessments)
        if inputs.start <= a.local_date <= inputs.end
    )
    return fiqr, criteria, history


def _summary(r: InstrumentResult) -> str:
    order = ("total", "psd", "wpi", "sss", "function", "overall", "symptoms", "pgic")
    shown = [
        f"{k.upper() if len(k) <= 4 else k} {_num(r.scores[k])}" for k in order if k in r.scores
    ]
    if not shown:
        shown = [f"{k} {_num(v)}" for k, v in sorted(r.scores.items())[:4]]
    if r.met is not None:
        shown.append("criteria met" if r.met else "criteria not met")
    return ", ".join(shown)


def _band(r: InstrumentResult) -> str | None:
    return next(iter(r.bands.values()), None)


def _num(x: float) -> str:
    return f"{x:.0f}" if x == int(x) else f"{x:.1f}"


def _trend(
    by_day: dict[date, DaySummary],
    measure: str,
    label: str,
    inputs: ReportInputs,
    vocab: Vocabulary,
) -> SymptomTrend:
    """The day's scores and, for each day, the mean and SD (n - 1) of the scores logged in the
    7 days ending that day (at least 3 of them: fewer say little about a week)."""
    key = measure.removeprefix("symptom:")
    spec = vocab.symptoms.get(key)
    higher_is_better = spec is not None and not spec.higher_is_worse
    n_days = (inputs.end - inputs.start).days + 1
    days = [inputs.start + timedelta(days=i) for i in range(n_days)]
    values = np.full(n_days, np.nan)
    for d, s in by_day.items():
        stats = s.measures.get(measure)
        if stats is not None:
            values[(d - inputs.start).days] = stats.mean
    seen = ~np.isnan(values)
    filled = np.where(seen, values, 0.0)

    def window(a: np.ndarray) -> np.ndarray:  # sums over the 7 days ending each day
        c = np.concatenate(([0.0], np.cumsum(a)))
        return c[1:] - c[np.maximum(np.arange(1, n_days + 1) - 7, 0)]

    n, total, squares = window(seen.astype(float)), window(filled), window(filled**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        var = np.maximum(squares - n * mean**2, 0.0) / (n - 1)
    ok = n >= 3
    points = tuple(
        TrendPoint(
            d,
            float(values[i]) if seen[i] else None,
            float(mean[i]) if ok[i] else None,
            float(np.sqrt(var[i])) if ok[i] else None,
        )
        for i, d in enumerate(days)
    )
    last = [float(v) for v in values[-7:] if not np.isnan(v)]
    first = [float(v) for v in values[:7] if not np.isnan(v)]
    last_mean, last_sd = _mean_sd(last) if last else (None, None)
    return SymptomTrend(
        measure=measure,
        name=label,
        higher_is_better=higher_is_better,
        last7_mean=last_mean,
        last7_sd=last_sd,
        last7_n=len(last),
        first7_mean=_mean_sd(first)[0] if first and n_days > 14 else None,
        points=points,
    )


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(var)


def dose_text(amount: float | None, unit: str | None, per_day: float = 1.0) -> str:
    """``60 mg once a day``; "dose not recorded" when the step has no amount."""
    if amount is None or unit is None:
        return "dose not recorded"
    text = f"{_num(amount)} {unit}"
    if per_day == 1:
        return f"{text} once a day"
    if per_day == int(per_day):
        return f"{text} {int(per_day)} times a day"
    return f"{text} every {_num(1 / per_day)} days"


def _amount(amount: float | None, unit: str | None) -> str:
    return "" if amount is None or unit is None else f"{_num(amount)} {unit}"


def _name(vocab: Vocabulary, substance: str) -> str:
    return vocab.name_of("substance", substance)


def _regimen_name(vocab: Vocabulary, r: Regimen) -> str:
    """A medicine flarewise does not know goes by its written name and says it was not checked."""
    if r.unrecognised is not None:
        return f"{r.unrecognised} ({UNRECOGNISED_NOTE})"
    return _name(vocab, r.substance)


def _changes(
    regimens: Sequence[Regimen], start: date, end: date, vocab: Vocabulary
) -> tuple[MedicineChange, ...]:
    """Starts, dose changes and stops that fall inside the period, by date."""
    out: list[MedicineChange] = []
    for r in regimens:
        name = _regimen_name(vocab, r)
        previous = None
        for step, first, _last in r.spans():
            if start <= first <= end:
                if previous is None:
                    text = f"started {dose_text(step.amount, step.unit, step.times_per_day)}"
                    short = f"started {_amount(step.amount, step.unit)}"
                    out.append(MedicineChange(first, name, "started", text, short))
                else:
                    before = dose_text(previous.amount, previous.unit, previous.times_per_day)
                    after = dose_text(step.amount, step.unit, step.times_per_day)
                    text = f"{before} to {after}"
                    short = f"to {_amount(step.amount, step.unit)}"
                    out.append(MedicineChange(first, name, "dose changed", text, short))
            previous = step
        if r.stop is not None and start <= r.stop <= end:
            out.append(MedicineChange(r.stop, name, "stopped", "stopped", "stopped"))
    return tuple(sorted(out, key=lambda c: (c.on, c.medicine)))


def _medicines(
    regimens: Sequence[Regimen], by_day: dict[date, DaySummary], end: date, vocab: Vocabulary
) -> tuple[CurrentMedicine, ...]:
    """Medicines and supplements in force on the last day, with the share of the last 28 days
    (within the regimen) on which an intake was logged; None when none was ever logged, since
    a person who does not log intakes has not shown non-adherence."""
    out = []
    for r in regimens:
        step = r.step_on(end)
        if step is None:
            continue
        window = [
            end - timedelta(days=i)
            for i in range(ADHERENCE_DAYS)
            if end - timedelta(days=i) >= r.start
        ]
        measure = f"intake:{r.substance}"
        taken = sum(1 for d in window if d in by_day and measure in by_day[d].measures)
        ever = any(measure in s.measures for s in by_day.values())
        adherence = taken / len(window) if window and ever and not r.as_needed else None
        dose = dose_text(step.amount, step.unit, step.times_per_day)
        if r.as_needed:
            amount = _amount(step.amount, step.unit)
            dose = f"{amount} as needed" if amount else "as needed, dose not recorded"
        out.append(
            CurrentMedicine(
                medicine=_regimen_name(vocab, r),
                dose=dose,
                since=r.start,
                as_needed=r.as_needed,
                adherence=adherence,
                adherence_days=taken if adherence is not None else 0,
            )
        )
    return tuple(sorted(out, key=lambda m: (m.as_needed, m.medicine.lower())))


#: Warning severities, most serious first (clinical-rules.md D.4/D.5 "severity" column).
SEVERITY_ORDER = ("contraindicated", "major", "caution", "minor", "info")


def _alerts(
    plan: Plan | None, medicine_warnings: Sequence[Warning], vocab: Vocabulary
) -> tuple[Alert, ...]:
    """Red flags first, then every warning that applies now, one per rule and set of
    medicines involved, most serious first."""
    flags = []
    warnings: dict[tuple[str, frozenset[str]], Alert] = {}
    if plan is not None:
        flags = [
            Alert(f.rule, "red flag", f.severity, f.title, f"{f.evidence}. {f.why}".strip())
            for f in plan.red_flags
        ]
    for w in (*(plan.current_warnings if plan else ()), *medicine_warnings):
        if w.overridden_by is not None:
            continue
        key = (w.rule, frozenset(w.involves))
        if key not in warnings:
            names = [_name(vocab, i) for i in w.involves if i in vocab.substances]
            title = " with ".join(dict.fromkeys(names)) or " with ".join(w.involves)
            warnings[key] = Alert(w.rule, "warning", w.severity, title, w.message)
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    ordered = sorted(warnings.values(), key=lambda a: (rank.get(a.severity, 9), a.rule))
    return (*flags, *ordered)


def _range(low: float | None, high: float | None, text: str | None) -> str:
    if low is not None and high is not None:
        return f"{_num(low)}-{_num(high)}"
    if high is not None:
        return f"< {_num(high)}"
    if low is not None:
        return f"> {_num(low)}"
    return text or ""


def _lab_row(r: LabResult, i: Interpretation) -> LabRow:
    low, high = i.interval if i.interval else (None, None)
    if i.value is not None:
        value = _num(i.value) if abs(i.value) >= 1 or i.value == 0 else f"{i.value:.3g}"
    else:
        value = i.value_text or ""
    notes = [c.label for c in i.categories][:1]
    if i.research_marker:
        notes.append("research marker, not a diagnostic test")
    return LabRow(
        on=r.local_date,
        name=i.name,
        value=value,
        unit=r.unit or i.unit or "",
        range=_range(low, high, r.ref_text),
        flag=i.flag,
        lab_flag=r.flag,
        note="; ".join(notes) or None,
    )


def _experiment(p: Protocol, r: ExperimentResult | None) -> ExperimentRow:
    interval = None
    caveats: tuple[str, ...] = ()
    message = "no result yet"
    verdict = None
    if r is not None:
        message = r.message
        verdict = r.verdict
        caveats = r.caveats
        fit = r.analysis.primary if r.analysis else None
        if fit is not None:
            interval = (
                f"{fit.effect:+.1f} points (95% interval {fit.ci_low:+.2f} to {fit.ci_high:+.2f})"
            )
    return ExperimentRow(p.title, p.status, p.start, verdict, message, interval, caveats)


def _trigger(t: Trigger, vocab: Vocabulary) -> TriggerRow:
    """The finding as the insights page says it (trigger_wording): the effect with its unit and
    interval, when it follows, and what it cannot show (a possible consequence, explained by
    another finding)."""
    effect = f"{effect_text(t)} {t.unit}".strip() if t.effect is not None else "size unclear"
    return TriggerRow(
        exposure=t.exposure_name or _label(t.exposure, vocab),
        outcome=t.outcome_name or _label(t.outcome, vocab),
        lag=t.lag,
        direction=t.direction,
        effect=f"{effect}, {when(t)}" + "".join(f" {n}" for n in notes(t)),
        n=t.n,
        q=t.q,
    )


def _not_held(t: Trigger, vocab: Vocabulary) -> NotHeldRow:
    """The link by name with why it is not a possible trigger, in the words the insights
    page uses at length (trigger_wording.notes), cut to a few for a compact list."""
    if t.explained_by:
        why = f"explained by {', '.join(t.explained_by)}"
    elif reversed_after_adjusting(t.effect, t.r):
        why = "ran the other way once adjusted"
    else:
        why = "range included no effect once adjusted"
    return NotHeldRow(
        exposure=t.exposure_name or _label(t.exposure, vocab),
        outcome=t.outcome_name or _label(t.outcome, vocab),
        why=why,
    )


def _label(measure: str, vocab: Vocabulary) -> str:
    family, _, item = measure.partition(":")
    kinds: dict[str, Any] = {
        "symptom": "symptom",
        "intake": "substance",
        "food": "food",
        "food_group": "food_group",
    }
    if family in kinds:
        try:
            return str(vocab.name_of(kinds[family], item))
        except (KeyError, ValueError):
            return item.replace("_", " ")
    return measure.replace(":", " ").replace("_", " ")


def _plan(plan: Plan | None, marked: Sequence[str], vocab: Vocabulary) -> tuple[PlanRow, ...]:
    """The options the person marked to discuss, each with its grade and sources, and with
    its standing in today's plan: an option a contraindication now blocks is shown as not
    offered, with the rule, never as an offer."""
    if plan is None:
        return ()
    offered = {o.intervention: o for o in plan.options}
    blocked = {n.intervention: n for n in plan.not_offered}
    unsuited = {n.intervention: n for n in plan.not_suggested}
    rows: list[PlanRow] = []
    for item in marked:
        kb = vocab.interventions.get(item)
        if kb is None:
            continue  # dropped from the knowledge base since it was marked
        sources = tuple(c.label for c in kb.citations)
        if (o := offered.get(item)) is not None:
            rows.append(
                PlanRow(
                    name=o.name,
                    grade=o.grade,
                    evidence=o.evidence,
                    dose=o.dose,
                    sources=tuple(label for label, _ in o.citations),
                    warnings=tuple(f"{w.rule}: {w.message}" for w in o.warnings),
                )
            )
            continue
        if (b := blocked.get(item)) is not None:
            status, reason = "not offered", f"contraindicated for this person: {b.reason}"
        elif (n := unsuited.get(item)) is not None:
            rules = f" ({', '.join(n.rules)})" if n.rules else ""
            status, reason = "not suggested", f"{n.reason}{rules}"
        else:
            status, reason = "not in the plan", "the plan does not list it for this person now"
        rows.append(
            PlanRow(
                name=kb.name,
                grade=kb.grade,
                evidence=kb.evidence,
                dose=None,
                sources=sources,
                status=status,
                reason=reason,
            )
        )
    return tuple(rows)
