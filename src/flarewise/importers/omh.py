"""Open mHealth data points (JSON): validated against the official schemas, then mapped.

Accepted files: one data point (``{"header": ..., "body": ...}``), a JSON array of them, or
newline-delimited JSON (one per line). A bare body has no schema id, so its schema must be
named (``schema="step-count:3.0"``). Every body is validated against the Open mHealth schema its
header names (shipped in ``omh_schemas/``, Apache-2.0, see its NOTICE; the IEEE 1752.1
definitions the newest versions use are stated in :mod:`~flarewise.importers.ieee1752`) before
anything is read from it; a body that fails is reported with the schema's own reason and the
path of the field.

Mapping: step-count, heart-rate, body-weight and body-temperature become measurements;
physical-activity becomes an activity; sleep-duration and sleep-episode become a night. A body
that carries a ``descriptive_statistic`` (an average or maximum over a period) is a summary,
not a measurement, and is reported rather than stored as if it were one day's value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from flarewise.domain import json_text
from flarewise.domain.entries import Activity, EntryBase, Measurement, Sleep
from flarewise.errors import FlarewiseError, InvalidInput
from flarewise.importers import ieee1752
from flarewise.importers.report import ImportBatch
from flarewise.importers.units import DURATION_MIN, LENGTH_KM, MASS_KG
from flarewise.knowledge.vocabulary import Vocabulary

SOURCE = "open_mhealth"
MAX_BYTES = 512 * 1024 * 1024
MAX_LINE = 16 * 1024 * 1024
OMH_BASE = "https://w3id.org/openmhealth/schemas/omh/"
#: Schemas flarewise maps to journal entries (namespace omh).
SUPPORTED = (
    "step-count",
    "heart-rate",
    "body-weight",
    "body-temperature",
    "physical-activity",
    "sleep-duration",
    "sleep-episode",
)
#: Parts of the day (time-interval ``date`` + ``part_of_day``) as (start hour, end hour).
PART_OF_DAY = {"morning": (6, 12), "afternoon": (12, 18), "evening": (18, 24), "night": (0, 6)}


class OmhError(FlarewiseError):
    """The file is not readable as Open mHealth JSON at all."""


class OmhInvalid(FlarewiseError):
    """A body or data point does not satisfy its schema (the message says where and why)."""


@cache
def _registry() -> Any:
    """Every shipped Open mHealth schema, at ``file:///omh/<file>`` and at its official
    address (so relative references from either resolve), and the IEEE 1752.1 definitions the
    newest versions point to (:mod:`flarewise.importers.ieee1752`)."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    folder = resources.files("flarewise.importers") / "omh_schemas"
    pairs = []
    for item in folder.iterdir():
        if item.name.endswith(".json"):
            contents = json.loads(item.read_text(encoding="utf-8"))
            resource = Resource.from_contents(contents, default_specification=DRAFT4)
            pairs.append((f"file:///omh/{item.name}", resource))
            pairs.append((f"{OMH_BASE}{item.name}", resource))
    for address, contents in ieee1752.definitions().items():
        pairs.append((address, Resource.from_contents(contents)))
    return Registry().with_resources(pairs)


def _pick_version(name: str, version: str) -> str:
    """The schema file for ``name`` at ``version`` ("3.0", "3" or "3.x")."""
    major = version.split(".")[0]
    wanted = f"{name}-{version}.json" if version.count(".") == 1 else f"{name}-{major}.x.json"
    registry = _registry()
    if f"file:///omh/{wanted}" in registry:
        return wanted
    if f"file:///omh/{name}-{major}.x.json" in registry:
        return f"{name}-{major}.x.json"
    raise OmhInvalid(f"omh:{name} version {version} is not a schema version flarewise reads")


@cache
def validator(name: str, version: str) -> Any:
    """A validator for the Open mHealth schema ``omh:name`` at ``version``."""
    from jsonschema.validators import validator_for

    if name not in (*SUPPORTED, "data-point", "header"):
        raise OmhInvalid(
            f"omh:{name} is not a schema flarewise imports (it reads {', '.join(SUPPORTED)})"
        )
    uri = f"file:///omh/{_pick_version(name, version)}"
    schema = _registry().contents(uri)
    cls = validator_for(schema)
    return cls(
        {"$ref": uri, "$schema": schema.get("$schema")},
        registry=_registry(),
        format_checker=_formats(),
    )


