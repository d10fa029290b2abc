"""Doses recorded week by week, per medicine: what the Medicines page's adherence view shows.
Counted here, behind the facade, so the web face only renders it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flarewise.domain.entries import Intake

if TYPE_CHECKING:
    from flarewise.journal import Journal

#: Weeks the adherence view looks back over.
ADHERENCE_WEEKS = 8


def weekly_doses(j: Journal, today: date, weeks: int = ADHERENCE_WEEKS) -> dict[str, Any]:
    """Doses recorded as taken and as skipped, per medicine and per week (Monday to Sunday),
    for the last ``weeks`` weeks, newest first. Counts only: no score, no "missed" verdict
    (design notes: calm, no streak shaming); a week with nothing recorded says so."""
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=k) for k in range(weeks)]
    tz = j.timezone()
    counts: dict[str, dict[date, list[int]]] = {}
    for e in j.entries(starts[-1], today, kinds=["intake"]):
        if not isinstance(e, Intake):
            continue
        day = e.at.astimezone(tz).date()
        week = day - timedelta(days=day.weekday())
        taken_skipped = counts.setdefault(e.substance, {}).setdefault(week, [0, 0])
        taken_skipped[1 if e.status == "skipped" else 0] += 1
    v = j.vocabulary
    return {
        "weeks": [w.isoformat() for w in starts],
        "labels": [f"{w.day} {w.strftime('%b')}" for w in starts],
        "rows": [
            {
                "name": v.name_of("substance", substance),
                "weeks": [
                    {"taken": by_week.get(w, [0, 0])[0], "skipped": by_week.get(w, [0, 0])[1]}
                    for w in starts
                ],
            }
            for substance, by_week in sorted(
                counts.items(), key=lambda kv: v.name_of("substance", kv[0]).lower()
            )
        ],
    }
