"""Reading a backup file piece by piece, so restoring it never holds the whole file in memory.

Why: a backup is one JSON document whose ``entries`` list can hold a million records (200 MB
and more). ``json.loads`` of such a file costs several times its size in memory, and a
hostile upload of the same size costs as much before it is refused. This reader walks the
top-level object itself, reading 1 MiB at a time, and decodes each value (each entry, each
other top-level field) on its own with the standard decoder; memory is bounded by the largest
single value, itself capped at :data:`MAX_VALUE_CHARS`. Every failure is a
:class:`~flarewise.errors.BackupError` naming the file and, for bad JSON, the line and column.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any, TextIO

from flarewise.errors import BackupError

CHUNK = 1 << 20
#: The largest single value (one entry, the regimen list...) read in one piece: 64 MiB.
MAX_VALUE_CHARS = 64 * 1024**2
_WS = " \t\n\r"


class _Reader:
    """A cursor over a text file read in pieces; ``pos`` indexes ``buf``."""

    def __init__(self, fh: TextIO, name: str) -> None:
        self.fh = fh
        self.name = name
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in the text already dropped from ``buf``
        self.column_before = 0  # characters of buf[0]'s line already dropped
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        """Append the next piece (dropping what was consumed); False at the end of the file."""
        if self.eof:
            return False
        try:
            piece = self.fh.read(CHUNK)
        except UnicodeDecodeError:
            raise BackupError(
                f"{self.name}: not a flarewise backup (it is not UTF-8 text)"
            ) from None
        except OSError as exc:
            raise BackupError(f"{self.name}: cannot read the file ({exc.strerror})") from None
        if not piece:
            self.eof = True
            return False
        dropped = self.buf[: self.pos]
        newline = dropped.rfind("\n")
        self.lines_before += dropped.count("\n")
        self.column_before = (
            len(dropped) - newline - 1 if newline >= 0 else self.column_before + len(dropped)
        )
        self.buf = self.buf[self.pos :] + piece
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._more():
                return ""

    def expect(self, allowed: str, what: str) -> str:
        found = self.peek()
        if not found or found not in allowed:
            raise self.error(f"expected {what}")
        self.pos += 1
        return found

    def value(self) -> Any:
        """The next JSON value, read whole (more pieces are read while it is incomplete)."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos < MAX_VALUE_CHARS and self._more():
                    continue
                if len(self.buf) - self.pos >= MAX_VALUE_CHARS:
                    raise BackupError(
                        f"{self.name}: one value is larger than {MAX_VALUE_CHARS // 1024**2} MB "
                        "of text; this is not a backup flarewise wrote. Nothing was restored."
                    ) from None
                raise self.error(exc.msg, exc.pos) from None
            except RecursionError:
                raise BackupError(
                    f"{self.name}: the JSON is nested too deeply to be a flarewise backup. "
                    "Nothing was restored."
                ) from None
            except ValueError as exc:  # e.g. an integer of thousands of digits
                raise BackupError(
                    f"{self.name}: a value cannot be read ({str(exc).split(';')[0]}). "
                    "Nothing was restored."
                ) from None
            if end >= len(self.buf) and self._more():
                continue  # a number at the end of a piece may go on in the next one
            self.pos = end
            return value

    def error(self, message: str, at: int | None = None) -> BackupError:
        at = self.pos if at is None else at
        line = self.lines_before + self.buf.count("\n", 0, at) + 1
        newline = self.buf.rfind("\n", 0, at)
        column = at - newline if newline >= 0 else self.column_before + at + 1
        return BackupError(f"{self.name}: line {line} column {column}: not valid JSON ({message})")


def _walk(path: str | os.PathLike[str], name: str) -> Iterator[tuple[str | None, Any]]:
    """``(key, value)`` for each top-level field but ``entries``, and ``(None, value)`` for
    each of its items, in file order."""
    try:
        fh = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BackupError(f"{name}: cannot read the file ({exc.strerror})") from None
    with fh:
        r = _Reader(fh, name)
        if r.peek() != "{":
            raise BackupError(f'{name}: not a flarewise backup (no "format": "flarewise-journal")')
        r.pos += 1
        if r.peek() == "}":
            r.pos += 1
        else:
            while True:
                if r.peek() != '"':
                    raise r.error("expected a field name in double quotes")
                key = r.value()
                r.expect(":", "':'")
                if key == "entries" and r.peek() == "[":
                    r.pos += 1
                    if r.peek() == "]":
                        r.pos += 1
                    else:
                        while True:
                            yield None, r.value()
                            if r.expect(",]", "',' or ']'") == "]":
                                break
                else:
                    yield str(key), r.value()
                if r.expect(",}", "',' or '}'") == "}":
                    break
        if r.peek():
            raise r.error("extra data after the backup")


def read_head(path: str | os.PathLike[str], name: str) -> tuple[dict[str, Any], int]:
    """Every top-level field but the entries, and the number of entries (one pass)."""
    head: dict[str, Any] = {}
    count = 0
    for key, value in _walk(path, name):
        if key is None:
            count += 1
        else:
            head[key] = value
    if "entries" in head:
        raise BackupError(f'{name}: "entries" must be a list. Nothing was restored.')
    return head, count


def iter_entries(path: str | os.PathLike[str], name: str) -> Iterator[Any]:
    """The items of ``entries``, one at a time, as decoded JSON."""
    for key, value in _walk(path, name):
        if key is None:
            yield value


__all__ = ["MAX_VALUE_CHARS", "iter_entries", "read_head"]
