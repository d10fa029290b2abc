"""The visit report names the links the screen found that did not hold after adjusting (they
are listed apart on the insights page): a clinician reading the report must not think fewer
links were tested than were. Read back from the PDF with poppler's pdftotext, from the HTML
view and from the JSON answer; the demo year is the one where sleep quality -> fatigue passed
the screen but ran the other way once adjusted (tests/test_adjusted_claims.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from flarewise import open_journal
from flarewise.domain.profile import Profile
from flarewise.journal import Journal
from flarewise.knowledge import load_vocabulary
from flarewise.reports import TRIGGER_DAYS, ReportInputs, VisitReport, assemble, render

from .test_adjusted_claims import REVERSED, VANISHED
from .test_report import flat, pdftotext


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journal]:
    url = f"sqlite:///{tmp_path_factory.mktemp('not-held') / 'demo.db'}"
    with open_journal(url, "demo") as j:
        j.write_demo(start=date(2025, 11, 26), days=365)
        yield j


@pytest.fixture(scope="module")
def report(demo: Journal) -> VisitReport:
    """The whole year: the trigger screen then covers the year the review saw."""
    first, last = demo.date_span()
    assert first is not None and last is not None
    assert (last - first).days + 1 <= TRIGGER_DAYS
    return demo.visit_report(first, last)


def test_the_report_counts_every_link_the_screen_found(demo: Journal, report: VisitReport) -> None:
    ins = demo.insights(report.period.start, report.period.end)
    assert report.links_tested == ins.tests_run > 0
    gone = {(x.exposure, x.outcome) for x in report.not_held}
    assert ("sleep quality", "fatigue") in gone
    assert len(report.not_held) == len(ins.explained) + len(ins.unconfirmed)
    listed = len(report.triggers) + report.triggers_not_listed + len(report.not_held)
    assert listed == ins.hits_total  # nothing the screen found is left unsaid


def test_the_pdf_names_the_links_gone_after_adjusting(report: VisitReport, tmp_path: Path) -> None:
    pdf = tmp_path / "visit.pdf"
    pdf.write_bytes(render.pdf(report))
    text = flat(pdftotext(pdf, 2))
    _, _, triggers = text.partition("Possible triggers")
    section, _, _ = triggers.partition("Labs")
    n = len(report.not_held)
    assert f"{n} other links passed the screening check but did not hold after adjusting" in (
        section
    )
    assert "sleep quality and fatigue (ran the other way once adjusted)" in section
    for x in report.not_held:
        assert f"{x.exposure} and {x.outcome} ({x.why})" in section
    assert f"{report.links_tested:,} possible links were tested" in section


def test_the_html_and_json_carry_the_same_list(report: VisitReport) -> None:
    page = flat(render.html(report))
    assert "did not hold after adjusting" in page
    assert "<li>sleep quality and fatigue (ran the other way once adjusted)</li>" in page
    data = report.to_json()
    assert data["links_tested"] == report.links_tested
    assert {"exposure": "sleep quality", "outcome": "fatigue", "why": "ran the other way once "
            "adjusted"} in data["not_held"]  # fmt: skip


def test_when_nothing_held_the_report_says_so_and_still_names_them(tmp_path: Path) -> None:
    """No possible trigger, two links gone after adjusting: "no associations passed" would
    be false, so the report says none held and lists both with why."""
    inputs = ReportInputs(
        person="Sam",
        profile=Profile(),
        start=date(2025, 1, 1),
        end=date(2025, 3, 31),
        made_on=date(2025, 4, 1),
        days=(),
        regimens=(),
        assessments=(),
        labs=(),
        plan=None,
        not_held=(
            replace(VANISHED, unconfirmed=True),
            replace(REVERSED, exposure_name="naps", unconfirmed=True),
            replace(VANISHED, exposure_name="coffee", explained_by=("hours slept",)),
        ),
        links_tested=1200,
    )
    report = assemble(inputs, load_vocabulary())
    assert report.triggers_not_listed == 0
    pdf = tmp_path / "visit.pdf"
    pdf.write_bytes(render.pdf(report))
    text = flat(pdftotext(pdf))
    assert "No associations passed" not in text
    assert "None of the links that passed the screening check held after adjusting." in text
    assert (
        "3 other links passed the screening check but did not hold after adjusting for the day "
        "of the week, slow changes and the other findings, so they are not listed as possible "
        "triggers: sleep quality and fatigue (range included no effect once adjusted); naps and "
        "fatigue (ran the other way once adjusted); coffee and fatigue (explained by hours "
        "slept)."
    ) in text
    assert "1,200 possible links were tested" in text
    html = flat(render.html(report))
    assert "None of the links that passed the screening check held after adjusting." in html
    assert html.count("once adjusted)</li>") == 2 and "(explained by hours slept)</li>" in html


def test_possible_triggers_beyond_those_listed_are_counted(tmp_path: Path) -> None:
    inputs = ReportInputs(
        person="Sam",
        profile=Profile(),
        start=date(2025, 1, 1),
        end=date(2025, 3, 31),
        made_on=date(2025, 4, 1),
        days=(),
        regimens=(),
        assessments=(),
        labs=(),
        plan=None,
        triggers=(replace(VANISHED, effect=REVERSED.effect, r=0.48),),
        links_tested=10,
        triggers_found=3,
    )
    report = assemble(inputs, load_vocabulary())
    assert report.triggers_not_listed == 2
    pdf = tmp_path / "visit.pdf"
    pdf.write_bytes(render.pdf(report))
    assert "2 more possible triggers are listed on the Insights page." in flat(pdftotext(pdf))
    assert "No associations passed" not in flat(pdftotext(pdf))


def test_a_period_too_short_to_screen_says_it_was_not_screened(demo: Journal) -> None:
    """90 days cannot be screened: "no associations passed" would claim a test never run."""
    report = demo.visit_report()
    assert report.links_tested == 0 and not report.triggers and not report.not_held
    page = flat(render.html(report))
    assert "Not screened for triggers: the screen needs 180 days" in page
    assert "No associations passed" not in page
