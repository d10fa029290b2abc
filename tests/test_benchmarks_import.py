"""Every benchmark script still imports against the library as it is now (one had imported a
helper from where it used to live, and failed only when someone ran it). Nothing is run or
timed here: the scripts' work is behind ``if __name__ == "__main__"``."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(p.stem for p in BENCHMARKS.glob("*.py") if not p.stem.startswith("__"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_benchmark_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    module = importlib.import_module(name)
    assert module.__doc__, f"benchmarks/{name}.py says what it measures in its docstring"
    sys.modules.pop(name, None)
