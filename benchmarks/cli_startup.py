"""CLI start-up: what a person waits for on every command, beside the interpreter's floors.

Each command runs in a fresh interpreter, exactly as the ``flarewise`` script runs it, into a
throw-away journal (``FLAREWISE_HOME`` in a temporary folder). The floors run in the same rounds,
interleaved with the commands, so a busy machine slows both alike:

- ``python -c "import typer"``: the least any Typer CLI can cost (the target is <= 2x this);
- ``python -c "import sqlalchemy, pydantic"``: what a command that opens the journal must import.

Each round takes the median of ``--repeat`` runs of everything; the report gives the median over
rounds and the run-to-run range (lowest and highest round median).

Target (issue 17): ``flarewise --help`` and ``flarewise log pain 6`` within 0.25 s wall, about 2x
the Typer floor.

    python benchmarks/cli_startup.py [--rounds 3] [--repeat 7] [--before SRC]

``--before SRC`` also runs the commands from another source tree (for example the ``src`` of a
checkout of the previous commit), interleaved in the same rounds: a fair before/after on a
machine whose load moves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _machine import describe

SCRIPT = "import sys; from flarewise.cli import main; sys.argv[0] = 'flarewise'; main()"

FLOORS: dict[str, list[str]] = {
    'python -c "pass"': ["-c", "pass"],
    'python -c "import typer"': ["-c", "import typer"],
    'python -c "import sqlalchemy, pydantic"': ["-c", "import sqlalchemy, pydantic"],
}
COMMANDS: dict[str, list[str]] = {
    "flarewise --help": ["-c", SCRIPT, "--help"],
    "flarewise log --help": ["-c", SCRIPT, "log", "--help"],
    "flarewise log pain 6": ["-c", SCRIPT, "log", "pain", "6"],
    "flarewise show": ["-c", SCRIPT, "show"],
}
TYPER_FLOOR = 'python -c "import typer"'


def wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=None
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--before", help="another source tree to run the commands from")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "FLAREWISE_HOME": home}
        env.pop("FLAREWISE_DATABASE_URL", None)
        env.pop("FLAREWISE_PERSON", None)
        subprocess.run(
            [sys.executable, "-c", SCRIPT, "init"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        everything = {name: (argv, env) for name, argv in {**FLOORS, **COMMANDS}.items()}
        if args.before:
            before = {**env, "PYTHONPATH": args.before}
            for name, argv in COMMANDS.items():
                everything[f"before: {name}"] = (argv, before)
        rounds: dict[str, list[float]] = {name: [] for name in everything}
        for _ in range(args.rounds):
            runs: dict[str, list[float]] = {name: [] for name in everything}
            for _ in range(args.repeat):
                for name, (argv, where) in everything.items():  # interleaved: load hits all alike
                    runs[name].append(wall(argv, where))
            for name, times in runs.items():
                rounds[name].append(statistics.median(times))
        print(f"{args.rounds} rounds x {args.repeat} runs; seconds wall, median (range of rounds)")
        floor = statistics.median(rounds[TYPER_FLOOR])
        width = max(len(n) for n in everything)
        for name in everything:
            medians = rounds[name]
            mid = statistics.median(medians)
            ratios = [m / f for m, f in zip(medians, rounds[TYPER_FLOOR], strict=True)]
            print(
                f"{name:<{width}}  {mid:6.3f} s  ({min(medians):.3f}-{max(medians):.3f})"
                f"  {mid / floor:4.2f}x typer floor ({min(ratios):.2f}-{max(ratios):.2f})"
            )


if __name__ == "__main__":
    main()
