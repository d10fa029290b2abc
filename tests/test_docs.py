"""The CLI reference names every command the code defines, with the options each has."""

from __future__ import annotations

import re
from pathlib import Path

from tests import cli_reference

DOC = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text()


def test_every_command_is_documented() -> None:
    commands = [path for path, _ in cli_reference.commands()]
    assert len(commands) > 25
    missing = [c for c in commands if f"`{c}" not in DOC and f"`flarewise {c}" not in DOC]
    assert missing == [], f"docs/cli.md lacks: {missing}"


def test_the_options_in_the_docs_are_the_commands_options() -> None:
    # the generated table lists every argument and option of every command, as --help does
    assert cli_reference.render_into(DOC) == DOC, (
        f"docs/cli.md's option table differs from the CLI; regenerate it: {cli_reference.COMMAND}"
    )


def test_every_option_and_argument_says_what_it_is_for() -> None:
    silent = [
        f"{path} {'/'.join(p.opts)}"
        for path, cmd in cli_reference.commands()
        for p in [*cli_reference.options(cmd), *cli_reference.arguments(cmd)]
        if not (getattr(p, "help", None) or "").strip()
    ]
    assert silent == [], f"options without help: {silent}"


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def test_hand_written_rows_name_only_options_the_command_has() -> None:
    known = {path: cmd for path, cmd in cli_reference.commands()}
    by_length = sorted(known, key=len, reverse=True)
    checked = 0
    for line in DOC.split(cli_reference.BEGIN)[0].splitlines():
        if not line.startswith("| `"):
            continue
        first = _cells(line)[0].replace("`", "").removeprefix("flarewise ")
        path = next((p for p in by_length if first == p or first.startswith(p + " ")), None)
        if path is None:
            continue
        have = {o for p in known[path].params for o in [*p.opts, *p.secondary_opts]}
        named = set(re.findall(r"--[a-z][a-z0-9-]*", first))
        assert named <= have, f"docs/cli.md: `{path}` has no {sorted(named - have)}"
        checked += 1
    assert checked > 40


def test_the_readme_says_which_commands_take_json() -> None:
    # issue 17: "every command takes --json" was not true; the README names the exceptions
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    said = readme.split("Every command takes `--json`", 1)[1].split("Errors are", 1)[0]
    listed = set(re.findall(r"`([a-z][a-z ]*)`", said))
    without = {
        path
        for path, cmd in cli_reference.commands()
        if "--json" not in {o for p in cmd.params for o in p.opts}
    }
    assert listed == without


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
