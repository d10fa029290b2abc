"""CLI start-up: what a person waits for on every command, beside the interpreter's floors.

Each command runs in a fresh interpreter, exactly as the ``flarewise`` script runs it, into a
throw-away journal (``FLAREWISE_HOME`` and ``XDG_CACHE_HOME`` in a temporary folder, after
``flarewise init``, one entry, which builds the vocabulary cache as a person's first entry does,
and ``flarewise demo --years 1`` for ``insights``). The floors run in the same rounds, interleaved
with the commands, so a busy machine slows both alike:

- ``python -c "pass"``: the interpreter alone;
- ``python -c "import typer"``: the least any Typer CLI can cost (the target is <= 2x this);
- a one-command Typer app with the same five options as ``log pain``: what Typer itself costs
  to parse and check them (it builds pydantic validators for them);
- ``python -c "import sqlalchemy, pydantic"``: what a command that reads the journal imports;
- for ``insights``: ``python -c "import numpy"``, ``python -c "import numpy, scipy.special,
  scipy.linalg"`` (what the analysis behind it imports) and ``python -c "import numpy,
  scipy.stats"`` (what it imported before it did without scipy.stats); the insights line is
  also given as a ratio to each of these.

Each round takes the median of ``--repeat`` runs of everything; the report gives the median over
rounds and the run-to-run range (lowest and highest round median), wall and CPU (user + system
of the child: steadier than wall on a shared machine).

Targets (issue 17): ``flarewise --help`` and ``flarewise log pain 6`` within 0.25 s wall, about 2x
the Typer floor; ``flarewise insights`` on a year of demo data within 0.6 s.

    python benchmarks/cli_startup.py [--rounds 3] [--repeat 5] [--before SRC] [--skip-insights]

``--before SRC`` also runs the commands from another source tree (for example the ``src`` of a
checkout of the previous commit), interleaved in the same rounds: a fair before/after on a
machine whose load moves.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from _machine import describe

SCRIPT = "import sys; from flarewise.cli import main; sys.argv[0] = 'flarewise'; main()"

#: a Typer app with one command taking what `flarewise log pain` takes (a number, four options)
TYPER_COMMAND = """
import typer
app = typer.Typer(add_completion=False)
@app.command()
def pain(value: float, sites: str | None = None, at: str | None = None,
         comment: str | None = None, json: bool = False) -> None:
    print(value)
app()
"""

FLOORS: dict[str, list[str]] = {
    'python -c "pass"': ["-c", "pass"],
    'python -c "import typer"': ["-c", "import typer"],
    "one Typer command, 5 options": ["-c", TYPER_COMMAND, "6", "--sites", "neck"],
    'python -c "import sqlalchemy, pydantic"': ["-c", "import sqlalchemy, pydantic"],
}
COMMANDS: dict[str, list[str]] = {
    "flarewise --help": ["-c", SCRIPT, "--help"],
    "flarewise log --help": ["-c", SCRIPT, "log", "--help"],
    "flarewise log pain 6": ["-c", SCRIPT, "log", "pain", "6"],
    "flarewise log intake magnesium 200 mg": [
        "-c",
        SCRIPT,
        "log",
        "intake",
        "magnesium",
        "200",
        "mg",
    ],
    "flarewise show": ["-c", SCRIPT, "show"],
}
#: the analysis behind `insights` imports numpy, scipy.special and scipy.linalg (LAPACK); until
#: issue 17 it also imported scipy.stats and scipy.optimize
INSIGHTS_FLOOR: dict[str, list[str]] = {
    'python -c "import numpy"': ["-c", "import numpy"],
    'python -c "import numpy, scipy.special, scipy.linalg"': [
        "-c",
        "import numpy, scipy.special, scipy.linalg",
    ],
    'python -c "import numpy, scipy.stats"': ["-c", "import numpy, scipy.stats"],
}
INSIGHTS: dict[str, list[str]] = {
    "flarewise insights (a year of demo data)": ["-c", SCRIPT, "--person", "demo", "insights"],
}
TYPER_FLOOR = 'python -c "import typer"'


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=None
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", help="another source tree to run the commands from")
    parser.add_argument("--skip-insights", action="store_true", help="no demo year, no insights")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "FLAREWISE_HOME": home, "XDG_CACHE_HOME": os.path.join(home, "cache")}
        for name in ("FLAREWISE_DATABASE_URL", "FLAREWISE_PERSON", "PYDANTIC_DISABLE_PLUGINS"):
            env.pop(name, None)
        commands = dict(COMMANDS) if args.skip_insights else {**COMMANDS, **INSIGHTS}
        setup = [["init"], ["log", "pain", "3"]]
        if not args.skip_insights:
            setup.append(["demo", "--years", "1"])
        for step in setup:
            subprocess.run(
                [sys.executable, "-c", SCRIPT, *step],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        floors = dict(FLOORS) if args.skip_insights else {**FLOORS, **INSIGHTS_FLOOR}
        everything = {name: (argv, env) for name, argv in {**floors, **commands}.items()}
        if args.before:
            before = {**env, "PYTHONPATH": args.before}
            for name, argv in commands.items():
                everything[f"before: {name}"] = (argv, before)
        walls: dict[str, list[float]] = {name: [] for name in everything}
        cpus: dict[str, list[float]] = {name: [] for name in everything}
        for _ in range(args.rounds):
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in everything}
            for _ in range(args.repeat):
                for name, (argv, where) in everything.items():  # interleaved: load hits all alike
                    runs[name].append(run(argv, where))
            for name, times in runs.items():
                walls[name].append(statistics.median(t for t, _ in times))
                cpus[name].append(statistics.median(c for _, c in times))
        print(
            f"{args.rounds} rounds x {args.repeat} runs; seconds, median of the round medians "
            "(lowest-highest round); ratios to the `import typer` floor, round by round"
        )
        width = max(len(n) for n in everything)
        print(f"{'':<{width}}  {'wall':>27}  {'CPU':>27}")
        for name in everything:
            cells = []
            for series in (walls, cpus):
                mine, floor = series[name], series[TYPER_FLOOR]
                mid = statistics.median(mine)
                ratios = [m / f for m, f in zip(mine, floor, strict=True)]
                cells.append(
                    f"{mid:6.3f} ({min(mine):.3f}-{max(mine):.3f}) "
                    f"{mid / statistics.median(floor):5.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
                )
            print(f"{name:<{width}}  {cells[0]}  {cells[1]}")
        if not args.skip_insights:
            print("insights against its floors, median of the per-round ratios (range):")
            for command in [n for n in everything if n.endswith(tuple(INSIGHTS))]:
                for floor_name in INSIGHTS_FLOOR:
                    cells = []
                    for label, series in (("wall", walls), ("CPU", cpus)):
                        ratios = [
                            m / f for m, f in zip(series[command], series[floor_name], strict=True)
                        ]
                        cells.append(
                            f"{label} {statistics.median(ratios):5.2f}x "
                            f"({min(ratios):.2f}-{max(ratios):.2f})"
                        )
                    print(f"  {command} / {floor_name}: {', '.join(cells)}")


if __name__ == "__main__":
    main()
