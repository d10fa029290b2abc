"""Words, not ids (issue 15): every page of the demo journal, crawled as a person reads it (the
visible text and the accessible names), holds no raw id or code. Rule ids and LOINC codes may
appear only on the quiet details line (``class="details-line"``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from flarewise.reports.words import rule_ids_in, unit_label, without_rule_ids

from .webkit import app_on, post, signed_up

#: What a person should never have to read, each with an example seen on the pages before.
RAW = {
    "a vocabulary id with underscores (sleep_quality, randomised_blocks, fd_...)": re.compile(
        r"\b[a-z]+(?:_[a-z0-9]+)+\b"
    ),
    "a typed id (symptom:anxiety)": re.compile(
        r"\b(?:symptom|food|substance|activity|sleep|trackable|measure|metric):[a-z_]+"
    ),
    "a UCUM power (10*9/L)": re.compile(r"10\*\d"),
    "a UCUM bracket (m[IU]/L)": re.compile(r"(?<=\w)\[[A-Za-z]+\]|\[[A-Za-z]+\]/"),
    "a rule id outside the details line (RF-FERRITIN)": re.compile(r"\b(?:RF|SAF)-[A-Z0-9-]+"),
    "a q-value as a bare number (q = 0.000)": re.compile(r"\bq = \d"),
    # a signed figure is no missing low end: a change in brackets "(-20.5)" or beside its
    # label "-20.5 (total)", an interval's low end "-1.03 to +1.34"
    "a range with no low end, read as negative (-5.0)": re.compile(
        r"(?:^|[\s(])[–-]\d+\.\d+(?!\d| to |\)| \()"
    ),
}
NAV = [
    "/today",
    "/medicines",
    "/timeline",
    "/labs",
    "/assessments",
    "/plan",
    "/experiments",
    "/insights",
    "/data",
    "/account",
]
SKIP_LINKS = ("/static", "/api", "/signout", "/export", "/today?day=", "/entries/")


class _Visible(HTMLParser):
    """The text a person sees or hears: data outside script, style, hidden inputs' values and
    the details line, plus aria-label and title attributes."""

    QUIET = ("script", "style", "template")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self._skip or tag in self.QUIET or "details-line" in (a.get("class") or ""):
            self._skip.append(tag)
            return
        self.parts.extend(v for k, v in attrs if k in ("aria-label", "title") and v)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def raw_codes(text: str) -> list[str]:
    return [f"{why}: {m.group(0)!r}" for why, rx in RAW.items() for m in rx.finditer(text)]


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def test_units_read_as_people_write_them() -> None:
    assert unit_label("10*9/L") == "×10⁹/L"
    assert unit_label("10*3/uL") == "×10³/µL"
    assert unit_label("m[IU]/L") == "mIU/L"
    assert unit_label("mm[Hg]") == "mmHg"
    assert unit_label("ug/L") == "µg/L"
    assert unit_label("ng/mL") == "ng/mL"
    assert unit_label("{ratio}") == "ratio"


def test_rule_ids_leave_the_sentence_for_the_details_line() -> None:
    text = "Never together. (Low-dose naltrexone with Tramadol) [SAF-LDN-OPIOID]"
    assert without_rule_ids(text) == "Never together. (Low-dose naltrexone with Tramadol)"
    assert rule_ids_in("Also covers: a (SAF-GABA-OPIOID); b (SAF-GABA-CNS).") == [
        "SAF-GABA-OPIOID",
        "SAF-GABA-CNS",
    ]


def test_the_crawl_catches_what_it_is_for() -> None:
    # the checks on the strings the issue saw on the pages (issue 15, "Raw ids and codes")
    for seen in (
        "symptom:anxiety",
        "sleep_quality",
        "randomised_blocks",
        "10*9/L",
        "m[IU]/L",
        "RF-FERRITIN",
        "fd_symptom_jaw_clicking",
        "q = 0.000",
        "CRP 12 mg/L –5.0",
    ):
        assert raw_codes(visible_text(f"<p>{seen}</p>")), seen
    quiet = '<p>Ferritin high <small class="details-line">Rule RF-FERRITIN</small></p>'
    assert raw_codes(visible_text(quiet)) == []
    assert raw_codes(visible_text("<p>IL-6, ×10⁹/L, 3 to 10 mg/L, up to 5</p>")) == []
    signed = "<p>42.8 -20.5 (total), was 63.3 (-20.5), from -1.03 to +1.34</p>"
    assert raw_codes(visible_text(signed)) == []


def test_no_page_of_the_demo_shows_a_raw_id_or_code(app: Any) -> None:
    c = signed_up(app, "demo", demo_days=120)
    r = post(c, "/experiments", {"intervention": "magnesium", "outcome": "sleep_quality"})
    assert r.status_code == 303, r.text
    queue, seen, found = list(NAV), set(), {}
    while queue and len(seen) < 120:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        page = c.get(path)
        if page.status_code != 200 or "text/html" not in page.headers["content-type"]:
            continue
        codes = raw_codes(visible_text(page.text))
        if codes:
            found[path] = sorted(set(codes))[:8]
        for link in re.findall(r'href="(/[^"#]*)"', page.text):
            if not link.startswith(SKIP_LINKS) and link not in seen:
                queue.append(link)
    assert len(seen) >= len(NAV) + 3, sorted(seen)
    assert found == {}, "\n".join(f"{path}: {'; '.join(codes)}" for path, codes in found.items())
