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