@cache
def _formats() -> Any:
    """RFC 3339 ``date-time`` (offset required) and ``date``, checked without extra packages."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not re.fullmatch(
            r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", value
        ):
            raise ValueError(f"{value!r} is not an RFC 3339 date-time with an offset")
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        return True

    @checker.checks("date", raises=ValueError)
    def _date(value: object) -> bool:
        if isinstance(value, str):
            date.fromisoformat(value)
        return True

    return checker


def validate(name: str, version: str, body: Any) -> None:
    """Raise :class:`OmhInvalid` naming the first failing field and why."""
    errors = sorted(
        validator(name, version).iter_errors(body), key=lambda e: len(list(e.absolute_path))
    )
    if errors:
        reasons = []
        for err in errors[:3]:
            best, reason = _explain(err)
            where = "/".join(str(p) for p in best.absolute_path) or "(the whole body)"
            reasons.append(f"{where}: {reason}")
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise OmhInvalid(f"not valid omh:{name}:{version}: " + "; ".join(reasons) + more)


def _explain(err: Any) -> tuple[Any, str]:
    """The most specific error under a oneOf/allOf failure, and why, in words."""
    while True:
        alternatives = _missing_alternatives(err)
        if alternatives:
            return err, alternatives
        if not err.context:
            break
        err = max(err.context, key=lambda e: len(list(e.absolute_path)))
    if err.validator == "oneOf":
        return err, "fits more than one of the allowed forms; it must fit exactly one"
    return err, _reason(err)


def _missing_alternatives(err: Any) -> str | None:
    """For a ``oneOf`` whose every branch only misses properties right there (a time frame
    with neither ``date_time`` nor ``time_interval``), say which properties would do."""
    if err.validator != "oneOf" or not err.context:
        return None
    branches: dict[Any, list[str]] = {}
    for sub in err.context:
        if sub.validator != "required" or list(sub.relative_path):
            return None
        missing = [p for p in sub.validator_value if p not in (err.instance or {})]
        branches.setdefault(sub.relative_schema_path[0], []).extend(missing)
    sets = [frozenset(names) for names in branches.values() if names]
    smallest = list(dict.fromkeys(m for m in sets if not any(o < m for o in sets)))
    options = [" and ".join(sorted(m)) for m in smallest]
    return "needs " + " or ".join(options) if options else None


def _reason(err: Any) -> str:
    msg = str(err.message)
    return msg if len(msg) <= 200 else msg[:197] + "..."


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _minutes(uv: Any) -> float | None:
    if isinstance(uv, dict) and uv.get("unit") in DURATION_MIN:
        return float(uv["value"]) * DURATION_MIN[uv["unit"]]
    return None


def span(frame: Any) -> tuple[datetime, datetime | None]:
    """(start, end) of an effective time frame; end is None for a single instant. An interval
    or duration reaching past the calendar's ends (year 1 or 9999) is refused, naming it."""
    try:
        return _span(frame)
    except OverflowError:
        raise InvalidInput(
            "effective_time_frame.time_interval",
            "reaches past the ends of the calendar; not a real time",
        ) from None


def _span(frame: Any) -> tuple[datetime, datetime | None]:
    if not isinstance(frame, dict):
        raise InvalidInput("effective_time_frame", "missing, so the record has no date")
    if "date_time" in frame:
        at = _when(frame["date_time"])
        if at is None:
            raise InvalidInput("effective_time_frame.date_time", "not a date-time with an offset")
        return at, None
    ti = frame.get("time_interval") or {}
    start, end = _when(ti.get("start_date_time")), _when(ti.get("end_date_time"))
    minutes = _minutes(ti.get("duration"))
    if start and end is None and minutes is not None:
        end = start + timedelta(minutes=minutes)
    if end and start is None and minutes is not None:
        start = end - timedelta(minutes=minutes)
    if start is None and isinstance(ti.get("date"), str):
        day = date.fromisoformat(ti["date"])
        first, last = PART_OF_DAY.get(str(ti.get("part_of_day")), (0, 24))
        start = datetime.combine(day, time(first % 24))
        end = start + timedelta(hours=last - first)
        # a date without a zone: kept on that date with a UTC offset of 0
        start, end = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)
    if start is None or end is None:
        raise InvalidInput("effective_time_frame.time_interval", "needs a start and an end")
    if end < start:
        raise InvalidInput("effective_time_frame.time_interval", "ends before it starts")
    return start, end


