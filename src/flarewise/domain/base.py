"""Base class for typed records: validation errors become :class:`InvalidInput` with a field path.

pydantic does the checking; this module only translates its errors into the one exception tree,
so a caller of the library, the CLI and the web app all see the same sentence.
"""

from __future__ import annotations

from typing import Any

import pydantic

from flarewise.errors import InvalidInput, InvalidInputs

_KIND_TAGS = frozenset(
    {
        "checkin",
        "intake",
        "activity",
        "sleep",
        "mindbody",
        "meal",
        "therapy",
        "event",
        "note",
        "lab",
        "custom",
        "measurement",
        "assessment",
    }
)


def field_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as ``entries[3].scores.pain`` (union tags left out)."""
    out = ""
    previous: int | str | None = None
    for part in loc:
        if part == "[key]" or (isinstance(part, str) and part.startswith("function-")):
            continue
        if (
            isinstance(part, str)
            and part in _KIND_TAGS
            and (isinstance(previous, int) or previous == "entry")
        ):
            previous = part
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out


def _join(outer: str, inner: str) -> str:
    if not outer:
        return inner
    if not inner:
        return outer
    return f"{outer}{inner}" if inner.startswith("[") else f"{outer}.{inner}"


#: pydantic's wording for the commonest number mistakes, said for a person instead.
_PLAIN = {
    "finite_number": "must be a number, not NaN or infinity",
    "float_parsing": "is not a number",
    "int_parsing": "is not a whole number",
}


#: pydantic's bounds and choices said for a person ("Input should be greater than or equal to
#: 0" reads as a library talking): the wording and the context value each one needs.
_BOUNDS = {
    "greater_than_equal": ("must be at least {}", "ge"),
    "greater_than": ("must be more than {}", "gt"),
    "less_than_equal": ("must be at most {}", "le"),
    "less_than": ("must be less than {}", "lt"),
    "string_too_long": ("must be at most {} characters long", "max_length"),
    "string_too_short": ("must be at least {} characters long", "min_length"),
    "too_long": ("may hold at most {} items", "max_length"),
    "too_short": ("needs at least {} items", "min_length"),
    "literal_error": ("must be one of {}", "expected"),
    "enum": ("must be one of {}", "expected"),
}
_OTHER = {
    "missing": "this is required",
    "bool_parsing": "must be yes or no",
    "bool_type": "must be yes or no",
    "date_parsing": "is not a date like 2026-03-01",
    "date_from_datetime_parsing": "is not a date like 2026-03-01",
    "datetime_parsing": "is not a date and time like 2026-03-01T08:00",
    "datetime_from_date_parsing": "is not a date and time like 2026-03-01T08:00",
    "string_type": "must be text",
    "extra_forbidden": "is not a field this takes",
}


def plain_reason(err: Any) -> str:
    """One pydantic error's message as a person would say it."""
    kind = err.get("type")
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in _OTHER:
        return _OTHER[kind]
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        value = (err.get("ctx") or {}).get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # "at most 10", not "at most 10.0"
        if value is not None:
            return words.format(value)
    msg = str(err.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


def translate(
    exc: pydantic.ValidationError, *, where: str | None = None, prefix: str = ""
) -> InvalidInput:
    """Turn a pydantic error into an :class:`InvalidInput` listing every refused field.

    Nested records raise :class:`InvalidInput` from their own constructor; their field paths
    are joined to the outer location, so a backup error reads ``entries[0].entry.scores.pain``.
    """
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        path = _join(prefix, field_path(tuple(err["loc"])))
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, InvalidInputs):
            problems.extend((_join(path, f), r) for f, r in inner.problems)
        elif isinstance(inner, InvalidInput):
            problems.append((_join(path, inner.field), inner.reason))
        else:
            problems.append((path, plain_reason(err)))
    if not problems:
        return InvalidInput(prefix, str(exc), where=where)
    if len(problems) == 1:
        return InvalidInput(problems[0][0], problems[0][1], where=where)
    return InvalidInputs(problems, where=where)


class Record(pydantic.BaseModel):
    """Immutable, validated value. Constructing one with bad data raises :class:`InvalidInput`."""

    # defer_build: a model's validator is built on its first use, not at import, so a command
    # pays only for the records it touches (``flarewise log pain 6`` builds a few of ~60).
    model_config = pydantic.ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        str_strip_whitespace=True,
        defer_build=True,
    )

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise translate(exc) from None

    def replace(self, **changes: Any) -> Any:
        """A validated copy with some fields changed (``model_copy`` would skip validation)."""
        data = self.model_dump()
        data.update(changes)
        return type(self)(**data)
