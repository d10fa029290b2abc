"""A screened link is shown as a possible trigger only when its adjusted effect holds
(V-findings item 18): the screen's q comes from unadjusted pre-whitened correlations, the effect
from the adjusted distributed-lag model, so a tiny q beside an adjusted interval that includes
no effect (or runs the other way) must not read as a strong finding. Constructed results go
through the real classification and the real web and CLI faces."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from flarewise import open_journal
from flarewise.analysis import trigger_wording as words
from flarewise.analysis.confirm import (
    adjusted_strength,
    holds_after_adjusting,
    split_by_adjusted,
)
from flarewise.analysis.insights import Insights, Trigger
from flarewise.analysis.triggers import Effect
from flarewise.cli.app import out
from flarewise.cli.insights import insights_json, print_insights
from flarewise.web.pages.experiments import insights_view
from flarewise.web.schemas.experiments import InsightsPage

from .test_web import app, signed_up  # noqa: F401  (the app fixture)


def _link(exposure: str, name: str, r: float, q: float, effect: Effect | None) -> Trigger:
    return Trigger(
        exposure,
        "symptom:fatigue",
        0,
        336,
        r,
        q,
        effect,
        "better" if r < 0 else "worse",
        exposure_name=name,
        outcome_name="fatigue",
        unit="per point of sleep quality" if exposure == "sleep:quality" else "per hour",
        exposure_timing="night",
    )


#: The finding as seen: screen q far below 0.001, adjusted interval touching zero.
VANISHED = _link("sleep:quality", "sleep quality", -0.48, 1e-12, Effect(0.0006, -0.10, 0.10, 336))
#: Screen says better sleep, less fatigue; the adjusted effect says more fatigue.
REVERSED = _link("sleep:quality", "sleep quality", -0.48, 1e-12, Effect(0.11, 0.004, 0.22, 336))
#: Weaker on the screen (larger q) but a clearer adjusted effect than STRONG_SCREEN.
CLEAR = _link("sleep:hours", "hours slept", -0.30, 0.01, Effect(-0.96, -1.08, -0.85, 336))
STRONG_SCREEN = _link("metric:steps", "steps", -0.50, 1e-9, Effect(-0.23, -0.30, -0.15, 336))


def test_a_tiny_screen_q_with_an_adjusted_range_including_zero_is_not_a_trigger() -> None:
    assert not holds_after_adjusting(VANISHED.effect, VANISHED.r)
    assert not holds_after_adjusting(REVERSED.effect, REVERSED.r)
    assert holds_after_adjusting(CLEAR.effect, CLEAR.r)
    assert holds_after_adjusting(None, 0.4)  # no size: worded as "too few days", not dropped
    found, gone = split_by_adjusted([VANISHED, STRONG_SCREEN, REVERSED, CLEAR], None)
    assert found == [CLEAR, STRONG_SCREEN]  # ranked by the adjusted effect, not by q
    assert gone == [VANISHED, REVERSED]
    assert adjusted_strength(CLEAR.effect) > adjusted_strength(STRONG_SCREEN.effect) > 0
    assert split_by_adjusted([STRONG_SCREEN, CLEAR, VANISHED], 1) == ([CLEAR], [VANISHED])


def test_an_unconfirmed_link_says_so_and_offers_no_experiment() -> None:
    vanished = replace(VANISHED, unconfirmed=True)
    assert vanished.test_this is None
    note = words.notes(vanished)[0]
    assert note.startswith("Found by the screen") and "includes no effect" in note
    assert "not a possible trigger" in note
    assert "runs the other way" in words.notes(replace(REVERSED, unconfirmed=True))[0]
    # q is named for what it is, and its meaning is said once where the list starts
    assert "screening check q < 0.001" in words.sentence(vanished)
    assert "before any adjustment" in words.Q_MEANING and "adjusted effect" in words.Q_MEANING


def _result() -> Insights:
    return Insights(
        date(2025, 1, 1),
        date(2025, 12, 31),
        365,
        0.92,
        (),
        (),
        (),
        (CLEAR, STRONG_SCREEN),
        1200,
        "ok",
        (),
        hits_total=4,
        unconfirmed=(replace(VANISHED, unconfirmed=True), replace(REVERSED, unconfirmed=True)),
    )


def test_the_web_answer_lists_unconfirmed_links_apart() -> None:
    data = insights_view(_result())
    InsightsPage.model_validate(data)  # the typed /api/insights answer
    assert [t["exposure_name"] for t in data["triggers"]] == ["hours slept", "steps"]
    assert [t["unconfirmed"] for t in data["unconfirmed"]] == [True, True]
    assert not any(t["testable"] for t in data["unconfirmed"])
    assert data["unconfirmed_heading"] == "Found by the screen, gone after adjusting"
    assert data["cut"] == ""  # all four links are listed somewhere


def test_the_cli_lists_unconfirmed_links_under_their_own_heading() -> None:
    with out.capture() as captured:
        print_insights(_result())
    text = " ".join(captured.get().split())
    head, _, tail = text.partition("Found by the screen, gone after adjusting:")
    assert "1. hours slept" in head and "2. steps" in head and "sleep quality" not in head
    assert tail.count("sleep quality:") == 2 and "screening check q < 0.001" in tail
    data = insights_json(_result())
    assert [t["notes"][0][:19] for t in data["unconfirmed"]] == ["Found by the screen"] * 2


def test_the_insights_page_says_what_q_is_for(app: Any) -> None:  # noqa: F811
    c = signed_up(app, "carol", demo_days=365)
    page = c.get("/insights").text
    assert "Screening check (before adjusting)" in page and "before any adjustment" in page
    data = c.get("/api/insights").json()
    for t in data["triggers"]:  # every listed trigger's adjusted effect holds
        e = t["effect"]
        assert e is None or not (e["ci_low"] <= 0 <= e["ci_high"])


def test_the_demo_year_seen_in_review_lists_sleep_quality_to_fatigue_apart(
    tmp_path: Path,
) -> None:
    """The reviewed demo year (started 2025-11-26): sleep quality -> fatigue passed the screen
    with q < 0.001 (better sleep, less fatigue) but its adjusted effect is 0.11 points *higher*
    (0.00 to 0.22): it was the 4th "strongest" link; now it is listed apart, not as a trigger."""
    with open_journal(f"sqlite:///{tmp_path / 'demo.db'}", "demo") as j:
        j.write_demo(start=date(2025, 11, 26), days=365)
        ins = j.insights(max_hits=None)
    key = ("sleep:quality", "symptom:fatigue")
    assert key not in {(t.exposure, t.outcome) for t in ins.triggers}
    gone = next(t for t in ins.unconfirmed if (t.exposure, t.outcome) == key)
    assert gone.q < 0.001 and gone.r < 0 and gone.effect is not None and gone.effect.effect > 0
    assert gone.test_this is None and "runs the other way" in words.notes(gone)[0]
    assert ins.hits_total == len(ins.triggers) + len(ins.explained) + len(ins.unconfirmed)
    strengths = [adjusted_strength(t.effect) for t in ins.triggers]
    assert strengths == sorted(strengths, reverse=True)
