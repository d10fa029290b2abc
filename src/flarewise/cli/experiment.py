"""``flarewise experiment ...``."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out
from flarewise.cli.when import parse_day
from flarewise.domain.doses import regimen_day as planned_day
from flarewise.domain.experiments import DoseLevel
from flarewise.errors import InvalidInput

if TYPE_CHECKING:
    from flarewise.experiments.review import Review

experiment_app = typer.Typer(help="Personal n-of-1 experiments.", no_args_is_help=True)
app.add_typer(experiment_app, name="experiment")

IdArg = Annotated[
    str, typer.Argument(help="The experiment's id (its first 8 characters are enough).")
]


def _plain(obj: Any) -> Any:
    return asdict(obj) if obj is not None else None


@experiment_app.command("new")
def experiment_new(
    ctx: typer.Context,
    intervention: Annotated[
        str,
        typer.Argument(
            help="What to test: a substance (magnesium, coq10, ldn...) or an intervention id "
            "from `flarewise kb list` (meditative_movement: tai chi, yoga or qigong)."
        ),
    ],
    outcome: Annotated[
        str, typer.Option(help="The primary outcome, a symptom (chosen before any data).")
    ] = "pain",
    design: Annotated[
        str, typer.Option(help="randomised_blocks (preferred), ab, titration or reintroduction.")
    ] = "randomised_blocks",
    start: Annotated[str | None, typer.Option(help="First day (default today).")] = None,
    period: Annotated[int, typer.Option(help="Days per period.")] = 14,
    washout: Annotated[
        int, typer.Option(help="Days at the start of each period left out of the comparison.")
    ] = 3,
    meaningful: Annotated[
        float, typer.Option(help="The change that matters to you, in points.")
    ] = 1.0,
    blocks: Annotated[
        int | None, typer.Option(help="AB/BA pairs (default: sized from your baseline).")
    ] = None,
    dose: Annotated[
        float | None, typer.Option(help="Daily dose during intervention periods.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Its unit.")] = None,
    steps: Annotated[
        str | None,
        typer.Option(help="Titration: 'AMOUNT:DAYS,...' in --unit, e.g. 1.5:7,3:7,4.5:28."),
    ] = None,
    foods: Annotated[
        str | None,
        typer.Option(help="Reintroduction: foods to test, comma separated, one at a time."),
    ] = None,
    why: Annotated[str | None, typer.Option(help="Why you want to know.")] = None,
    meaningful_percent: Annotated[
        float | None,
        typer.Option(
            help="The change that matters as a percentage of your baseline (instead of points)."
        ),
    ] = None,
    timing: Annotated[
        str | None, typer.Option(help="When to take it, e.g. 'with the evening meal'.")
    ] = None,
    without_baseline: Annotated[
        bool,
        typer.Option(
            "--without-baseline",
            help="If your data cannot size the trial yet, plan 6 blocks after a 14-day run-in "
            "instead of refusing.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Design an experiment (its length computed from your own baseline) and save it."""
    if (dose is None) != (unit is None) and not steps:
        given, missing = ("--dose", "--unit") if dose is not None else ("--unit", "--dose")
        raise InvalidInput(
            missing, f"{given} needs {missing} too, e.g. --dose 200 --unit mg (or give neither)"
        )
    j = journal(ctx)
    level = DoseLevel(amount=dose, unit=unit, days=period) if dose is not None and unit else None
    titration = []
    if steps:
        if not unit:
            raise InvalidInput("--unit", "titration steps need the dose unit")
        for part in steps.split(","):
            amount, _, days = part.partition(":")
            try:
                titration.append(DoseLevel(amount=float(amount), unit=unit, days=int(days)))
            except ValueError:
                raise InvalidInput("--steps", f"{part!r} is not AMOUNT:DAYS") from None
    try:
        protocol, advice = j.design_experiment(
            intervention,
            outcome,
            design=design,
            start=planned_day(parse_day(start, j.timezone(), "--start"), "--start"),
            period_days=period,
            washout_days=washout,
            meaningful_change=meaningful,
            blocks=blocks,
            dose=level,
            titration=titration,
            challenges=[f.strip() for f in (foods or "").split(",") if f.strip()],
            why=why,
            meaningful_percent=meaningful_percent,
            timing=timing,
            without_baseline=without_baseline,
        )
    except InvalidInput as exc:
        if exc.field == "intervention":  # the library looked among both; say so
            raise InvalidInput(
                "intervention",
                f"{exc.reason.rstrip('.')}; for a practice or a therapy, give its id from "
                "`flarewise kb list` (e.g. meditative_movement for tai chi, yoga or qigong)",
            ) from None
        if exc.field != "baseline" or without_baseline:
            raise
        # the library sizes the trial from a 14-day baseline; only the CLI knows its flag's name
        raise InvalidInput(
            "baseline",
            f"{exc.reason.replace('this outcome', outcome)} (the 14-day baseline). "
            "To start now instead, add --without-baseline: "
            "flarewise then plans "
            "6 blocks after a 14-day run-in",
        ) from None
    j.add_experiment(protocol)
    if as_json:
        emit_json({"protocol": protocol.model_dump(mode="json"), "advice": _plain(advice)})
        return
    out.print(f"Experiment {protocol.id[:8]}: {protocol.title} ({protocol.design})", markup=False)
    if advice:
        out.print(
            f"{advice.blocks} AB/BA blocks of {period} days ({advice.days} days): "
            f"{advice.reason}; your day-to-day SD is {advice.sd:.1f} points; chance of "
            f"detecting your chosen change: {advice.power:.0%}."
        )
        out.print(advice.assumptions, markup=False)
    if protocol.order:
        out.print("Randomised order: " + " ".join(protocol.order))
    _print_review(j.experiment_review(protocol.id))
    out.print(
        "Nothing has started yet. When you agree, start it with "
        f"`flarewise experiment start {protocol.id[:8]}` (add --on DAY for a later day)."
    )


