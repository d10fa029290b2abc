"""Files a command writes where the person said (``-o``, ``--out``, ``--save-mapping``).

Why: a folder given where a file is meant, or a folder nobody may write to, is a typing slip,
not a bug; it must come back as one sentence naming the option and the path, never as a
traceback, and before any slow work (a report, an export) is done for nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flarewise.errors import InvalidInput


def output_file(path: Path, option: str, example: str) -> Path:
    """``path`` if a file can go there; a folder is refused with a file name to use instead."""
    if path.is_dir():
        raise InvalidInput(
            option, f"{path} is a folder; give a file name in it, e.g. {path / example}"
        )
    folder = next((p for p in path.absolute().parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise InvalidInput(option, f"{path}: {folder} is a file, not a folder")
    return path


@contextmanager
def writing(path: Path, option: str) -> Iterator[None]:
    """Turn a failed write of ``path`` (no permission, read-only disk, a folder in the way)
    into one sentence that names the option and the path."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidInput(
            option, f"{path}: cannot write the file ({reason}); choose a folder you can write to"
        ) from None
