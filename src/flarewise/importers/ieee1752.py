"""The IEEE 1752.1 definitions that the newest Open mHealth schemas point to, written here.

body-weight 3.x and body-temperature 4.x take their time frame, descriptive statistic and
temperature value from IEEE 1752.1 (``https://w3id.org/ieee/ieee-1752-schema/...``). Those files
are not part of the Open mHealth corpus flarewise ships and checks against (the corpus's
PROVENANCE.md says so), and flarewise never fetches anything from the network. Rather than accept
such data unchecked, flarewise states the rules of those definitions itself, as JSON Schema
registered under the IEEE addresses:

- ``date-time``: an RFC 3339 date-time (the format checker also requires the offset).
- ``unit-value``: an object with a numeric ``value`` and a string ``unit``, both required.
- ``duration-unit-value``: a unit-value whose unit is one of IEEE's time units.
- ``time-interval``: exactly one of start + end, start + duration, end + duration.
- ``time-frame``: exactly one of a ``date_time`` or a ``time_interval``.
- ``descriptive-statistic``: one of IEEE's named statistics.
- ``temperature-unit-value``: a unit-value in K, F or C (the units of the Open mHealth
  temperature-unit-value 1.0 that IEEE's definition of the same name supersedes).

The corpus carries IEEE's own test samples for ``time-frame`` and ``time-interval``; the tests run
every one of them through these definitions, and every body-weight 3.0 and body-temperature 4.0
sample of the corpus through the Open mHealth schemas that use them.
"""

from __future__ import annotations

from typing import Any

BASE = "https://w3id.org/ieee/ieee-1752-schema/"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: The time units IEEE 1752.1 allows for a duration (UCUM common synonyms).
TIME_UNITS = ("ps", "ns", "us", "ms", "sec", "min", "h", "d", "wk", "Mo", "yr")
#: The statistics IEEE 1752.1 names for a value computed over several measurements.
STATISTICS = (
    "average",
    "count",
    "maximum",
    "median",
    "minimum",
    "standard deviation",
    "sum",
    "variance",
    "20th percentile",
    "80th percentile",
    "lower quartile",
    "upper quartile",
    "quartile deviation",
    "1st quintile",
    "2nd quintile",
    "3rd quintile",
    "4th quintile",
)
TEMPERATURE_UNITS = ("K", "F", "C")


def uri(name: str) -> str:
    """The address the Open mHealth schemas use for the IEEE definition ``name``."""
    return f"{BASE}{name}-1.0.json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": uri(name)}


def _schema(name: str, title: str, **rules: Any) -> dict[str, Any]:
    return {"$schema": DRAFT_07, "$id": uri(name), "title": title, **rules}


def _unit_value_with(name: str, title: str, units: tuple[str, ...]) -> dict[str, Any]:
    """A unit-value whose unit is restricted to ``units``."""
    return _schema(
        name,
        title,
        type="object",
        allOf=[_ref("unit-value"), {"properties": {"unit": {"enum": list(units)}}}],
    )


def _exactly_one_of(*alternatives: dict[str, Any]) -> list[dict[str, Any]]:
    """``oneOf`` branches, each requiring the properties it names."""
    return [{"properties": props, "required": list(props)} for props in alternatives]


def definitions() -> dict[str, dict[str, Any]]:
    """The definitions, keyed by the address they are registered under."""
    instant = _ref("date-time")
    duration = _ref("duration-unit-value")
    schemas = [
        _schema("date-time", "A point in time (RFC 3339)", type="string", format="date-time"),
        _schema(
            "unit-value",
            "A number with its unit",
            type="object",
            properties={"value": {"type": "number"}, "unit": {"type": "string"}},
            required=["value", "unit"],
        ),
        _unit_value_with("duration-unit-value", "A length of time", TIME_UNITS),
        _unit_value_with("temperature-unit-value", "A temperature", TEMPERATURE_UNITS),
        _schema(
            "time-interval",
            "An interval given by two of its start, end and duration",
            type="object",
            oneOf=_exactly_one_of(
                {"start_date_time": instant, "end_date_time": instant},
                {"start_date_time": instant, "duration": duration},
                {"end_date_time": instant, "duration": duration},
            ),
        ),
        _schema(
            "time-frame",
            "A point in time or an interval",
            type="object",
            oneOf=_exactly_one_of({"date_time": instant}, {"time_interval": _ref("time-interval")}),
        ),
        _schema(
            "descriptive-statistic",
            "The statistic a value summarises several measurements with",
            type="string",
            enum=list(STATISTICS),
        ),
    ]
    return {schema["$id"]: schema for schema in schemas}


__all__ = ["BASE", "definitions", "uri"]
