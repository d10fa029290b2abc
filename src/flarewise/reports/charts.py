"""Vega-Lite specs built on the server from data the library computed; the browser draws them on
the web pages and vl-convert draws the same specs into the visit report (one chart, two media).

Every chart is readable without colour: series differ by dash pattern and point shape too, and
every chart page also shows its data as a table.
"""

from __future__ import annotations

from typing import Any

from flarewise.reports.words import unit_label

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]]


#: Smallest text on any chart, in CSS px, so nothing is unreadable on a 375 px phone (the
#: chart is drawn at the container's width, never scaled down).
FONT = 12
#: Shared look: readable type everywhere, no view border.
CONFIG: dict[str, Any] = {
    "view": {"stroke": None},
    "font": "system-ui, sans-serif",
    "axis": {"labelFontSize": FONT, "titleFontSize": FONT, "labelLimit": 140},
    "legend": {"labelFontSize": FONT, "titleFontSize": FONT},
    "header": {"labelFontSize": FONT + 1, "titleFontSize": FONT},
    "title": {"fontSize": FONT + 2, "anchor": "start", "fontWeight": 600},
    "text": {"fontSize": FONT},
}
#: The convention every page uses for "which end is good" (see app.css --good / --bad-end).
GOOD = "#1d6f72"
#: The bad end of a scale, the check-in's warm colour (app.css --bad-end).
BAD_END = "#b4521e"
DAILY = "#6b6b6b"
#: A row's label: at the left edge (x = 0 px), just above the row's marks.
ROW_LABEL = {
    "type": "text",
    "align": "left",
    "baseline": "bottom",
    "x": 0,
    "dy": -9,
    "fontSize": FONT,
}


def rolling(values: list[tuple[str, float]], window: int = 7) -> list[dict[str, Any]]:
    """A trailing ``window``-day mean and its spread (mean ± one standard deviation) for each
    day with a score; needs 3 scores in the window, so one odd day does not draw a trend."""
    from datetime import date as _date

    ordered = sorted(values)
    days = [_date.fromisoformat(d) for d, _ in ordered]
    scores = [v for _, v in ordered]
    out: list[dict[str, Any]] = []
    first = 0  # the oldest day inside the window: moves forward only (a year was quadratic)
    for k, day in enumerate(days):
        while (day - days[first]).days >= window:
            first += 1
        window_values = scores[first : k + 1]
        if len(window_values) < 3:
            continue
        mean = sum(window_values) / len(window_values)
        sd = (sum([(v - mean) ** 2 for v in window_values]) / (len(window_values) - 1)) ** 0.5
        out.append(
            {
                "date": day.isoformat(),
                "mean": round(mean, 2),
                "low": round(max(0.0, mean - sd), 2),
                "high": round(min(10.0, mean + sd), 2),
            }
        )
    return out


def _row_labels(rows: list[dict[str, Any]], key: str, text: str) -> list[dict[str, Any]]:
    """One label per row of a panel (a medicine, a lab test), written at the panel's left edge
    above its marks, so no label runs off a phone's screen or hides another."""
    labels: dict[str, str] = {}
    for r in rows:
        labels[r[key]] = r[text]
    return [{key: k, "label": v} for k, v in labels.items()]


