"""Whether a screened link still holds once adjusted, and how strong it is then.

Why its own module: the screen's q (analysis/triggers.py) comes from unadjusted, pre-whitened
correlations, while the effect a person reads comes from the adjusted distributed-lag model
(analysis/dlm.py). Showing the screen's tiny q beside an adjusted effect whose interval
includes no effect (or that runs the other way) would present a vanished link as a strong
finding (analysis-methods.md 2.2 step 5: the screen finds candidates, the adjusted model
sizes them). So a link is listed as a possible trigger only when its adjusted effect holds,
and possible triggers are ranked by the adjusted effect's strength, not by the screen's q."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, TypeVar

from flarewise.analysis.triggers import Effect

#: z for a 95 % interval: the adjusted model's intervals are effect +/- 1.96 standard errors.
Z95 = 1.959963984540054


def holds_after_adjusting(effect: Effect | None, r: float) -> bool:
    """True when the adjusted interval excludes no effect and points the same way as the
    screen's correlation ``r``; also True without an adjusted effect (too few days to fit one:
    the wording says so instead)."""
    if effect is None:
        return True
    if effect.ci_low <= 0 <= effect.ci_high:
        return False
    return (effect.effect > 0) == (r > 0)


def reversed_after_adjusting(effect: Effect | None, r: float) -> bool:
    """True when the adjusted interval excludes no effect but runs against the screen's ``r``."""
    if effect is None or effect.ci_low <= 0 <= effect.ci_high:
        return False
    return (effect.effect > 0) != (r > 0)


class Screened(Protocol):
    """A link the screen passed: its screen correlation and its adjusted effect."""

    @property
    def r(self) -> float: ...

    @property
    def effect(self) -> Effect | None: ...


S = TypeVar("S", bound=Screened)


def split_by_adjusted(links: Sequence[S], max_hits: int | None) -> tuple[list[S], list[S]]:
    """(possible triggers, unconfirmed): the links whose adjusted effect holds, clearest
    adjusted effect first (the given order breaking ties) and at most ``max_hits`` of them
    (None: all); and, in the given order, those whose adjusted effect does not hold."""
    held = [t for t in links if holds_after_adjusting(t.effect, t.r)]
    gone = [t for t in links if not holds_after_adjusting(t.effect, t.r)]
    held.sort(key=lambda t: -adjusted_strength(t.effect))
    return (held if max_hits is None else held[:max_hits]), gone


def adjusted_strength(effect: Effect | None) -> float:
    """The adjusted effect over its standard error (|z|), a unitless strength that ranks
    effects in different units together; 0 without an effect."""
    if effect is None:
        return 0.0
    se = (effect.ci_high - effect.ci_low) / (2 * Z95)
    if not se > 0 or not math.isfinite(se):
        return math.inf if effect.effect else 0.0
    return abs(effect.effect) / se
