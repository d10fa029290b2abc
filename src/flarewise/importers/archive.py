"""Zip files of unknown provenance (Apple Health's export.zip, XLSX workbooks): refused before
anything is unpacked when what they declare is absurd. Members are always streamed, never
extracted to disk, so path-traversal names are harmless.

Four limits, because each alone can be sidestepped: one member's size; one large member's
compression ratio; the whole archive's unpacked total and its overall ratio (1,000 members of
exactly 1 MiB of zeros are 1.2 MB on the wire and 1 GiB unpacked: no member is large, the total
is); and the number of members (a million empty members cost memory in the central directory
alone). The ranges of real files are in docs/boundaries.md.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

#: Real exports compress XML about 10-30:1; a bomb compresses 1000:1 and more.
MAX_RATIO = 200
#: Below this many unpacked bytes a ratio says nothing (tiny files compress absurdly well).
RATIO_FLOOR = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """What one archive may unpack to; a refusal names the limit and how to change it."""

    #: largest unpacked size of one member, in bytes
    max_member: int
    #: largest unpacked size of all members together, in bytes
    max_total: int
    #: most members (files and folders) in the archive
    max_members: int
    #: largest compression ratio of a large member, and of the archive as a whole
    max_ratio: int = MAX_RATIO


@dataclass(frozen=True)
class ArchiveBudget:
    """Overrides of the readers' own :class:`ZipLimits` (the settings
    ``FLAREWISE_IMPORT_MAX_UNPACKED_BYTES`` and ``FLAREWISE_IMPORT_MAX_ZIP_MEMBERS``, passed in
    by a face); None keeps a reader's default."""

    max_total: int | None = None
    max_members: int | None = None

    def applied_to(self, limits: ZipLimits) -> ZipLimits:
        return ZipLimits(
            max_member=limits.max_member,
            max_total=self.max_total or limits.max_total,
            max_members=self.max_members or limits.max_members,
            max_ratio=limits.max_ratio,
        )


def zip_bomb(zf: zipfile.ZipFile, name: str, limits: ZipLimits) -> str | None:
    """Why ``zf`` is refused as a possible zip bomb, or None when its members are plausible."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        return (
            f"{name}: {len(infos):,} files inside, more than the {limits.max_members:,} flarewise "
            "unpacks from one archive; refused as a possible zip bomb"
        )
    total = packed = 0
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.max_member or (
            info.file_size >= RATIO_FLOOR and ratio > limits.max_ratio
        ):
            return (
                f"{name}: {info.filename} would unpack to {info.file_size:,} bytes "
                f"(ratio {ratio:.0f}:1); refused as a possible zip bomb"
            )
        total += info.file_size
        packed += info.compress_size
    if total > limits.max_total:
        return (
            f"{name}: would unpack to {total:,} bytes in all, more than the "
            f"{limits.max_total:,} flarewise accepts; refused as a possible zip bomb"
        )
    ratio = total / max(1, packed)
    if total >= RATIO_FLOOR and ratio > limits.max_ratio:
        return (
            f"{name}: its {len(infos):,} files would unpack to {total:,} bytes from "
            f"{packed:,} (ratio {ratio:.0f}:1); refused as a possible zip bomb"
        )
    return None
