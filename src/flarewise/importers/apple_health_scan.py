"""The first half of an Apple Health import: lxml reads ``export.xml`` and hands on, in chunks,
the few attributes of each record that the mapping needs (importers/apple_health.py).

Why a separate half: on a large export, parsing the XML and mapping its records each cost about
as much as the other, and both are CPU-bound Python. Run as
``python -m flarewise.importers.apple_health_scan FILE [MEMBER]``, this module parses in a
child process while the parent maps, validates and writes, so an import uses both cores. Small
files are scanned in-process by the very same generator (a new process costs more than it saves).
This module imports nothing heavier than lxml, so the child starts in a few hundredths of a second.

Safety (unchanged from the one-process reader): the internal DTD is removed before parsing (it is
only declarations; some iOS 16 exports ship a broken one, and a DTD is where entity bombs and
external entities live), bytes that XML 1.0 forbids are dropped, lxml runs with entities, DTD
loading and network off, and elements are cleared as soon as they are read, so memory stays flat
in file size. Zip members are streamed, never extracted.

What the child writes to its stdout is a sequence of pickles of :data:`Message` tuples made of
strings, numbers and lists only; the parent reads them from its own child's pipe (never from a
file anyone else wrote).
"""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from flarewise.errors import FlarewiseError

#: Records per chunk handed to the mapping: large enough that pickling and the pipe cost little
#: per record, small enough that the parent starts mapping within milliseconds.
CHUNK = 4000
_BAD = bytes(range(0, 32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"")

#: A record: (line, type, startDate, endDate, value, unit, sourceName). The end date is None
#: for quantity types, which only need their start (it saves a third of the pipe's bytes).
RecordRow = tuple[int, str, str | None, str | None, str | None, str | None, str]
#: A workout: (line, its attributes, the attributes of each WorkoutStatistics child).
WorkoutRow = tuple[int, dict[str, str], list[dict[str, str]]]
Row = RecordRow | WorkoutRow
#: ("rows", bytes read so far, rows) | ("broken", line, lxml's message) | ("refused", sentence)
#: | ("damaged", what is wrong with the zip, in words) | ("unreadable", the system's reason)
#: | ("failed", why the child stopped) | ("end",)
Message = tuple[Any, ...]

#: Quantity types whose end date the mapping never reads (kept in step with apple_health.py's
#: QUANTITIES by tests/test_import_apple_health.py).
QUANTITY_TYPES = frozenset(
    [
        "HKQuantityTypeIdentifierStepCount",
        "HKQuantityTypeIdentifierDistanceWalkingRunning",
        "HKQuantityTypeIdentifierActiveEnergyBurned",
        "HKQuantityTypeIdentifierDietaryEnergyConsumed",
        "HKQuantityTypeIdentifierDietaryWater",
        "HKQuantityTypeIdentifierDietaryCaffeine",
        "HKQuantityTypeIdentifierRestingHeartRate",
        "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
        "HKQuantityTypeIdentifierBodyMass",
        "HKQuantityTypeIdentifierBodyTemperature",
        "HKQuantityTypeIdentifierRespiratoryRate",
        "HKQuantityTypeIdentifierOxygenSaturation",
        "HKQuantityTypeIdentifierBloodPressureSystolic",
        "HKQuantityTypeIdentifierBloodPressureDiastolic",
        "HKQuantityTypeIdentifierHeartRate",
    ]
)


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
    """A byte stream with the DOCTYPE internal subset removed and forbidden control bytes
    dropped, read in chunks (never the whole file). ``done`` is how far the file on disk has
    been read (compressed bytes for a zip member), for progress."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.buf = b""
        self.head_done = False
        self.done = 0
        self.fileobj = getattr(raw, "_fileobj", None)  # a zip member's compressed stream

    def _read(self, n: int) -> bytes:
        chunk = self.raw.read(n)
        self.done = self.fileobj.tell() if self.fileobj is not None else self.raw.tell()
        return chunk

    def readable(self) -> bool:
        return True

    def _fill_head(self) -> None:
        head = self._read(1 << 20)
        start = head.find(b"<!DOCTYPE")
        if start != -1:
            end = head.find(b"]>", start)
            end2 = head.find(b">", start)
            if end != -1 and (head.find(b"[", start) < end2 or end2 == -1):
                head = head[:start] + head[end + 2 :]
            elif end2 != -1:
                head = head[:start] + head[end2 + 1 :]
            else:
                raise AppleHealthError(
                    "the document type declaration does not end in the "
                    "first megabyte; this is not a plausible export"
                )
        self.buf = head.translate(None, _BAD)
        self.head_done = True

    def readinto(self, b: Any) -> int:
        if not self.head_done:
            self._fill_head()
        if not self.buf:
            chunk = self._read(1 << 20)
            if not chunk:
                return 0
            self.buf = chunk.translate(None, _BAD)
        n = min(len(b), len(self.buf))
        b[:n] = self.buf[:n]
        self.buf = self.buf[n:]
        return n


def scan(raw: IO[bytes], chunk: int = CHUNK) -> Iterator[Message]:
    """The records of an export as :data:`Message` chunks, ending with "end" or "broken" (the
    XML is cut or damaged there; what came before was sent). Records nested in a Correlation are
    left out: the same samples appear at top level. An unreadable DOCTYPE raises
    :class:`AppleHealthError`; a damaged zip member raises one of :data:`ZIP_DAMAGE`."""
    from lxml import etree

    cleaned = Cleaned(raw)
    stream = io.BufferedReader(cleaned, buffer_size=1 << 20)
    rows: list[Row] = []
    add = rows.append
    quantities = QUANTITY_TYPES
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
            get = elem.get
            if elem.tag == "Record":
                kind = get("type", "")
                add(
                    (
                        elem.sourceline,
                        kind,
                        get("startDate"),
                        None if kind in quantities else get("endDate"),
                        get("value"),
                        get("unit"),
                        get("sourceName", ""),
                    )
                )
            else:
                stats = [dict(s.attrib) for s in elem.iterchildren("WorkoutStatistics")]
                add((elem.sourceline, dict(elem.attrib), stats))
            elem.clear(keep_tail=False)
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
            if len(rows) >= chunk:
                yield ("rows", cleaned.done, rows)
                rows = []
                add = rows.append
    except etree.XMLSyntaxError as exc:
        if rows:
            yield ("rows", cleaned.done, rows)
        yield ("broken", exc.lineno, exc.msg)
        return
    if rows:
        yield ("rows", cleaned.done, rows)
    yield ("end",)


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


def messages(path: Path, member: str | None) -> Generator[Message, None, None]:
    """Everything the mapping needs to hear, errors included, as messages (what the child
    sends): a refused DOCTYPE and a damaged zip become messages, not exceptions."""
    try:
        with opened(path, member) as raw:
            yield from scan(raw)
    except AppleHealthError as exc:
        yield ("refused", str(exc))
    except ZIP_DAMAGE as exc:
        if member is None and isinstance(exc, OSError):
            yield ("unreadable", exc.strerror or str(exc))
        else:
            yield ("damaged", zip_reason(exc))


def in_child(path: Path, member: str | None) -> Generator[Message, None, None]:
    """:func:`messages`, produced by a child process (``python -m`` this module) so that
    parsing runs on another core while the caller maps. The pipe holds a few chunks, so a slow
    consumer holds the child back and memory stays flat. Closing the generator early (the
    caller failed) ends the child; a child that dies without its last message is reported."""
    import flarewise

    here = str(Path(flarewise.__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", __name__, str(path), member or ""],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    finished = False
    try:
        while True:
            try:
                message: Message = pickle.load(proc.stdout)
            except EOFError:
                break
            yield message
            if message[0] != "rows":
                finished = True
                break
    finally:
        if not finished:
            proc.kill()
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        proc.stderr.close()
        proc.wait()
    if not finished:
        last = err.splitlines()[-1] if err else f"exit status {proc.returncode}"
        yield ("failed", last)


def main(argv: list[str]) -> int:
    """The child: scan ``argv[0]`` (or the zip member ``argv[1]``) and pickle the messages to
    stdout. A parent that has gone away (killed mid-import) closes the pipe: stop quietly."""
    path, member = Path(argv[0]), (argv[1] if len(argv) > 1 and argv[1] else None)
    out = sys.stdout.buffer
    try:
        for message in messages(path, member):
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
