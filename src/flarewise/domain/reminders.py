"""What a person chose for their reminders: the time of the daily check-in reminder. It travels
in the backup (a preference, like the profile); the calendar feed's secret never does."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from flarewise.domain.base import Record

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DEFAULT_CHECKIN = "20:00"


def clock_time(text: str) -> str:
    """A time of day as 24-hour HH:MM ("20:00", "07:30"); a single-digit hour is padded."""
    text = text.strip()
    if re.fullmatch(r"\d:[0-5]\d", text):
        text = "0" + text
    if not _CLOCK.match(text):
        raise ValueError(f"{text[:20]!r} is not a time like 20:00 (24-hour clock)")
    return text


ClockTime = Annotated[str, AfterValidator(clock_time)]


class ReminderSettings(Record):
    checkin_time: ClockTime = DEFAULT_CHECKIN
