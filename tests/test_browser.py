"""The web app in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser). Walks the newcomer's path: sign up, check in through the body map, see it on the
timeline, a lab result with a red flag, the plan with a warning, start an experiment, import a
corpus file, export and restore. axe-core (vendored from npm) checks every page visited: no
serious or critical violations. Screenshots at phone and desktop widths go to test-output/."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import SHARED

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
OUT = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
PASSWORD = "a long enough secret"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(db_url: str) -> Iterator[str]:
    import uvicorn

    from flarewise.web import create_app

    app = create_app(db_url)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the web app did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    app.state.db.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


class Visit:
    """One person's browser: checks accessibility and takes screenshots of every page."""

    def __init__(self, browser: Any, base: str, name: str) -> None:
        self.base = base
        self.name = name
        # bypass_csp only so the test can inject axe-core; the app's own scripts obey the CSP
        self.context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(m.text) if m.type == "error" and "CSP" not in m.text else None
            ),
        )

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def check(self, label: str) -> None:
        """axe-core on the current page, then screenshots at 1280 and 375 px."""
        page = self.page
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.help + ' @ '"
            " + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert violations == [], f"{label}: {violations}"
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / f"{self.name}-{label}-desktop.png"), full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, f"{label}: the page is {width}px wide at a 375px viewport"
        page.screenshot(path=str(OUT / f"{self.name}-{label}-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_newcomer_path_in_chromium(server: str, browser: Any, db_url: str) -> None:
    name = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    v = Visit(browser, server, name)
    page = v.go("/")
    assert page.url.endswith("/signin")
    v.check("signin")

    # sign up
    v.go("/signup")
    page.fill("#handle", "alice")
    page.fill("#password", PASSWORD)
    page.click("text=Create journal")
    page.wait_for_url("**/today?welcome=1")
    v.check("today")

    # check in through the body map (the SVG regions tick the labelled checkboxes)
    page.fill("#s-pain", "7")
    page.fill("#s-fatigue", "6")
    for site in ("neck", "lower_back", "upper_leg_left"):
        page.click(f'.site[data-site="{site}"]')
        assert page.is_checked(f"#site-{site}")
    assert page.locator(".site.on").count() == 3
    page.check("#site-jaw_left")  # the checklist works too (keyboard, screen readers)
    page.keyboard.press("Tab")
    page.fill("#note", "rough night")
    page.click("text=Save check-in")
    page.wait_for_url("**/today?saved=*")
    assert "pain 7" in page.inner_text(".entries")
    v.check("today-saved")

    # the entry on the timeline: the chart is drawn and the table lists it
    v.go("/timeline?range=30")
    page.wait_for_selector(".chart svg")
    assert "Pain" in page.inner_text("details table")
    v.check("timeline")

    # a lab result with a red flag
    v.go("/labs")
    page.select_option("#loinc", "1988-5")
    page.wait_for_selector("#unit")
    units = page.eval_on_selector_all("#unit option", "os => os.map(o => o.value)")
    assert units and "ng/mL" not in units
    page.fill("#value", "65")
    page.fill("#ref_high", "5")
    page.click("text=Save result")
    page.wait_for_url("**/labs?saved=*")
    assert "clinician" in page.inner_text(".redflags")
    v.check("labs")

    # a medicine, then the plan: a combination with it triggers a warning
    v.go("/medicines")
    page.fill("#substance", "Duloxetine")
    page.fill("#amount", "60")
    page.click("button:has-text('Add')")
    page.wait_for_selector("table")
    assert "60 mg" in page.inner_text("table")
    v.check("medicines")
    v.go("/plan")
    page.check("#i-tramadol")
    page.click("text=Check for warnings")
    page.wait_for_selector(".checked .warning")
    assert "serotonin" in page.inner_text(".checked").lower()
    v.check("plan")

    # start an experiment from a template
    v.go("/experiments")
    page.click("text=Does magnesium help my sleep?")
    page.wait_for_url("**/experiments/*")
    page.click("text=Start it")
    page.wait_for_selector(".today")
    assert "Today" in page.inner_text(".today")
    v.check("experiment")

    v.go("/insights")
    v.check("insights")
    v.go("/assessments")
    v.check("assessments")

    # import a corpus file, with progress and the report
    corpus = SHARED / "corpora/fhir/hl7-spec-examples/observation-example-f005-hemoglobin.json"
    if corpus.exists():
        v.go("/data")
        page.set_input_files("#file", str(corpus))
        page.click("#import-form button.primary")
        page.wait_for_selector(
            "#import-job[data-status=done], #import-job[data-status=failed]", timeout=20_000
        )
        assert "Added 1 entries" in page.inner_text("#import-job")
        v.check("import-report")

    # export the backup, then restore it into a new account
    v.go("/data")
    with page.expect_download() as download:
        page.click("text=Full backup (JSON)")
    backup = Path(download.value.path())
    kept = OUT.parent / f"{name}-backup.json"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(backup, kept)
    v.check("data")
    page.click("text=Sign out alice")
    page.wait_for_url("**/signin")

    v.go("/signup")
    page.fill("#handle", "alice2")
    page.fill("#password", PASSWORD)
    page.click("text=Create journal")
    page.wait_for_url("**/today?welcome=1")
    v.go("/data")
    page.set_input_files("#backup", str(kept))
    page.click("button:has-text('Restore')")
    page.wait_for_url("**/data?restored=*")
    v.go("/labs")
    assert "C-reactive protein" in page.inner_text("table") or "CRP" in page.inner_text("table")
    v.go("/account")
    v.check("account")
    assert v.errors == [], v.errors
    v.context.close()


def test_pages_work_without_javascript(server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/signup")
    page.fill("#handle", "nojs")
    page.fill("#password", PASSWORD)
    page.click("text=Create journal")
    page.wait_for_url("**/today?welcome=1")
    assert not page.is_visible(".figures")  # the body map's checklist is the control
    page.check("#site-neck")
    page.fill("#s-pain", "4")
    page.click("text=Save check-in")
    page.wait_for_url("**/today?saved=*")
    assert "pain 4" in page.inner_text(".entries")
    page.goto(server + "/labs")
    page.select_option("#loinc", "62292-8")
    page.click("button:has-text('Choose')")
    assert page.is_visible("#unit")
    page.goto(server + "/timeline")
    assert "Pain" in page.inner_text("details table")
    context.close()


def test_report_page_in_chromium(server: str, browser: Any, db_url: str) -> None:
    """The Report page (issue 14): period picker, the print view with its figure, questions
    kept, PDF download, readable at 375 px and without serious axe-core findings."""
    from datetime import date, timedelta

    from flarewise.journal import open_journal

    name = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    v = Visit(browser, server, name)
    page = v.go("/signup")
    page.fill("#handle", "rita")
    page.fill("#password", PASSWORD)
    page.click("text=Create journal")
    page.wait_for_url("**/today?welcome=1")
    j = open_journal(db_url, "rita", create=False)
    j.write_demo(start=date.today() - timedelta(days=120), days=120, replace=True)
    j.close()
    v.go("/report")
    assert page.locator(".visit figure svg").count() == 1
    assert "Current medicines and supplements" in page.inner_text(".visit")
    page.fill("#questions", "Is the new dose why I sleep badly?")
    page.click("text=Save questions")
    page.wait_for_url("**/report?saved=1")
    assert "Is the new dose why I sleep badly?" in page.inner_text(".visit .questions")
    start = (date.today() - timedelta(days=30)).isoformat()
    page.fill("#from", start)
    page.click("text=Show this period")
    page.wait_for_url(f"**/report?from={start}*")
    assert f"Period {start} to" in " ".join(page.inner_text(".visit").split())
    v.check("report")
    with page.expect_download() as download:
        page.click("text=Download PDF (A4)")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert v.errors == [], v.errors
    v.context.close()
