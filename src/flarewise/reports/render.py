"""Typesetting the visit report: Typst for the PDF, Jinja2 for the HTML view, vl-convert for
the figure (the same Vega-Lite spec builder the web pages use).

Why Typst (docs/report.md): it installs from PyPI as one wheel with no system libraries, embeds
(subsets) every font it uses, writes tagged PDF by default, and compiles a report in tens of
milliseconds. Both faces read one :func:`view` of the report, so the PDF, the HTML view and the
JSON answer show the same figures with the same rounding.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

from flarewise.analysis.insights import MIN_COMPLETENESS, MIN_SCREEN_DAYS
from flarewise.analysis.trigger_wording import format_q
from flarewise.errors import InvalidInput
from flarewise.reports import charts
from flarewise.reports.model import NO_OPTIONS_MARKED, LabRow, SymptomTrend, VisitReport
from flarewise.reports.words import rule_ids_in, unit_label, without_rule_ids

Paper = Literal["a4", "us-letter"]
PAPERS: dict[str, Paper] = {"a4": "a4", "letter": "us-letter", "us-letter": "us-letter"}
#: Fonts in order of preference: Liberation Sans (metric-compatible with Arial, narrow enough
#: for a dense page; Debian's fonts-liberation, which Chromium pulls in), then DejaVu Sans, then
#: Typst's own embedded Libertinus Serif, so a machine without either still renders.
FONTS = ("Liberation Sans", "DejaVu Sans", "Libertinus Serif")
FIGURE_WIDTH_PX = 600  # drawn at its natural size: 600 px = 450 pt, text stays >= 9 pt
#: Page 1 must fit one page on A4 and on Letter whatever the journal holds: longer lists show
#: their first rows there (red flags and the most serious warnings come first) and say how
#: many more follow on the next pages, where every row is listed.
PAGE1_ALERTS = 4
PAGE1_MEDICINES = 8
PAGE1_LABS = 5
PAGE1_QUESTIONS_CHARS = 400


def _num(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "-"
    return f"{x:.{digits}f}"


def _trend_line(t: SymptomTrend) -> dict[str, str]:
    good = "higher is better" if t.higher_is_better else "lower is better"
    value = "no scores" if t.last7_mean is None else f"{_num(t.last7_mean)} ± {_num(t.last7_sd)}"
    notes = []
    if t.first7_mean is not None and t.last7_mean is not None:
        notes.append(f"first week {_num(t.first7_mean)}")
    if 0 < t.last7_n < 7:
        notes.append(f"{t.last7_n} of 7 days")
    if t.higher_is_better:
        notes.append(good)
    return {
        "name": t.name,
        "value": value,
        "n": f"{t.last7_n} of 7 days",
        "good": good,
        "note": f"({'; '.join(notes)})" if notes else "",
    }


def _lab(r: LabRow) -> dict[str, str]:
    return {
        "on": r.on.isoformat(),
        "name": r.name,
        "value": r.value,
        "unit": unit_label(r.unit),
        "range": r.range,
        "flag": r.flag,
        "lab_flag": r.lab_flag or "",
        "note": r.note or "",
    }


def view(report: VisitReport) -> dict[str, Any]:
    """The report as display strings, shared by the PDF and the HTML templates."""
    p = report.period
    fiqr = None
    if report.fiqr is not None:
        f = report.fiqr
        change = "first on record"
        if f.change is not None and f.previous_on is not None:
            change = f"was {f.previous:.1f} on {f.previous_on.isoformat()} ({f.change:+.1f})"
        fiqr = {
            "total": f"{f.total:.1f}",
            "band": f.band or "",
            "on": f.on.isoformat(),
            "change": change,
        }
    criteria = None
    if report.criteria is not None:
        c = report.criteria
        criteria = {
            "psd": f"{c.psd:.0f}",
            "wpi": f"{c.wpi:.0f}",
            "sss": f"{c.sss:.0f}",
            "band": c.band or "",
            "on": c.on.isoformat(),
            "instrument": c.instrument.upper(),
            "label": c.label or "",
        }
    medicines = [
        {
            "name": m.medicine,
            "dose": m.dose,
            "since": m.since.isoformat(),
            "adherence": "as needed"
            if m.as_needed
            else (
                "not logged"
                if m.adherence is None
                else f"{m.adherence:.0%} ({m.adherence_days} of last 28 d)"
            ),
        }
        for m in report.medicines
    ]
    return {
        "person": report.person,
        "details": report.details,
        "made_on": report.made_on.isoformat(),
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "days": str(p.days),
        "logged": str(p.days_logged),
        "completeness": f"{p.completeness:.0%}",
        "empty": report.empty,
        "fiqr": fiqr,
        "criteria": criteria,
        "trends": [_trend_line(t) for t in report.trends],
        "changes": [
            {"on": c.on.isoformat(), "medicine": c.medicine, "kind": c.kind, "text": c.text}
            for c in report.changes
        ],
        "medicines": medicines,
        "alerts": [
            {
                "rule": ", ".join(dict.fromkeys([a.rule, *rule_ids_in(a.message)])),
                "kind": a.kind,
                "severity": a.severity,
                "title": a.title,
                "message": without_rule_ids(a.message),
            }
            for a in report.alerts
        ],
        "labs_out": [_lab(r) for r in report.labs_out_of_range],
        "questions": report.questions or "",
        "figure_title": figure_title(report),
        "page1": _page1(report),
        "experiments": [
            {
                "title": x.title,
                "status": x.status,
                "start": x.start.isoformat(),
                "verdict": x.verdict or "not enough data yet",
                "message": x.message,
                "interval": x.interval or "",
                "caveats": list(x.caveats),
            }
            for x in report.experiments
        ],
        "triggers": [
            {
                "text": f"{t.exposure} and {t.outcome}",
                "direction": t.direction,
                "effect": t.effect,
                "n": str(t.n),
                "q": format_q(t.q),
            }
            for t in report.triggers
        ],
        **_screen(report),
        "labs": [_lab(r) for r in report.labs],
        "assessments": [
            {
                "on": a.on.isoformat(),
                "instrument": a.instrument.upper(),
                "summary": a.summary,
                "band": a.band or "",
            }
            for a in report.assessments
        ],
        "plan": [
            {
                "name": o.name,
                "grade": o.grade,
                "evidence": o.evidence,
                "dose": o.dose or "",
                "sources": "; ".join(o.sources),
                "warnings": list(o.warnings),
                "status": o.status,
                "reason": o.reason or "",
            }
            for o in report.plan
        ],
        "plan_none": NO_OPTIONS_MARKED,
        "notes": list(report.notes),
    }


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _screen(report: VisitReport) -> dict[str, Any]:
    """What the trigger screen did beyond the possible triggers, in words: how many links it
    tested, the possible triggers not listed here, and, by name, the links it found that did
    not hold after adjusting, so the report never implies that fewer were tested than were."""
    gone = report.not_held
    if report.triggers:
        none_line = ""
    elif gone:
        none_line = "None of the links that passed the screening check held after adjusting."
    elif report.links_tested:
        none_line = "No associations passed the false-discovery screen in this period."
    else:  # the screen did not run: saying "none passed" would claim a test that never ran
        none_line = (
            f"Not screened for triggers: the screen needs {MIN_SCREEN_DAYS} days with at least "
            f"{MIN_COMPLETENESS:.0%} of them logged."
        )
    more = report.triggers_not_listed
    return {
        "triggers_none": none_line,
        "triggers_more": (
            f"{_plural(more, 'more possible trigger')} {'is' if more == 1 else 'are'} listed "
            "on the Insights page."
            if more
            else ""
        ),
        "screen_tested": (
            f"{_plural(report.links_tested, 'possible link')} "
            f"{'was' if report.links_tested == 1 else 'were'} tested, with a correction for "
            "testing many at once."
            if report.links_tested
            else ""
        ),
        "not_held_intro": (
            f"{_plural(len(gone), 'other link')} passed the screening check but did not hold "
            "after adjusting for the day of the week, slow changes and the other findings, so "
            f"{'it is' if len(gone) == 1 else 'they are'} not listed as possible triggers:"
            if gone
            else ""
        ),
        "not_held": [
            {"text": f"{x.exposure} and {x.outcome}", "why": x.why} for x in report.not_held
        ],
    }


def _first_sentence(text: str) -> str:
    """The first sentence of a warning: page 1 states the hazard, the next pages explain it."""
    for end in (". ", "? "):
        at = text.find(end)
        if 0 < at < len(text) - 2:
            return text[: at + 1]
    return text


def _page1(report: VisitReport) -> dict[str, Any]:
    """How much of each list page 1 shows (the rest is on the following pages)."""
    q = report.questions or ""
    cut = q if len(q) <= PAGE1_QUESTIONS_CHARS else q[:PAGE1_QUESTIONS_CHARS].rsplit(" ", 1)[0]
    serious = [a for a in report.alerts if a.severity != "info"]
    shown = serious[:PAGE1_ALERTS]
    info = [a for a in report.alerts if a.severity == "info"]
    return {
        "alerts": [
            {
                "title": a.title,
                "kind": a.kind,
                "severity": a.severity,
                "rule": ", ".join(dict.fromkeys([a.rule, *rule_ids_in(a.message)])),
                "message": _first_sentence(without_rule_ids(a.message)),
            }
            for a in shown
        ],
        "alerts_more": len(serious) - len(shown),
        "info": ", ".join(dict.fromkeys(a.rule for a in info)),
        "info_count": len(info),
        "medicines": PAGE1_MEDICINES,
        "medicines_more": max(0, len(report.medicines) - PAGE1_MEDICINES),
        "labs": PAGE1_LABS,
        "labs_more": max(0, len(report.labs_out_of_range) - PAGE1_LABS),
        "questions": cut + (" ... (continued on the next pages)" if cut != q else ""),
        "questions_cut": cut != q,
    }


#: Over a longer period the figure draws one value a week (the 7-day mean and spread of each
#: week) and leaves out the daily dots: 3,650 dots a panel say nothing a weekly line does not,
#: and cost seconds to draw.
WEEKLY_AFTER_DAYS = 366


def figure_title(report: VisitReport) -> str:
    if report.period.days > WEEKLY_AFTER_DAYS:
        return "Pain, fatigue and sleep: 7-day mean of each week (line) and its spread (band)"
    return "Pain, fatigue and sleep: 7-day mean (line), its spread (band), daily scores (dots)"


def trend_spec(report: VisitReport, width: int | str, font: str | None = None) -> dict[str, Any]:
    """The page-1 figure's Vega-Lite spec (the web draws it at container width)."""
    weekly = report.period.days > WEEKLY_AFTER_DAYS
    rows: list[dict[str, Any]] = []
    for t in report.trends:
        label = f"{t.name} (0-10, {'higher' if t.higher_is_better else 'lower'} is better)"
        points = t.points[6::7] if weekly else t.points
        for pt in points:
            row: dict[str, Any] = {"series": label, "date": pt.on.isoformat()}
            row["value"] = None if weekly else pt.value
            row["mean"] = pt.mean7
            if pt.mean7 is not None and pt.sd7 is not None:
                row["low"] = max(0.0, pt.mean7 - pt.sd7)
                row["high"] = min(10.0, pt.mean7 + pt.sd7)
            rows.append(row)
    return charts.visit_trend(
        rows,
        _change_marks(report),
        report.period.start.isoformat(),
        report.period.end.isoformat(),
        width,
        font,
    )


