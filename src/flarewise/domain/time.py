"""Instants and local dates.

Every entry keeps its UTC instant and the UTC offset it was recorded in. The local date a person
lived that moment in is ``(utc + offset).date()``, so daily views stay right across daylight-saving
changes and travel without needing the person's time-zone history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

#: How far ahead of the machine's clock an entry may be (covers time zones and clock drift).
MAX_AHEAD = timedelta(days=1)
#: Nothing in a diary happened before this.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
MAX_OFFSET_MINUTES = 18 * 60


def fixed_offset(minutes: int) -> timezone:
    """A fixed-offset tzinfo; ``UTC`` for zero so equal instants compare and print alike."""
    return UTC if minutes == 0 else timezone(timedelta(minutes=minutes))


def offset_minutes(at: datetime) -> int:
    """The UTC offset of an aware datetime, in whole minutes."""
    off = at.utcoffset()
    if off is None:
        raise ValueError("needs a time zone or UTC offset, e.g. 2025-03-01T08:30:00+01:00")
    seconds = off.total_seconds()
    if seconds % 60:
        raise ValueError("the UTC offset must be a whole number of minutes")
    minutes = int(seconds // 60)
    if abs(minutes) > MAX_OFFSET_MINUTES:
        raise ValueError("the UTC offset must be within ±18 hours")
    return minutes


def normalise_instant(
    at: datetime, *, now: datetime | None = None, field: str = "time"
) -> datetime:
    """Check an instant is plausible and give it a fixed-offset tzinfo (named zones are resolved).

    Refuses naive times, times before 1900 and times more than a day ahead of the clock. Times
    at the calendar's ends (0001-01-01 with a positive offset, 9999-12-31 with a negative one)
    have no UTC instant in Python's range: they are refused as before 1900 or in the future
    with the same ValueError, never an OverflowError.
    """
    minutes = offset_minutes(at)
    if at.year < EARLIEST.year:
        raise ValueError(f"{field} {at.isoformat()} is before 1900")
    limit = (now or datetime.now(UTC)) + MAX_AHEAD
    if at.year > limit.year + 1:
        raise ValueError(
            f"{field} {at.isoformat()} is in the future; entries record what already happened"
        )
    at = at.astimezone(fixed_offset(minutes))
    if at < EARLIEST:
        raise ValueError(f"{field} {at.isoformat()} is before 1900")
    if at > limit:
        raise ValueError(
            f"{field} {at.isoformat()} is in the future; entries record what already happened"
        )
    return at


def from_utc_naive(utc: datetime, minutes: int) -> datetime:
    """Rebuild the aware instant as the person saw it from storage's UTC time and offset."""
    return utc.replace(tzinfo=UTC).astimezone(fixed_offset(minutes))


def local_date(at: datetime) -> date:
    """The calendar date in the offset the instant was recorded in."""
    return at.date()
