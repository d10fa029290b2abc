"""JSON text from outside (FHIR, Open mHealth, a backup) parsed within limits.

Python's ``json`` recurses once per nesting level (100,000 ``[`` raise RecursionError, which no
reader expected) and turns a 5,000-digit integer into ValueError (the interpreter's
integer-string limit) or ``1e999`` into infinity. No real health record nests more than a few
dozen levels or carries numbers of more than a few dozen digits, so both are refused up front
with :class:`JsonTooComplex`, a sentence naming what was too much, before anything is built.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Deepest nesting of objects and arrays accepted (FHIR Bundles nest about 10 levels).
MAX_DEPTH = 64
#: Most characters in one number (a 64-bit integer has 20; a double about 25 in JSON).
MAX_NUMBER_CHARS = 64

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class JsonTooComplex(ValueError):
    """The text is JSON a person's records never are (nested too deep, numbers too long)."""


def nesting_depth(raw: str | bytes) -> int:
    """How deep objects and arrays nest, ignoring brackets inside strings (no recursion)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonTooComplex(
            f"a number of {len(text):,} digits (flarewise reads numbers of at most "
            f"{MAX_NUMBER_CHARS} characters)"
        )
    value = kind(text)
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        raise JsonTooComplex(f"the number {text} is too large to be a measurement")
    return value


def _constant(text: str) -> Any:
    raise JsonTooComplex(f"{text} is not a number JSON allows")


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` with a depth limit, a number-size limit, and no NaN or Infinity.

    Raises :class:`json.JSONDecodeError` for text that is not JSON (callers already name the
    line for those) and :class:`JsonTooComplex` for JSON beyond the limits.
    """
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonTooComplex(
            f"nested {depth:,} levels deep (flarewise reads at most {max_depth}); "
            "this is not a health record"
        )
    return json.loads(
        text,
        parse_int=lambda s: _number(s, int),
        parse_float=lambda s: _number(s, float),
        parse_constant=_constant,
    )