def _print_review(r: Review) -> None:
    """The same review the web page shows before Confirm (journal/agreement.py)."""
    out.print(f"\n{r.days} days, from {r.start} to {r.end}.", markup=False)
    out.print("What to do each day:")
    for line in r.daily:
        out.print(f"  - {line}", markup=False)
    out.print("The schedule:")
    for ph in r.phases:
        span = f"{ph.start}" if ph.days == 1 else f"{ph.start} to {ph.end}"
        out.print(f"  {span} ({ph.days} days): {ph.what}", markup=False)
    out.print("What it will tell you:")
    for line in r.will_tell:
        out.print(f"  - {line}", markup=False)
    out.print("What it will not tell you:")
    for line in r.will_not_tell:
        out.print(f"  - {line}", markup=False)


@experiment_app.command("review")
def experiment_review(ctx: typer.Context, experiment_id: IdArg, as_json: JsonOpt = False) -> None:
    """What an experiment asks of you, its dates, and what it can and cannot tell you."""
    r = journal(ctx).experiment_review(experiment_id)
    if as_json:
        emit_json(asdict(r))
        return
    out.print(r.title, markup=False)
    _print_review(r)


@experiment_app.command("start")
def experiment_start(
    ctx: typer.Context,
    experiment_id: IdArg,
    on: Annotated[
        str | None, typer.Option("--on", help="The day it starts (default today).")
    ] = None,
) -> None:
    """Agree to a planned experiment (read `experiment review` first): it starts on --on."""
    j = journal(ctx)
    day = planned_day(parse_day(on, j.timezone(), "--on"), "--on") if on else None
    p = j.start_experiment(experiment_id, day)
    out.print(f"Running from {p.start}: {p.title}.", markup=False)


@experiment_app.command("pause")
def experiment_pause(ctx: typer.Context, experiment_id: IdArg) -> None:
    """Pause (paused days are left out of the comparison)."""
    journal(ctx).set_experiment_status(experiment_id, "paused")
    out.print("Paused.")


@experiment_app.command("resume")
def experiment_resume(ctx: typer.Context, experiment_id: IdArg) -> None:
    """Resume a paused experiment."""
    j = journal(ctx)
    if j.experiment(experiment_id).status == "planned":
        raise InvalidInput(
            "experiment",
            "it has not started yet: read `flarewise experiment review` and then "
            "`flarewise experiment start` it",
        )
    j.set_experiment_status(experiment_id, "running")
    out.print("Resumed.")


