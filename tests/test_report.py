"""The visit report (issue 14): page 1 carries the journal's own figures, fits one A4 and one
Letter page with no text under 9 pt; an empty period still gives a valid PDF; bad periods and
unknown people are refused with nothing written. The PDF is read back with Debian's
poppler-utils (pdftotext, pdffonts, pdftoppm) and pypdf, never with flarewise's own code."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import statistics
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from flarewise import open_journal
from flarewise.cli import run
from flarewise.domain.entries import Intake, SymptomCheckin
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.errors import InvalidInput, NotFound
from flarewise.instruments import ITEMS
from flarewise.journal import Journal
from flarewise.reports import render

from .samples import ACR2016_MET

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"  # git-ignored: page 1 as PNG for a person to look at
TZ = timezone(timedelta(hours=1))
START, END = date(2025, 1, 15), date(2025, 6, 30)
FIQR_ITEMS = ITEMS["fiqr"]  # the 21 FIQR items (Bennett 2009)
QUESTIONS = "Could the duloxetine go back to 30 mg?\nIs the low ferritin why I am so tired?"


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} (Debian's poppler-utils) is missing; .ci/run installs it")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = [_poppler("pdftotext")]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    done = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (pdftotext breaks lines anywhere)."""
    return " ".join(text.split())


