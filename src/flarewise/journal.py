"""The journal facade: one person's record, binding storage, vocabulary and domain records.

>>> from flarewise import open_journal
>>> j = open_journal("sqlite:///journal.db")              # doctest: +SKIP
>>> j.add(SymptomCheckin(at=now, scores={"pain": 6}))     # doctest: +SKIP

Everything the CLI and the web app do to a journal goes through this class. Every write is one
transaction: a refused record leaves the journal exactly as it was.
"""

from __future__ import annotations

import errno
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast
from zoneinfo import ZoneInfo

import pydantic

from flarewise.domain import json_text
from flarewise.domain.backup import Backup, StoredEntry
from flarewise.domain.base import translate
from flarewise.domain.entries import Assessment, EntryBase, Intake, LabResult
from flarewise.domain.experiments import Challenge, DoseLevel, Protocol
from flarewise.domain.profile import POPULATIONS, Profile
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.domain.summaries import DaySummary
from flarewise.domain.trackables import Trackable
from flarewise.errors import (
    BackupError,
    Conflict,
    FlarewiseError,
    InvalidInput,
    NotFound,
    StorageError,
)
from flarewise.knowledge import (
    Vocabulary,
    check_entry,
    check_profile,
    check_regimen,
    load_vocabulary,
    measures_of,
)
from flarewise.knowledge.describe import describe_entry
from flarewise.storage import Database, PersonRepository
from flarewise.storage.repository import gc_paused
from flarewise.storage.rows import Measure

if TYPE_CHECKING:
    from types import ModuleType

    from sqlalchemy.engine import Connection

    from flarewise import experiments as trials
    from flarewise import importers, instruments, labs
    from flarewise import plan as planning
    from flarewise.analysis.grid import DailyGrid
    from flarewise.analysis.insights import Insights
    from flarewise.demo.model import DemoTruth
    from flarewise.importers.archive import ArchiveBudget
    from flarewise.knowledge.vocabulary import VocabKind
    from flarewise.reports import VisitReport


def _trials() -> ModuleType:
    """The experiments package, imported on first use: it brings numpy and scipy, which a
    command that only logs or imports should not pay for (about a second and 60 MB)."""
    import flarewise.experiments

    return flarewise.experiments


def build_grid(*args: Any, **kwargs: Any) -> DailyGrid:
    from flarewise.analysis.grid import build_grid as build

    return build(*args, **kwargs)


E = TypeVar("E", bound=EntryBase)
Progress = Callable[[int], None]


class DoseToOffer(NamedTuple):
    substance: str
    form: str | None
    amount: float | None
    unit: str | None
    taken_today: bool


