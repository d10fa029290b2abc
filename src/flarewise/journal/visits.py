"""The visit report's side of the journal: the person's questions for the next visit, the plan
options they want to discuss, and gathering what the report shows (reports/ assembles and
renders it). Kept apart from the facade so the Journal stays a list of capabilities, each in its
own module (the Journal's methods of the same names delegate here)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from flarewise.domain.experiments import Protocol
from flarewise.errors import FlarewiseError, InvalidInput

if TYPE_CHECKING:
    from flarewise import experiments as trials
    from flarewise import plan as planning
    from flarewise.journal import Journal
    from flarewise.reports import VisitReport


def visit_questions(j: Journal) -> str | None:
    """The person's note of questions for their next visit (page 1 of the report)."""
    return j.profile().visit_questions


def set_visit_questions(j: Journal, text: str | None) -> str | None:
    """Keep (or, with None or blank text, clear) the questions for the next visit."""
    cleaned = (text or "").strip() or None
    if cleaned is not None and len(cleaned) > 2000:
        raise InvalidInput(
            "questions", f"keep the questions under 2000 characters (this is {len(cleaned)})"
        )
    j.update_profile(visit_questions=cleaned)
    return cleaned


def options_to_discuss(j: Journal) -> tuple[str, ...]:
    """The plan options (intervention ids) marked to discuss at the next visit, in the
    order they were marked."""
    return j.profile().to_discuss


def mark_to_discuss(j: Journal, intervention: str, discuss: bool = True) -> tuple[str, ...]:
    """Mark (or, with ``discuss=False``, unmark) a plan option to discuss at the next
    visit. Any option of the knowledge base may be marked: the report says plainly when
    one is no longer offered, rather than the mark silently vanishing."""
    item = intervention.strip()
    if item not in j.vocabulary.interventions:
        raise InvalidInput(
            "option",
            f"{intervention!r} is not a plan option; use the id shown by `flarewise plan`"
            " (for example magnesium)",
        )
    marked = tuple(i for i in j.options_to_discuss() if i != item)
    if discuss:
        marked = (*marked, item)
    j.update_profile(to_discuss=marked)
    return marked


def visit_report(
    j: Journal, start: date | None = None, end: date | None = None, *, screens: bool = True
) -> VisitReport:
    """The visit report for ``start`` .. ``end`` (default: the 90 days up to the last
    entry). Refuses a reversed period or one wholly outside the journal. Without ``screens``
    the experiments' analyses and the trigger screen are left out (the clinic list, which
    reads only the alerts and the FIQR, so it need not pay for them for every person)."""
    from flarewise import plan as planning  # imported on use: start-up stays light
    from flarewise import reports

    first, last = j.date_span()
    end = end or last or j.today()
    start = start or end - timedelta(days=reports.DEFAULT_DAYS - 1)
    reports.check_period(start, end, first, last, j.today())
    experiments: list[tuple[Protocol, trials.ExperimentResult | None]] = []
    for p in j.experiments() if screens else ():
        if p.status == "planned" or p.start > end:
            continue
        try:
            experiments.append((p, j.analyze_experiment(p.id, today=end)))
        except FlarewiseError:
            experiments.append((p, None))
    trigger_start = max(start, end - timedelta(days=reports.TRIGGER_DAYS - 1))
    ins = j.insights(trigger_start, end) if screens and last is not None else None
    gone = (*ins.explained, *ins.unconfirmed) if ins is not None else ()
    profile = j.profile()
    ctx = j.plan_context(end)
    return reports.assemble(
        reports.ReportInputs(
            person=profile.display_name or j.handle,
            profile=profile,
            start=start,
            end=end,
            made_on=j.today(),
            days=j.daily_summaries(start, end),
            regimens=j.regimens(),
            assessments=j.assessments(),
            labs=j.interpret_labs(),
            plan=planning.build_plan(ctx, j.vocabulary),
            medicine_warnings=_medicine_warnings(j, ctx, end),
            experiments=experiments,
            triggers=ins.triggers[: reports.TRIGGERS_SHOWN] if ins is not None else (),
            not_held=gone,
            links_tested=ins.tests_run if ins is not None else 0,
            triggers_found=ins.hits_total - len(gone) if ins is not None else 0,
            questions=profile.visit_questions,
            to_discuss=profile.to_discuss,
        ),
        j.vocabulary,
    )


def _medicine_warnings(j: Journal, ctx: planning.PlanContext, on: date) -> list[planning.Warning]:
    """Warnings among the medicines in force on ``on``: each is checked as if proposed
    against all the others (the plan's own check of current medicines looks only at each
    medicine's dose and the person's labs and conditions, not at pairs of them)."""
    from flarewise import plan as planning  # imported on use: start-up stays light

    found: list[planning.Warning] = []
    for r in j.regimens(active_on=on):
        if r.unrecognised is not None:
            continue  # never guessed at: plan_context names it as unchecked instead
        items = planning.resolve_items(j.vocabulary, [{"item": r.substance}])
        found.extend(planning.check_safety(ctx, items, j.vocabulary).warnings)
    return found
