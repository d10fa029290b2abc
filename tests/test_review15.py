"""Defects found by trying issue 15 on the demo journal as a new user would (helper V's review,
/work/briefs/V-findings.md), each pinned by what a person sees in Chromium at 375 px.

- The instruction an experiment gives on Today names the thing in words, never its id
  ("Do not take coq10."), and does not say "take" for something that is done, not taken.
- Names keep their capitals ("coenzyme Q10", "vitamin D"), in the review and the calendar.
- A lab result's row on a phone is not mostly blank (its reading column was squeezed to a
  few words a line, so each row was about 580 px tall).
- Assessment results say what each part is called, not its code (FUNCTION, SSS_COMMON).
- A planned experiment does not claim a day of progress ("1 of 168 days")."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.lighthouse import demo_server

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 375, "height": 800}

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("demo")) as (base, _app):
        yield base


@pytest.fixture(scope="module")
def phone(demo: str) -> Iterator[Any]:
    """A signed-in phone (375 px, touch) on the demo journal."""
    from flarewise.cli.serve import DEMO_PASSWORD, DEMO_PERSON

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        context = b.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(demo + "/signin")
        page.fill("#handle", DEMO_PERSON)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url("**/today")
        yield page
        b.close()


def _start_from_question(page: Any, base: str, question: str) -> str:
    """Choose a question on Experiments, read its review, confirm; the experiment's page."""
    page.goto(base + "/experiments")
    with page.expect_navigation():
        page.tap(f"button:has-text('{question}')")
    assert "/review" in page.url
    with page.expect_navigation():
        page.tap("button:has-text('Confirm and start')")
    return str(page.url)


def test_a_planned_experiment_claims_no_day_of_progress(phone: Any, demo: str) -> None:
    phone.goto(demo + "/experiments")
    with phone.expect_navigation():
        # (the demo person takes magnesium already: it is not offered as a new start)
        phone.tap("button:has-text('Does gentle daily exercise change my pain?')")
    phone.goto(demo + "/experiments")
    card = phone.locator("main li", has_text="planned").first
    assert "planned" in card.inner_text()
    assert not re.search(r"\b1 of \d+ days", card.inner_text()), card.inner_text()
    assert re.search(r"\b\d+ days, would end", card.inner_text()), card.inner_text()


def test_experiment_instructions_use_names_and_the_right_verb(phone: Any, demo: str) -> None:
    _start_from_question(phone, demo, "Do breathing exercises lower my stress?")
    phone.goto(demo + "/today")
    today = phone.locator("main").inner_text()
    # the demo's running experiment: coenzyme Q10, in its "without" phase today
    assert "coq10" not in today
    assert "Do not take coenzyme Q10." in today
    # a practice is done or left out, not taken
    assert "breathing_relaxation" not in today
    assert "take breathing" not in today.lower()
    # the first days of a randomised period: left out before a period without it, done
    # before a period with it (the order is drawn when the experiment starts)
    assert (
        "Leave out breathing and relaxation exercises today." in today
        or "Do breathing and relaxation exercises today." in today
    ), today[:600]
    phone.goto(demo + "/experiments")
    listing = phone.locator("main").inner_text()
    assert "coq10" not in listing and "breathing_relaxation" not in listing


def test_names_keep_their_capitals_in_the_review(phone: Any, demo: str) -> None:
    phone.goto(demo + "/experiments")
    phone.select_option("#intervention", "coq10")
    phone.select_option("#outcome", "fatigue")
    with phone.expect_navigation():
        phone.tap("button:has-text('Design it from my own data')")
    text = phone.locator("main").inner_text()
    assert "coenzyme q10" not in text
    assert "Without coenzyme Q10" in text


def test_lab_result_rows_are_not_mostly_blank_on_a_phone(phone: Any, demo: str) -> None:
    phone.goto(demo + "/labs")
    tallest = phone.evaluate(
        "Math.max(...[...document.querySelectorAll('main table tr')]"
        ".map(r => r.getBoundingClientRect().height))"
    )
    assert tallest < 300, f"a lab result row is {tallest:.0f} px tall on a phone"


