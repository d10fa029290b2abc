"""Library results (dataclasses) as the plain dicts and lists a template or JSON reads.

``dataclasses.asdict`` deep-copies every leaf; a plan is ~1,000 dataclass fields and the copies
were 15 % of a plan page's CPU (cProfile, issue 17). Pages only read these dicts, and the leaves
are immutable values (strings, numbers, dates, enums), so they are shared, not copied. The shape
is asdict's: tuples stay tuples, named tuples stay named tuples, dict keys are converted too.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

#: Leaves met most often, returned at once.
_LEAVES = frozenset({str, int, float, bool, type(None), date})
#: Field names per dataclass type (``fields()`` on every object cost as much as the rest).
_NAMES: dict[type, tuple[str, ...]] = {}


def plain(obj: Any) -> Any:
    """``obj`` with every dataclass in it turned into a dict, as ``asdict`` would, without
    copying the leaves."""
    kind = type(obj)
    if kind in _LEAVES:
        return obj
    names = _NAMES.get(kind)
    if names is None and is_dataclass(obj) and not isinstance(obj, type):
        names = _NAMES[kind] = tuple(f.name for f in fields(obj))
    if names is not None:
        return {name: plain(getattr(obj, name)) for name in names}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return kind(*[plain(v) for v in obj])
    if isinstance(obj, list | tuple):
        return kind(plain(v) for v in obj)
    if isinstance(obj, dict):
        return kind((plain(k), plain(v)) for k, v in obj.items())
    return obj