class Journal:
    """The journal of one person in a database. Obtain one with :func:`open_journal`."""

    def __init__(
        self, db: Database, handle: str, person_id: int, vocabulary: Vocabulary | None = None
    ) -> None:
        self.db = db
        self.handle = handle
        self.vocabulary = vocabulary or load_vocabulary()
        self._repo = PersonRepository(db, person_id)

    @classmethod
    def for_person(cls, db: Database, handle: str, *, create: bool = True) -> Journal:
        pid = db.person_id(handle)
        if pid is None:
            if not create:
                raise NotFound(
                    f"there is no journal named {handle!r}; create it with `flarewise init`"
                )
            pid = db.create_person(handle)
        return cls(db, handle, pid)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- entries ----------------------------------------------------------------------------

    def describe(self, entry: EntryBase) -> str:
        """A one-line plain-language description of an entry."""
        return describe_entry(entry, self.vocabulary)

    def find_id(self, prefix: str) -> str:
        """The full id of the one entry whose id starts with ``prefix`` (tables show 8 chars)."""
        with self.db.begin() as conn:
            found = self._repo.ids_with_prefix(conn, prefix)
        if not found:
            raise NotFound(f"there is no entry {prefix!r} in this journal")
        if len(found) > 1:
            raise InvalidInput(
                "id", f"{prefix!r} matches {len(found)} entries; give more of the id"
            )
        return found[0]

    def _prepare(
        self,
        entry: E,
        trackables: dict[str, Trackable] | None = None,
        allow_unknown_analytes: bool = False,
        field: str = "",
    ) -> tuple[E, list[Measure]]:
        if not isinstance(entry, EntryBase):
            raise InvalidInput(
                field or "entry", f"expected a journal entry, got {type(entry).__name__}"
            )
        if isinstance(entry, Assessment):
            entry = self._scored(entry, field)  # type: ignore[assignment]
        checked = check_entry(
            self.vocabulary,
            entry,
            self.trackable_map() if trackables is None else trackables,
            allow_unknown_analytes=allow_unknown_analytes,
            field=field,
        )
        return checked, measures_of(checked, self.vocabulary)

    @staticmethod
    def _scored(entry: Assessment, field: str = "") -> Assessment:
        """The assessment with scores computed from its answers (never trusted from input)."""
        from flarewise import instruments  # imported on use: start-up stays light

        try:
            result = instruments.score(entry.instrument, entry.answers, entry.entered_by)
        except InvalidInput as exc:
            where = f"{field}.answers" if field else "answers"
            raise InvalidInput(f"{where}.{exc.field}" if exc.field else where, exc.reason) from None
        scored: Assessment = entry.replace(scores=result.scores, met=result.met)
        return scored

    def assess(
        self,
        instrument: str,
        answers: dict[str, Any],
        *,
        at: datetime | None = None,
        entered_by: str | None = None,
    ) -> tuple[Assessment, instruments.InstrumentResult]:
        """Score an instrument and record it with its answers; returns the entry and result."""
        from flarewise import instruments  # imported on use: start-up stays light

        result = instruments.score(instrument, answers, entered_by)  # type: ignore[arg-type]
        entry = self.add(
            Assessment(
                at=at or datetime.now(self.timezone()),
                instrument=instrument,
                answers=answers,
                entered_by=result.entered_by,
            )
        )
        return entry, result

    def assessments(
        self, instrument: str | None = None
    ) -> list[tuple[Assessment, instruments.InstrumentResult]]:
        """Stored assessments, oldest first, each with its result recomputed from the answers."""
        from flarewise import instruments  # imported on use: start-up stays light

        found = self.entries(kinds=["assessment"], item=instrument)
        return [
            (a, instruments.score(a.instrument, a.answers, a.entered_by))
            for a in found
            if isinstance(a, Assessment)
        ]

    def add(self, entry: E) -> E:
        """Record one entry; returns it as stored (canonical spellings)."""
        checked, measures = self._prepare(entry)
        with self.db.begin() as conn:
            if self._repo.insert_entries(conn, [(checked, measures)]) == 0:
                raise Conflict(
                    f"an entry from {checked.source} with key {checked.source_key!r} "
                    "is already stored"
                )
        return checked

    def add_many(
        self,
        entries: Iterable[EntryBase],
        *,
        progress: Progress | None = None,
        allow_unknown_analytes: bool = False,
    ) -> int:
        """Record many entries in one transaction: all of them, or (on any error) none.

        Entries carrying a ``source_key`` already stored are skipped, so importing the same data
        twice adds nothing. Returns the number of entries added.
        """
        trackables = self.trackable_map()
        items = list(entries)  # the caller's iterator runs with the collector on
        prepared: list[tuple[EntryBase, list[Measure]]] = []
        added = 0
        with gc_paused():
            for i, entry in enumerate(items):
                prepared.append(
                    self._prepare(entry, trackables, allow_unknown_analytes, field=f"entries[{i}]")
                )
            added = self._write_prepared(prepared, progress)
        return added

    def _write_prepared(
        self, prepared: list[tuple[EntryBase, list[Measure]]], progress: Progress | None
    ) -> int:
        added = 0
        with self.db.begin() as conn:
            step = 5000
            for start in range(0, len(prepared), step):
                added += self._repo.insert_entries(conn, prepared[start : start + step])
                if progress is not None:
                    progress(min(start + step, len(prepared)))
        return added

    def get(self, entry_id: str) -> EntryBase:
        with self.db.begin() as conn:
            return self._repo.get_entry(conn, entry_id).entry

    def update(self, entry: E) -> E:
        """Replace a stored entry (matched by id) with a corrected version of the same kind."""
        checked, measures = self._prepare(entry)
        with self.db.begin() as conn:
            self._repo.replace_entry(conn, checked, measures)
        return checked

    def correct(self, entry_id: str, **changes: Any) -> EntryBase:
        """Change some fields of a stored entry: ``journal.correct(id, amount=150)``."""
        current = self.get(entry_id)
        if "id" in changes or "kind" in changes:
            raise InvalidInput("id", "an entry's id and kind cannot be changed")
        corrected: EntryBase = current.replace(**changes)
        return self.update(corrected)

    def delete(self, entry_id: str) -> None:
        with self.db.begin() as conn:
            self._repo.delete_entry(conn, entry_id)

    def entries(
        self,
        start: date | None = None,
        end: date | None = None,
        *,
        kinds: Iterable[str] | None = None,
        item: str | None = None,
    ) -> list[EntryBase]:
        """Entries whose local date is in ``[start, end]``, oldest first."""
        query = self._repo.select_entries(start, end, kinds, item)
        with self.db.begin() as conn:
            return list(self._repo.iter_entries(conn, query))

    def day(self, day: date) -> list[EntryBase]:
        return self.entries(day, day)

    def doses_to_offer(self, day: date) -> list[DoseToOffer]:
        """Doses a check-in offers to confirm with one tap: yesterday's intakes, then the
        regimen steps in force on ``day`` not already among them (one per substance and dose),
        each saying whether the substance was already taken that day."""
        taken_today = {
            e.substance for e in self.day(day) if isinstance(e, Intake) and e.status != "skipped"
        }
        candidates = [
            (e.substance, e.form, e.amount, e.unit)
            for e in self.day(day - timedelta(days=1))
            if isinstance(e, Intake) and e.status != "skipped"
        ]
        for r in self.regimens(active_on=day):
            step = r.step_on(day)
            # a medicine flarewise does not know has no substance id a dose could be logged by
            if step is not None and r.unrecognised is None:
                candidates.append((r.substance, r.form, step.amount, step.unit))
        offered: dict[tuple[str, float | None, str | None], DoseToOffer] = {}
        for substance, form, amount, unit in candidates:
            offered.setdefault(
                (substance, amount, unit),
                DoseToOffer(substance, form, amount, unit, substance in taken_today),
            )
        return list(offered.values())

    def count(self) -> int:
        with self.db.begin() as conn:
            return self._repo.count_entries(conn)

    def date_span(self) -> tuple[date | None, date | None]:
        with self.db.begin() as conn:
            return self._repo.date_span(conn)

    def daily_summaries(self, start: date, end: date) -> list[DaySummary]:
        """Per local date: entry count and, per measure, n / total / mean / min / max."""
        if end < start:
            raise InvalidInput("end", "the end date is before the start date")
        with self.db.begin() as conn:
            return self._repo.daily(conn, start, end)

    # -- labs -------------------------------------------------------------------------------

    def lab_results(self) -> list[LabResult]:
        """Every lab result, oldest first."""
        return [e for e in self.entries(kinds=["lab"]) if isinstance(e, LabResult)]

    def interpret_labs(self) -> list[tuple[LabResult, labs.Interpretation]]:
        """Each stored result with its flag, categories and caveats, in the person's context."""
        from flarewise import labs  # imported on use: start-up stays light

        profile = self.profile()
        return [(r, labs.interpret(r, profile, self.vocabulary)) for r in self.lab_results()]

    def red_flags(self) -> list[labs.RedFlag]:
        """Red flags from the latest result of each test and from the profile (rules E)."""
        from flarewise import labs  # imported on use: start-up stays light

        return labs.red_flags(self.lab_results(), self.profile(), self.vocabulary)

    # -- plan -------------------------------------------------------------------------------

    def plan_context(self, on: date | None = None) -> planning.PlanContext:
        """What the plan needs: profile, medicines now and recently stopped, labs, red flags,
        30-day symptom means and the latest PSD and FIQR."""
        from flarewise import labs  # imported on use: start-up stays light
        from flarewise import plan as planning  # imported on use: start-up stays light

        on = on or datetime.now(self.timezone()).date()
        profile = self.profile()
        regimens = self.regimens()
        current, stopped = planning.agents_from_regimens(self.vocabulary, regimens, on)
        tried = {
            r.substance: (r.start, r.stop)
            for r in regimens
            if r.stop is not None and r.stop < on and r.unrecognised is None
        }
        results = [r for r in self.lab_results() if r.at.date() <= on]
        days = self.daily_summaries(on - timedelta(days=29), on)
        sums: dict[str, list[float]] = {}
        for d in days:
            for name, stats in d.measures.items():
                if name.startswith("symptom:"):
                    sums.setdefault(name.removeprefix("symptom:"), []).append(stats.mean)
        psd = fiqr_total = None
        for a, _ in self.assessments():
            if a.at.date() > on:
                continue
            if "psd" in a.scores:
                psd = a.scores["psd"]
            if a.instrument == "fiqr" and "total" in a.scores:
                fiqr_total = a.scores["total"]
        return planning.PlanContext(
            on=on,
            profile=profile,
            current=current,
            recently_stopped=stopped,
            labs=tuple(results),
            red_flags=tuple(labs.red_flags(results, profile, self.vocabulary)),
            symptoms={k: sum(v) / len(v) for k, v in sums.items()},
            tried=tried,
            unrecognised=planning.unrecognised_names(regimens, on),
            psd=psd,
            fiqr=fiqr_total,
        )

    def plan(self, on: date | None = None) -> planning.Plan:
        """The tailored plan: options to discuss with a clinician, never a prescription."""
        from flarewise import plan as planning  # imported on use: start-up stays light

        return planning.build_plan(self.plan_context(on), self.vocabulary)

    def check_plan(
        self, items: list[dict[str, Any]], on: date | None = None
    ) -> list[planning.Warning]:
        """Every warning a proposed set of items triggers with this person's medicines,
        conditions and labs, e.g. ``[{"item": "magnesium", "dose": 400, "unit": "mg"}]``."""
        return list(self.safety_check(items, on).warnings)

    def safety_check(
        self, items: list[dict[str, Any]], on: date | None = None
    ) -> planning.SafetyCheck:
        """As :meth:`check_plan`, with the inputs whose absence may hide a warning ("no eGFR
        on record", "age not recorded", "pregnancy not recorded")."""
        from flarewise import plan as planning  # imported on use: start-up stays light

        resolved = planning.resolve_items(self.vocabulary, items)
        return planning.check_safety(self.plan_context(on), resolved, self.vocabulary)

    # -- visit report -----------------------------------------------------------------------

    def visit_questions(self) -> str | None:
        """The person's note of questions for their next visit (page 1 of the report)."""
        return self.profile().visit_questions

    def set_visit_questions(self, text: str | None) -> str | None:
        """Keep (or, with None or blank text, clear) the questions for the next visit."""
        cleaned = (text or "").strip() or None
        if cleaned is not None and len(cleaned) > 2000:
            raise InvalidInput(
                "questions", f"keep the questions under 2000 characters (this is {len(cleaned)})"
            )
        self.update_profile(visit_questions=cleaned)
        return cleaned

    def options_to_discuss(self) -> tuple[str, ...]:
        """The plan options (intervention ids) marked to discuss at the next visit, in the
        order they were marked."""
        return self.profile().to_discuss

    def mark_to_discuss(self, intervention: str, discuss: bool = True) -> tuple[str, ...]:
        """Mark (or, with ``discuss=False``, unmark) a plan option to discuss at the next
        visit. Any option of the knowledge base may be marked: the report says plainly when
        one is no longer offered, rather than the mark silently vanishing."""
        item = intervention.strip()
        if item not in self.vocabulary.interventions:
            raise InvalidInput(
                "option",
                f"{intervention!r} is not a plan option; use the id shown by `flarewise plan`"
                " (for example magnesium)",
            )
        marked = tuple(i for i in self.options_to_discuss() if i != item)
        if discuss:
            marked = (*marked, item)
        self.update_profile(to_discuss=marked)
        return marked

    def visit_report(self, start: date | None = None, end: date | None = None) -> VisitReport:
        """The visit report for ``start`` .. ``end`` (default: the 90 days up to the last
        entry). Refuses a reversed period or one wholly outside the journal."""
        from flarewise import plan as planning  # imported on use: start-up stays light
        from flarewise import reports

        first, last = self.date_span()
        end = end or last or self.today()
        start = start or end - timedelta(days=reports.DEFAULT_DAYS - 1)
        reports.check_period(start, end, first, last, self.today())
        experiments: list[tuple[Protocol, trials.ExperimentResult | None]] = []
        for p in self.experiments():
            if p.status == "planned" or p.start > end:
                continue
            try:
                experiments.append((p, self.analyze_experiment(p.id, today=end)))
            except FlarewiseError:
                experiments.append((p, None))
        trigger_start = max(start, end - timedelta(days=reports.TRIGGER_DAYS - 1))
        triggers = self.insights(trigger_start, end).triggers if last is not None else ()
        profile = self.profile()
        ctx = self.plan_context(end)
        return reports.assemble(
            reports.ReportInputs(
                person=profile.display_name or self.handle,
                profile=profile,
                start=start,
                end=end,
                made_on=self.today(),
                days=self.daily_summaries(start, end),
                regimens=self.regimens(),
                assessments=self.assessments(),
                labs=self.interpret_labs(),
                plan=planning.build_plan(ctx, self.vocabulary),
                medicine_warnings=self._medicine_warnings(ctx, end),
                experiments=experiments,
                triggers=tuple(triggers)[: reports.TRIGGERS_SHOWN],
                questions=profile.visit_questions,
                to_discuss=profile.to_discuss,
            ),
            self.vocabulary,
        )

    def _medicine_warnings(self, ctx: planning.PlanContext, on: date) -> list[planning.Warning]:
        """Warnings among the medicines in force on ``on``: each is checked as if proposed
        against all the others (the plan's own check of current medicines looks only at each
        medicine's dose and the person's labs and conditions, not at pairs of them)."""
        from flarewise import plan as planning  # imported on use: start-up stays light

        found: list[planning.Warning] = []
        for r in self.regimens(active_on=on):
            if r.unrecognised is not None:
                continue  # never guessed at: plan_context names it as unchecked instead
            items = planning.resolve_items(self.vocabulary, [{"item": r.substance}])
            found.extend(planning.check_safety(ctx, items, self.vocabulary).warnings)
        return found

    # -- experiments --------------------------------------------------------------------------

    def today(self) -> date:
        return datetime.now(self.timezone()).date()

    def design_experiment(
        self,
        intervention: str,
        outcome: str = "pain",
        *,
        design: str = "randomised_blocks",
        start: date | None = None,
        period_days: int = 14,
        washout_days: int = 3,
        meaningful_change: float = 1.0,
        blocks: int | None = None,
        dose: DoseLevel | None = None,
        titration: Sequence[DoseLevel] = (),
        challenges: Sequence[str] = (),
        eliminated: Sequence[str] = (),
        why: str | None = None,
        seed: int | None = None,
        meaningful_percent: float | None = None,
        timing: str | None = None,
        without_baseline: bool = False,
    ) -> tuple[Protocol, trials.DesignAdvice | None]:
        """A protocol sized from the person's own baseline (the last 60 days of the outcome).

        When that baseline cannot size a randomised trial (too few days, too noisy) the design
        is refused with the reason, unless ``without_baseline``: then it plans the fewest
        blocks that can answer (6) after a 14-day run-in that collects the baseline, and the
        protocol says so (a newcomer can start at once, knowing the trial may be too small)."""
        import secrets

        vocab = self.vocabulary
        outcome_id = vocab.resolve("symptom", outcome, "outcome")
        try:
            iid = vocab.resolve("intervention", intervention, "intervention")
            substance = vocab.interventions[iid].substance
        except InvalidInput:
            substance, _ = vocab.resolve_substance(intervention, "intervention")
            iid = substance
        start = start or self.today()
        advice = None
        run_in = 0
        order: tuple[str, ...] = ()
        if design == "randomised_blocks":
            if blocks is None:
                base = self._grid(
                    start - timedelta(days=60), start - timedelta(days=1), [f"symptom:{outcome_id}"]
                )
                shown, source = self._shown_adherence(start)
                try:
                    advice = _trials().advise(
                        base.values[:, 0],
                        meaningful_change,
                        period_days,
                        washout_days,
                        adherence=shown,
                        adherence_source=source,
                    )
                    blocks = advice.blocks
                    why = f"{why}. {advice.assumptions}" if why else advice.assumptions
                except InvalidInput as exc:
                    if not without_baseline:
                        raise
                    blocks, run_in = 6, 14
                    note = (
                        f"Sized without your baseline ({exc.reason}): 6 blocks, the fewest "
                        "that can give an answer, after a 14-day run-in that collects it. This "
                        "may be too few to detect a small change."
                    )
                    why = f"{why}. {note}" if why else note
            if blocks < _trials().design.MIN_BLOCKS_RANDOMISATION:
                raise InvalidInput(
                    "blocks",
                    f"{blocks} blocks cannot answer: a randomisation test "
                    "needs at least 6 AB/BA pairs (its smallest p is 2/2^k)",
                )
            seed = seed if seed is not None else secrets.randbelow(2**31)
            order = _trials().random_order(blocks, seed)
        baseline_days = 14
        if design in ("ab", "titration"):
            # the comparison needs 14 scored days before and 14 after (analysis-methods.md
            # 4.2): plan enough calendar days for that at the share of days this person scores
            base = self._grid(
                start - timedelta(days=60), start - timedelta(days=1), [f"symptom:{outcome_id}"]
            )
            missing = _trials().design.missing_share(base.values[:, 0])
            missing = 0.2 if missing >= 1.0 else missing  # no baseline yet: a realistic share
            needed = math.ceil(14 / max(1.0 - missing, 0.3))
            baseline_days = max(14, needed)
            if design == "ab":
                period_days = max(period_days, needed + washout_days)
        foods = tuple(Challenge(food=self._challenge_food(f)) for f in challenges)
        protocol = Protocol(
            title=f"{vocab.name_of('intervention', iid) if iid in vocab.interventions else iid} "
            f"and {vocab.name_of('symptom', outcome_id).lower()}",
            why=why,
            design=design,
            intervention=iid,
            substance=substance,
            outcome=outcome_id,
            lower_is_better=vocab.symptoms[outcome_id].higher_is_worse,
            meaningful_change=meaningful_change,
            start=start,
            run_in_days=run_in,
            baseline_days=baseline_days,
            period_days=period_days,
            washout_days=washout_days if design != "reintroduction" else 0,
            order=order,
            seed=seed,
            dose=dose,
            titration=tuple(titration),
            challenges=foods,
            eliminated=tuple(eliminated),
            meaningful_basis="percent" if meaningful_percent else "points",
            meaningful_percent=meaningful_percent or 30.0,
            timing=timing,
            # a medicine flarewise does not know by its written name (name_of keeps it as is)
            concurrent=tuple(r.unrecognised or r.substance for r in self.regimens(active_on=start)),
        )
        return protocol, advice

    def _shown_adherence(self, before: date) -> tuple[float | None, str | None]:
        """The share of planned doses this person has actually logged, for sizing a trial:
        from their earlier experiments, else from daily regimens they log intakes for (last 60
        days). None when the diary shows neither (the design then assumes a realistic rate)."""
        taken = planned = 0
        for q in self.experiments():
            if q.status == "planned" or q.substance is None or q.start >= before:
                continue
            done = _trials().executed_schedule(q, before - timedelta(days=1))
            if not done:
                continue
            grid = self._grid(q.start, done[-1].day, [f"intake:{q.substance}"])
            adh = _trials().analyze.adherence(done, grid, f"intake:{q.substance}")
            if adh is not None:
                taken += adh.taken_on_intervention_days
                planned += adh.intervention_days
        if planned >= 7:
            return taken / planned, f"as logged in your earlier experiments, {taken} of {planned}"
        since = before - timedelta(days=60)
        regs = [
            r
            for r in self.regimens()
            if not r.as_needed and r.start < before and r.unrecognised is None
        ]
        if regs:
            grid = self._grid(
                since, before - timedelta(days=1), [f"intake:{r.substance}" for r in regs]
            )
            for r in regs:
                col = grid.column(f"intake:{r.substance}")
                if not (col > 0).any():
                    continue  # intakes of it are never logged: no evidence either way
                active = [i for i in range(grid.days) if r.active_on(grid.date_of(i))]
                planned += len(active)
                taken += int(sum(1 for i in active if col[i] > 0))
        if planned >= 7:
            return taken / planned, f"as logged for your daily medicines, {taken} of {planned} days"
        return None, None

    def design_from_finding(self, finding: Any, start: date | None = None) -> tuple[Protocol, Any]:
        """ "Test this": turn a trigger finding into a designed (unsaved) experiment."""
        proposal = finding.test_this
        if proposal is None:
            raise InvalidInput(
                "finding",
                f"{finding.exposure} cannot be changed at will, so it "
                "cannot be tested by an experiment",
            )
        foods = [proposal["foods"]] if proposal.get("foods") else []
        return self.design_experiment(
            proposal["intervention"],
            proposal["outcome"],
            design=proposal["design"],
            start=start,
            challenges=foods,
            why=f"Insight: {getattr(finding, 'exposure_name', '') or finding.exposure} and "
            f"{getattr(finding, 'outcome_name', '') or finding.outcome} (lag {finding.lag} d, "
            f"q {finding.q:.2g}; an association in your own data, not proof)",
        )

    def _challenge_food(self, name: str) -> str:
        """A food id for a challenge; a food group stands for its first listed food (e.g.
        gluten grains -> wheat bread), since one food is challenged at a time."""
        vocab = self.vocabulary
        try:
            return vocab.resolve("food", name, "challenges")
        except InvalidInput:
            group = vocab.resolve("food_group", name, "challenges")
            return next(f.id for f in vocab.foods.values() if group in f.groups)

    def add_experiment(self, protocol: Protocol) -> Protocol:
        with self.db.begin() as conn:
            self._repo.put_experiment(conn, protocol)
        return protocol

    def experiments(self) -> list[Protocol]:
        with self.db.begin() as conn:
            return self._repo.list_experiments(conn)

    def experiment(self, experiment_id: str) -> Protocol:
        matches = [p for p in self.experiments() if p.id.startswith(experiment_id)]
        if len(matches) != 1:
            raise NotFound(f"there is no single experiment {experiment_id!r} in this journal")
        return matches[0]

    def set_experiment_status(
        self, experiment_id: str, status: str, *, on: date | None = None, reason: str | None = None
    ) -> Protocol:
        """start (running), pause, resume (running), stop early, or finish."""
        p = self.experiment(experiment_id)
        on = on or self.today()
        changes: dict[str, Any] = {"status": status}
        if status == "paused":
            changes["pauses"] = [*(x.model_dump() for x in p.pauses), {"start": on}]
        if status == "running" and p.status == "paused" and p.pauses:
            last = p.pauses[-1].model_dump()
            changes["pauses"] = [*(x.model_dump() for x in p.pauses[:-1]), {**last, "end": on}]
        if status in ("stopped", "finished"):
            changes["stopped_on"] = on
            changes["stop_reason"] = reason
        updated: Protocol = p.replace(**changes)
        with self.db.begin() as conn:
            self._repo.put_experiment(conn, updated, must_exist=True)
        return updated

    def _grid(self, start: date, end: date, measures: list[str]) -> DailyGrid:
        return build_grid(self.daily_summaries(start, end), start, end, measures)

    def _experiment_grid(self, p: Protocol, today: date) -> DailyGrid:
        days = _trials().planned_schedule(p)
        end = max(min(today, days[-1].day if days else p.start), p.start)
        measures = [f"symptom:{o}" for o in (p.outcome, *p.secondary)]
        if p.substance:
            measures.append(f"intake:{p.substance}")
        for c in p.challenges:
            measures.append(f"food:{c.food}")
        return self._grid(p.start - timedelta(days=7), end, measures)

    def analyze_experiment(
        self, experiment_id: str, *, today: date | None = None, outcome: str | None = None
    ) -> trials.ExperimentResult:
        p = self.experiment(experiment_id)
        today = today or self.today()
        grid = self._experiment_grid(p, today)
        taken = f"intake:{p.substance}" if p.substance else None
        result: trials.ExperimentResult = _trials().analyze_experiment(
            p, grid, today, outcome=outcome, taken_measure=taken
        )
        return result

    def log_experiment_dose(self, experiment_id: str, *, skipped: bool = False) -> Intake:
        """Record today's planned dose of an experiment as taken (or skipped)."""
        p = self.experiment(experiment_id)
        today = self.today()
        day = next((d for d in _trials().planned_schedule(p) if d.day == today), None)
        if day is None or day.dose is None or p.substance is None:
            raise InvalidInput(
                "experiment", "today is not a day to take anything in this experiment"
            )
        return self.add(
            Intake(
                at=datetime.now(self.timezone()),
                substance=p.substance,
                status="skipped" if skipped else "taken",
                amount=day.dose.amount,
                unit=day.dose.unit,
            )
        )

    def experiment_status(self, experiment_id: str, today: date | None = None) -> dict[str, Any]:
        p = self.experiment(experiment_id)
        today = today or self.today()
        planned = _trials().planned_schedule(p)
        done = _trials().executed_schedule(p, today)
        grid = self._experiment_grid(p, today)
        adh = _trials().analyze.adherence(
            done, grid, f"intake:{p.substance}" if p.substance else None
        )
        return {
            "id": p.id,
            "title": p.title,
            "status": p.status,
            "today": _trials().today_instruction(p, today),
            "days_planned": len(planned),
            "days_elapsed": len(done),
            "ends": planned[-1].day.isoformat() if planned else None,
            "adherence": None if adh is None or adh.rate is None else round(adh.rate, 3),
        }

    # -- imports ----------------------------------------------------------------------------

    def import_file(
        self,
        path: str | os.PathLike[str],
        *,
        dry_run: bool = False,
        progress: Callable[[importers.ImportBatch], None] | None = None,
        mapping: importers.ColumnMapping | None = None,
        omh_schema: str | None = None,
        flaredown_user: str | None = None,
        archive_budget: ArchiveBudget | None = None,
    ) -> importers.ImportReport:
        """Read a file (format detected from its content) and add what it holds: entries,
        custom trackables, regimens and profile conditions.

        The reader streams; its entries are written in chunks inside one transaction, so memory
        stays flat and an import that fails or is killed leaves the journal as it was. Records
        already imported (same source and key) are skipped, so importing a file twice adds
        nothing; per-record problems are reported and the good records kept. ``dry_run`` does
        all of it and rolls back, so its counts are exactly what an import would add.
        ``mapping`` reads a CSV/XLSX table; ``omh_schema`` ("step-count:3.0") reads bare Open
        mHealth bodies; ``flaredown_user`` picks one person of a Flaredown research export;
        ``archive_budget`` overrides the zip limits (settings FLAREWISE_IMPORT_MAX_*)."""
        from flarewise import importers  # imported on use: start-up stays light
        from flarewise.importers.archive import ArchiveBudget

        source = Path(path)
        fmt = "open-mhealth" if omh_schema else importers.detect(source)
        reader = self._reader(
            source, fmt, mapping, omh_schema, flaredown_user, archive_budget or ArchiveBudget()
        )
        try:
            return self._import(source, reader, dry_run, progress, flaredown_user)
        except StorageError as exc:
            if not _disk_full(exc):
                raise
            raise StorageError(
                f"{source.name}: not imported, because the disk holding the journal is full "
                "(or a file-size limit was reached). Your journal is as it was; free some "
                "space and import again"
            ) from None

    def _import(
        self,
        source: Path,
        reader: importers.Reader,
        dry_run: bool,
        progress: Callable[[importers.ImportBatch], None] | None,
        flaredown_user: str | None = None,
    ) -> importers.ImportReport:
        from flarewise import importers  # imported on use: start-up stays light

        batch = importers.ImportBatch(source.name, on_progress=progress)
        counts = {"read": 0, "added": 0}
        trackables = self.trackable_map()
        with self.db.begin(rollback=dry_run) as conn:

            def write(chunk: list[EntryBase]) -> None:
                self._define_trackables(conn, batch, trackables)
                prepared = []
                for entry in chunk:
                    try:
                        prepared.append(
                            self._prepare(entry, trackables, allow_unknown_analytes=True)
                        )
                    except InvalidInput as exc:
                        record = f"{entry.kind} {entry.source_key or ''}".strip()
                        batch.problem(record, exc.field, exc.reason)
                counts["read"] += len(prepared)
                counts["added"] += self._repo.insert_entries(conn, prepared)

            batch.on_chunk = write
            reader.read(source, batch)
            batch.flush()
            if flaredown_user and batch.format.startswith("flaredown") and not counts["read"]:
                # "done, 0 added" alone reads as success; say why nothing came in
                batch.problem(
                    "the export",
                    "user",
                    f"no row of the export belongs to {flaredown_user!r}; check the id (the "
                    "export's user_id column), nothing was added",
                )
            regimens_added, conditions_added = self._import_rest(conn, batch)
            if progress is not None:
                batch.done_bytes = batch.total_bytes
                progress(batch)
        return importers.ImportReport(
            batch.file,
            batch.format,
            batch.records,
            counts["read"],
            counts["added"],
            regimens_added,
            conditions_added,
            tuple(batch.problems),
            dry_run,
            batch.problems_dropped,
            tuple(sorted(batch.not_read.items(), key=lambda kv: (-kv[1], kv[0]))),
        )

    def _reader(
        self,
        source: Path,
        fmt: str,
        mapping: importers.ColumnMapping | None,
        omh_schema: str | None,
        flaredown_user: str | None,
        budget: ArchiveBudget,
    ) -> importers.Reader:
        from flarewise import importers  # imported on use: start-up stays light
        from flarewise.importers.apple_health import ZIP_LIMITS as AH_ZIP_LIMITS
        from flarewise.importers.tabular import XLSX_LIMITS

        fhir = importers.FhirReader(self.vocabulary)
        if fmt == "fhir":
            return fhir
        if fmt in ("apple-health-xml", "apple-health-zip"):
            return importers.AppleHealthReader(fhir, budget.applied_to(AH_ZIP_LIMITS))
        if fmt == "open-mhealth":
            return importers.OmhReader(self.vocabulary, omh_schema)
        if fmt == "flaredown":
            return importers.FlaredownReader(self.vocabulary, flaredown_user)
        if mapping is None:
            raise importers.TabularError(
                f"{source.name}: a table ({fmt.upper()}); flarewise needs to know what its "
                "columns mean: give a saved column mapping, or build one interactively with "
                "`flarewise import --map`"
            )
        return importers.TableReader(self.vocabulary, mapping, budget.applied_to(XLSX_LIMITS))

    def _define_trackables(
        self, conn: Connection, batch: importers.ImportBatch, known: dict[str, Trackable]
    ) -> None:
        """Create the custom trackables an import refers to and the journal lacks."""
        for tid, trackable in batch.trackables.items():
            if tid not in known:
                self._repo.put_trackable(conn, tid, trackable.model_dump(mode="json"))
                known[tid] = trackable

    def _import_rest(self, conn: Connection, batch: importers.ImportBatch) -> tuple[int, int]:
        """Regimens and profile conditions of an import (few; written after the entries)."""
        regimens_added = conditions_added = 0
        known = {(r.source, r.source_key) for r in self._repo.list_regimens(conn)}
        for r in batch.regimens:
            if (r.source, r.source_key) not in known:
                check_regimen(self.vocabulary, r)
                self._repo.put_regimen(conn, r)
                known.add((r.source, r.source_key))
                regimens_added += 1
        profile = Profile.model_validate(self._repo.get_profile(conn))
        have = {c.condition for c in profile.conditions}
        unique = list(
            {c.condition: c for c in batch.conditions if c.condition not in have}.values()
        )
        changes: dict[str, Any] = {}
        if unique:
            changes["conditions"] = [*profile.conditions, *unique]
            conditions_added = len(unique)
        # Pregnancy and breastfeeding from a document fill only what the person has not
        # recorded: their own answer is newer than any file they import.
        for name, value in batch.populations.items():
            if getattr(profile, name) is None:
                changes[name] = value
        if changes:
            updated = profile.replace(**changes)
            self._repo.put_profile(conn, updated.model_dump(mode="json", exclude_none=True))
        return regimens_added, conditions_added

    # -- insights ---------------------------------------------------------------------------

    def insights(
        self,
        start: date | None = None,
        end: date | None = None,
        fdr: str = "bh",
        max_hits: int | None = 20,
    ) -> Insights:
        """Baselines and trends, flares and what preceded them, and the trigger screen over
        every (exposure, outcome) pair at lags 0-3 with the calendar removed, time order kept
        and false-discovery control. ``max_hits`` caps the triggers listed (None: all)."""
        first, last = self.date_span()
        if first is None or last is None:
            first = last = self.today()
        start = start or first
        end = end or last
        daily, names = self._measure_meanings()
        summaries = self.daily_summaries(start, end)
        grid = build_grid(summaries, start, end, daily=daily)
        grid_names = grid.names
        outcomes = [n for n in grid_names if n.startswith("symptom:") or n == "sleep:hours"]
        families = (
            "symptom:",
            "sleep:hours",
            "sleep:quality",
            "intake:",
            "food_group:",
            "event:",
            "exercise:minutes",
            "mindbody:minutes",
            "therapy:",
            "custom:",
            "metric:steps",
        )
        exposures = [n for n in grid_names if n.startswith(families)]
        worse = {f"symptom:{k}": v.higher_is_worse for k, v in self.vocabulary.symptoms.items()}
        worse["sleep:hours"] = False
        starts = [
            (r.unrecognised or r.substance, r.start)
            for r in self.regimens()
            if start < r.start <= end and not r.as_needed
        ]
        fdr_method: Any = fdr
        from flarewise.analysis.insights import insights as analysis_insights
        from flarewise.analysis.measure_kinds import measure_kind

        kinds = {m: measure_kind(m, daily) for m in [*exposures, *outcomes]}
        labels = {m: self._measure_name(m, names) for m in kinds}
        return analysis_insights(
            grid,
            outcomes=outcomes,
            exposures=exposures,
            higher_is_worse=worse,
            fdr=fdr_method,
            starts=starts,
            max_hits=max_hits,
            kinds=kinds,
            names=labels,
        )

    def _measure_meanings(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The daily statistic of measures whose meaning is per item (a device metric's own
        rule, a custom trackable's value type), and the names of custom trackables."""
        vocab = self.vocabulary
        daily: dict[str, Any] = {f"metric:{k}": m.daily for k, m in vocab.metrics.items()}
        names: dict[str, str] = {}
        for t in self.trackables():
            daily[f"custom:{t.id}"] = {"count": "sum", "yes_no": "any"}.get(t.value_type, "mean")
            names[f"custom:{t.id}"] = t.name.lower()
        return daily, names

    def _measure_name(self, measure: str, custom: dict[str, str]) -> str:
        """A measure in words for a person reading the insights, never a raw id."""
        from flarewise.analysis.measure_kinds import default_name

        family, _, item = measure.partition(":")
        kinds: dict[str, VocabKind] = {
            "symptom": "symptom",
            "intake": "substance",
            "skipped": "substance",
            "food": "food",
            "food_group": "food_group",
            "activity": "activity",
            "mindbody": "practice",
            "therapy": "therapy",
            "event": "event",
            "metric": "metric",
        }
        if measure in custom:
            return custom[measure]
        kind = kinds.get(family)
        if kind is not None and item in self.vocabulary.ids(kind):
            name = self.vocabulary.name_of(kind, item)
            return name if name.isupper() else name[0].lower() + name[1:]
        return default_name(measure)

    # -- regimens ---------------------------------------------------------------------------

    def add_regimen(self, regimen: Regimen) -> Regimen:
        check_regimen(self.vocabulary, regimen)
        with self.db.begin() as conn:
            try:
                self._repo.get_regimen(conn, regimen.id)
            except NotFound:
                self._repo.put_regimen(conn, regimen)
                return regimen
        raise Conflict(f"a regimen with id {regimen.id} already exists")

    def update_regimen(self, regimen: Regimen) -> Regimen:
        check_regimen(self.vocabulary, regimen)
        with self.db.begin() as conn:
            self._repo.put_regimen(conn, regimen, must_exist=True)
        return regimen

    def regimen(self, regimen_id: str) -> Regimen:
        with self.db.begin() as conn:
            return self._repo.get_regimen(conn, regimen_id)

    def regimens(
        self, *, active_on: date | None = None, substance: str | None = None
    ) -> list[Regimen]:
        with self.db.begin() as conn:
            found = self._repo.list_regimens(conn)
        if active_on is not None:
            found = [r for r in found if r.active_on(active_on)]
        if substance is not None:
            found = [r for r in found if r.substance == substance]
        return found

    def change_dose(self, regimen_id: str, step: DoseStep) -> Regimen:
        try:
            changed = self.regimen(regimen_id).with_dose_change(step)
        except ValueError as exc:
            raise InvalidInput("start", str(exc)) from None
        return self.update_regimen(changed)

    def stop_regimen(self, regimen_id: str, on: date) -> Regimen:
        regimen = self.regimen(regimen_id)
        if on < regimen.start:
            raise InvalidInput("stop", f"the stop date is before the start ({regimen.start})")
        return self.update_regimen(regimen.stopped(on))

    def delete_regimen(self, regimen_id: str) -> None:
        with self.db.begin() as conn:
            self._repo.delete_regimen(conn, regimen_id)

    # -- profile and trackables -------------------------------------------------------------

    def profile(self) -> Profile:
        with self.db.begin() as conn:
            return Profile.model_validate(self._repo.get_profile(conn))

    def set_profile(self, profile: Profile) -> Profile:
        check_profile(self.vocabulary, profile)
        with self.db.begin() as conn:
            self._repo.put_profile(conn, profile.model_dump(mode="json", exclude_none=True))
        return profile

    def update_profile(self, **changes: Any) -> Profile:
        return self.set_profile(self.profile().replace(**changes))

    def timezone(self) -> tzinfo:
        """The person's zone from the profile, else this machine's local zone."""
        name = self.profile().timezone
        if name:
            return ZoneInfo(name)
        local = datetime.now().astimezone().tzinfo
        return local or UTC

    def define_trackable(self, trackable: Trackable) -> Trackable:
        with self.db.begin() as conn:
            self._repo.put_trackable(conn, trackable.id, trackable.model_dump(mode="json"))
        return trackable

    def trackables(self) -> list[Trackable]:
        with self.db.begin() as conn:
            return [Trackable.model_validate(d) for d in self._repo.list_trackables(conn)]

    def trackable_map(self) -> dict[str, Trackable]:
        return {t.id: t for t in self.trackables()}

    def delete_trackable(self, trackable_id: str) -> None:
        with self.db.begin() as conn:
            self._repo.delete_trackable(conn, trackable_id)

    # -- backup -----------------------------------------------------------------------------

    def export_backup(self) -> Backup:
        """Everything of this person as one versioned document (see domain/backup.py)."""
        with self.db.begin() as conn:
            stored = list(self._repo.iter_stored(conn, self._repo.select_entries()))
            regimens = self._repo.list_regimens(conn)
            profile = Profile.model_validate(self._repo.get_profile(conn))
            trackables = [Trackable.model_validate(d) for d in self._repo.list_trackables(conn)]
            protocols = self._repo.list_experiments(conn)
        return Backup.model_construct(
            format="flarewise-journal",
            version=1,
            exported_at=datetime.now(UTC),
            person=self.handle,
            profile=profile,
            trackables=tuple(trackables),
            regimens=tuple(regimens),
            entries=tuple(stored),
            experiments=tuple(protocols),
        )

    def export_json(self, path: str | os.PathLike[str]) -> int:
        """Write the backup to ``path`` atomically; returns the number of entries written."""
        backup = self.export_backup()
        _write_atomically(path, lambda fh: fh.write(backup.model_dump_json(indent=1)))
        return len(backup.entries)

    def export_csv(self, path: str | os.PathLike[str]) -> int:
        """Tidy CSV, one row per entry (see exporters/tidy_csv.py); returns the row count."""
        from flarewise import exporters  # imported on use: start-up stays light

        query = self._repo.select_entries()
        rows = 0

        def write(fh: Any) -> None:
            nonlocal rows
            with self.db.begin() as conn:
                rows = exporters.write_tidy_csv(self._repo.iter_entries(conn, query), fh)

        _write_atomically(path, write)
        return rows

    def export_fhir(self, path: str | os.PathLike[str]) -> int:
        """A FHIR R4 document Bundle of the journal (labs, measurements, check-ins whole with
        their body maps, assessments, intakes, medicines with their dose steps, conditions,
        and the diary's meals, notes, sleep, activity, events and custom values) with a
        Composition and the Patient (exporters/fhir_document.py); returns the number of
        resources. Importing it gives back the same entries."""
        from flarewise import exporters  # imported on use: start-up stays light

        backup = self.export_backup()
        v = self.vocabulary
        names = {
            **{k: d.name for k, d in v.substances.items()},
            **{k: d.name for k, d in v.conditions.items()},
            **{k: d.name for k, d in v.analytes.items()},
        }
        profile = backup.profile
        bundle = exporters.fhir_document(
            (s.entry for s in backup.entries),
            backup.regimens,
            profile.conditions,
            names,
            person=exporters.Person(
                self.handle, profile.display_name, profile.birth_year, profile.sex
            ),
            timestamp=backup.exported_at.isoformat(),
            populations={n: getattr(profile, n) for n in POPULATIONS},
            trackables={t.id: t for t in backup.trackables},
        )
        _write_atomically(path, lambda fh: fh.write(json.dumps(bundle, indent=1)))
        return len(bundle["entry"])

    def restore(
        self, backup: Backup, *, replace: bool = False, progress: Progress | None = None
    ) -> int:
        """Load a backup into this journal in one transaction.

        Refuses a journal that already holds data unless ``replace`` (then the old content is
        removed in the same transaction, so a failed restore leaves it untouched).
        """
        trackables = {t.id: t for t in backup.trackables}
        check_profile(self.vocabulary, backup.profile)
        for regimen in backup.regimens:
            check_regimen(self.vocabulary, regimen)
        prepared: list[tuple[StoredEntry, Sequence[Measure]]] = []
        for i, stored in enumerate(backup.entries):
            entry, measures = self._prepare(
                stored.entry, trackables, allow_unknown_analytes=True, field=f"entries[{i}].entry"
            )
            prepared.append((stored.model_copy(update={"entry": entry}), measures))
        ids = [s.entry.id for s, _ in prepared]
        if len(set(ids)) != len(ids):
            raise BackupError("the backup lists the same entry id twice; it was not restored")
        with self.db.begin() as conn:
            has_data = self._repo.count_entries(conn) > 0 or self._repo.list_regimens(conn)
            if has_data and not replace:
                raise Conflict(
                    f"the journal {self.handle!r} already holds data; restore into an empty "
                    "journal, or pass --replace to overwrite it"
                )
            self._repo.wipe(conn)
            self._repo.put_profile(conn, backup.profile.model_dump(mode="json", exclude_none=True))
            for t in backup.trackables:
                self._repo.put_trackable(conn, t.id, t.model_dump(mode="json"))
            for r in backup.regimens:
                self._repo.put_regimen(conn, r)
            for x in backup.experiments:
                self._repo.put_experiment(conn, x)
            step = 5000
            for start in range(0, len(prepared), step):
                self._repo.insert_stored(conn, prepared[start : start + step])
                if progress is not None:
                    progress(min(start + step, len(prepared)))
        return len(prepared)

    def write_demo(
        self,
        *,
        seed: int | None = None,
        start: date | None = None,
        days: int | None = None,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> DemoTruth:
        """Fill this journal with the demo person's year (see docs/demo-model.md); returns the
        planted truth so analyses can be checked against it."""
        from flarewise.demo import DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_START, generate_demo

        data = generate_demo(
            seed=DEFAULT_SEED if seed is None else seed,
            start=start or DEFAULT_START,
            days=days or DEFAULT_DAYS,
        )
        now = datetime.now(UTC).replace(tzinfo=None)
        backup = Backup.model_construct(
            format="flarewise-journal",
            version=1,
            exported_at=now,
            person=self.handle,
            profile=data.profile,
            trackables=tuple(data.trackables),
            regimens=tuple(data.regimens),
            entries=tuple(
                StoredEntry.model_construct(entry=cast(Any, e), recorded_at=now, updated_at=now)
                for e in data.entries
            ),
        )
        self.restore(backup, replace=replace, progress=progress)
        return data.truth

    def restore_json(
        self,
        path: str | os.PathLike[str],
        *,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Restore a backup file, reading it piece by piece: memory stays bounded by one
        batch of entries whatever the file's size (see benchmarks/restore_memory.py). Every
        entry is checked as in :meth:`restore`, in the one transaction that writes them, so a
        bad entry anywhere leaves the journal as it was."""
        from flarewise.exporters import backup_stream  # imported on use: start-up stays light

        name = str(path)
        head, _ = backup_stream.read_head(path, name)
        _check_backup_head(name, head)
        try:
            meta = Backup.model_validate({**head, "entries": []})
        except pydantic.ValidationError as exc:
            raise BackupError(f"{translate(exc, where=name)}. Nothing was restored.") from None
        trackables = {t.id: t for t in meta.trackables}
        check_profile(self.vocabulary, meta.profile)
        for regimen in meta.regimens:
            check_regimen(self.vocabulary, regimen)
        step = 2000
        done = 0
        writing = False
        try:
            with self.db.begin() as conn:
                has_data = self._repo.count_entries(conn) > 0 or self._repo.list_regimens(conn)
                if has_data and not replace:
                    raise Conflict(
                        f"the journal {self.handle!r} already holds data; restore into an "
                        "empty journal, or pass --replace to overwrite it"
                    )
                self._repo.wipe(conn)
                self._repo.put_profile(
                    conn, meta.profile.model_dump(mode="json", exclude_none=True)
                )
                for t in meta.trackables:
                    self._repo.put_trackable(conn, t.id, t.model_dump(mode="json"))
                for r in meta.regimens:
                    self._repo.put_regimen(conn, r)
                for x in meta.experiments:
                    self._repo.put_experiment(conn, x)
                writing = True
                batch: list[tuple[StoredEntry, Sequence[Measure]]] = []
                with self.db.low_memory(conn):
                    for i, raw in enumerate(backup_stream.iter_entries(path, name)):
                        batch.append(self._restored_entry(raw, i, name, trackables))
                        if len(batch) >= step:
                            self._repo.insert_stored(conn, batch)
                            done += len(batch)
                            batch = []
                            if progress is not None:
                                progress(done)
                    self._repo.insert_stored(conn, batch)
                    done += len(batch)
                    if progress is not None and batch:
                        progress(done)
        except Conflict:
            if not writing:
                raise
            raise BackupError(
                f"{name}: the backup lists the same entry twice; it was not restored"
            ) from None
        return done

    def _restored_entry(
        self, raw: Any, i: int, name: str, trackables: dict[str, Trackable]
    ) -> tuple[StoredEntry, Sequence[Measure]]:
        """One backup entry, validated and checked as :meth:`restore` checks it."""
        try:
            stored = StoredEntry.model_validate(raw)
        except pydantic.ValidationError as exc:
            err = translate(exc, where=name, prefix=f"entries[{i}]")
            raise BackupError(f"{err}. Nothing was restored.") from None
        entry, measures = self._prepare(
            stored.entry, trackables, allow_unknown_analytes=True, field=f"entries[{i}].entry"
        )
        return stored.model_copy(update={"entry": entry}), measures


def _disk_full(exc: BaseException) -> bool:
    """Whether a storage error is the disk (or a file-size limit) running out: SQLite's
    SQLITE_FULL and write I/O errors, PostgreSQL's disk_full (SQLSTATE 53100), or the OS's."""
    seen: BaseException | None = exc
    while seen is not None:
        orig = getattr(seen, "orig", seen)
        name = str(getattr(orig, "sqlite_errorname", ""))
        if name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR_WRITE"):
            return True
        if getattr(orig, "sqlstate", None) == "53100":
            return True
        if isinstance(orig, OSError) and orig.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _write_atomically(path: str | os.PathLike[str], write: Callable[[Any], object]) -> None:
    """Write a UTF-8 text file through ``write(fh)`` so that ``path`` is either the old file or
    the complete new one, never half-written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".flarewise-export-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_backup_head(name: str, data: dict[str, Any]) -> None:
    if data.get("format") != "flarewise-journal":
        raise BackupError(f'{name}: not a flarewise backup (no "format": "flarewise-journal")')
    if data.get("version") != 1:
        raise BackupError(
            f"{name}: backup version {data.get('version')!r} is not supported by this flarewise "
            "(it reads version 1)"
        )


def read_backup(path: str | os.PathLike[str]) -> Backup:
    """Parse and validate a backup file; errors name the file, the line or the field."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BackupError(f"{name}: cannot read the file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BackupError(
            f"{name}: not a flarewise backup (byte {exc.start} is not UTF-8 text)"
        ) from None
    try:
        data = json_text.loads(text)
    except json.JSONDecodeError as exc:
        raise BackupError(
            f"{name}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    except json_text.JsonTooComplex as exc:
        raise BackupError(
            f"{name}: not a flarewise backup ({exc}). Nothing was restored."
        ) from None
    if not isinstance(data, dict):
        raise BackupError(f'{name}: not a flarewise backup (no "format": "flarewise-journal")')
    _check_backup_head(name, data)
    try:
        return Backup.model_validate(data)
    except pydantic.ValidationError as exc:
        err = translate(exc, where=name)
        raise BackupError(f"{err}. Nothing was restored.") from None


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (and, for a new or older database, migrate) the database at ``url``."""
    if url is None:
        from flarewise.config import load_settings

        url = load_settings().database_url
    db = Database(url)
    try:
        db.ensure_schema(upgrade=upgrade)
    except FlarewiseError:
        db.close()
        raise
    return db


def schema_status(url: str | None = None) -> tuple[str | None, str, str]:
    """(current revision, revision this flarewise needs, URL without password) of a database."""
    db = Database(url or _default_url())
    try:
        return db.current_revision(), db.head_revision(), db.safe_url
    finally:
        db.close()


def migrate_database(url: str | None, revision: str, *, down: bool = False) -> str | None:
    """Upgrade (or, with ``down``, downgrade) a database's schema; returns the new revision."""
    db = Database(url or _default_url())
    try:
        if down:
            db.downgrade(revision)
        else:
            db.upgrade(revision)
        return db.current_revision()
    finally:
        db.close()


def _default_url() -> str:
    from flarewise.config import load_settings

    return load_settings().database_url


def open_journal(
    url: str | None = None, person: str = "me", *, create: bool = True, upgrade: bool = True
) -> Journal:
    """The journal of ``person`` in the database at ``url`` (default: the settings' URL)."""
    db = open_database(url, upgrade=upgrade)
    try:
        return Journal.for_person(db, Database.check_handle(person), create=create)
    except FlarewiseError:
        db.close()
        raise
