"""The scopes a person can grant, and what each allows. They nest: ``annotate`` includes
``read``, which includes ``report``; a page asks for the least it needs."""

from __future__ import annotations

from flarewise.errors import InvalidInput

#: From the least to the most: the visit report only; everything read-only; read plus
#: clinician notes and plan overrides.
SCOPES = ("report", "read", "annotate")

DESCRIPTIONS = {
    "report": "the visit report only",
    "read": "everything in the journal, read-only",
    "annotate": "everything, plus clinician notes and plan overrides",
}


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise InvalidInput("scope", f"use one of {', '.join(SCOPES)}, not {scope!r}")
    return scope


def allows(granted: str, needed: str) -> bool:
    """Whether a grant of scope ``granted`` covers what needs ``needed``."""
    return SCOPES.index(granted) >= SCOPES.index(needed)
