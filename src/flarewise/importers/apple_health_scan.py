"""The first half of an Apple Health import: lxml reads ``export.xml``, sums the quantity
samples per day (apple_health_days.py) and hands on, in chunks and in file order, the few
records the mapping still needs (importers/apple_health.py) and, at the end, the day totals.

Why a separate half: a profile of the one-process import showed the parse and the Python that
reads each record's attributes were nearly all of it (the writes 7 %). Run as ``python -m
flarewise.importers.apple_health_scan FILE MEMBER START STOP BOUNDS PARENT_PID``, this module
parses in child processes while the importing process maps, checks and writes: a plain XML
export is cut in two parts (:func:`split_point`) parsed at once, a zip member in one child.
Small files are scanned in-process by the very same generator (a new process costs more than it
saves). This module imports nothing heavier than lxml, so a child starts in a few hundredths of
a second.

Safety (unchanged from the one-process reader): the internal DTD is blanked before parsing (it
is only declarations; some iOS 16 exports ship a broken one, and a DTD is where entity bombs and
external entities live), bytes that XML 1.0 forbids are dropped, lxml runs with entities, DTD
loading and network off, and elements are cleared as soon as they are read, so memory stays flat
in file size. Zip members are streamed, never extracted.

What a child writes is a sequence of pickles of :data:`Message` tuples made of strings, numbers,
dates and containers of them; the importing process reads them from its own child's pipe or
from an unnamed temporary file only that child could write (never from a file anyone else
wrote).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any

from flarewise.errors import FlarewiseError
from flarewise.importers.apple_health_days import QUANTITIES, Bounds, DayTotals

#: Records per chunk handed to the mapping: large enough that pickling and the pipe cost little
#: per record, small enough that the parent starts mapping within milliseconds.
CHUNK = 4000
_BAD = bytes(range(0, 32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"")

#: Rows handed on, in file order: ``("R", line, type, startDate, endDate, value)`` a record
#: that is not a quantity (sleep, mindful minutes, other types); ``("W", line, attributes,
#: [each WorkoutStatistics child's attributes])`` a workout; and the quantity rows of
#: apple_health_days.py ("S" a per-sample measurement, "P" a refused sample, "I" an
#: implausible one). Quantities summed per day travel once, in the "days" message.
Row = tuple[Any, ...]
#: ("rows", bytes read so far, records read, rows) | ("days", totals, heart rate, offsets)
#: (always before the last message) | ("broken", line, lxml's message) | ("refused",
#: sentence) | ("damaged", what is wrong with the zip, in words) | ("unreadable", the
#: system's reason) | ("failed", why the child stopped) | ("end",)
Message = tuple[Any, ...]
#: Messages after which nothing more comes.
LAST = frozenset(["end", "broken", "refused", "damaged", "unreadable", "failed"])


class AppleHealthError(FlarewiseError):
    """The export cannot be read at all."""


#: What a damaged zip raises while its member is read.
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


def zip_reason(exc: BaseException) -> str:
    """What is wrong with a damaged zip, in words (never zlib's or zipfile's internals)."""
    text = str(exc)
    if isinstance(exc, EOFError) or "truncated" in text.lower() or "end of" in text.lower():
        return "it ends before its last file does"
    if "CRC" in text:
        return "a file inside fails its checksum"
    if isinstance(exc, zlib.error):
        return "its compressed data is corrupt"
    if isinstance(exc, NotImplementedError):
        return "a file inside uses a compression method flarewise cannot unpack"
    return "it is not a readable zip archive"


class Cleaned(io.RawIOBase):
    """A byte stream with the DOCTYPE internal subset blanked and forbidden control bytes
    dropped, read in chunks (never the whole file). ``done`` is how far the file on disk has
    been read (compressed bytes for a zip member), for progress.

    The DOCTYPE is replaced by as many line breaks as it held, so lxml's line numbers are the
    file's own (a problem's "line 1234" is the line the person finds in an editor). ``stop``,
    ``prefix`` and ``suffix`` cut one part out of a large export (see :func:`split_point`): the
    bytes up to ``stop`` and then ``suffix``, or ``prefix`` and then the rest of the file."""

    def __init__(
        self,
        raw: IO[bytes],
        *,
        stop: int | None = None,
        prefix: bytes = b"",
        suffix: bytes = b"",
        doctype: bool = True,
    ) -> None:
        self.raw = raw
        self.buf = b""
        self.head_done = False
        self.done = 0
        self.fileobj = getattr(raw, "_fileobj", None)  # a zip member's compressed stream
        self.left = None if stop is None else stop - raw.tell()
        self.prefix, self.suffix, self.doctype = prefix, suffix, doctype

    def _read(self, n: int) -> bytes:
        if self.left is not None:
            n = min(n, self.left)
            if n <= 0:
                return b""
        chunk = self.raw.read(n)
        if self.left is not None:
            self.left -= len(chunk)
        self.done = self.fileobj.tell() if self.fileobj is not None else self.raw.tell()
        return chunk

    def readable(self) -> bool:
        return True

    def _fill_head(self) -> None:
        head = self._read(1 << 20)
        start = head.find(b"<!DOCTYPE") if self.doctype else -1
        if start != -1:
            end = head.find(b"]>", start)
            end2 = head.find(b">", start)
            if end != -1 and (head.find(b"[", start) < end2 or end2 == -1):
                cut = end + 2
            elif end2 != -1:
                cut = end2 + 1
            else:
                raise AppleHealthError(
                    "the document type declaration does not end in the "
                    "first megabyte; this is not a plausible export"
                )
            head = head[:start] + b"\n" * head.count(b"\n", start, cut) + head[cut:]
        self.buf = self.prefix + head.translate(None, _BAD)
        self.head_done = True

    def readinto(self, b: Any) -> int:
        if not self.head_done:
            self._fill_head()
        if not self.buf:
            chunk = self._read(1 << 20)
            if not chunk:
                if not self.suffix:
                    return 0
                chunk, self.suffix = self.suffix, b""
            self.buf = chunk.translate(None, _BAD)
        n = min(len(b), len(self.buf))
        b[:n] = self.buf[:n]
        self.buf = self.buf[n:]
        return n


def scan(
    cleaned: Cleaned, bounds: Bounds, chunk: int = CHUNK, line_offset: int = 0
) -> Iterator[Message]:
    """The records of an export as :data:`Message` chunks, then the day totals, ending with
    "end" or "broken" (the XML is cut or damaged there; what came before was sent). Records
    nested in a Correlation are left out: the same samples appear at top level.
    ``line_offset`` is added to every line number (the lines of the file before this part).
    An unreadable DOCTYPE raises :class:`AppleHealthError`; a damaged zip member raises one of
    :data:`ZIP_DAMAGE`."""
    from lxml import etree

    stream = io.BufferedReader(cleaned, buffer_size=1 << 20)
    totals = DayTotals(bounds)
    quantity = totals.add
    rows: list[Row] = []
    quantities = QUANTITIES
    seen = 0
    try:
        for _, elem in etree.iterparse(
            stream,
            events=("end",),
            tag=("Record", "Workout"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        ):
            parent = elem.getparent()
            if parent is not None and parent.tag == "Correlation":
                continue  # cleared with the parent
            seen += 1
            get = elem.get
            if elem.tag == "Record":
                kind = get("type", "")
                if kind in quantities:
                    quantity(
                        elem.sourceline + line_offset,
                        kind,
                        get("startDate"),
                        get("value"),
                        get("unit"),
                        get("sourceName", ""),
                        rows,
                    )
                else:
                    rows.append(
                        (
                            "R",
                            elem.sourceline + line_offset,
                            kind,
                            get("startDate"),
                            get("endDate"),
                            get("value"),
                        )
                    )
            else:
                stats = [dict(s.attrib) for s in elem.iterchildren("WorkoutStatistics")]
                rows.append(("W", elem.sourceline + line_offset, dict(elem.attrib), stats))
            elem.clear(keep_tail=False)
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
            if seen >= chunk:
                yield ("rows", cleaned.done, seen, rows)
                rows, seen = [], 0
    except etree.XMLSyntaxError as exc:
        yield ("rows", cleaned.done, seen, rows)
        yield totals.message()
        # lxml's message may name lines too ("..., line 12, column 3"): the file's lines
        why = _LINE.sub(lambda m: f"line {int(m[1]) + line_offset}", exc.msg or "")
        yield ("broken", (exc.lineno or 0) + line_offset, why)
        return
    yield ("rows", cleaned.done, seen, rows)
    yield totals.message()
    yield ("end",)


#: What closes the first part and opens the second when a large export is parsed in two.
ROOT_OPEN, ROOT_CLOSE = b"<HealthData>", b"\n</HealthData>\n"
#: How far past the middle a record's start is looked for.
SPLIT_WINDOW = 4 << 20
_LINE = re.compile(r"\bline (\d+)")
_UTF8 = re.compile(rb"""encoding\s*=\s*["']utf-?8["']""", re.IGNORECASE)


def split_point(path: Path, fraction: float = 0.5) -> int | None:
    """A byte offset near ``fraction`` of the export at ``path`` where a top-level ``<Record``
    starts, or None when the file cannot safely be cut (not a UTF-8 ``HealthData`` document, or
    no such record found past the middle).

    Both parts are then complete documents: the first closed with ``</HealthData>``, the second
    opened with ``<HealthData>``. A record inside a Correlation, a comment or a CDATA section is
    never a cut (it would leave an element open); ``<`` cannot occur inside an attribute value
    of well-formed XML, so every other ``<Record`` is a record's start tag."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 12)
        declared = head[: head.find(b"?>")] if head.startswith(b"<?xml") else b""
        if b"<HealthData" not in fh.read(1 << 20) + head or (
            b"encoding" in declared and not _UTF8.search(declared)
        ):
            return None
        base = max(int(size * fraction), 2 << 20)  # past the DOCTYPE and the root's start
        fh.seek(base)
        window = fh.read(SPLIT_WINDOW)
    at = 0
    while (found := window.find(b"<Record", at)) != -1:
        at = found + 1
        if window[found + 7 : found + 8] not in (b" ", b"\t", b"\n", b"\r", b">", b"/"):
            continue
        if not any(
            _inside(window, found, opening, closing)
            for opening, closing in (
                (b"<Correlation", b"</Correlation>"),
                (b"<!--", b"-->"),
                (b"<![CDATA[", b"]]>"),
            )
        ):
            return base + found
    return None


def _inside(window: bytes, at: int, opening: bytes, closing: bytes) -> bool:
    """Whether ``at`` lies inside a construct: its closing comes before any new opening."""
    close = window.find(closing, at)
    opened_again = window.find(opening, at)
    return close != -1 and (opened_again == -1 or close < opened_again)


def _lines_before(fh: IO[bytes], stop: int) -> int:
    """The line breaks in the first ``stop`` bytes (the first part's lines)."""
    fh.seek(0)
    count, left = 0, stop
    while left > 0:
        block = fh.read(min(left, 1 << 20))
        if not block:
            break
        count += block.count(b"\n")
        left -= len(block)
    return count


@contextmanager
def opened(path: Path, member: str | None) -> Iterator[IO[bytes]]:
    """The export's XML as a byte stream: the file itself, or ``member`` of the zip at ``path``
    (streamed, never extracted)."""
    if member is None:
        with path.open("rb") as fh:
            yield fh
        return
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        yield fh


def messages(
    path: Path, member: str | None, bounds: Bounds, start: int = 0, stop: int | None = None
) -> Generator[Message, None, None]:
    """Everything the mapping needs to hear, errors included, as messages (what the child
    sends): a refused DOCTYPE and a damaged zip become messages, not exceptions. ``stop``
    reads only the first part of a plain XML export, ``start`` only the second (from a
    :func:`split_point`)."""
    try:
        with opened(path, member) as raw:
            if stop is not None:
                yield from scan(Cleaned(raw, stop=stop, suffix=ROOT_CLOSE), bounds)
            elif start:
                offset = _lines_before(raw, start)
                raw.seek(start)
                part = Cleaned(raw, prefix=ROOT_OPEN, doctype=False)
                yield from scan(part, bounds, line_offset=offset)
            else:
                yield from scan(Cleaned(raw), bounds)
    except AppleHealthError as exc:
        yield ("refused", str(exc))
    except ZIP_DAMAGE as exc:
        if member is None and isinstance(exc, OSError):
            yield ("unreadable", exc.strerror or str(exc))
        else:
            yield ("damaged", zip_reason(exc))


class _Child:
    """A child scanning one export (or one part of it, see :func:`main`) and writing its
    messages to ``out``; what it says on stderr is kept in a temporary file."""

    def __init__(
        self,
        path: Path,
        member: str | None,
        bounds: Bounds,
        start: int,
        stop: int | None,
        out: Any,
    ) -> None:
        here = str(Path(__file__).resolve().parents[2])  # the folder holding the package
        path_var = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
        argv = [
            str(path),
            member or "",
            str(start),
            "" if stop is None else str(stop),
            json.dumps(bounds),
        ]
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 (closed by end())
        self.said: str | None = None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", __name__, *argv, str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=self.err,
            env={**os.environ, "PYTHONPATH": path_var},
        )

    def end(self) -> str:
        """Stop the child if it still runs; the last line it wrote to stderr, if any (called
        again, the same answer)."""
        if self.said is not None:
            return self.said
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.err.seek(0)
        said = self.err.read().decode("utf-8", "replace").strip()
        self.err.close()
        self.said = said.splitlines()[-1] if said else f"exit status {self.proc.returncode}"
        return self.said

    def relay(self, source: IO[bytes]) -> Generator[Message, None, None]:
        """The messages the child wrote to ``source``, up to its last one; a child that stopped
        without it (killed, crashed) ends the relay with "failed". Closing the relay early
        ends the child."""
        finished = False
        try:
            while True:
                try:
                    message: Message = pickle.load(source)
                except (EOFError, pickle.UnpicklingError):
                    break  # the child stopped mid-way (or could not write all of it)
                yield message
                if message[0] in LAST:
                    finished = True
                    break
        finally:
            said = self.end()
        if not finished:
            yield ("failed", said)


def in_child(
    path: Path, member: str | None, bounds: Bounds, stop: int | None = None
) -> Generator[Message, None, None]:
    """:func:`messages` (of the part up to ``stop``), produced by a child process (``python
    -m`` this module) so that parsing runs on another core while the caller maps. The pipe
    holds a few chunks, so a slow consumer holds the child back and memory stays flat."""
    child = _Child(path, member, bounds, 0, stop, subprocess.PIPE)
    assert child.proc.stdout is not None
    yield from _or_here(
        child.relay(child.proc.stdout), lambda: messages(path, member, bounds, stop=stop)
    )


def in_two_children(path: Path, bounds: Bounds, cut: int) -> Generator[Message, None, None]:
    """:func:`messages` of a plain XML export parsed in two parts at once, split at ``cut``
    (:func:`split_point`): the first part streams through a pipe while the second part's
    child writes its messages to an unnamed temporary file (with the day totals summed in the
    child, about 1.5 % of its part's size, on disk, so memory stays flat), read once the first
    part is done. The messages come in file order, so the mapping sees what one parse would
    give (day totals of the day at the cut summed in two steps may differ in the last binary
    digit); if the first part is cut or damaged, the second is never read ("everything before
    it was read")."""
    with tempfile.TemporaryFile() as spool:
        second = _Child(path, None, bounds, cut, None, spool)
        try:
            with closing(in_child(path, None, bounds, cut)) as first:
                for message in first:
                    if message[0] == "end":
                        break
                    yield message
                    if message[0] in LAST:
                        return
            second.proc.wait()
            spool.seek(0)
            yield from _or_here(
                second.relay(spool), lambda: messages(path, None, bounds, start=cut)
            )
        finally:
            second.end()


def _or_here(
    relayed: Generator[Message, None, None], here: Callable[[], Iterator[Message]]
) -> Generator[Message, None, None]:
    """A child's messages; should the child fail (it could not start, was killed, could not
    write its temporary file on a full disk), the rest of the same scan run in this process:
    the scan is deterministic, so the messages the child already gave are skipped and none is
    lost or repeated. Slower, never wrong."""
    given = 0
    with closing(relayed):
        for message in relayed:
            if message[0] == "failed":
                break
            yield message
            given += 1
        else:
            return
    for n, message in enumerate(here()):
        if n >= given:
            yield message


def main(argv: list[str]) -> int:
    """The child: ``FILE MEMBER START STOP BOUNDS PARENT_PID`` (MEMBER and STOP may be empty,
    BOUNDS is the plausible ranges as JSON: {metric: [low, high]}). Scans
    and pickles the messages to stdout. A parent that has gone away (killed mid-import) closes
    the pipe or is no longer this process's parent: stop quietly."""
    path, member = Path(argv[0]), argv[1] or None
    start, stop, parent = int(argv[2]), int(argv[3]) if argv[3] else None, int(argv[5])
    bounds = {
        metric: (float(low), float(high)) for metric, (low, high) in json.loads(argv[4]).items()
    }
    out = sys.stdout.buffer
    try:
        for message in messages(path, member, bounds, start, stop):
            if os.getppid() != parent:
                return 0
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