def _dose_story(medicines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each medicine's doses in order as one label: "Duloxetine 30 mg → 60 mg"."""
    doses: dict[str, list[str]] = {}
    for m in sorted(medicines, key=lambda m: m["start"]):
        seen = doses.setdefault(m["medicine"], [])
        if not seen or seen[-1] != m["dose"]:
            seen.append(m["dose"])
    return [{"medicine": k, "story": f"{k} {' → '.join(v)}"} for k, v in doses.items()]


def _date_axis(days: int) -> dict[str, Any]:
    """One date format per chart ("3 Mar" for weeks and months, "Mar 2025" for longer),
    never a mix of weekday and month labels."""
    return {
        "format": "%-d %b" if days <= 120 else "%b %Y",
        "tickCount": 4,
        "labelOverlap": True,
        "grid": False,
    }


def _good_end_axis(direction: str | None) -> dict[str, Any]:
    """The 0-10 axis says which end is good in words and colour, as the check-in does: "best"
    beside the good end in the check-in's blue-green, "worst" beside the other (issue 15 item 1:
    the same convention on the form and the charts; the title alone said it in words only)."""
    if direction not in ("lower is better", "higher is better"):
        return {}
    good = 0 if direction == "lower is better" else 10
    return {
        "labelExpr": f"datum.value == {good} ? datum.label + ' best' : "
        f"datum.value == {10 - good} ? datum.label + ' worst' : datum.label",
        "labelColor": {
            "condition": [
                {"test": f"datum.value == {good}", "value": GOOD},
                {"test": f"datum.value == {10 - good}", "value": BAD_END},
            ],
            "value": DAILY,
        },
    }


#: The experiment phases in which the thing tried is taken or done (drawn darker).
WITH_IT = "indexof(['B', 'titration', 'stable'], datum.phase) >= 0"


def timeline(
    symptoms: list[dict[str, Any]],
    medicines: list[dict[str, Any]],
    phases: list[dict[str, Any]],
    labs: list[dict[str, Any]],
    start: str,
    end: str,
    *,
    directions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Small multiples on one shared date axis: one panel per measure (faint daily points, the
    7-day mean as a line with its spread as a band, experiment phases shaded behind), then
    medicines as bars labelled with their doses, then lab results labelled with their values.
    ``directions`` maps a measure's name to "lower is better" / "higher is better", said in
    each panel's title (the same words as the check-in)."""
    from datetime import date as _date

    days = (_date.fromisoformat(end) - _date.fromisoformat(start)).days + 1
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "scale": {"domain": [start, end]},
        "axis": _date_axis(days),
    }
    directions = directions or {}
    panels: list[dict[str, Any]] = []
    names = list(dict.fromkeys(r["symptom"] for r in symptoms))
    for name in names:
        raw = [(r["date"], float(r["value"])) for r in symptoms if r["symptom"] == name]
        trend = rolling(raw)
        layers: list[dict[str, Any]] = []
        if phases:
            layers.append(
                {
                    "data": {"values": phases},
                    "mark": {"type": "rect", "color": "#555"},
                    "encoding": {
                        "x": {**x, "field": "start"},
                        "x2": {"field": "end"},
                        # days with it darker than days without, so the phases can be told
                        # apart (one grey block said nothing about which days were which)
                        "opacity": {
                            "condition": {"test": WITH_IT, "value": 0.2},
                            "value": 0.07,
                        },
                        "tooltip": [
                            {"field": "experiment", "title": "Experiment"},
                            {"field": "label", "title": "Phase"},
                        ],
                    },
                }
            )
        y = {
            "type": "quantitative",
            "title": None,
            "scale": {"domain": [0, 10]},
            "axis": {
                "values": [0, 5, 10],
                "grid": True,
                "gridOpacity": 0.3,
                **_good_end_axis(directions.get(name)),
            },
        }
        layers.append(
            {
                "data": {"values": [{"date": d, "value": v} for d, v in raw]},
                "mark": {"type": "circle", "size": 14, "opacity": 0.35, "color": DAILY},
                "encoding": {
                    "x": x,
                    "y": {**y, "field": "value"},
                    "tooltip": [
                        {"field": "date", "type": "temporal", "title": "Day"},
                        {"field": "value", "title": name, "format": ".1f"},
                    ],
                },
            }
        )
        if trend:
            layers.append(
                {
                    "data": {"values": trend},
                    "mark": {"type": "area", "opacity": 0.18, "color": GOOD},
                    "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"}},
                }
            )
            layers.append(
                {
                    "data": {"values": trend},
                    "mark": {"type": "line", "strokeWidth": 2.5, "color": GOOD},
                    "encoding": {
                        "x": x,
                        "y": {**y, "field": "mean"},
                        "tooltip": [
                            {"field": "date", "type": "temporal", "title": "Day"},
                            {"field": "mean", "title": "7-day mean", "format": ".1f"},
                        ],
                    },
                }
            )
        direction = directions.get(name)
        panels.append(
            {
                "title": f"{name} ({direction})" if direction else name,
                "height": 90,
                "width": "container",
                "layer": layers,
            }
        )
    if medicines:
        panels.append(
            {
                "title": "Medicines and supplements",
                "height": max(44, 44 * len({m["medicine"] for m in medicines})),
                "width": "container",
                "data": {"values": medicines},
                "layer": [
                    {
                        "mark": {
                            "type": "bar",
                            "height": 12,
                            "opacity": 0.45,
                            "color": "#0b5cad",
                            "stroke": "#fff",
                            "strokeWidth": 2,
                        },
                        "encoding": {
                            "x": {**x, "field": "start"},
                            "x2": {"field": "end"},
                            "y": {
                                "field": "medicine",
                                "type": "nominal",
                                "title": None,
                                "axis": {"labels": False, "ticks": False, "domain": False},
                            },
                            "tooltip": [
                                {"field": "medicine"},
                                {"field": "dose"},
                                {"field": "start"},
                                {"field": "end"},
                            ],
                        },
                    },
                    {
                        "data": {
                            "values": _row_labels(_dose_story(medicines), "medicine", "story")
                        },
                        "mark": {**ROW_LABEL},
                        "encoding": {
                            "y": {"field": "medicine", "type": "nominal"},
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    if labs:
        panels.append(
            {
                "title": "Lab results",
                "height": max(44, 44 * len({r["analyte"] for r in labs})),
                "width": "container",
                "data": {"values": labs},
                "layer": [
                    {
                        "mark": {"type": "point", "filled": True, "size": 60},
                        "encoding": {
                            "x": x,
                            "y": {
                                "field": "analyte",
                                "type": "nominal",
                                "title": None,
                                "axis": {"labels": False, "ticks": False, "domain": False},
                            },
                            "shape": {
                                "field": "flag",
                                "type": "nominal",
                                "title": "Flag",
                                "legend": {"orient": "bottom"},
                            },
                            "tooltip": [
                                {"field": "date", "type": "temporal"},
                                {"field": "analyte"},
                                {"field": "value"},
                                {"field": "unit"},
                                {"field": "flag"},
                            ],
                        },
                    },
                    {
                        "data": {"values": _row_labels(labs, "analyte", "label")},
                        "mark": {**ROW_LABEL},
                        "encoding": {
                            "y": {"field": "analyte", "type": "nominal"},
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    return {
        "$schema": SCHEMA,
        "description": "Symptoms, medicines, experiment phases and lab results over time",
        "vconcat": panels,
        "spacing": 18,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "resolve": {"scale": {"x": "shared"}},
        "config": CONFIG,
    }


def lab_trend(
    rows: list[dict[str, Any]], low: float | None, high: float | None, unit: str
) -> dict[str, Any]:
    """One analyte's results over time with its reference band."""
    layers: list[dict[str, Any]] = []
    if low is not None or high is not None:
        band = {"low": low if low is not None else 0, "high": high}
        layers.append(
            {
                "data": {"values": [band]},
                "mark": {"type": "rect", "opacity": 0.15, "color": "#2a7"},
                "encoding": {
                    "y": {"field": "low", "type": "quantitative"},
                    **({"y2": {"field": "high"}} if high is not None else {}),
                },
            }
        )
    layers.append(
        {
            "data": {"values": rows},
            "mark": {"type": "line", "point": {"filled": True, "size": 70}},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": None},
                "y": {"field": "value", "type": "quantitative", "title": unit_label(unit)},
                "shape": {"field": "flag", "type": "nominal", "title": "Flag"},
                "tooltip": [
                    {"field": "date", "type": "temporal"},
                    {"field": "value"},
                    {"field": "flag"},
                ],
            },
        }
    )
    return {"$schema": SCHEMA, "width": "container", "height": 220, "layer": layers}


def intervals(rows: list[dict[str, Any]], unit: str) -> dict[str, Any]:
    """Effect estimates with their intervals (an experiment's result), zero marked."""
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": {"step": 34},
        "data": {"values": rows},
        "layer": [
            {
                "mark": "rule",
                "encoding": {
                    "x": {"datum": 0},
                    "color": {"value": "#888"},
                    "strokeDash": {"value": [4, 4]},
                },
            },
            {
                "mark": {"type": "rule", "strokeWidth": 3},
                "encoding": {
                    "y": {"field": "label", "type": "nominal", "title": None},
                    "x": {"field": "low", "type": "quantitative", "title": f"Difference ({unit})"},
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90, "shape": "diamond"},
                "encoding": {
                    "y": {"field": "label", "type": "nominal"},
                    "x": {"field": "estimate", "type": "quantitative"},
                    "tooltip": [
                        {"field": "label"},
                        {"field": "estimate", "format": ".2f"},
                        {"field": "low", "format": ".2f"},
                        {"field": "high", "format": ".2f"},
                    ],
                },
            },
        ],
    }


def visit_trend(
    rows: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    start: str,
    end: str,
    width: int | str = "container",
    font: str | None = None,
) -> dict[str, Any]:
    """The visit report's figure: one small multiple per series (pain, fatigue, sleep quality)
    on a shared date axis, each with faint daily scores, the 7-day mean as a line and its
    spread (mean +/- SD) as a band, and medicine starts, stops and dose changes as vertical
    rules across every panel (design note 6: small multiples, changes on the same axis).

    ``rows``: {"series", "date", "value", "mean", "low", "high"}; ``changes``: {"date",
    "label"}. Text is 12 px or larger so it stays at or above 9 pt in print.
    """
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "scale": {"domain": [start, end]},
        "axis": {"format": "%d %b", "labelFontSize": 12, "tickCount": 6},
    }
    y = {
        "type": "quantitative",
        "title": None,
        "scale": {"domain": [0, 10]},
        "axis": {"values": [0, 5, 10], "labelFontSize": 12},
    }
    rules = {
        "data": {"values": changes},
        "mark": {"type": "rule", "strokeDash": [3, 3], "color": "#555"},
        "encoding": {"x": {"field": "date", "type": "temporal"}},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.25, "color": "#4a78a8"},
            "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"}},
        },
        {
            "mark": {"type": "point", "size": 10, "opacity": 0.35, "color": "#333"},
            "encoding": {"x": x, "y": {**y, "field": "value"}},
        },
        {
            "mark": {"type": "line", "strokeWidth": 2, "color": "#1f4e79"},
            "encoding": {"x": x, "y": {**y, "field": "mean"}},
        },
    ]
    panels: list[dict[str, Any]] = []
    names = list(dict.fromkeys(r["series"] for r in rows))
    for name in names:
        panel: dict[str, Any] = {
            "width": width,
            "height": 62,
            "title": {"text": name, "anchor": "start", "fontSize": 12, "offset": 2},
            "data": {"values": [r for r in rows if r["series"] == name]},
            "layer": [*layers, rules] if changes else layers,
        }
        panels.append(panel)
    if changes:
        panels.append(
            {
                "width": width,
                "height": 14 * max(1, len(changes)),
                "title": {
                    "text": "Medicine changes",
                    "anchor": "start",
                    "fontSize": 12,
                    "offset": 2,
                },
                "data": {"values": [{**c, "row": i} for i, c in enumerate(changes)]},
                "layer": [
                    {
                        "mark": {"type": "tick", "orient": "vertical", "color": "#555"},
                        "encoding": {
                            "x": {**x, "axis": None},
                            "y": {"field": "row", "type": "ordinal", "axis": None},
                        },
                    },
                    {
                        "mark": {
                            "type": "text",
                            "align": "left",
                            "dx": 4,
                            "fontSize": 12,
                            "limit": 300,
                        },
                        "encoding": {
                            "x": {**x, "axis": None},
                            "y": {"field": "row", "type": "ordinal", "axis": None},
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    config: dict[str, Any] = {"view": {"stroke": None}, "axis": {"labelFontSize": 12}}
    if font:
        config["font"] = font
    return {
        "$schema": SCHEMA,
        "description": "7-day means with their spread of pain, fatigue and sleep quality, "
        "with medicine changes on the same time axis",
        "vconcat": panels,
        "spacing": 6,
        "resolve": {"scale": {"x": "shared"}},
        "config": config,
    }