def test_assessment_results_name_their_parts(phone: Any, demo: str) -> None:
    phone.goto(demo + "/assessments")
    history = phone.locator("main table").first.inner_text()
    for code in ("FUNCTION", "OVERALL", "SYMPTOMS", "TOTAL", "SSS_COMMON", "SOMATIC", "PSD"):
        assert code not in history, code
    assert "Daily activities" in history and "Total" in history


def test_timeline_names_experiment_phases_and_tells_them_apart(phone: Any, demo: str) -> None:
    phone.goto(demo + "/timeline?range=90")
    phone.tap("text=The same data as tables")
    phases = phone.locator("main table", has_text="Experiment").last
    cells = phases.locator("tbody td:nth-child(2)").all_inner_texts()
    assert cells, "the demo's running experiment has phases in the last 90 days"
    assert not {"A", "B", "washout"} & set(cells), cells
    assert {"without it", "with it"} <= set(cells), cells
    # on the chart, days with it are drawn darker than days without
    phone.wait_for_selector(".chart svg path[fill='#555']", state="attached")
    shades = phone.evaluate(
        "[...new Set([...document.querySelectorAll(\".chart svg path[fill='#555']\")]"
        ".map(p => p.getAttribute('opacity')))]"
    )
    assert len(shades) >= 2, shades


def test_entry_buttons_are_named_in_words(phone: Any, demo: str) -> None:
    phone.goto(demo + "/today")
    phone.tap("label[for=s-pain-4]")
    phone.tap("label[for=dose-1]")
    with phone.expect_navigation():
        phone.tap("button:has-text('Save check-in')")
    names = [
        " ".join(n.split())
        for n in phone.locator("main .entries a, main .entries button").all_inner_texts()
    ]
    assert names and not [n for n in names if "checkin" in n or "intake" in n], names
    assert any("Edit check-in at" in n for n in names), names
    assert any("Delete dose at" in n for n in names), names


def test_the_review_says_when_another_experiment_is_running(phone: Any, demo: str) -> None:
    phone.goto(demo + "/experiments")
    with phone.expect_navigation():
        phone.tap("button:has-text('Does tai chi, qigong or yoga change my pain?')")
    note = phone.locator("#overlap")
    assert "Coenzyme Q10 and fatigue" in note.inner_text()
    # the note sits before the button that starts it
    assert note.bounding_box()["y"] < phone.locator("text=Confirm and start").bounding_box()["y"]


def test_the_lab_test_picker_uses_names_people_use(phone: Any, demo: str) -> None:
    phone.goto(demo + "/labs")
    options = phone.locator("#loinc option").all_inner_texts()
    assert "Ferritin (ng/mL)" in options, options
    assert "TSH (mIU/L)" in options, options
    assert not [o for o in options if "[" in o or "/volume" in o or "sq M" in o], options


def test_a_long_count_is_recorded_by_taps_not_typing(phone: Any, demo: str) -> None:
    """The demo's "Rest breaks taken (pacing)" counts up to 20: too long for a row of buttons,
    it was a box to type into, the only typing left in the check-in."""
    phone.goto(demo + "/today")
    more = phone.locator("button[data-step='1'][aria-controls='t-pacing_breaks']")
    less = phone.locator("button[data-step='-1'][aria-controls='t-pacing_breaks']")
    for box in (more.bounding_box(), less.bounding_box()):
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    for _ in range(4):
        more.tap()
    less.tap()
    assert phone.input_value("#t-pacing_breaks") == "3"
    with phone.expect_navigation():
        phone.tap("button:has-text('Save check-in')")
    entries = phone.locator("main .entries").inner_text()
    assert "3" in entries and "Rest breaks" in entries, entries


def test_the_offline_cache_is_named_after_the_files_it_keeps(demo: str) -> None:
    """The service worker serves app.js and app.css from its cache first; under a fixed cache
    name a phone that had them never got a new version (nor any fix in them)."""
    import hashlib
    from importlib import resources
    from urllib.request import urlopen

    static = resources.files("flarewise.web") / "static"
    digest = hashlib.sha256()
    for name in ("app.css", "app.js", "favicon.svg", "icon-192.png"):
        digest.update((static / name).read_bytes())
    with urlopen(demo + "/sw.js") as answer:
        script = answer.read().decode()
    assert f'var CACHE = "flarewise-{digest.hexdigest()[:12]}";' in script
    assert '"/static/app.js"' in script


