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


def _reason(err: Any) -> str:
    if err.get("type") in _PLAIN:
        return _PLAIN[err["type"]]
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
            problems.append((path, _reason(err)))
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
