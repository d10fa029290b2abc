"""Base class for typed records: validation errors become :class:`InvalidInput` with a field path.

pydantic does the checking; this module only translates its errors into the one exception tree,
so a caller of the library, the CLI and the web app all see the same sentence.
"""

from __future__ import annotations

from typing import Any

import pydantic

from flarewise.errors import InvalidInput, InvalidInputs


def field_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as ``entries[3].scores.pain``."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "tagged-union")) or part in {
            "checkin", "intake", "activity", "sleep", "mindbody", "meal", "therapy",
            "event", "note", "lab", "custom", "measurement",
        } and out.endswith("]"):
            # union tags add noise to the path; the entry index already says which record
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _reason(err: Any) -> str:
    msg = str(err.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg


def translate(exc: pydantic.ValidationError, *, where: str | None = None,
              prefix: str = "") -> InvalidInput:
    """Turn a pydantic error into an :class:`InvalidInput` listing every refused field."""
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        path = field_path(tuple(err["loc"]))
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else f"{prefix}{path}"
        problems.append((path, _reason(err)))
    if not problems:
        return InvalidInput(prefix, str(exc), where=where)
    if len(problems) == 1:
        return InvalidInput(problems[0][0], problems[0][1], where=where)
    return InvalidInputs(problems, where=where)


class Record(pydantic.BaseModel):
    """Immutable, validated value. Constructing one with bad data raises :class:`InvalidInput`."""

    model_config = pydantic.ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True
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