def test_charts_say_which_end_is_good_in_words_and_colour(phone: Any, demo: str) -> None:
    """The check-in marks the good end of each scale blue-green and the bad end warm; the
    timeline's panels said it only in their titles' words."""
    phone.goto(demo + "/timeline")
    phone.wait_for_selector(".chart[data-drawn=true]")
    labels = phone.evaluate(
        "[...document.querySelectorAll('.chart svg text')]"
        ".map(t => [t.textContent, t.getAttribute('fill')])"
    )
    assert ["0 best", "#1d6f72"] in labels and ["10 worst", "#b4521e"] in labels, labels[:20]
    assert ["10 best", "#1d6f72"] in labels and ["0 worst", "#b4521e"] in labels  # sleep, mood


def test_no_dose_button_on_a_day_without_a_dose(phone: Any, demo: str) -> None:
    """The demo's coenzyme Q10 experiment is in its "without" phase today: "I took today's
    dose" was offered anyway, and pressing it led to an error page."""
    phone.goto(demo + "/experiments")
    with phone.expect_navigation():
        phone.tap("main a:has-text('Coenzyme Q10 and fatigue')")
    assert "Do not take coenzyme Q10." in phone.locator("main").inner_text()
    assert phone.locator("button:has-text('I took today')").count() == 0
    assert phone.locator("button:has-text('Pause')").count() == 1


def test_the_medicines_table_fits_a_phone(phone: Any, demo: str) -> None:
    """Each medicine's "Stopped on" date field was open in the table and pushed it past a
    375 px screen; it is folded like "Change dose" and still one tap away."""
    phone.goto(demo + "/medicines")
    table = phone.locator("main table").first
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    phone.tap("main summary:has-text('Stop taking it') >> nth=0")
    assert phone.locator("main input[type=date][name=on]").first.is_visible()


def test_one_saved_entry_is_said_in_the_singular(phone: Any, demo: str) -> None:
    phone.goto(demo + "/today")
    phone.tap("label[for=s-mood-7]")
    with phone.expect_navigation():
        phone.tap("button:has-text('Save check-in')")
    status = phone.locator("main p.ok[role=status]:visible").inner_text()
    assert status == "Check-in saved.", status


def test_a_check_in_with_a_dose_is_said_as_one_check_in(phone: Any, demo: str) -> None:
    """One check-in with a dose said "Saved 2 entries.": people think of one check-in."""
    phone.goto(demo + "/today")
    phone.tap("label[for=s-mood-6]")
    phone.tap("label[for=dose-1]")
    with phone.expect_navigation():
        phone.tap("button:has-text('Save check-in')")
    status = phone.locator("main p.ok[role=status]:visible").inner_text()
    assert status == "Check-in saved, with 1 dose.", status


def test_body_map_targets_sit_on_the_figure(phone: Any, demo: str) -> None:
    """The lower-arm targets sat half outside the arm's outline, and the back figure was cut
    off across the legs at the bottom of its box."""
    phone.goto(demo + "/today")
    off = phone.evaluate(
        """() => {
      const out = [];
      for (const svg of document.querySelectorAll('.figures svg')) {
        const shapes = [...svg.querySelectorAll('.outline > *')].map(e => e.getBBox());
        const vb = svg.viewBox.baseVal;
        for (const b of shapes)
          if (b.y + b.height > vb.y + vb.height + 0.5) out.push('outline cut at ' + vb.height);
        for (const site of svg.querySelectorAll('.site')) {
          const b = site.getBBox();
          // within the outline's width at the site's height (shapes beside it vertically)
          const beside = shapes.filter(s => s.y < b.y + b.height && s.y + s.height > b.y);
          const left = Math.min(...beside.map(s => s.x));
          const right = Math.max(...beside.map(s => s.x + s.width));
          // a few units of slack: the jaw targets are a little wider than the head to be 44 px
          const inside = b.x >= left - 8 && b.x + b.width <= right + 8;
          if (!inside) out.push(site.dataset.site);
        }
      }
      return out;
    }"""
    )
    assert off == [], off


