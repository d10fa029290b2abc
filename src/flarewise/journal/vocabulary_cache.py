"""The validated vocabulary, kept between processes in the user's cache folder.

Why: every command that opens a journal needs the vocabulary, and reading its YAML files and
validating them through the pydantic schemas took about 35 ms of each ``flarewise log`` (issue
17), while unpickling the finished :class:`~flarewise.knowledge.Vocabulary` takes about 2 ms.

The cache file's name is a hash of everything the result depends on: the package data files'
contents, the source of the modules that build it, and the versions of flarewise, pydantic and
Python. A change to any of them names another file, so a stale vocabulary is never read; a
missing, unreadable or unwritable cache only means the vocabulary is built the usual way. The
file is the user's own (like their shell history): whoever can write it can already run code
as them.
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

#: the modules whose code decides what a Vocabulary holds
_SOURCES = ("vocabulary.py", "schema.py")


def cache_dir() -> Path:
    """The platform's user cache folder for flarewise (on Linux ``$XDG_CACHE_HOME/flarewise``,
    by default ``~/.cache/flarewise``)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("flarewise", appauthor=False))


def fingerprint() -> str:
    """A hash of the data files, the code that validates them, and the versions involved."""
    import pydantic

    from flarewise import __version__

    digest = hashlib.sha256()
    for part in (__version__, pydantic.VERSION, sys.version):
        digest.update(part.encode() + b"\0")
    package = resources.files("flarewise.knowledge")
    files = sorted(package.joinpath("data").iterdir(), key=lambda f: f.name)
    for item in (*files, *(package.joinpath(name) for name in _SOURCES)):
        digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
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
