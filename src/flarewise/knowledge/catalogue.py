"""The safety-rule catalogue as Markdown, generated from the knowledge base, so docs/plan.md
cannot drift from the rules the code evaluates (a test compares them).

    PYTHONPATH=src python -m flarewise.knowledge.catalogue docs/plan.md

rewrites the generated block of docs/plan.md in place.
"""

from __future__ import annotations

import sys
from pathlib import Path

from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary

START = "<!-- generated: safety rules (python -m flarewise.knowledge.catalogue docs/plan.md) -->"
END = "<!-- end of generated safety rules -->"
COMMAND = "PYTHONPATH=src python -m flarewise.knowledge.catalogue docs/plan.md"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def rules_markdown(vocab: Vocabulary) -> str:
    """Every rule with trigger, severity and source; the D.5.1 classes; the D.5.4 washouts."""
    out = [
        "| Rule | From | Trigger | Severity | Rank | Source |",
        "|---|---|---|---|---|---|",
    ]
    for r in vocab.safety_rules.values():
        severity = " / ".join(dict.fromkeys((r.severity, *r.severities)))
        out.append(
            f"| {r.id} | {r.section or ''} | {_cell(r.trigger or r.says)} | {severity} | "
            f"{r.rank or ''} | {_cell(r.source)} |"
        )
    out += [
        "",
        "Rank is the D.5.0 P2 specificity (3 = D.4 drug rule, 2 = D.5 named rule, 1 = D.5 class "
        "rule): on one pair the highest severity is kept, then the higher rank.",
        "",
        "Classes (clinical-rules.md D.5.1), with every member after expanding included classes:",
        "",
        "| Class | D.5.1 | Members |",
        "|---|---|---|",
    ]
    for cid, c in vocab.class_defs.items():
        if not c.d5:
            continue
        members = ", ".join(sorted(vocab.class_members[cid]))
        extra = "".join(
            f"; {s} only above {limit:g} {vocab.substances[s].canonical_unit}/day"
            for s, limit in c.dose_above.items()
        )
        out.append(f"| `{cid}` | {c.d5} | {members}{extra} |")
    w = vocab.washouts
    named = ", ".join(f"{s} {d}" for s, d in w.partner.items())
    out += [
        "",
        f"Washouts (clinical-rules.md D.5.4), in days: an MAOI stopped, then a serotonergic drug "
        f"or an opioid started: {w.maoi_stopped}; a serotonergic drug stopped, then an MAOI "
        f"started: {named}; every other: {w.partner_default}.",
    ]
    return "\n".join(out) + "\n"


def render_into(text: str, vocab: Vocabulary) -> str:
    """``text`` with its generated block replaced by the current catalogue."""
    if START not in text or END not in text:
        raise ValueError(f"the document has no generated block ({START} ... {END})")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{rules_markdown(vocab)}{END}{tail}"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(f"usage: {COMMAND}", file=sys.stderr)
        return 2
    path = Path(argv[0])
    path.write_text(render_into(path.read_text("utf-8"), load_vocabulary()), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
