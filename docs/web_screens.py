"""Make the screenshots docs/web.md shows: the first screen of a few pages of the demo journal
in Debian's Chromium (Today on a phone in light and dark, the Timeline at 1280 px, the Plan
and Medicines on a phone). The full-page shots of every page, width and scheme are written by
tests/test_page_quality.py into test-output/screenshots/.

    PYTHONPATH=src python docs/web_screens.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.lighthouse import demo_server  # noqa: E402

#: (file, path, width, height, scheme)
SHOTS = (
    ("web-today-phone-light.png", "/today", 375, 760, "light"),
    ("web-today-phone-dark.png", "/today", 375, 760, "dark"),
    ("web-timeline-desktop.png", "/timeline", 1280, 860, "light"),
    ("web-plan-phone.png", "/plan", 375, 760, "light"),
    ("web-medicines-phone.png", "/medicines", 375, 760, "light"),
)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from flarewise.cli.serve import DEMO_PASSWORD, DEMO_PERSON

    with (
        tempfile.TemporaryDirectory() as tmp,
        demo_server(Path(tmp)) as (base, _app),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, path, width, height, scheme in SHOTS:
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            page = context.new_page()
            page.goto(base + "/signin")
            page.fill("#handle", DEMO_PERSON)
            page.fill("#password", DEMO_PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_url("**/today")
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if page.locator(".chart[data-spec-id]").count():
                page.wait_for_selector(".chart[data-drawn] svg")
            page.screenshot(path=str(HERE / name))
            print(f"{name}: {(HERE / name).stat().st_size // 1024} KB")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
