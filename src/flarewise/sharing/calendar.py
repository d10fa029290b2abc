"""Whose calendar a grant's end date belongs to: the person's who shared.

"Until 1 December" is a day the person chose in their own calendar, so sharing lasts through
their 1 December, wherever the server or the clinician is; counted in UTC it ended up to a day
early or late for anyone far from Greenwich. The person's zone is the profile's (else this
machine's), as for every other "today" of their journal (:meth:`Profile.zone`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flarewise.domain.profile import Profile


def local_today(profile: Profile, now: datetime) -> date:
    """The date in the person's zone at ``now`` (naive UTC, as the tables keep time)."""
    return now.replace(tzinfo=UTC).astimezone(profile.zone()).date()


def still_shared(until: date | None, profile: Profile, now: datetime) -> bool:
    """A grant or code ``until`` a date is live through that date of the person's calendar."""
    return until is None or until >= local_today(profile, now)
