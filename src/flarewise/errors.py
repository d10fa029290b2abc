"""One exception tree for flarewise.

Every error a user can cause is a :class:`FlarewiseError` whose ``str()`` is a sentence a tired
person can act on: what was wrong, where, and what to do. The faces (CLI, web) catch this one
base class and print the message; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class FlarewiseError(Exception):
    """Base class of every error flarewise raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(FlarewiseError, ValueError):
    """A value was refused. ``field`` names where, as a dotted path (``entries[3].amount``).
    ``plain`` is the same refusal as a sentence for a page, without the field's id, when the
    field is not one the person can see (a value in a hand-edited address); scripts and the
    command line keep the message that names the field. ``label`` is the field's name as its
    form shows it, when the form builds it (a custom trackable's name, "Daily dose of ...")."""

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        where: str | None = None,
        plain: str | None = None,
        label: str | None = None,
    ) -> None:
        self.field = field
        self.reason = reason
        self.where = where
        self.plain = plain
        self.label = label
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field}: {reason}" if field else f"{prefix}{reason}")


class InvalidInputs(InvalidInput):
    """Several fields were refused at once; the message lists each of them."""

    def __init__(self, problems: Sequence[tuple[str, str]], *, where: str | None = None) -> None:
        self.problems = list(problems)
        first_field, first_reason = self.problems[0]
        super().__init__(first_field, first_reason, where=where)
        if len(self.problems) > 1:
            prefix = f"{where}: " if where else ""
            lines = "; ".join(f"{f}: {r}" if f else r for f, r in self.problems)
            self.message = f"{prefix}{lines}"
            self.args = (self.message,)


class UnknownTerm(InvalidInput):
    """A name that is not in the vocabulary; suggests close matches instead of inventing an id."""

    def __init__(self, kind: str, text: str, suggestions: Sequence[str], field: str = "") -> None:
        self.kind = kind
        self.text = text
        self.suggestions = list(suggestions)
        hint = (
            f" Did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else f" Run `flarewise vocab {kind}` to see the known names."
        )
        super().__init__(field or kind, f"{text!r} is not a known {kind}.{hint}")


class NotFound(FlarewiseError):
    """The record does not exist for this person (or belongs to someone else: we do not say)."""


class Conflict(FlarewiseError):
    """The operation would overwrite or duplicate something already stored."""


class StorageError(FlarewiseError):
    """The database could not be reached or used."""


class SchemaOutOfDate(StorageError):
    """The database schema is older than this version of flarewise."""


class BackupError(FlarewiseError):
    """A backup file could not be read or restored; nothing was changed."""


class ConfigError(FlarewiseError):
    """A setting has a value flarewise cannot use."""