#: The figure labels at most this many medicine-change rows (each a date); a busier period
#: says how many more there are (they are all in the table on the next pages).
CHANGE_ROWS = 6


def _change_marks(report: VisitReport) -> list[dict[str, Any]]:
    """One labelled mark per date with medicine changes: two changes on a day are named, more
    are counted, so the figure keeps its height on page 1."""
    by_day: dict[str, list[str]] = {}
    for c in report.changes:
        by_day.setdefault(c.on.isoformat(), []).append(f"{c.medicine} {c.short or c.kind}".strip())
    marks = []
    for day, labels in by_day.items():
        label = "; ".join(labels) if len(labels) <= 2 else f"{len(labels)} medicine changes"
        marks.append({"date": day, "label": label})
    if len(marks) > CHANGE_ROWS:
        rest = len(marks) - CHANGE_ROWS + 1
        marks = marks[: CHANGE_ROWS - 1]
        marks.append({"date": marks[-1]["date"], "label": f"and {rest} more dates with changes"})
    return marks


def figure_svg(report: VisitReport) -> str:
    """The page-1 figure as SVG, drawn by vl-convert from :func:`trend_spec`."""
    import vl_convert

    spec = trend_spec(report, FIGURE_WIDTH_PX, FONTS[0])
    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


#: PDF/UA-1 (accessible: tagged structure, alt text, document title, language) and PDF/A-2a
#: (archival: fonts embedded, no external content); Typst checks both when it writes the file.
PDF_STANDARDS = ("a-2a", "ua-1")


