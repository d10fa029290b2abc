"""Apple Health import: flarewise against a bare lxml floor and healthkit-to-sqlite.

Generates synthetic exports (benchmarks/apple_health_export.py) of about 100 MB and 300 MB, then
measures, each in its own fresh process, wall time and peak resident memory (the child's
``ru_maxrss``):
  (a) floor: lxml ``iterparse`` over the file, visiting and clearing every element, nothing else;
  (b) healthkit-to-sqlite (PyPI, ``--xml``) importing the same file into SQLite;
  (c) flarewise importing it into an existing, empty SQLite journal (as after `flarewise init`),
      end to end in a new process: start-up, detect, parse, map, validate, write, commit.
      A file this large is parsed in two parts by two child processes while the importing
      process maps and writes (src/flarewise/importers/apple_health_scan.py).
      A first run that must also create the schema costs about 0.3 s more (printed too).
Targets (issue 17): (c) within 1.5x of (a) and at least 10x faster than (b) at 300 MB; peak
RSS of (c) flat in file size (issue 4: under 200 MB).

Besides wall time, each contender's CPU time (user + system, its child processes included) is
printed: on a machine whose two cores are busy with other work, a parallel import cannot run
faster than its CPU time divided by the cores it gets, so CPU / floor CPU says how much work
the import does beyond the parse, and wall / floor wall what the machine gave it. flarewise's
own line splits its CPU time: start-up (imports, opening the journal), the importing process
in all, and the two parsing children together; with two free cores the wall time is about
start-up + one parser's half + the mapping of the second part. Its peak RSS is given as the
importing process's own and the largest parsing child's (a child's peak as the kernel counts
it includes the importing process's pages it was forked from before it became a new Python;
a parser alone peaks at about 24 MB).

Each size runs ``--rounds`` rounds (default 3), the contenders back to back within a round; the
figures are medians with their range, and the ratios are also given round by round, because on a
shared machine a single run can be off by half.

    python benchmarks/import_apple_health.py [--sizes 100 300] [--rounds 3] [--skip-healthkit]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from statistics import median

from _machine import describe
from apple_health_export import generate
from flarewise import open_journal

FLOOR = textwrap.dedent(
    """
    import sys
    from lxml import etree
    n = 0
    for _, el in etree.iterparse(sys.argv[1], events=("end",), resolve_entities=False,
                                 load_dtd=False, no_network=True):
        n += 1
        el.clear(keep_tail=False)
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
    print(n)
    """
)
FLAREWISE = textwrap.dedent(
    """
    import resource, sys, time
    from flarewise import open_journal
    j = open_journal("sqlite:///" + sys.argv[2], "bench")
    started = time.process_time()
    r = j.import_file(sys.argv[1])
    own, parsers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(r.records, r.entries_added, len(r.problems),
          f"RSS {own.ru_maxrss // 1024} MB + parsers {parsers.ru_maxrss // 1024} MB;",
          f"CPU start-up {started:.2f} s, importing process {own.ru_utime + own.ru_stime:.2f} s,",
          f"parsers {parsers.ru_utime + parsers.ru_stime:.2f} s")
    """
)
MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    t = time.perf_counter()
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    wall = time.perf_counter() - t
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss, cpu = use.ru_maxrss, use.ru_utime + use.ru_stime
    print(json.dumps({"wall": wall, "cpu": cpu, "rss_kb": rss, "rc": done.returncode,
                      "out": done.stdout.strip()[-300:], "err": done.stderr.strip()[-300:]}))
    """
)


def measure(cmd: list[str]) -> dict[str, object]:
    """Run ``cmd`` in a fresh process; its wall time and peak RSS."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{cmd[:3]} failed: {result['err']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[100.0, 300.0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per size")
    parser.add_argument("--skip-healthkit", action="store_true")
    args = parser.parse_args()
    hk = shutil.which("healthkit-to-sqlite") or str(
        Path(sys.executable).parent / "healthkit-to-sqlite"
    )
    print(f"Machine: {describe()}")
    print(f"Each figure: median of {args.rounds} rounds [min-max]; contenders interleaved.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for mb in args.sizes:
            xml = folder / f"export-{mb:.0f}.xml"
            days = generate(xml, mb)
            size = xml.stat().st_size / 1e6
            print(f"\nSynthetic export: {size:.0f} MB, {days} days ({xml.name})")
            rows: dict[str, list[dict[str, object]]] = {}
            for n in range(args.rounds):
                contenders = {"a floor: lxml iterparse": [sys.executable, "-c", FLOOR, str(xml)]}
                if not args.skip_healthkit:
                    contenders["b healthkit-to-sqlite"] = [
                        hk,
                        "--xml",
                        "--silent",
                        str(xml),
                        str(folder / f"hk-{mb:.0f}-{n}.db"),
                    ]
                journal = folder / f"fw-{mb:.0f}-{n}.db"
                open_journal(f"sqlite:///{journal}", "bench").close()  # `flarewise init`
                contenders["c flarewise import"] = [
                    sys.executable,
                    "-c",
                    FLAREWISE,
                    str(xml),
                    str(journal),
                ]
                contenders["c' same, creating the schema"] = [
                    sys.executable,
                    "-c",
                    FLAREWISE,
                    str(xml),
                    str(folder / f"fw-new-{n}.db"),
                ]
                for name, cmd in contenders.items():
                    rows.setdefault(name, []).append(measure(cmd))
                    time.sleep(1)
                for db in folder.glob("*.db"):
                    db.unlink()
            walls = {name: sorted(float(r["wall"]) for r in rs) for name, rs in rows.items()}  # type: ignore[arg-type]
            cpus = {name: sorted(float(r["cpu"]) for r in rs) for name, rs in rows.items()}  # type: ignore[arg-type]
            for name, rs in rows.items():
                w, c = walls[name], cpus[name]
                rss = max(int(r["rss_kb"]) for r in rs) / 1024  # type: ignore[call-overload]
                print(
                    f"  {name:28s} {median(w):7.1f} s [{w[0]:.1f}-{w[-1]:.1f}]  "
                    f"CPU {median(c):6.1f} s [{c[0]:.1f}-{c[-1]:.1f}]  "
                    f"{size / median(w):6.1f} MB/s  peak RSS {rss:6.0f} MB   {rs[-1]['out']}"
                )
            floor, ours = walls["a floor: lxml iterparse"], walls["c flarewise import"]
            a, c = "a floor: lxml iterparse", "c flarewise import"
            print(
                f"  flarewise / floor: {median(ours) / median(floor):.2f}x wall "
                f"(target <= 1.5x){_paired(rows, c, a)}; "
                f"CPU {median(cpus[c]) / median(cpus[a]):.2f}x{_paired(rows, c, a, 'cpu')}"
            )
            if "b healthkit-to-sqlite" in rows:
                theirs = walls["b healthkit-to-sqlite"]
                print(
                    f"  healthkit-to-sqlite / flarewise: {median(theirs) / median(ours):.1f}x "
                    f"(target >= 10x){_paired(rows, 'b healthkit-to-sqlite', c)}"
                )


def _paired(
    rows: dict[str, list[dict[str, object]]], top: str, bottom: str, what: str = "wall"
) -> str:
    """The ratio round by round (each round's contenders ran back to back, so a busy spell of
    the machine weighs on both), as a range."""
    ratios = sorted(
        float(t[what]) / float(b[what])  # type: ignore[arg-type]
        for t, b in zip(rows[top], rows[bottom], strict=True)
    )
    return f"; round by round {ratios[0]:.2f}-{ratios[-1]:.2f}x" if len(ratios) > 1 else ""


if __name__ == "__main__":
    main()
