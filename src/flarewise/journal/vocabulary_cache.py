"""The validated vocabulary, kept between processes in the user's cache folder.

Why: every command that opens a journal needs the vocabulary, and reading its YAML files and
validating them through the pydantic schemas took about 35 ms of each ``flarewise log`` (issue
17), while unpickling the finished :class:`~flarewise.knowledge.Vocabulary` takes about 2 ms.

The cache file's name is a hash of everything the result depends on: the package data files and
the code of its classes (path, size and modification time of each), and the versions of
flarewise, pydantic and Python. A change to any of them names another file, so a stale
vocabulary is never read; a missing, unreadable or unwritable cache only means the vocabulary
is built the usual way. The file is the user's own (like their shell history): whoever can
write it can already run code as them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

from flarewise.knowledge import Vocabulary, load_vocabulary

#: the packages whose code decides what a Vocabulary holds (its classes and their validators)
_CODE = ("flarewise.knowledge", "flarewise.domain")


def cache_dir() -> Path:
    """The user's cache folder for flarewise: on Linux ``$XDG_CACHE_HOME/flarewise`` (by default
    ``~/.cache/flarewise``), elsewhere the platform's own (platformdirs). The XDG rule is spelled
    out here because importing platformdirs cost more than reading the cache."""
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
        return base / "flarewise"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("flarewise", appauthor=False))


def fingerprint() -> str:
    """A hash of what the vocabulary is built from: the path, size and modification time of each
    data file and each knowledge and domain module (a change to a file changes these; reading
    every file to hash its content cost more than the cache saves), and the versions of
    flarewise, pydantic and Python."""
    import pydantic

    from flarewise import __version__

    digest = hashlib.sha256()
    for part in (__version__, pydantic.VERSION, sys.version):
        digest.update(part.encode() + b"\0")
    knowledge = Path(str(resources.files("flarewise.knowledge")))
    files = sorted((knowledge / "data").iterdir())
    for package in _CODE:
        files += sorted(Path(str(resources.files(package))).glob("*.py"))
    for path in files:
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


@cache
def cached_vocabulary() -> Vocabulary:
    """The package vocabulary: from the cache when it matches, else built and cached."""
    try:
        path: Path | None = cache_dir() / f"vocabulary-{fingerprint()}.pickle"
    except OSError:
        path = None  # package data not on a file system: no cache, nothing else changes
    if path is not None:
        try:
            found = pickle.loads(path.read_bytes())
            if isinstance(found, Vocabulary):
                return found
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    vocabulary = load_vocabulary()
    if path is not None:
        _store(path, vocabulary)
    return vocabulary


def _store(path: Path, vocabulary: Vocabulary) -> None:
    """Write atomically (another process may be reading), and never fail the command."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vocabulary-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(vocabulary, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