ActivityOf = Callable[[str], tuple[str, str | None]]


def to_entries(
    name: str,
    body: dict[str, Any],
    key: str,
    fallback: datetime | None,
    activity_of: ActivityOf,
) -> list[EntryBase]:
    """Journal entries for a validated body. ``activity_of`` maps an activity name to a
    vocabulary id and a comment (for names the vocabulary does not know)."""
    if "descriptive_statistic" in body:
        raise InvalidInput(
            "descriptive_statistic",
            f"a summary ({body['descriptive_statistic']} over a period), not a measurement; "
            "not imported",
        )
    if "effective_time_frame" in body:
        start, end = span(body["effective_time_frame"])
    elif fallback is not None:
        start, end = fallback, None
    else:
        raise InvalidInput("effective_time_frame", "missing, so the record has no date")
    at = end or start
    common: dict[str, Any] = {"source": SOURCE, "source_key": key}
    note = body.get("user_notes")
    if isinstance(note, str) and note.strip():
        common["comment"] = note.strip()[:500]
    if name == "step-count":
        raw: Any = body["step_count"]
        value = float(raw["value"] if isinstance(raw, dict) else raw)
        return [
            Measurement(
                at=at,
                metric="steps",
                value=float(value),
                unit="count",
                ends_at=None,
                **common,
            )
        ]
    if name == "heart-rate":
        return [
            Measurement(
                at=at,
                metric="heart_rate",
                value=float(body["heart_rate"]["value"]),
                unit="/min",
                **common,
            )
        ]
    if name == "body-weight":
        uv = body["body_weight"]
        if uv["unit"] not in MASS_KG:
            raise InvalidInput("body_weight.unit", f"{uv['unit']!r} is not a body weight unit")
        kg = float(uv["value"]) * MASS_KG[uv["unit"]]
        return [Measurement(at=at, metric="body_mass", value=kg, unit="kg", **common)]
    if name == "body-temperature":
        uv = body["body_temperature"]
        value = float(uv["value"])
        celsius = {"C": value, "F": (value - 32) * 5 / 9, "K": value - 273.15}[uv["unit"]]
        return [
            Measurement(
                at=at, metric="body_temperature", value=round(celsius, 3), unit="Cel", **common
            )
        ]
    if name == "physical-activity":
        return [_activity(body, start, end, common, activity_of)]
    if name in ("sleep-duration", "sleep-episode"):
        if end is None:
            raise InvalidInput("effective_time_frame", "a night needs a time interval")
        uv = body.get("sleep_duration") or body.get("total_sleep_time")
        asleep = _minutes(uv)
        awakenings = body.get("number_of_awakenings")
        return [
            Sleep(
                at=end,
                bed_at=start,
                asleep_minutes=asleep,
                awakenings=awakenings if isinstance(awakenings, int) else None,
                **common,
            )
        ]
    return []


def _activity(
    body: dict[str, Any],
    start: datetime,
    end: datetime | None,
    common: dict[str, Any],
    activity_of: ActivityOf,
) -> Activity:
    minutes = (end - start).total_seconds() / 60 if end else None
    if not minutes:
        raise InvalidInput("effective_time_frame", "an activity needs a time interval")
    distance = body.get("distance")
    km = None
    if isinstance(distance, dict):
        if distance.get("unit") not in LENGTH_KM:
            raise InvalidInput("distance.unit", f"{distance.get('unit')!r} is not a distance unit")
        km = float(distance["value"]) * LENGTH_KM[distance["unit"]]
    kcal = body.get("kcal_burned") or body.get("calories_burned")
    activity, comment = activity_of(str(body.get("activity_name", "")))
    intensity = body.get("reported_activity_intensity")
    if intensity:
        comment = "; ".join(c for c in (comment, f"{intensity} intensity") if c)
    return Activity(
        at=end or start,
        activity=activity,
        minutes=max(1.0, min(minutes, 24 * 60)),
        energy_kcal=float(kcal["value"]) if isinstance(kcal, dict) else None,
        distance_km=km,
        comment=comment or common.get("comment"),
        source=common["source"],
        source_key=common["source_key"],
    )


