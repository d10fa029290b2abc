"""Vega-Lite specs built on the server from data the library computed; the browser only draws.

Every chart is readable without colour: series differ by dash pattern and point shape too, and
every chart page also shows its data as a table.
"""

from __future__ import annotations

from typing import Any

from flarewise.web.words import unit_label

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]]


def timeline(
    symptoms: list[dict[str, Any]],
    medicines: list[dict[str, Any]],
    phases: list[dict[str, Any]],
    labs: list[dict[str, Any]],
    start: str,
    end: str,
) -> dict[str, Any]:
    """Symptoms over time (lines), experiment phases (shaded), medicines (bands with doses),
    lab results (markers), on one shared date axis."""
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "scale": {"domain": [start, end]},
    }
    names = sorted({r["symptom"] for r in symptoms})
    series = {
        "field": "symptom",
        "type": "nominal",
        "title": "Symptom",
        "scale": {"domain": names},
    }
    top_layers: list[dict[str, Any]] = []
    if phases:
        top_layers.append(
            {
                "data": {"values": phases},
                "mark": {"type": "rect", "opacity": 0.12},
                "encoding": {
                    "x": {**x, "field": "start"},
                    "x2": {"field": "end"},
                    "color": {"value": "#555"},
                    "tooltip": [
                        {"field": "experiment", "title": "Experiment"},
                        {"field": "phase", "title": "Phase"},
                    ],
                },
            }
        )
    top_layers.append(
        {
            "data": {"values": symptoms},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": "Score (0-10)",
                    "scale": {"domain": [0, 10]},
                },
                "color": series,
                "strokeDash": {**series, "scale": {"domain": names, "range": DASHES}},
                "shape": {**series, "scale": {"domain": names, "range": SHAPES}},
                "tooltip": [
                    {"field": "date", "type": "temporal"},
                    {"field": "symptom"},
                    {"field": "value", "format": ".1f"},
                ],
            },
        }
    )
    charts: list[dict[str, Any]] = [{"height": 220, "width": "container", "layer": top_layers}]
    if medicines:
        charts.append(
            {
                "height": max(40, 26 * len({m["medicine"] for m in medicines})),
                "width": "container",
                "data": {"values": medicines},
                "layer": [
                    {
                        "mark": {"type": "bar", "height": 16, "opacity": 0.6},
                        "encoding": {
                            "x": {**x, "field": "start"},
                            "x2": {"field": "end"},
                            "y": {"field": "medicine", "type": "nominal", "title": None},
                            "tooltip": [
                                {"field": "medicine"},
                                {"field": "dose"},
                                {"field": "start"},
                                {"field": "end"},
                            ],
                        },
                    },
                    {
                        "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
                        "encoding": {
                            "x": {**x, "field": "start"},
                            "y": {"field": "medicine", "type": "nominal"},
                            "text": {"field": "dose"},
                        },
                    },
                ],
            }
        )
    if labs:
        charts.append(
            {
                "height": max(40, 24 * len({r["analyte"] for r in labs})),
                "width": "container",
                "data": {"values": labs},
                "mark": {"type": "point", "filled": True, "size": 80},
                "encoding": {
                    "x": x,
                    "y": {"field": "analyte", "type": "nominal", "title": None},
                    "shape": {"field": "flag", "type": "nominal", "title": "Lab flag"},
                    "tooltip": [
                        {"field": "date", "type": "temporal"},
                        {"field": "analyte"},
                        {"field": "value"},
                        {"field": "unit"},
                        {"field": "flag"},
                    ],
                },
            }
        )
    return {
        "$schema": SCHEMA,
        "description": "Symptoms, medicines, experiment phases and lab results over time",
        "vconcat": charts,
        "resolve": {"scale": {"x": "shared"}},
        "config": {"view": {"stroke": None}},
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
