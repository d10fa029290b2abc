"""``flarewise insights``: baselines, flares and possible triggers from the whole diary.

Its own module, so the command imports neither the experiment commands nor their records
(issue 17: within 0.6 s on a year). On an up-to-date SQLite journal it reads through the driver
(:mod:`flarewise.journal.lite_reader`, no SQLAlchemy); anywhere else through the full journal.
Both hand the same data to the same function, so the output is the same either way.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flarewise.cli.app import JsonOpt, app, emit_json, out, reader
from flarewise.errors import InvalidInput

if TYPE_CHECKING:
    from flarewise.analysis.insights import Insights


@app.command("insights")
def insights_command(
    ctx: typer.Context,
    fdr: Annotated[
        str, typer.Option(help="bh (Benjamini-Hochberg) or by (Benjamini-Yekutieli).")
    ] = "bh",
    show_all: Annotated[
        bool, typer.Option("--all", help="List every link that passed, not only the first 20.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Baselines, flares, what preceded them, and possible triggers with their uncertainty."""
    if fdr not in ("bh", "by"):
        raise InvalidInput("--fdr", "use bh or by")
    ins = reader(ctx).insights(fdr=fdr, max_hits=None if show_all else 20)
    if as_json:
        emit_json(insights_json(ins))
        return
    print_insights(ins)


def insights_json(ins: Insights) -> dict[str, Any]:
    """The ``--json`` answer: the result with each link's words beside its numbers."""
    from flarewise.analysis import trigger_wording as words

    data = asdict(ins)
    for t, row in zip(ins.triggers, data["triggers"], strict=True):
        row.update(
            when=words.when(t),
            q_text=words.format_q(t.q),
            effect_text=words.effect_text(t),
            sentence=words.sentence(t),
            notes=words.notes(t),
            test_this=t.test_this,
        )
    for group in ("explained", "unconfirmed"):
        for t, row in zip(getattr(ins, group), data[group], strict=True):
            row.update(sentence=words.sentence(t), notes=words.notes(t))
    data["q_meaning"] = words.Q_MEANING
    listed = len(ins.triggers) + len(ins.explained) + len(ins.unconfirmed)
    data["cut"] = words.cut_text(listed, ins.hits_total)
    return data


def print_insights(ins: Insights) -> None:
    """The result as text: possible triggers (holding once adjusted), then the links explained
    by other findings and those gone after adjusting, apart; flares and before/after."""
    from flarewise.analysis import trigger_wording as words

    listed = len(ins.triggers) + len(ins.explained) + len(ins.unconfirmed)
    out.print(
        f"{ins.days} days ({ins.completeness:.0%} with entries), {ins.tests_run:,} "
        "comparisons tested.",
        markup=False,
    )
    for m in ins.messages:
        if "strongest first" not in m:
            out.print(m, style="yellow", markup=False)
    if listed:
        cut = words.cut_text(listed, ins.hits_total)
        out.print(
            "Possible triggers: links that passed the screening check (q < 0.05) and still "
            "hold once adjusted for the day of the week, slow changes such as the seasons, and "
            "the other factors found for the same symptom. "
            + words.Q_MEANING
            + " "
            + words.ASSOCIATION,
            markup=False,
        )
        if not ins.triggers:
            out.print("None holds once adjusted.", markup=False)
        if cut:
            out.print(f"{cut} Use --all to list every one.", style="yellow", markup=False)
        for i, t in enumerate(ins.triggers, 1):
            out.print(f"{i}. {t.exposure_name}: {words.sentence(t)}", markup=False)
            for note in words.notes(t)[:-1]:
                out.print(f"   {note}", style="dim", markup=False)
        if ins.explained:
            out.print(
                "Explained by other findings (each passed alone, but once the other findings "
                "are taken into account the range includes no effect; no experiment offered):",
                markup=False,
            )
            for t in ins.explained:
                out.print(f"  {t.exposure_name}: {words.sentence(t)}", style="dim", markup=False)
        if ins.unconfirmed:
            out.print(f"{words.UNCONFIRMED_HEADING}: {words.UNCONFIRMED_INTRO}", markup=False)
            for t in ins.unconfirmed:
                out.print(f"  {t.exposure_name}: {words.sentence(t)}", style="dim", markup=False)
        tests = [(t, t.test_this) for t in ins.triggers if t.test_this]
        if tests:
            out.print("Test this with an experiment:", style="dim")
        for t, proposal in tests[:5]:
            assert proposal is not None
            extra = f" --foods {proposal['foods']}" if "foods" in proposal else ""
            out.print(
                f"  {t.exposure_name} -> {t.outcome_name}: flarewise experiment new "
                f"{proposal['intervention']} --outcome {proposal['outcome']} "
                f"--design {proposal['design']}{extra}",
                style="dim",
                markup=False,
            )
    for b in ins.before_after:
        out.print(
            f"Since {b.substance} started on {b.started}: pain {b.effect:+.2f} (95% interval "
            f"{b.ci_low:+.2f} to {b.ci_high:+.2f}; {b.days_before} days before, "
            f"{b.days_after} after). Observational: other changes over the same time could "
            "explain part of it.",
            markup=False,
        )
    for f in ins.flares:
        out.print(
            f"Flare {f.start} to {f.end}: peak {f.peak:.1f} against a baseline of "
            f"{f.baseline:.1f}.",
            markup=False,
        )