def _documents(raw: bytes, name: str) -> Iterator[tuple[str, Any]]:
    """(label, parsed JSON) for each data point: an array, one object, or one per line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OmhError(
            f"{name}: not UTF-8 text (byte {exc.start}); Open mHealth JSON is UTF-8"
        ) from None
    stripped = text.lstrip()
    try:
        doc = json_text.loads(text)
    except json_text.JsonTooComplex as exc:
        raise OmhError(f"{name}: {exc}") from None
    except json.JSONDecodeError as exc:
        if stripped.startswith("{") and "\n" in stripped.rstrip():
            yield from _lines(text, name)
            return
        raise OmhError(
            f"{name}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            yield f"item {i + 1}", item
    else:
        yield "the document", doc


def _lines(text: str, name: str) -> Iterator[tuple[str, Any]]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            yield f"line {n}", OmhInvalid(f"a line of {len(line):,} characters; skipped")
            continue
        try:
            yield f"line {n}", json_text.loads(line)
        except json_text.JsonTooComplex as exc:
            yield f"line {n}", OmhInvalid(str(exc))
        except json.JSONDecodeError as exc:
            yield f"line {n}", OmhInvalid(f"not valid JSON at column {exc.colno} ({exc.msg})")


def looks_like(head: bytes) -> bool:
    """Whether the start of a file looks like Open mHealth data points."""
    return b'"header"' in head and b'"schema_id"' in head and b'"body"' in head


class OmhReader:
    def __init__(self, vocab: Vocabulary, schema: str | None = None) -> None:
        """``schema`` ("step-count:3.0") reads files of bare bodies of that schema."""
        self.vocab = vocab
        self.schema = schema

    def activity_of(self, name: str) -> tuple[str, str | None]:
        """The vocabulary's activity for a free-text name, or "other exercise" with the name
        kept as a comment."""
        try:
            return self.vocab.resolve("activity", name.replace("_", " ")), None
        except InvalidInput:
            return "other_exercise", f"Open mHealth activity: {name}"[:200]

    def read(self, path: Path, batch: ImportBatch | None = None) -> ImportBatch:
        batch = batch or ImportBatch(path.name)
        batch.format = "open-mhealth"
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise OmhError(f"{path.name}: {size / 1e6:.0f} MB is more than flarewise reads")
        batch.total_bytes = size
        raw = path.read_bytes()
        for label, doc in _documents(raw, path.name):
            batch.count()
            if isinstance(doc, OmhInvalid):
                batch.problem(label, "", str(doc))
                continue
            self.read_point(batch, label, doc)
        batch.done_bytes = size
        return batch

    def read_point(self, batch: ImportBatch, label: str, doc: Any) -> None:
        """Validate and map one data point (or bare body, when the reader has a schema)."""
        try:
            if self.schema is not None:
                name, _, version = self.schema.partition(":")
                header: dict[str, Any] = {}
                body = doc
            else:
                validate("data-point", "1.0", doc)
                header, body = doc["header"], doc["body"]
                sid = header["schema_id"]
                name, version = sid["name"], sid["version"]
                if sid["namespace"] != "omh" or name not in SUPPORTED:
                    batch.skip(f"Open mHealth {sid['namespace']}:{name}:{version}")
                    return
            validate(name, version, body)
            key = str(header.get("id") or "") or _body_key(name, body)
            fallback = _when(header.get("creation_date_time"))
            for entry in to_entries(name, body, f"{name}:{key}", fallback, self.activity_of):
                batch.add(entry)
        except OmhInvalid as exc:
            batch.problem(label, "", str(exc))
        except InvalidInput as exc:
            batch.problem(label, exc.field, exc.reason)
        except (ValueError, OverflowError, TypeError, KeyError) as exc:
            # a schema-valid body whose values still cannot be a record (a duration of 1e308
            # minutes, a number too large for a float): that record's problem, never a crash
            batch.problem(label, "", f"not a usable data point ({_plain(exc)})")


def _plain(exc: BaseException) -> str:
    """An exception's message without Python's internals (a KeyError's repr, a class name)."""
    if isinstance(exc, KeyError):
        return f"{exc.args[0]!s} is missing" if exc.args else "a value is missing"
    if isinstance(exc, OverflowError):
        return "a number or time beyond what can be represented"
    return str(exc)[:200] or "a value of the wrong kind"


def _body_key(name: str, body: Any) -> str:
    """A stable key for a body without a header id (so re-importing adds nothing)."""
    import hashlib

    blob = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


__all__ = ["OmhError", "OmhInvalid", "OmhReader", "validate"]
