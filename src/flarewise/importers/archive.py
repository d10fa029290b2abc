"""Zip files of unknown provenance (Apple Health's export.zip, XLSX workbooks): refused before
anything is unpacked when a member's declared size or compression ratio is absurd. Members are
always streamed, never extracted to disk, so path-traversal names are harmless."""

from __future__ import annotations

import zipfile

MAX_RATIO = 200  # real exports compress XML about 10-30:1; a bomb compresses 1000:1 and more


def zip_bomb(zf: zipfile.ZipFile, name: str, max_member: int) -> str | None:
    """Why ``zf`` is refused as a possible zip bomb, or None when its members are plausible."""
    for info in zf.infolist():
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > max_member or (info.file_size > 1 << 20 and ratio > MAX_RATIO):
            return (
                f"{name}: {info.filename} would unpack to {info.file_size:,} bytes "
                f"(ratio {ratio:.0f}:1); refused as a possible zip bomb"
            )
    return None
