"""Which importer a file needs, from its content (never only its name)."""

from __future__ import annotations

from pathlib import Path

from flarewise.errors import FlarewiseError


class UnknownFormat(FlarewiseError):
    """No importer recognises the file."""


def detect(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UnknownFormat(f"{path}: cannot read the file ({exc.strerror})") from None
    if not head:
        raise UnknownFormat(f"{path.name}: the file is empty")
    if head.startswith(b"PK\x03\x04"):
        return "apple-health-zip"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        if b"<HealthData" in head or b"HealthKit" in head:
            return "apple-health-xml"
        raise UnknownFormat(f"{path.name}: an XML file, but not an Apple Health export")
    if text.startswith((b"{", b"[")):
        if b'"resourceType"' in head:
            return "fhir"
        raise UnknownFormat(f'{path.name}: JSON, but not FHIR (no "resourceType")')
    raise UnknownFormat(
        f"{path.name}: not a format flarewise imports yet (it reads FHIR JSON; Apple Health, "
        "Open mHealth, Flaredown and CSV are planned)"
    )
