"""``flarewise assess ...``: fill in an instrument interactively or from a JSON file."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out
from flarewise.cli.when import parse_when
from flarewise.domain.body import BodySite, parse_sites
from flarewise.errors import InvalidInput
from flarewise.instruments import INSTRUMENTS, InstrumentResult, acr1990, fiqr

assess_app = typer.Typer(help="Fibromyalgia criteria, FIQR and PGIC.", no_args_is_help=True)
app.add_typer(assess_app, name="assess")

SSS_PROMPT = "0 = no problem, 1 = slight, 2 = moderate, 3 = severe"


def _ask_int(text: str, lo: int, hi: int, *, optional: bool = False) -> int | None:
    while True:
        raw = typer.prompt(
            f"{text} [{lo}-{hi}{', Enter to skip' if optional else ''}]",
            default="" if optional else None,
            show_default=False,
        )
        if optional and str(raw).strip() == "":
            return None
        try:
            value = int(str(raw).strip())
            if lo <= value <= hi:
                return value
        except ValueError:
            pass
        out.print(f"Please type a whole number from {lo} to {hi}.")


def _ask_acr(version: str) -> dict[str, Any]:
    if version == "acr1990":
        a: dict[str, Any] = {
            item: typer.confirm(f"Pain: {item.removeprefix('pain_').replace('_', ' ')}?")
            for item in acr1990.PAIN_ITEMS
        }
        raw = typer.prompt(
            "Tender points (comma separated ids, e.g. occiput_left,knee_right)",
            default="",
            show_default=False,
        )
        a["tender_points"] = [p.strip() for p in raw.split(",") if p.strip()]
        a["widespread_pain_3_months"] = typer.confirm("Widespread pain for at least 3 months?")
        return a
    sites_text = typer.prompt(
        "Where have you had pain in the past week? Sites, comma separated "
        f"({', '.join(s.value for s in BodySite)}); Enter for none",
        default="",
        show_default=False,
    )
    try:
        sites = [s.value for s in parse_sites(sites_text)]
    except ValueError as exc:
        raise InvalidInput("painful_sites", str(exc)) from None
    a = {"painful_sites": sites}
    out.print(f"Over the past week, how much of a problem were these? ({SSS_PROMPT})")
    for item, text in (
        ("fatigue", "Fatigue"),
        ("waking_unrefreshed", "Waking unrefreshed"),
        ("cognitive_symptoms", "Trouble thinking or remembering"),
    ):
        a[item] = _ask_int(text, 0, 3)
    if version == "acr2010":
        a["somatic_symptoms"] = _ask_int("Somatic symptoms in general (physician rating)", 0, 3)
    else:
        out.print("During the past 6 months, have you been bothered by:")
        a["headaches"] = typer.confirm("  Headaches?")
        a["lower_abdominal_pain"] = typer.confirm("  Pain or cramps in the lower abdomen?")
        a["depression"] = typer.confirm("  Depression?")
    a["symptoms_3_months"] = typer.confirm(
        "Have these symptoms been present at a similar level for at least 3 months?"
    )
    if version != "acr2016":
        a["other_disorder_explains_pain"] = typer.confirm(
            "Is there another disorder that would otherwise explain the pain?", default=False
        )
    return a


def _ask_fiqr() -> dict[str, Any]:
    out.print("FIQR: rate each for the past 7 days, 0 (best) to 10 (worst). Enter skips an item.")
    a: dict[str, Any] = {}
    for item in fiqr.ITEMS:
        value = _ask_int(item.replace("_", " "), 0, 10, optional=True)
        if value is not None:
            a[item] = value
    return a


def _ask(instrument: str) -> dict[str, Any]:
    if instrument == "fiqr":
        return _ask_fiqr()
    if instrument == "pgic":
        out.print(
            "Since you started, your overall status is: 1 very much improved, 2 much "
            "improved, 3 minimally improved, 4 no change, 5 minimally worse, 6 much worse, "
            "7 very much worse"
        )
        return {"pgic": _ask_int("Your answer", 1, 7)}
    return _ask_acr(instrument)


NO_TERMINAL = (
    "there is no terminal to ask the questions in; give the answers as --answers FILE.json, "
    "as JSON on standard input (--answers -), or one --answer ITEM=VALUE each "
    "(item ids in docs/instruments.md)"
)


def _load(path: str) -> dict[str, Any]:
    if path == "-":
        return _load_text(sys.stdin.read(), "standard input")
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise InvalidInput("--answers", f"{path}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput("--answers", f"{path}: not valid JSON ({exc})") from None
    return _load_text(text, path)


def _option_answers(pairs: list[str]) -> dict[str, Any]:
    """``--answer ITEM=VALUE``: VALUE is JSON (3, true, ["neck"]) or plain text; a comma
    separated text is a list (``painful_sites=neck,jaw_left``)."""
    data: dict[str, Any] = {}
    for pair in pairs:
        item, sep, raw = pair.partition("=")
        if not sep or not item.strip():
            raise InvalidInput("--answer", f"{pair!r} is not ITEM=VALUE")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = [v.strip() for v in raw.split(",") if v.strip()] if "," in raw else raw
        data[item.strip()] = value
    return data


def _answers(instrument: str, path: str | None, pairs: list[str]) -> dict[str, Any]:
    """From a file, stdin or options; else ask. Without a terminal, JSON on stdin is read, lines
    on stdin answer the questions in order, and nothing at all is refused with what to do."""
    if path:
        return {**_load(path), **_option_answers(pairs)}
    if pairs:
        return _option_answers(pairs)
    if sys.stdin is None or sys.stdin.isatty():
        return _ask(instrument)
    text = sys.stdin.read()
    if not text.strip():
        raise InvalidInput("answers", NO_TERMINAL)
    if text.lstrip().startswith("{"):
        return _load_text(text, "standard input")
    sys.stdin = io.StringIO(text)  # answers typed ahead, one a line, in the order asked
    try:
        return _ask(instrument)
    except typer.Abort:
        raise InvalidInput("answers", f"standard input ran out of answers: {NO_TERMINAL}") from None


def _load_text(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("--answers", f"{where}: not valid JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise InvalidInput("--answers", f"{where}: expected an object of item ids to answers")
    return data


def show_result(result: InstrumentResult) -> None:
    table = Table(title=result.instrument.upper(), show_header=False)
    for name, value in result.scores.items():
        table.add_row(name, f"{value:.2f}".rstrip("0").rstrip("."))
    for name, band in result.bands.items():
        table.add_row(name, band)
    out.print(table)
    for f in result.findings:
        out.print(
            f"  [{'x' if f.met else ' '}] {f.rule.replace('_', ' ')}: {f.detail}", markup=False
        )
    if result.met is not None:
        out.print(f"Criteria {'met' if result.met else 'not met'}.")
    if result.label:
        out.print(result.label.capitalize() + ".", style="bold")
    for note in result.notes:
        out.print(note, style="dim")


def _command(instrument: str) -> None:
    @assess_app.command(instrument, help=f"Fill in {instrument.upper()} and record the result.")
    def run(
        ctx: typer.Context,
        answers: Annotated[
            str | None,
            typer.Option(
                "--answers",
                help="A JSON file of answers (docs/instruments.md), or - for JSON on standard "
                "input; without it (and without --answer), flarewise asks.",
            ),
        ] = None,
        answer: Annotated[
            list[str] | None,
            typer.Option(
                "--answer",
                help="One answer as ITEM=VALUE (repeat it), e.g. --answer fatigue=2 "
                "--answer painful_sites=neck,jaw_left; no questions are asked then.",
            ),
        ] = None,
        clinician: Annotated[
            bool, typer.Option("--clinician", help="Entered by a clinician.")
        ] = False,
        at: Annotated[str | None, typer.Option("--at", help="When (default now).")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        j = journal(ctx)
        data = _answers(instrument, answers, answer or [])
        entry, result = j.assess(
            instrument,
            data,
            at=parse_when(at, j.timezone()),
            entered_by="clinician" if clinician else None,
        )
        if as_json:
            emit_json({"id": entry.id, "at": entry.at.isoformat(), **result.to_json()})
        else:
            show_result(result)
            out.print(f"Recorded (id {entry.id[:8]}).", style="dim")


for _name in INSTRUMENTS:
    _command(_name)


@assess_app.command("history")
def history(
    ctx: typer.Context,
    instrument: Annotated[str | None, typer.Argument(help="Only this instrument.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Past results, oldest first, to see change over time."""
    if instrument is not None and instrument not in INSTRUMENTS:
        raise InvalidInput(
            "instrument",
            f"{instrument!r} is not an instrument; use one of: {', '.join(INSTRUMENTS)}",
        )
    found = journal(ctx).assessments(instrument)
    if as_json:
        emit_json([{"id": e.id, "at": e.at.isoformat(), **r.to_json()} for e, r in found])
        return
    table = Table(title="Assessments")
    for col in ("date", "instrument", "scores", "result"):
        table.add_column(col)
    for e, r in found:
        main = ", ".join(
            f"{k} {v:.1f}"
            for k, v in r.scores.items()
            if k in ("wpi", "sss", "ss", "psd", "total", "pgic", "tender_points")
        )
        verdict = (
            ("met" if r.met else "not met") if r.met is not None else ", ".join(r.bands.values())
        )
        table.add_row(f"{e.at:%Y-%m-%d}", e.instrument, main, verdict)
    out.print(table)
