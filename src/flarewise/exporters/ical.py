"""An iCalendar (RFC 5545) feed of reminders, written with the maintained ``icalendar`` library,
so any phone calendar can remind without flarewise sending anything (issue 15 item 5).

Pure: it takes what to remind of, already in words, and returns the calendar's bytes. Every
event has a UID that stays the same from one fetch to the next (the caller derives it from the
person's calendar key and the thing reminded of), so a subscribed calendar updates its events
instead of adding copies. Times are local to the journal's time zone, with its VTIMEZONE; with
no named zone they are "floating" local times, which a calendar reads in the phone's own zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

PRODID = "-//flarewise//reminders//EN"


@dataclass(frozen=True)
class Repeating:
    """A daily reminder at a time of day, from ``start`` until ``until`` (inclusive), except
    on the ``skip`` days."""

    uid: str
    summary: str
    description: str
    start: date
    at: time
    until: date | None = None
    skip: tuple[date, ...] = ()
    every: int = 1  # every how many days


@dataclass(frozen=True)
class AllDay:
    """A one-day, all-day event (an experiment phase that starts that day)."""

    uid: str
    summary: str
    description: str
    day: date


def _alarm(words: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", words)
    alarm.add("trigger", timedelta(0))
    return alarm


def _repeating(r: Repeating, tz: ZoneInfo | None, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", r.uid)
    event.add("dtstamp", stamp)
    event.add("summary", r.summary)
    event.add("description", r.description)
    event.add("dtstart", datetime.combine(r.start, r.at, tz))
    event.add("duration", timedelta(minutes=5))
    rule: dict[str, object] = {"freq": "daily"}
    if r.every > 1:
        rule["interval"] = r.every
    if r.until is not None:
        last = datetime.combine(r.until, r.at, tz)
        rule["until"] = last if tz is None else last.astimezone(UTC)
    event.add("rrule", rule)
    if r.skip:
        event.add("exdate", [datetime.combine(d, r.at, tz) for d in r.skip])
    event.add("transp", "TRANSPARENT")
    event.add_component(_alarm(r.summary))
    return event


def _all_day(a: AllDay, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", a.uid)
    event.add("dtstamp", stamp)
    event.add("summary", a.summary)
    event.add("description", a.description)
    event.add("dtstart", a.day)
    event.add("dtend", a.day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def calendar_feed(
    name: str, tz: ZoneInfo | None, repeating: list[Repeating], all_day: list[AllDay]
) -> bytes:
    """The feed's bytes: a VCALENDAR named ``name`` holding the events and their time zone."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if tz is not None:
        cal.add("x-wr-timezone", tz.key)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    stamp = datetime.now(UTC).replace(microsecond=0)
    for r in repeating:
        cal.add_component(_repeating(r, tz, stamp))
    for a in all_day:
        cal.add_component(_all_day(a, stamp))
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