def test_same_as_yesterday_keeps_scores_already_tapped(phone: Any, demo: str) -> None:
    """ "Same as yesterday" was a link that reloaded the page: a score tapped before it was
    lost. It fills in yesterday's answers in place, only where nothing is answered yet."""
    phone.goto(demo + "/today")
    fill = phone.locator("#same-yesterday").get_attribute("data-fill")
    assert fill, "the demo journal has a check-in yesterday"
    import json

    yesterday = json.loads(fill)["scores"]
    tapped = 3 if yesterday.get("pain") != 3 else 4
    phone.tap(f"label[for=s-pain-{tapped}]")
    before = phone.url
    phone.tap("#same-yesterday")
    assert phone.url == before
    assert phone.is_checked(f"#s-pain-{tapped}")
    assert phone.is_checked(f"#s-fatigue-{yesterday['fatigue']:g}")
    assert phone.locator("#same-status").is_visible()
    assert phone.locator("#same-yesterday").count() == 0


def test_the_adherence_table_says_it_scrolls_on_a_phone(phone: Any, demo: str) -> None:
    """The weekly doses table showed 4 of its 8 weeks at 375 px with no sign of the rest."""
    phone.goto(demo + "/medicines")
    box = phone.locator("main .table-scroll:has(table.adherence)")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "all weeks fit: no hint needed"
    hint = phone.locator("#" + str(box.get_attribute("aria-describedby")))
    assert hint.is_visible() and "sideways" in hint.inner_text(), hint.inner_text()
    assert "8 weeks" in hint.inner_text()
    # a labelled region the keyboard reaches and scrolls
    assert box.get_attribute("role") == "region" and box.get_attribute("aria-labelledby")
    box.focus()
    assert phone.evaluate("document.activeElement.id") == box.get_attribute("id")
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function(
        "id => document.getElementById(id).scrollLeft > 0", arg=box.get_attribute("id")
    )


def test_a_hand_edited_address_is_refused_in_words(phone: Any, demo: str) -> None:
    """A hand-edited address was refused with the field's id: "range: 'abc' is not one of
    30, 90, 365, all", "day: '2026-13-45' is not a date like 2026-03-01"."""
    refusals = {
        "/timeline?range=abc": "That period is not one the timeline offers: choose 30, 90, "
        "365 days or all.",
        "/today?day=2026-13-45": "“2026-13-45” is not a day the journal can read: write it "
        "like 2026-03-01.",
        "/today?day=1800-01-01": "1800-01-01 is before 1900; check the year.",
    }
    for address, sentence in refusals.items():
        answer = phone.goto(demo + address)
        assert answer is not None and answer.status == 422
        said = phone.locator("main p.error").inner_text()
        assert said == sentence, said
        assert "range:" not in said and "day:" not in said
    # scripts keep the field's id beside the sentence
    api = phone.request.get(demo + "/api/timeline?range=abc")
    assert api.status == 422 and api.json()["error"].startswith("Time range: "), api.json()
    assert api.json()["field"] == "range"


def test_the_fiqr_is_answered_by_taps_not_typing(phone: Any, demo: str) -> None:
    """The FIQR was 21 number boxes to type into; each answer is one tap on a 0-10 row,
    operable with the arrow keys and read out with what its ends mean."""
    phone.goto(demo + "/assessments")
    form = phone.locator("form[action='/assessments/fiqr']")
    assert form.locator("input[type=number], input[type=text]").count() == 0
    rows = form.locator("fieldset.seg")
    assert rows.count() == 21
    assert form.locator("input[type=radio]").count() == 21 * 11
    for n in (3, 10):
        box = form.locator(f"label[for=f-pain-{n}]").bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 24, box
    assert "0, none, best" in form.locator("label[for=f-pain-0]").inner_text().replace("\n", "")
    for key, n in (("brush_hair", 3), ("prevented_goals", 5), ("pain", 6), ("energy", 4)):
        form.locator(f"label[for=f-{key}-{n}]").tap()
    # the keyboard moves along a row
    phone.focus("#f-pain-6")
    phone.keyboard.press("ArrowRight")
    assert phone.is_checked("#f-pain-7")
    with phone.expect_navigation():
        phone.tap("button:has-text('Score the FIQR')")
    assert "Saved." in phone.locator("main").inner_text()
