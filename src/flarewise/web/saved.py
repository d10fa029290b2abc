"""What Today says after a check-in is saved, in the words people use.

A check-in with a dose is two entries to the journal but one check-in to the person, so
"Saved 2 entries." read as a double save. The redirect carries the kinds saved (``saved=``
``checkin.intake``) and this says "Check-in saved, with 1 dose." A kind the form never makes
is not echoed back: the address can be edited by hand."""

from __future__ import annotations

from collections import Counter

#: The kinds a check-in form makes, one and many, as the person would say them.
WORDS: dict[str, tuple[str, str]] = {
    "intake": ("1 dose", "{n} doses"),
    "custom": ("1 of your own measures", "{n} of your own measures"),
    "meal": ("a meal", "{n} meals"),
    "activity": ("an activity", "{n} activities"),
    "note": ("a note", "{n} notes"),
}


def _counted(kind: str, n: int) -> str:
    one, many = WORDS[kind]
    return one if n == 1 else many.format(n=n)


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def message(saved: str) -> str | None:
    """The sentence for ``saved`` (kinds joined by dots, or a count from an older page), or
    None when it names nothing this page saves."""
    if saved.isdigit():
        return "Saved 1 entry." if saved == "1" else f"Saved {saved} entries."
    kinds = Counter(k for k in saved.split(".") if k in WORDS or k == "checkin")
    if not kinds:
        return None
    rest = [_counted(k, kinds[k]) for k in WORDS if kinds[k]]
    if kinds["checkin"]:
        return "Check-in saved" + (f", with {_listed(rest)}." if rest else ".")
    return f"Saved {_listed(rest)}."
