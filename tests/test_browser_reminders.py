"""Issue 15 items 5 and 7 in Chromium: the calendar address made on the account page and
fetched by a browser context with no session (as a phone's calendar would); an experiment
chosen from a template opens its review, asks nothing until confirmed, then starts."""

from __future__ import annotations

from typing import Any

from icalendar import Calendar

from .test_browser import PASSWORD, Visit, browser, server

__all__ = ["browser", "server"]  # the fixtures, shared with the newcomer's path


def _sign_up(v: Visit, handle: str) -> Any:
    page = v.go("/signup")
    page.fill("#handle", handle)
    page.fill("#password", PASSWORD)
    page.click("text=Create journal")
    page.wait_for_url("**/today?welcome=1")
    return page


def test_make_the_calendar_address_on_the_account_page_and_fetch_it(
    server: str, browser: Any
) -> None:
    v = Visit(browser, server, "reminders")
    page = _sign_up(v, "alice")
    v.go("/account")
    page.fill("#checkin_time", "21:15")
    page.click("text=Save the time")
    page.wait_for_url("**/account?done=reminders*")
    page.click("text=Make my calendar address")
    page.wait_for_selector("#feed-url")
    url = page.input_value("#feed-url")
    assert url.startswith(server + "/calendar/") and url.endswith(".ics")
    v.check("account-reminders")
    calendar_app = browser.new_context()  # no cookie: calendars cannot sign in
    r = calendar_app.request.get(url)
    assert r.status == 200 and r.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(r.body()).walk("VEVENT"))
    (checkin,) = [e for e in events if "Check in" in str(e.get("summary"))]
    assert checkin.decoded("dtstart").strftime("%H:%M") == "21:15"
    assert checkin.get("rrule")["FREQ"] == ["DAILY"] and checkin.walk("VALARM")
    v.go("/account")
    assert page.locator("#feed-url").count() == 0  # shown once only
    page.click("text=Stop the calendar address")
    page.wait_for_url("**/account?done=reminders*")
    assert calendar_app.request.get(url).status == 404
    calendar_app.close()
    assert v.errors == []


def test_choose_review_confirm_an_experiment(server: str, browser: Any) -> None:
    v = Visit(browser, server, "agreement")
    page = _sign_up(v, "alice")
    v.go("/experiments")
    page.click("text=Does magnesium help my sleep?")
    page.wait_for_url("**/experiments/*/review")
    text = page.inner_text("main")
    for heading in ("How long", "What to do each day", "The schedule", "What it will not tell"):
        assert heading in text
    v.check("experiment-review")
    v.go("/today")
    assert "Your experiment today" not in page.inner_text("main")  # nothing agreed yet
    page.go_back()
    page.wait_for_url("**/experiments/*/review")
    page.click("text=Confirm and start")
    page.wait_for_selector(".today")
    assert "running" in page.inner_text("main")
    v.go("/today")
    assert "Your experiment today" in page.inner_text("main")
    assert v.errors == []
