"""Packages imported on first use: the experiments package brings numpy and scipy, which a
command that only logs or imports should not pay for (about a second and 60 MB)."""

from __future__ import annotations

from types import ModuleType


def trials_module() -> ModuleType:
    """The experiments package, imported on first use: it brings numpy and scipy, which a
    command that only logs or imports should not pay for (about a second and 60 MB)."""
    import flarewise.experiments

    return flarewise.experiments