def page_size(pdf: Path) -> tuple[float, float]:
    from pypdf import PdfReader

    box = PdfReader(str(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


def smallest_text_on_page_one(pdf: Path) -> tuple[float, str]:
    """The smallest rendered text size on page 1 in pt: the font size times the vertical
    scale of the text and transformation matrices (figures' SVG text included)."""
    from pypdf import PdfReader

    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        found.append((size * math.hypot(c, d), text))

    PdfReader(str(pdf)).pages[0].extract_text(visitor_text=visit)
    assert found, "no text found on page 1"
    return min(found)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journal]:
    """The demo person's year with two FIQRs, an ACR 2016 self-check and questions added."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'demo.db'}"
    j = open_journal(url, "demo")
    j.write_demo()
    first = {k: 6 for k in FIQR_ITEMS}
    later = {**first, "pain": 4, "energy": 5, "brush_hair": 3}
    j.assess("fiqr", first, at=datetime(2025, 2, 1, 10, tzinfo=TZ))
    j.assess("fiqr", later, at=datetime(2025, 6, 1, 10, tzinfo=TZ))
    j.assess("acr2016", dict(ACR2016_MET), at=datetime(2025, 6, 2, 10, tzinfo=TZ))
    j.set_visit_questions(QUESTIONS)
    yield j
    j.close()


@pytest.fixture(scope="module")
def demo_pdfs(demo: Journal, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    report = demo.visit_report(START, END)
    svg = render.figure_svg(report)
    folder = tmp_path_factory.mktemp("pdfs")
    out = {}
    for paper in ("a4", "letter"):
        path = folder / f"visit-{paper}.pdf"
        path.write_bytes(render.pdf(report, paper, svg=svg))
        out[paper] = path
    return out


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_one_carries_the_journals_figures(
    demo: Journal, demo_pdfs: dict[str, Path], paper: str
) -> None:
    pdf = demo_pdfs[paper]
    page1 = flat(pdftotext(pdf, 1, 1))
    # FIQR: the journal's latest total with its band, and the change since the one before
    (earlier, before), (_, latest) = [
        (a, r) for a, r in demo.assessments("fiqr") if a.local_date <= END
    ][-2:]
    before_on = earlier.local_date.isoformat()
    total, previous = latest.scores["total"], before.scores["total"]
    assert f"{total:.1f} {latest.bands['severity_salaffi']}" in page1
    assert f"was {previous:.1f} on {before_on} ({total - previous:+.1f})" in page1
    # PSD with WPI and SSS from the ACR 2016 self-check, with the screening wording (A.4)
    _, acr = demo.assessments("acr2016")[-1]
    assert f"{acr.scores['psd']:.0f} {acr.bands['psd_wolfe2015']}" in page1
    assert f"WPI {acr.scores['wpi']:.0f}, SSS {acr.scores['sss']:.0f}" in page1
    assert acr.label is not None and acr.label in page1
    # current medicines with their dose in force on the last day
    for r in demo.regimens(active_on=END):
        step = r.step_on(END)
        assert step is not None and step.amount is not None
        name = demo.vocabulary.name_of("substance", r.substance)
        assert f"{name} {step.amount:g} {step.unit}" in page1
    # labs out of range: the latest result of each test up to the end, with its unit
    latest_labs = {r.loinc: (r, i) for r, i in demo.interpret_labs() if r.local_date <= END}
    low = [(r, i) for r, i in latest_labs.values() if i.flag in ("low", "high")]
    assert low, "the demo person has low ferritin and vitamin D in January"
    for r, i in low:
        assert f"{i.name} {r.value:g} {r.unit} ({i.flag})" in page1
    # every red flag and the medicine-pair warnings, by rule id, on page 1
    for f in demo.red_flags():
        assert f.rule in page1 and f.title in page1
    sero = demo.check_plan([{"item": "duloxetine"}], END)
    assert {"SAF-DLX-SERO", "SAF-DLX-BLEED"} <= {w.rule for w in sero}
    assert "SAF-DLX-SERO" in page1 and "SAF-DLX-BLEED" in page1
    # ... and their messages on the following pages (the hazard sentence; the bracketed
    # detail names the partner as the check that found it was asked)
    details = flat(pdftotext(pdf, 2))
    for w in sero:
        assert flat(w.message.split(" (")[0]) in details, w.rule
    # the person's own questions, and the period with how complete the diary is
    assert flat(QUESTIONS) in page1
    assert f"Period {START} to {END}" in page1
    days = demo.daily_summaries(START, END)
    logged = sum(1 for d in days if any(m.startswith("symptom:") for m in d.measures))
    assert f"symptoms logged on {logged} of {(END - START).days + 1} days" in page1


@pytest.mark.parametrize(("paper", "size"), [("a4", (595.3, 841.9)), ("letter", (612.0, 792.0))])
def test_page_one_fits_one_page_with_no_text_under_9_pt(
    demo_pdfs: dict[str, Path], paper: str, size: tuple[float, float]
) -> None:
    pdf = demo_pdfs[paper]
    assert page_size(pdf) == pytest.approx(size, abs=0.5)
    # page 1 ends where it should: the next page opens with the details, not an overflow
    assert "Self-reported diary. Plan options are to discuss" in flat(pdftotext(pdf, 1, 1))
    assert flat(pdftotext(pdf, 2, 2)).startswith("Details")
    smallest, text = smallest_text_on_page_one(pdf)
    assert smallest >= 9.0 - 1e-6, f"{text!r} is set at {smallest:.2f} pt"
    fonts = subprocess.run(
        [_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # embedded
    OUTPUT.mkdir(exist_ok=True)
    png = OUTPUT / f"report-page1-{paper}"
    subprocess.run(
        [
            _poppler("pdftoppm"),
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(png),
        ],
        check=True,
    )
    assert png.with_suffix(".png").stat().st_size > 10_000


def test_the_pdf_is_tagged_with_a_title(demo_pdfs: dict[str, Path]) -> None:
    info = subprocess.run(
        [_poppler("pdfinfo"), str(demo_pdfs["a4"])], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "Title:           Visit summary: Demo person" in info


def test_a_full_journal_still_fits_page_one(tmp_path: Path) -> None:
    """Twelve medicines, several warnings and the longest questions allowed: page 1 shows
    the first rows and says how many more follow; nothing spills onto page 2."""
    j = open_journal(f"sqlite:///{tmp_path / 'full.db'}", "full")
    day0 = date(2025, 3, 1)
    substances = [
        "duloxetine", "tramadol", "ibuprofen", "warfarin", "curcumin", "omega_3", "ginger",
        "magnesium", "vitamin_d", "coq10", "pregabalin", "amitriptyline",
    ]  # fmt: skip
    known = [s for s in substances if s in j.vocabulary.substances]
    assert len(known) >= 10
    for s in known:
        j.add_regimen(Regimen(substance=s, steps=(DoseStep(start=day0),)))
    for i in range(30):
        at = datetime.combine(day0 + timedelta(days=i), datetime.min.time(), TZ)
        j.add(SymptomCheckin(at=at.replace(hour=9), scores={"pain": 5 + i % 3, "fatigue": 6}))
    j.set_visit_questions(("Why does my pain flare after poor sleep? " * 60)[:2000])
    report = j.visit_report(day0, day0 + timedelta(days=29))
    assert len(report.medicines) == len(known) and len(report.alerts) > 6
    for paper in ("a4", "letter"):
        pdf = tmp_path / f"full-{paper}.pdf"
        pdf.write_bytes(render.pdf(report, paper))
        page1 = flat(pdftotext(pdf, 1, 1))
        assert "more on the next pages" in page1 and "continued on the next pages" in page1
        assert flat(pdftotext(pdf, 2, 2)).startswith("Details"), paper
        assert smallest_text_on_page_one(pdf)[0] >= 9.0 - 1e-6
        rest = flat(pdftotext(pdf, 2))
        assert all(j.vocabulary.name_of("substance", s) in rest for s in known)
    j.close()


def test_an_empty_period_is_still_a_valid_report(tmp_path: Path) -> None:
    j = open_journal(f"sqlite:///{tmp_path / 'gap.db'}", "gap")
    for day in (date(2025, 1, 10), date(2025, 3, 10)):
        j.add(SymptomCheckin(at=datetime.combine(day, datetime.min.time(), TZ), scores={"pain": 4}))
    report = j.visit_report(date(2025, 2, 1), date(2025, 2, 28))
    assert report.empty and report.period.days_logged == 0
    assert all(t.last7_mean is None for t in report.trends)
    pdf = tmp_path / "gap.pdf"
    pdf.write_bytes(render.pdf(report))
    text = flat(pdftotext(pdf))
    assert "No entries in this period." in text and "No FIQR on record." in text
    from pypdf import PdfReader

    assert len(PdfReader(str(pdf)).pages) >= 2
    # a journal with nothing at all: the default period, the same sentence
    fresh = open_journal(f"sqlite:///{tmp_path / 'gap.db'}", "newcomer")
    empty = fresh.visit_report()
    assert empty.empty and empty.period.days == 90
    pdf.write_bytes(render.pdf(empty))
    assert "No entries in this period." in flat(pdftotext(pdf, 1, 1))
    j.close()
    fresh.close()


def test_bad_periods_are_refused(demo: Journal) -> None:
    with pytest.raises(InvalidInput, match="after the end"):
        demo.visit_report(date(2025, 6, 1), date(2025, 5, 1))
    with pytest.raises(InvalidInput, match="holds entries from 2025-01-01 to 2025-12-31"):
        demo.visit_report(date(2026, 1, 1), date(2026, 3, 1))
    with pytest.raises(InvalidInput, match="outside"):
        demo.visit_report(date(2020, 1, 1), date(2020, 2, 1))
    tomorrow = demo.today() + timedelta(days=1)
    with pytest.raises(InvalidInput, match="in the future") as info:
        demo.visit_report(date(2025, 6, 1), tomorrow)
    assert info.value.field == "to"


def _cli(db: str, *args: str) -> int:
    return run(["--db", db, *args])


def test_cli_writes_pdf_html_and_json_and_refuses_bad_input(
    demo: Journal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = demo.db.safe_url if "sqlite" in demo.db.safe_url else ""
    pdf, page = tmp_path / "visit.pdf", tmp_path / "visit.html"
    period = ["--from", str(START), "--to", str(END)]
    assert _cli(db, "--person", "demo", "report", *period, "-o", str(pdf)) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert _cli(db, "--person", "demo", "report", *period, "-o", str(page)) == 0
    capsys.readouterr()
    assert _cli(db, "--person", "demo", "report", *period, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    latest = [r for a, r in demo.assessments("fiqr") if a.local_date <= END][-1]
    assert data["fiqr"]["total"] == pytest.approx(latest.scores["total"])
    assert data["period"] == {
        "start": str(START), "end": str(END), "days": 167,
        "days_logged": data["period"]["days_logged"], "completeness": pytest.approx(
            data["period"]["days_logged"] / 167, abs=1e-3),
    }  # fmt: skip
    html = page.read_text("utf-8")
    assert f"{latest.scores['total']:.1f}" in html and "Questions for this visit" in html
    assert "<svg" in html and "SAF-DLX-SERO" in html
    # bad input: an error sentence, exit 1, nothing written, no journal created
    bad = tmp_path / "bad.pdf"
    assert _cli(db, "--person", "demo", "report", "--from", "2025-06-01", "--to", "2025-05-01",
                "-o", str(bad)) == 1  # fmt: skip
    assert "after the end" in capsys.readouterr().err
    assert _cli(db, "--person", "demo", "report", "--from", "2019-01-01", "--to", "2019-02-01",
                "-o", str(bad)) == 1  # fmt: skip
    assert "Choose dates within that span" in capsys.readouterr().err
    assert _cli(db, "--person", "nobody", "report", "-o", str(bad)) == 1
    assert "no journal named 'nobody'" in capsys.readouterr().err
    assert _cli(db, "--person", "demo", "report", *period, "-o", str(tmp_path / "x.docx")) == 1
    assert not bad.exists() and not (tmp_path / "x.docx").exists()
    assert demo.db.person_id("nobody") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit.html", "visit.pdf"]


def test_questions_for_the_visit_are_kept(journal: Journal) -> None:
    assert journal.visit_questions() is None
    assert journal.set_visit_questions("  Is it the new dose?  ") == "Is it the new dose?"
    assert journal.visit_questions() == "Is it the new dose?"
    assert journal.export_backup().profile.visit_questions == "Is it the new dose?"
    with pytest.raises(InvalidInput) as info:
        journal.set_visit_questions("x" * 2001)
    assert info.value.field == "questions"
    assert journal.visit_questions() == "Is it the new dose?"
    journal.set_visit_questions("   ")
    assert journal.visit_questions() is None


def test_trends_adherence_and_changes_are_the_diarys(tmp_path: Path) -> None:
    """7-day means and SDs equal statistics.mean/stdev of the logged scores; adherence is the
    share of the last 28 days with the medicine logged; a dose change is one change."""
    j = open_journal(f"sqlite:///{tmp_path / 'small.db'}", "small")
    day0 = date(2025, 4, 1)
    j.add_regimen(
        Regimen(
            substance="duloxetine",
            steps=(
                DoseStep(start=day0, amount=30, unit="mg"),
                DoseStep(start=day0 + timedelta(days=20), amount=60, unit="mg"),
            ),
        )
    )
    pains = [3, 5, 4, 6, 7, 2, 5, 4, 6, 3] * 4
    for i, pain in enumerate(pains):
        at = datetime.combine(day0 + timedelta(days=i), datetime.min.time(), TZ)
        j.add(SymptomCheckin(at=at.replace(hour=9), scores={"pain": pain}))
        if i % 4 != 0:  # taken on 3 days in 4
            j.add(Intake(at=at.replace(hour=8), substance="duloxetine", amount=30, unit="mg"))
    end = day0 + timedelta(days=len(pains) - 1)
    report = j.visit_report(day0, end)
    pain = report.trends[0]
    assert pain.last7_mean == pytest.approx(statistics.mean(pains[-7:]))
    assert pain.last7_sd == pytest.approx(statistics.stdev(pains[-7:]))
    assert pain.first7_mean == pytest.approx(statistics.mean(pains[:7]))
    assert pain.points[9].mean7 == pytest.approx(statistics.mean(pains[3:10]))
    [med] = report.medicines
    last28 = [i for i in range(len(pains) - 28, len(pains))]
    taken = sum(1 for i in last28 if i % 4 != 0)
    assert med.adherence == pytest.approx(taken / 28) and med.dose == "60 mg once a day"
    assert [(c.kind, c.text) for c in report.changes] == [
        ("started", "started 30 mg once a day"),
        ("dose changed", "30 mg once a day to 60 mg once a day"),
    ]
    spec = render.trend_spec(report, 600)
    rules = [
        layer for panel in spec["vconcat"] for layer in panel.get("layer", [])
        if layer.get("mark", {}).get("type") == "rule"
    ]  # fmt: skip
    assert rules and all(len(r["data"]["values"]) == 2 for r in rules)
    j.close()


def test_unknown_person_in_the_library_is_an_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    open_journal(url, "someone").close()
    with pytest.raises(NotFound):
        open_journal(url, "nobody", create=False)


def test_the_web_page_draws_the_figure_in_the_browser(demo: Journal) -> None:
    """Inside the web app the figure is its Vega-Lite spec for the app's chart worker (vl-convert
    cost a server about 0.3 s a report); a file opened on its own keeps the SVG, no script."""
    report = demo.visit_report(START, END)
    page = render.html(report, standalone=False)
    assert "<svg" not in page
    found = re.search(
        rf'<script type="application/json" id="{render.WEB_FIGURE_SPEC}">(.*?)</script>', page
    )
    assert found
    assert json.loads(found.group(1)) == json.loads(
        json.dumps(render.trend_spec(report, "container"))
    )
    label = re.search(
        rf'data-spec-id="{render.WEB_FIGURE_SPEC}" role="img" aria-label="([^"]+)"', page
    )
    assert label and "Pain" in label.group(1) and str(START) in label.group(1)
    alone = render.html(report)
    assert "<svg" in alone and render.WEB_FIGURE_SPEC not in alone and "<script" not in alone
