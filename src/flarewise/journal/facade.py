"""The journal facade: one person's record, binding storage, vocabulary and domain records.

Imported as :mod:`flarewise.journal` (the package exports these names on first use).

>>> from flarewise import open_journal
>>> j = open_journal("sqlite:///journal.db")              # doctest: +SKIP
>>> j.add(SymptomCheckin(at=now, scores={"pain": 6}))     # doctest: +SKIP

Everything the CLI and the web app do to a journal goes through this class. Every write is one
transaction: a refused record leaves the journal exactly as it was.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from flarewise.domain.backup import Backup
from flarewise.domain.entries import Assessment, EntryBase, Intake, LabResult
from flarewise.domain.experiments import DoseLevel, Protocol
from flarewise.domain.profile import Profile
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.domain.reminders import ReminderSettings
from flarewise.domain.summaries import DaySummary
from flarewise.domain.trackables import Trackable
from flarewise.errors import (
    Conflict,
    FlarewiseError,
    InvalidInput,
    NotFound,
    StorageError,
)
from flarewise.journal import adherence, agreement, backup, reminders, visits
from flarewise.journal import design as trial_design
from flarewise.journal.backup import read_backup as read_backup  # public: re-exported
from flarewise.journal.lazy import trials_module as _trials
from flarewise.journal.prepare import prepare_entry
from flarewise.journal.vocabulary_cache import cached_vocabulary
from flarewise.knowledge import (
    Vocabulary,
    check_profile,
    check_regimen,
)
from flarewise.knowledge.describe import describe_entry
from flarewise.storage.basics import check_handle
from flarewise.storage.params import Measure, gc_paused

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from flarewise import experiments as trials
    from flarewise import importers, instruments, labs
    from flarewise import plan as planning
    from flarewise.analysis.grid import DailyGrid
    from flarewise.analysis.insights import Insights
    from flarewise.demo.model import DemoTruth
    from flarewise.experiments.review import Review
    from flarewise.importers.archive import ArchiveBudget
    from flarewise.reports import VisitReport
    from flarewise.storage import Database


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
        self.vocabulary = vocabulary or cached_vocabulary()
        from flarewise.storage import PersonRepository  # SQLAlchemy: imported when a journal opens

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

    def reading(self) -> AbstractContextManager[None]:
        """A run of reads (a page's worth) in one connection and transaction instead of one
        each; see :meth:`Database.shared`."""
        return self.db.shared()

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
        return prepare_entry(
            self.vocabulary,
            entry,
            self.trackable_map() if trackables is None else trackables,
            allow_unknown_analytes=allow_unknown_analytes,
            field=field,
        )

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

    def weekly_doses(self, today: date, weeks: int = adherence.ADHERENCE_WEEKS) -> dict[str, Any]:
        """Doses recorded as taken and as skipped, per medicine and week, newest week first
        (journal/adherence.py): counts only, no "missed" verdict."""
        return adherence.weekly_doses(self, today, weeks)

    def doses_to_offer(self, day: date) -> list[DoseToOffer]:
        """Doses a check-in offers to confirm with one tap: yesterday's intakes, then the
        regimen steps in force on ``day`` not already among them (one per substance and dose),
        each saying whether the substance was already taken that day. A substance a running
        experiment asks the person to leave out that day is never offered."""
        held = agreement.held_substances(self, day)
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
            if substance in held:
                continue
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

    def daily_summaries(
        self, start: date, end: date, *, measures: Collection[str] | None = None
    ) -> list[DaySummary]:
        """Per local date: entry count and, per measure, n / total / mean / min / max (with
        ``measures``, only those: cheaper when a page needs a few of a day's many)."""
        if end < start:
            raise InvalidInput("end", "the end date is before the start date")
        only = None if measures is None else tuple(sorted(measures))
        key = ("daily", self._repo.pid, start, end, only)
        return list(self.db.remembered(key, lambda: self._read_daily(start, end, only)))

    def _read_daily(
        self, start: date, end: date, measures: Collection[str] | None
    ) -> tuple[DaySummary, ...]:
        with self.db.begin() as conn:
            return tuple(self._repo.daily(conn, start, end, measures))

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

    # -- visit report (journal/visits.py) ------------------------------------------------------

    def visit_questions(self) -> str | None:
        """The person's note of questions for their next visit (page 1 of the report)."""
        return visits.visit_questions(self)

    def set_visit_questions(self, text: str | None) -> str | None:
        """Keep (or, with None or blank text, clear) the questions for the next visit."""
        return visits.set_visit_questions(self, text)

    def options_to_discuss(self) -> tuple[str, ...]:
        """The plan options marked to discuss at the next visit, in the order marked."""
        return visits.options_to_discuss(self)

    def mark_to_discuss(self, intervention: str, discuss: bool = True) -> tuple[str, ...]:
        """Mark (or, with ``discuss=False``, unmark) a plan option to discuss at the next visit."""
        return visits.mark_to_discuss(self, intervention, discuss)

    def visit_report(
        self, start: date | None = None, end: date | None = None, *, screens: bool = True
    ) -> VisitReport:
        """The visit report for ``start`` .. ``end`` (default: the 90 days up to the last
        entry). Refuses a reversed period or one wholly outside the journal. ``screens=False``
        leaves out the experiments and the trigger screen (see journal/visits.py)."""
        return visits.visit_report(self, start, end, screens=screens)

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
        """A protocol sized from the person's own baseline; see
        :func:`flarewise.journal.design.design_experiment` for the rules."""
        return trial_design.design_experiment(
            self,
            intervention,
            outcome,
            design=design,
            start=start,
            period_days=period_days,
            washout_days=washout_days,
            meaningful_change=meaningful_change,
            blocks=blocks,
            dose=dose,
            titration=titration,
            challenges=challenges,
            eliminated=eliminated,
            why=why,
            seed=seed,
            meaningful_percent=meaningful_percent,
            timing=timing,
            without_baseline=without_baseline,
        )

    def design_from_finding(self, finding: Any, start: date | None = None) -> tuple[Protocol, Any]:
        """ "Test this": turn a trigger finding into a designed (unsaved) experiment."""
        return trial_design.design_from_finding(self, finding, start)

    def add_experiment(self, protocol: Protocol) -> Protocol:
        with self.db.begin() as conn:
            self._repo.put_experiment(conn, protocol)
        return protocol

    def experiment_review(self, experiment_id: str) -> Review:
        """What a person reads before agreeing to an experiment: length, dates, each phase in
        words, what to do each day, what it will and will not tell (journal/agreement.py)."""
        return agreement.experiment_review(self, experiment_id)

    def start_experiment(self, experiment_id: str, on: date | None = None) -> Protocol:
        """Start a planned experiment once its review is confirmed (journal/agreement.py)."""
        return agreement.start_experiment(self, experiment_id, on)

    def experiments_today(self, today: date | None = None) -> list[agreement.TodayInExperiment]:
        """The running experiments with what today's phase asks (planned ones say nothing)."""
        return agreement.experiments_today(self, today or self.today())

    # -- reminders (journal/reminders.py) ----------------------------------------------------

    def reminder_settings(self) -> ReminderSettings:
        return reminders.settings(self)

    def set_checkin_time(self, when: str) -> ReminderSettings:
        """Choose the time of the daily check-in reminder (24-hour HH:MM)."""
        return reminders.set_checkin_time(self, when)

    def reminder_feed_state(self) -> reminders.FeedState:
        return reminders.feed_state(self)

    def create_reminder_feed(self) -> str:
        """A new secret token for the calendar feed, returned once; any older one stops."""
        return reminders.create_feed(self)

    def revoke_reminder_feed(self) -> None:
        reminders.revoke_feed(self)

    def reminder_feed(self) -> bytes:
        """The iCalendar feed: check-in, doses, experiment phases."""
        return reminders.feed(self)

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
        # a planned experiment has not begun: no day of it has happened, whatever its dates
        done = [] if p.status == "planned" else _trials().executed_schedule(p, today)
        grid = self._experiment_grid(p, today)
        adh = _trials().analyze.adherence(
            done, grid, f"intake:{p.substance}" if p.substance else None
        )
        return {
            "id": p.id,
            "title": p.title,
            "status": p.status,
            "today": _trials().today_instruction(p, today, agreement.names(self, p)[0]),
            "days_planned": len(planned),
            "days_elapsed": len(done),
            "ends": planned[-1].day.isoformat() if planned else None,
            "adherence": None if adh is None or adh.rate is None else round(adh.rate, 3),
            # whether today has a dose to tick: "I took today's dose" is offered only then (it
            # was offered on days without it and for practices, and led to an error page)
            "dose_today": p.substance is not None
            and p.status == "running"
            and any(d.day == today and d.dose is not None for d in planned),
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
        from flarewise.importers.archive import ArchiveBudget  # imported on use: light start-up
        from flarewise.importers.detect import detect

        source = Path(path)
        fmt = "open-mhealth" if omh_schema else detect(source)
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
        and false-discovery control. ``max_hits`` caps the triggers listed (None: all); see
        :func:`flarewise.journal.insights.journal_insights`."""
        from flarewise.journal.insights import journal_insights

        return journal_insights(self, start, end, fdr, max_hits)

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
        found = list(self.db.remembered(("regimens", self._repo.pid), self._read_regimens))
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

    def _read_regimens(self) -> tuple[Regimen, ...]:
        with self.db.begin() as conn:
            return tuple(self._repo.list_regimens(conn))

    def profile(self) -> Profile:
        return self.db.remembered(("profile", self._repo.pid), self._read_profile)

    def _read_profile(self) -> Profile:
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
        return self.profile().zone()

    def define_trackable(self, trackable: Trackable) -> Trackable:
        with self.db.begin() as conn:
            self._repo.put_trackable(conn, trackable.id, trackable.model_dump(mode="json"))
        return trackable

    def trackables(self) -> list[Trackable]:
        return list(self.db.remembered(("trackables", self._repo.pid), self._read_trackables))

    def _read_trackables(self) -> tuple[Trackable, ...]:
        with self.db.begin() as conn:
            return tuple(Trackable.model_validate(d) for d in self._repo.list_trackables(conn))

    def trackable_map(self) -> dict[str, Trackable]:
        return {t.id: t for t in self.trackables()}

    def delete_trackable(self, trackable_id: str) -> None:
        with self.db.begin() as conn:
            self._repo.delete_trackable(conn, trackable_id)

    # -- backup, export and restore (journal/backup.py) ------------------------------------

    def export_backup(self) -> Backup:
        """Everything of this person as one versioned document (see domain/backup.py)."""
        return backup.export_backup(self)

    def export_json(self, path: str | os.PathLike[str]) -> int:
        """Write the backup to ``path`` atomically; returns the number of entries written."""
        return backup.export_json(self, path)

    def export_csv(self, path: str | os.PathLike[str]) -> int:
        """Tidy CSV, one row per entry (see exporters/tidy_csv.py); returns the row count."""
        return backup.export_csv(self, path)

    def export_fhir(self, path: str | os.PathLike[str]) -> int:
        """A FHIR R4 document Bundle of the journal (exporters/fhir_document.py); importing it
        gives back the same entries. Returns the number of resources."""
        return backup.export_fhir(self, path)

    def restore(
        self, data: Backup, *, replace: bool = False, progress: Progress | None = None
    ) -> int:
        """Load a backup into this journal in one transaction; refuses a journal that already
        holds data unless ``replace`` (a failed restore leaves it untouched)."""
        return backup.restore(self, data, replace=replace, progress=progress)

    def write_demo(
        self,
        *,
        seed: int | None = None,
        start: date | None = None,
        days: int | None = None,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> DemoTruth:
        """Fill this journal with the demo person's year, its questionnaires and experiments
        (see docs/demo-model.md and journal/demo.py); returns the planted truth so analyses can
        be checked against it."""
        from flarewise.demo import DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_START
        from flarewise.journal import demo

        return demo.write_demo(
            self,
            seed=DEFAULT_SEED if seed is None else seed,
            start=start or DEFAULT_START,
            days=days or DEFAULT_DAYS,
            replace=replace,
            progress=progress,
        )

    def restore_json(
        self,
        path: str | os.PathLike[str],
        *,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Restore a backup file, reading it piece by piece (bounded memory), all or nothing."""
        return backup.restore_json(self, path, replace=replace, progress=progress)


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


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (and, for a new or older database, migrate) the database at ``url``."""
    from flarewise.storage import Database

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
    from flarewise.storage import Database

    db = Database(url or _default_url())
    try:
        return db.current_revision(), db.head_revision(), db.safe_url
    finally:
        db.close()


def migrate_database(url: str | None, revision: str, *, down: bool = False) -> str | None:
    """Upgrade (or, with ``down``, downgrade) a database's schema; returns the new revision."""
    from flarewise.storage import Database

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
        return Journal.for_person(db, check_handle(person), create=create)
    except FlarewiseError:
        db.close()
        raise
