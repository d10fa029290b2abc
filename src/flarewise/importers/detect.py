"""Which importer a file needs, from its content (never only its name)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from flarewise.errors import FlarewiseError
from flarewise.importers.flaredown import is_long, is_wide
from flarewise.importers.omh import looks_like as looks_like_omh
from flarewise.importers.text import head_text, is_text

FORMATS = (
    "apple-health-zip",
    "apple-health-xml",
    "fhir",
    "open-mhealth",
    "flaredown",
    "xlsx",
    "csv",
)


class UnknownFormat(FlarewiseError):
    """No importer recognises the file."""


def detect(path: Path) -> str:
    """One of :data:`FORMATS`; :class:`UnknownFormat` with a sentence saying what the file is."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise UnknownFormat(f"{path}: cannot read the file ({exc.strerror})") from None
    if not head:
        raise UnknownFormat(f"{path.name}: the file is empty")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if not is_text(head):
        raise UnknownFormat(
            f"{path.name}: a binary file, not one flarewise imports (Apple Health, FHIR, "
            "Open mHealth JSON, Flaredown CSV, or a CSV/XLSX table)"
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        if b"<HealthData" in head or b"HealthKit" in head:
            return "apple-health-xml"
        raise UnknownFormat(f"{path.name}: an XML file, but not an Apple Health export")
    if text.startswith((b"{", b"[")):
        if looks_like_omh(head):
            return "open-mhealth"
        if b'"resourceType"' in head:
            return "fhir"
        raise UnknownFormat(
            f'{path.name}: JSON, but neither FHIR (no "resourceType") nor Open mHealth data '
            "points (no header with a schema_id); for bare Open mHealth bodies name the schema"
        )
    text_head = head_text(path)
    first_line = text_head.splitlines()[0] if text_head.strip() else ""
    header = next(csv.reader([first_line]), [])
    if is_long(header) or is_wide(header):
        return "flaredown"
    if max(len(next(csv.reader([first_line], delimiter=d), [])) for d in ",;\t|") >= 2:
        return "csv"
    raise UnknownFormat(
        f"{path.name}: not a format flarewise imports (Apple Health, FHIR, Open mHealth JSON, "
        "Flaredown CSV, or a CSV/XLSX table with a header row)"
    )


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError):
        raise UnknownFormat(
            f"{path.name}: a zip file that is damaged or incomplete (a half-transferred "
            "export?); copy it again and retry"
        ) from None
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.rsplit("/", 1)[-1] == "export.xml" for n in names):
        return "apple-health-zip"
    raise UnknownFormat(
        f"{path.name}: a zip file without an Apple Health export.xml and not an XLSX workbook"
    )
