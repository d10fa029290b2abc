"""Parsing the times people type: ``08:30``, ``yesterday 22:15``, ``2025-03-01``, ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from flarewise.errors import InvalidInput

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def _clock(text: str, field: str) -> time:
    m = _CLOCK.match(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InvalidInput(field, f"{text!r} is not a time of day like 08:30")
    return time(int(m.group(1)), int(m.group(2)))


def parse_day(text: str | None, tz: tzinfo, field: str = "date") -> date:
    today = datetime.now(tz).date()
    if text is None or text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            field, f"{text!r} is not a date like 2025-03-01, today or yesterday"
        ) from None


def parse_when(text: str | None, tz: tzinfo, field: str = "--at") -> datetime:
    """An aware datetime; naive input is read in ``tz`` (the person's zone)."""
    now = datetime.now(tz)
    if text is None or text.strip() in ("", "now"):
        return now
    text = text.strip()
    words = text.split()
    if words[0] in ("today", "yesterday") and len(words) <= 2:
        day = parse_day(words[0], tz, field)
        clock = _clock(words[1], field) if len(words) == 2 else time(12, 0)
        return datetime.combine(day, clock, tzinfo=tz)
    if _CLOCK.match(text):
        return datetime.combine(now.date(), _clock(text, field), tzinfo=tz)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            field,
            f"{text!r} is not a time; use 08:30, 'yesterday 22:15', 2025-03-01 or "
            "2025-03-01T08:30+01:00",
        ) from None
    if len(text) == 10:  # a bare date: midday, so it stays on that date in any offset
        parsed = parsed.replace(hour=12)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
