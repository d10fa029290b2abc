"""The body map's figures (issue 15 follow-up): a front and a back outline of a person drawn
from smooth parts, each of the 19 WPI sites once with its label, the same ids and field names
as before (stored check-ins and the ACR 2016 form read them), and the labelled checklist that
screen readers and people without JavaScript use. Target sizes (44 px at 375 px) and the
regions sitting on the figure are measured in Chromium by tests/test_browser.py and
tests/test_review15.py."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import html as lxml_html

from flarewise.domain.body import BodySite
from flarewise.web import bodymap

from .webkit import app_on, signed_up


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def test_each_site_is_one_region_on_the_view_a_person_points_to() -> None:
    assert sorted(r.site.value for r in bodymap.REGIONS) == sorted(s.value for s in BodySite)
    back = {r.site for r in bodymap.regions("back")}
    assert back == {
        BodySite.NECK,
        BodySite.SHOULDER_GIRDLE_LEFT,
        BodySite.SHOULDER_GIRDLE_RIGHT,
        BodySite.UPPER_BACK,
        BodySite.LOWER_BACK,
        BodySite.HIP_LEFT,
        BodySite.HIP_RIGHT,
    }
    # smooth parts: no sharp-cornered box in the outline (rectangles are rounded)
    for view, parts in bodymap.OUTLINE.items():
        assert parts and all(p.startswith(("<path", "<ellipse", "<rect")) for p in parts), view
        assert all('rx="' in p for p in parts if p.startswith("<rect")), view


@pytest.mark.parametrize("page", ["/today", "/assessments"])
def test_the_figures_carry_every_site_and_the_checklist_labels_them(app: Any, page: str) -> None:
    c = signed_up(app, "map")
    doc = lxml_html.fromstring(c.get(page).text)
    (figures,) = doc.xpath("//div[contains(@class, 'figures')]")
    assert figures.get("aria-hidden") == "true"  # a visual aid; the checklist is the control
    for svg in figures.xpath(".//svg"):
        edge, fill = svg.xpath(".//g[@class='outline-edge']"), svg.xpath(".//g[@class='outline']")
        assert len(edge) == len(fill) == 1 and len(edge[0]) == len(fill[0]) > 5
    sites = {s.get("data-site"): s.findtext("title") for s in figures.xpath(".//*[@data-site]")}
    assert sites == bodymap.LABELS
    boxes = doc.xpath("//input[@type='checkbox'][@name='sites']")
    assert sorted(b.get("value") for b in boxes) == sorted(bodymap.ORDER)
    for b in boxes:
        (label,) = doc.xpath(f"//label[@for='{b.get('id')}']")
        assert label.text_content() == bodymap.LABELS[b.get("value")]
