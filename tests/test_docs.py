"""The CLI reference names every command the code defines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from flarewise.cli import app

DOC = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text()


def _paths(cmd: Any, prefix: str) -> list[str]:
    if hasattr(cmd, "commands"):  # a group (Typer vendors its own Click)
        out = []
        for name, sub in cmd.commands.items():
            out.extend(_paths(sub, f"{prefix} {name}".strip()))
        return out
    return [prefix]


def test_every_command_is_documented() -> None:
    root = typer.main.get_command(app)
    commands = _paths(root, "")
    assert len(commands) > 25
    missing = [c for c in commands if f"`{c}" not in DOC and f"`flarewise {c}" not in DOC]
    assert missing == [], f"docs/cli.md lacks: {missing}"


def test_plan_doc_lists_every_safety_rule_as_generated() -> None:
    # docs/plan.md's rule table is generated from the knowledge base (trigger, severity, source)
    from flarewise.knowledge import load_vocabulary
    from flarewise.knowledge.catalogue import COMMAND, render_into

    path = Path(__file__).parent.parent / "docs" / "plan.md"
    text = path.read_text("utf-8")
    vocab = load_vocabulary()
    assert render_into(text, vocab) == text, (
        f"docs/plan.md is out of date with the safety rules; regenerate it with: {COMMAND}"
    )
    for rule in vocab.safety_rules:
        assert f"| {rule} |" in text, rule