@experiment_app.command("stop")
def experiment_stop(
    ctx: typer.Context,
    experiment_id: IdArg,
    reason: Annotated[str | None, typer.Option(help="Why it stopped early.")] = None,
    finished: Annotated[bool, typer.Option("--finished", help="It ran its full course.")] = False,
) -> None:
    """Stop early (or finish) an experiment; the analysis uses what was done."""
    j = journal(ctx)
    p = j.set_experiment_status(experiment_id, "finished" if finished else "stopped", reason=reason)
    out.print(f"{p.status.capitalize()} on {p.stopped_on}.")


@experiment_app.command("list")
def experiment_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Your experiments."""
    found = journal(ctx).experiments()
    if as_json:
        emit_json([p.model_dump(mode="json") for p in found])
        return
    from rich.table import Table  # here: only the commands that draw a table pay for it

    table = Table(title="Experiments")
    for col in ("id", "title", "design", "start", "status"):
        table.add_column(col)
    for p in found:
        table.add_row(p.id[:8], p.title, p.design, str(p.start), p.status)
    out.print(table)


@experiment_app.command("status")
def experiment_status(ctx: typer.Context, experiment_id: IdArg, as_json: JsonOpt = False) -> None:
    """Where you are today: phase, day, what to take, adherence so far."""
    status = journal(ctx).experiment_status(experiment_id)
    if as_json:
        emit_json(status)
        return
    out.print(f"{status['title']} ({status['status']}): {status['today']}", markup=False)
    out.print(
        f"Day {status['days_elapsed']} of {status['days_planned']}; ends {status['ends']}."
        + (
            f" Doses logged on {status['adherence']:.0%} of planned days."
            if status["adherence"] is not None
            else ""
        )
    )


@experiment_app.command("log")
def experiment_log(
    ctx: typer.Context,
    experiment_id: IdArg,
    skipped: Annotated[
        bool, typer.Option("--skipped", help="Today's planned dose was not taken.")
    ] = False,
) -> None:
    """Log today's planned dose as taken (or skipped)."""
    j = journal(ctx)
    entry = j.log_experiment_dose(experiment_id, skipped=skipped)
    out.print(f"Logged {j.describe(entry)}.", markup=False)


@experiment_app.command("analyze")
def experiment_analyze(
    ctx: typer.Context,
    experiment_id: IdArg,
    outcome: Annotated[
        str | None, typer.Option(help="Another outcome than the primary one.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The effect with its uncertainty, or what is missing to answer."""
    j = journal(ctx)
    if outcome is not None:  # a typo is not "no scores logged yet"
        outcome = j.vocabulary.resolve("symptom", outcome, "--outcome")
    r = j.analyze_experiment(experiment_id, outcome=outcome)
    if as_json:
        emit_json(asdict(r))
        return
    out.print(r.message, style="bold" if r.enough_data else None, markup=False)
    if r.probabilities:
        out.print(r.probabilities, markup=False)
    a = r.analysis
    if a is not None:
        from rich.table import Table

        table = Table(title="Periods")
        for col in ("period", "block", "arm", "mean", "scored days", "weight (effective days)"):
            table.add_column(col)
        for pm in a.periods:
            table.add_row(
                str(pm.period + 1),
                str(pm.block + 1),
                "with" if pm.arm == "B" else "without",
                "" if pm.mean is None else f"{pm.mean:.2f}",
                f"{pm.days_used}/{pm.days_planned}",
                f"{pm.effective:.1f}",
            )
        out.print(table)
        if r.adequacy is not None:
            ad = r.adequacy
            out.print(
                f"Effective days (what the estimate needs: 20 per condition, 3 block pairs): "
                f"{ad.effective_control:.1f} without, {ad.effective_treated:.1f} with; "
                f"{ad.pairs} block pairs with scores in both periods.",
                markup=False,
            )
        if a.paired:
            out.print(
                f"Paired blocks (secondary): {a.paired.mean:+.2f} (95% interval "
                f"{a.paired.ci_low:+.2f} to {a.paired.ci_high:+.2f}, {len(a.paired.diffs)} pairs)"
            )
        if r.randomisation:
            out.print(r.randomisation, markup=False)
    for f in r.foods:
        out.print(f"{f.food}: {f.verdict} - {f.evidence}", markup=False)
    for c in r.caveats:
        out.print(c, style="dim", markup=False)