@cache
def _fonts() -> Any:
    """The machine's fonts plus Typst's own, scanned once per process (not per report)."""
    import typst

    return typst.Fonts()


@cache
def _template(name: str) -> str:
    return resources.files("flarewise.reports").joinpath("templates", name).read_text("utf-8")


def pdf(report: VisitReport, paper: str = "a4", svg: str | None = None) -> bytes:
    """The report as a tagged PDF with embedded fonts on A4 or US Letter."""
    import typst

    size = PAPERS.get(paper.lower())
    if size is None:
        raise InvalidInput("paper", f"choose a4 or letter, not {paper!r}")
    data = view(report)
    data["paper"] = size
    data["fonts"] = list(FONTS)
    out: bytes = typst.compile(
        _template("visit.typ").encode("utf-8"),
        format="pdf",
        font_paths=_fonts(),
        pdf_standards=["a-2a", "ua-1"],  # see PDF_STANDARDS
        sys_inputs={
            "data": json.dumps(data),
            "figure": svg if svg is not None else figure_svg(report),
        },
    )
    return out


#: The element holding the page-1 figure's spec when the report is part of a web page.
WEB_FIGURE_SPEC = "visit-figure-spec"


def _web_figure(report: VisitReport) -> str:
    """The figure as the web app draws its charts (app.js and its chart worker, like the
    timeline): a placeholder with the Vega-Lite spec beside it. Why not the SVG: vl-convert
    takes about 0.3 s of a server's time per figure, the browser a few milliseconds of its own;
    the same values are on the page in words (the last-7-days card) and in the tables."""
    from jinja2.utils import htmlsafe_json_dumps
    from markupsafe import Markup, escape

    names = ", ".join(t.name for t in report.trends) or "symptoms"
    label = (
        f"Chart of {names} from {report.period.start} to {report.period.end}: daily values, "
        "7-day averages and medicine changes"
    )
    spec = htmlsafe_json_dumps(trend_spec(report, "container"))
    return str(
        Markup(
            '<div class="chart" data-spec-id="{id}" role="img" aria-label="{label}"></div>'
            '<script type="application/json" id="{id}">{spec}</script>'
        ).format(id=WEB_FIGURE_SPEC, label=escape(label), spec=spec)
    )


@cache
def _html_template() -> Any:
    """The HTML view's template, compiled once per process (compiling took longer than
    rendering)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(_template("visit.html"))


def html(report: VisitReport, *, standalone: bool = True) -> str:
    """The print-friendly HTML view. ``standalone`` (a file opened anywhere): the figure inline
    as SVG, no script needed. Inside the web app: the figure is drawn by the browser from its
    spec (see :func:`_web_figure`)."""
    figure = figure_svg(report) if standalone else _web_figure(report)
    out: str = _html_template().render(v=view(report), figure=figure, standalone=standalone)
    return out
