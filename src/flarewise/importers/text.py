"""Reading text files of unknown provenance line by line, safely.

Spreadsheets and apps write CSV in UTF-8 (with or without a byte-order mark), UTF-16, or a
Windows code page, and files get concatenated from several of them. Lines are decoded one at a
time: UTF-8 first, Windows-1252 when a line is not UTF-8 (reported, not dropped). A line longer
than ``max_line`` bytes is skipped and reported without ever being held whole in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from flarewise.errors import FlarewiseError
from flarewise.importers.report import ImportBatch

MAX_LINE = 1 << 20  # 1 MB: far above any real CSV row, far below a memory problem


class LineReader:
    """Iterate decoded lines of a binary stream; problems go to ``batch`` when given."""

    def __init__(
        self,
        raw: IO[bytes],
        batch: ImportBatch | None = None,
        max_line: int = MAX_LINE,
    ) -> None:
        self.raw = raw
        self.batch = batch
        self.max_line = max_line
        self.line = 0
        #: lines skipped so far (too long); a header reader refuses a file whose first went
        self.skipped = 0

    def __iter__(self) -> Iterator[str]:
        head = self.raw.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            stream = io.TextIOWrapper(
                io.BufferedReader(_Prefixed(head, self.raw)),
                encoding="utf-16",
                errors="replace",
                newline="",
            )
            yield from self._text_lines(stream)
            return
        if head.startswith(codecs.BOM_UTF8):
            head = head[3:]
        yield from self._byte_lines(_Prefixed(head, self.raw))

    def _problem(self, reason: str) -> None:
        if self.batch is not None:
            self.batch.problem(f"line {self.line}", "", reason)

    def _text_lines(self, stream: IO[str]) -> Iterator[str]:
        while True:
            text = stream.readline(self.max_line + 1)
            if not text:
                return
            self.line += 1
            if len(text) > self.max_line and not text.endswith("\n"):
                self._skip_rest(stream)
                self.skipped += 1
                self._problem(f"longer than {self.max_line:,} characters; skipped")
                continue
            yield text

    def _byte_lines(self, raw: _Prefixed) -> Iterator[str]:
        while True:
            data = raw.readline(self.max_line + 1)
            if not data:
                return
            self.line += 1
            if len(data) > self.max_line and not data.endswith(b"\n"):
                self._skip_rest(raw)
                self.skipped += 1
                self._problem(f"longer than {self.max_line:,} bytes; skipped")
                continue
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError:
                self._problem("not UTF-8 text; read as Windows-1252 (check accented letters)")
                yield data.decode("cp1252", errors="replace")

    def _skip_rest(self, stream: _Prefixed | IO[str]) -> None:
        while True:
            chunk = stream.readline(self.max_line)
            if not chunk or chunk[-1:] in ("\n", b"\n"):
                return


class _Prefixed(io.RawIOBase):
    """A stream with some already-read bytes put back in front."""

    def __init__(self, prefix: bytes, raw: IO[bytes]) -> None:
        self.prefix = prefix
        self.raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        if self.prefix:
            n = min(len(b), len(self.prefix))
            b[:n] = self.prefix[:n]
            self.prefix = self.prefix[n:]
            return n
        data = self.raw.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        if self.prefix:
            nl = self.prefix.find(b"\n")
            if nl != -1:
                out, self.prefix = self.prefix[: nl + 1], self.prefix[nl + 1 :]
                return out
            out, self.prefix = self.prefix, b""
            limit = -1 if size is None or size < 0 else max(0, size - len(out))
            return out + (self.raw.readline(limit) if limit != 0 else b"")
        return self.raw.readline(-1 if size is None else size)


def is_text(head: bytes) -> bool:
    """Whether the start of a file is plausibly text (no NUL bytes outside UTF-16)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" not in head


def head_text(path: Path, size: int = 65536) -> str:
    """The first ``size`` bytes of a text file, decoded leniently (for format detection)."""
    with path.open("rb") as fh:
        head = fh.read(size)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


class UnreadableHeader(FlarewiseError):
    """The first row of a table (its header) cannot be read; no other row may stand in."""


def csv_rows(
    raw: IO[bytes], batch: ImportBatch | None, dialect: Any = csv.excel, *, header: str = ""
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV file read through :class:`LineReader`; a row the csv
    module cannot read is reported and skipped, and ``batch.done_bytes`` follows the file.

    With ``header`` (the file's name) the first row is the header: when it cannot be read
    (too long, not CSV) :class:`UnreadableHeader` is raised, because taking the first data row
    as the header would map every column wrongly."""
    lines = LineReader(raw, batch)
    reader = csv.reader(lines, dialect)
    first = bool(header)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if first:
                raise UnreadableHeader(
                    f"{header}: the header row (line {lines.line}) is not readable CSV; "
                    "fix or remove it and import again"
                ) from None
            if batch is not None:
                batch.problem(f"line {lines.line}", "", f"not readable CSV ({exc}); skipped")
            continue
        if first and lines.skipped:
            raise UnreadableHeader(
                f"{header}: the header row (line 1) is longer than {lines.max_line:,} "
                "characters, so it cannot be read; flarewise does not take a data row as the "
                "header. Shorten the header and import again"
            )
        first = False
        if batch is not None:
            batch.done_bytes = raw.tell()
        yield lines.line, row
