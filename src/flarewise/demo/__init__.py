"""The demo journal: a documented model of one person's year with planted effects."""

from flarewise.demo.generate import DemoData, generate_demo
from flarewise.demo.model import (
    DEFAULT_DAYS,
    DEFAULT_SEED,
    DEFAULT_START,
    DemoTruth,
    Flare,
    years_ending,
)

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_SEED",
    "DEFAULT_START",
    "DemoData",
    "DemoTruth",
    "Flare",
    "generate_demo",
    "years_ending",
]
