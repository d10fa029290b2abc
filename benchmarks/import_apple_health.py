"""Apple Health import: flarewise against a bare lxml floor and healthkit-to-sqlite.

Generates synthetic exports (benchmarks/apple_health_export.py) of about 100 MB and 300 MB, then
measures, each in its own fresh process, wall time and peak resident memory (the child's
``ru_maxrss``):
  (a) floor: lxml ``iterparse`` over the file, visiting and clearing every element, nothing else;
  (b) healthkit-to-sqlite (PyPI, ``--xml``) importing the same file into SQLite;
  (c) flarewise importing it into an existing, empty SQLite journal (as after `flarewise init`),
      end to end in a new process: start-up, detect, parse, map, validate, write, commit.
      A first run that must also create the schema costs about 0.3 s more (printed too).
Targets (issue #4): (c) within 2.5x of (a); (c) at least 5x faster than (b); peak RSS of (c)
under 200 MB and flat in file size.

    python benchmarks/import_apple_health.py [--sizes 100 300] [--skip-healthkit]
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
    import sys
    from flarewise import open_journal
    j = open_journal("sqlite:///" + sys.argv[2], "bench")
    r = j.import_file(sys.argv[1])
    print(r.records, r.entries_added, len(r.problems))
    """
)
MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    t = time.perf_counter()
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"wall": wall, "rss_kb": rss, "rc": done.returncode,
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
    parser.add_argument("--skip-healthkit", action="store_true")
    args = parser.parse_args()
    hk = shutil.which("healthkit-to-sqlite") or str(
        Path(sys.executable).parent / "healthkit-to-sqlite"
    )
    print(f"Machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for mb in args.sizes:
            xml = folder / f"export-{mb:.0f}.xml"
            days = generate(xml, mb)
            size = xml.stat().st_size / 1e6
            print(f"\nSynthetic export: {size:.0f} MB, {days} days ({xml.name})")
            rows: dict[str, dict[str, object]] = {}
            rows["a floor: lxml iterparse"] = measure([sys.executable, "-c", FLOOR, str(xml)])
            if not args.skip_healthkit:
                rows["b healthkit-to-sqlite"] = measure(
                    [hk, "--xml", "--silent", str(xml), str(folder / f"hk-{mb:.0f}.db")]
                )
            journal = folder / f"fw-{mb:.0f}.db"
            open_journal(f"sqlite:///{journal}", "bench").close()  # `flarewise init`
            rows["c flarewise import"] = measure(
                [sys.executable, "-c", FLAREWISE, str(xml), str(journal)]
            )
            rows["c' same, creating the schema"] = measure(
                [sys.executable, "-c", FLAREWISE, str(xml), str(folder / f"fw-new-{mb:.0f}.db")]
            )
            for name, r in rows.items():
                wall = float(r["wall"])  # type: ignore[arg-type]
                rss = int(r["rss_kb"]) / 1024  # type: ignore[call-overload]
                print(
                    f"  {name:28s} {wall:7.1f} s  {size / wall:6.1f} MB/s  "
                    f"peak RSS {rss:6.0f} MB   {r['out']}"
                )
            floor = float(rows["a floor: lxml iterparse"]["wall"])  # type: ignore[arg-type]
            ours = float(rows["c flarewise import"]["wall"])  # type: ignore[arg-type]
            print(f"  flarewise / floor: {ours / floor:.2f}x (target <= 2.5x)")
            if "b healthkit-to-sqlite" in rows:
                theirs = float(rows["b healthkit-to-sqlite"]["wall"])  # type: ignore[arg-type]
                print(f"  healthkit-to-sqlite / flarewise: {theirs / ours:.1f}x (target >= 5x)")
            time.sleep(1)


if __name__ == "__main__":
    main()
