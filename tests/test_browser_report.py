"""The visit report page in Chromium: the figure, sent as its spec, is drawn by the app's chart
worker at the phone's width, and stays a sheet of paper (dark ink on white) in a dark-mode
browser, where the app's own charts turn light."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.lighthouse import demo_server

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("demo")) as (base, _app):
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_report_figure_is_drawn_on_paper(demo: str, scheme: str) -> None:
    from flarewise.cli.serve import DEMO_PASSWORD, DEMO_PERSON

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page: Any = b.new_page(viewport={"width": 375, "height": 800}, color_scheme=scheme)
        page.goto(demo + "/signin")
        page.fill("#handle", DEMO_PERSON)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url("**/today")
        page.goto(demo + "/report")
        page.wait_for_selector(".visit .chart[data-drawn=true] svg", timeout=30_000)
        titles = page.evaluate(
            "[...document.querySelectorAll('.visit .chart svg text')].map(t => t.textContent)"
        )
        assert "Pain (0-10, lower is better)" in titles, titles[:10]
        width = page.evaluate(
            "document.querySelector('.visit .chart svg').getBoundingClientRect().width"
        )
        assert 250 < width <= 375
        fills = set(
            page.evaluate(
                "[...document.querySelectorAll('.visit .chart svg text')]"
                ".map(t => getComputedStyle(t).fill)"
            )
        )
        light_ink = "rgb(232, 230, 227)"  # the app's dark-mode text colour (#e8e6e3)
        assert light_ink not in fills, fills
        b.close()
