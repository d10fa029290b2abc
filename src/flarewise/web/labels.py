"""Refused form fields named as the page labels them.

The domain and the form readers refuse a value with the field's id (``times_per_day``,
``scores.sleep_quality``, ``items[0].item``): exact, and what the command line and the JSON's
``field`` key keep for scripts. A person reads the label beside the box instead ("Times a day",
"Sleep quality"), so the error sentence uses the label. Labels are looked up by the route the
form posts to (the same id is "New dose" on one form and "Dose" on another), then among the
labels every form shares; an id with no label is left out of the sentence rather than shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flarewise.errors import InvalidInput, InvalidInputs

#: Labels the forms share (the check-in's scales, the medicine form, the account page).
COMMON: Mapping[str, str] = {
    "pain": "Pain",
    "fatigue": "Fatigue",
    "sleep_quality": "Sleep quality",
    "fibro_fog": "Fibro fog",
    "mood": "Mood",
    "stress": "Stress",
    "sites": "Where does it hurt",
    "pain_sites": "Where does it hurt",
    "dose": "Doses",
    "dose_status": "Doses: taken as",
    "foods": "Foods eaten",
    "food": "Foods eaten",
    "activity": "Activity",
    "minutes": "Minutes",
    "note": "Note",
    "text": "Note",
    "substance": "Medicine or supplement",
    "amount": "Dose",
    "unit": "Unit",
    "times_per_day": "Times a day",
    "strength": "What one tablet, capsule, drop or scoop holds",
    "start": "Since",
    "end": "Stopped on",
    "reason": "What for",
    "as_needed": "As needed",
    "on": "Stopped on",
    "item": "Items",
    "items": "Items",
    "intervention": "What to try",
    "outcome": "What to watch",
    "design": "Design",
    "questions": "What do you want to ask?",
    "checkin_time": "Time of the daily check-in reminder",
    "current_password": "Current password",
    "new_password": "New password",
    "password": "Password",
    "confirm": "Type delete everything",
    "handle": "User name",
    "code": "Code",
    "scope": "What may they see?",
    "until": "Until",
    "pregnant": "Are you pregnant?",
    "planning_pregnancy": "Are you planning a pregnancy?",
    "breastfeeding": "Are you breastfeeding?",
    "display_name": "Name",
    "birth_year": "Year of birth",
    "sex": "Sex",
    "timezone": "Time zone",
    "from": "From",
    "to": "To",
    "day": "Day",
    "range": "Time range",
    "page": "Page",
    "value": "Value",
    "loinc": "Test",
    "taken_at": "Date",
    "ref_low": "Lab's range, low end",
    "ref_high": "Lab's range, high end",
    "user": "Whose check-ins (user id)",
    "omh_schema": "Open mHealth schema",
    "mapping": "Column mapping",
}

#: Labels that differ on one form, by the route the form posts to (without ``/api``).
ROUTES: dict[str, Mapping[str, str]] = {
    "/medicines/{rid}/dose": {"amount": "New dose", "start": "From", "unit": "Unit"},
    "/medicines": {"amount": "Dose", "start": "Since"},
    "/signup": {"password": "Password (at least 10 characters)"},
    "/account/delete": {"password": "Your password"},
    "/account/two-factor/confirm": {"code": "Code from the app"},
    "/account/two-factor/disable": {"password": "Your password"},
    "/clinic/{handle}/overrides": {"rule": "Safety rule", "item": "Item", "note": "Why"},
    "/clinic/{handle}/notes": {"text": "New note"},
    "/admin/accounts": {"handle": "Name", "role": "Role"},
    "/labs": {
        "value": "Result",
        "day": "Date of the test",
        "ref_low": "Lab's range, low",
        "ref_high": "Lab's range, high",
    },
    "/entries/{entry_id}": {"at": "Time", "text": "Text", "comment": "Comment"},
}

_INDEX = re.compile(r"\[\d+\]")
#: The command line's advice in a vocabulary refusal, which a page replaces with its own.
_CLI_HINT = re.compile(r"Run `flarewise vocab [^`]*` to see the known names\.")
#: An id as code writes it: lower case with underscores, dots, colons or brackets, no spaces.
_ID = re.compile(r"[a-z0-9_.:\[\]]+")


def register(route: str, labels: Mapping[str, str]) -> None:
    """Labels a page builds from its own tables (the assessments' questions)."""
    ROUTES[route] = {**ROUTES.get(route, {}), **labels}


def field_label(routes: Sequence[str], field: str) -> str | None:
    """The label of ``field`` (an id or a dotted path such as ``entries[1].foods[0].food``)
    on the form that posts to the first of ``routes`` that has one (a route template such as
    ``/medicines/{rid}/dose``, or the path itself: ``/assessments/fiqr``), else the label the
    forms share; None when the id has no label."""
    own: dict[str, str] = {}
    for route in reversed(routes):
        own.update(ROUTES.get(route.removeprefix("/api"), {}))
    parts = [p for p in _INDEX.sub("", field).split(".") if p]
    for key in (field, *reversed(parts)):
        if key in own:
            return own[key]
        if key in COMMON:
            return COMMON[key]
    return None


def _named(routes: Sequence[str], field: str, reason: str, label: str | None = None) -> str:
    reason = _CLI_HINT.sub("Choose one of those the page offers.", reason)
    label = label or (field_label(routes, field) if field else None)
    if label is None and field and not _ID.fullmatch(field):
        label = field  # already a name a person reads ("Rest breaks taken (pacing)")
    if label is None:
        return reason[:1].upper() + reason[1:]
    if reason.startswith(label):  # "Pain must be at most 10", not "Pain: Pain must..."
        return reason
    if label.endswith("?"):  # a question: "Are you pregnant? Answer yes, no or unknown"
        return f"{label} {reason[:1].upper()}{reason[1:]}"
    return f"{label}: {reason}"


def sentence(exc: InvalidInput, *routes: str) -> str:
    """The refusal with each field named by its label (see :func:`field_label`)."""
    if isinstance(exc, InvalidInputs):
        text = "; ".join(_named(routes, field, reason) for field, reason in exc.problems)
    else:
        text = _named(routes, exc.field, exc.reason, exc.label)
    return f"{exc.where}: {text}" if exc.where else text


def routes_of(scope: Mapping[str, Any]) -> tuple[str, str]:
    """The path a request was sent to and the route template it matched (``/medicines/{rid}/
    dose``; "" before one matched): the path first, so a page that registers labels for one
    of its paths (``/assessments/fiqr``) is asked before its template."""
    return str(scope.get("path", "")), str(getattr(scope.get("route"), "path", "") or "")
