"""What the journal hands the analysis for insights: the measures of the diary's whole span,
what each is called and how it aggregates per day, which regimens started inside it.

Why its own module: ``Journal.insights`` and the driver-only reader of ``flarewise insights``
(:mod:`flarewise.journal.lite_reader`, no SQLAlchemy) both call :func:`journal_insights` with
themselves as the source, so the command and the library cannot give different answers.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from flarewise.domain.regimens import Regimen
from flarewise.domain.summaries import DaySummary
from flarewise.domain.trackables import Trackable
from flarewise.knowledge import Vocabulary

if TYPE_CHECKING:
    from flarewise.analysis.insights import Insights
    from flarewise.knowledge.vocabulary import VocabKind

#: the measure families screened as possible triggers
EXPOSURE_FAMILIES = (
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

#: the vocabulary kind behind each measure family, for the measure's name in words
FAMILY_KINDS: dict[str, VocabKind] = {
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


class InsightsSource(Protocol):
    """What insights read from a journal: a ``Journal`` or a ``LiteReader``."""

    @property
    def vocabulary(self) -> Vocabulary: ...

    def today(self) -> date: ...

    def date_span(self) -> tuple[date | None, date | None]: ...

    def daily_summaries(self, start: date, end: date) -> list[DaySummary]: ...

    def regimens(self) -> list[Regimen]: ...

    def trackables(self) -> list[Trackable]: ...


class InsightsReader(Protocol):
    """What ``flarewise insights`` opens: a ``LiteReader`` or a full ``Journal``."""

    def insights(
        self,
        start: date | None = None,
        end: date | None = None,
        fdr: str = "bh",
        max_hits: int | None = 20,
    ) -> Insights: ...

    def close(self) -> None: ...


def journal_insights(
    src: InsightsSource,
    start: date | None = None,
    end: date | None = None,
    fdr: str = "bh",
    max_hits: int | None = 20,
) -> Insights:
    """Baselines and trends, flares and what preceded them, and the trigger screen over every
    (exposure, outcome) pair at lags 0-3 with the calendar removed, time order kept and
    false-discovery control. ``max_hits`` caps the triggers listed (None: all)."""
    from flarewise.analysis.grid import build_grid
    from flarewise.analysis.insights import insights as analysis_insights
    from flarewise.analysis.measure_kinds import measure_kind

    first, last = src.date_span()
    if first is None or last is None:
        first = last = src.today()
    start = start or first
    end = end or last
    daily, names = measure_meanings(src)
    summaries = src.daily_summaries(start, end)
    grid = build_grid(summaries, start, end, daily=daily)
    grid_names = grid.names
    outcomes = [n for n in grid_names if n.startswith("symptom:") or n == "sleep:hours"]
    exposures = [n for n in grid_names if n.startswith(EXPOSURE_FAMILIES)]
    vocab = src.vocabulary
    worse = {f"symptom:{k}": v.higher_is_worse for k, v in vocab.symptoms.items()}
    worse["sleep:hours"] = False
    starts = [
        (r.unrecognised or r.substance, r.start)
        for r in src.regimens()
        if start < r.start <= end and not r.as_needed
    ]
    fdr_method: Any = fdr
    kinds = {m: measure_kind(m, daily) for m in [*exposures, *outcomes]}
    labels = {m: measure_name(vocab, m, names) for m in kinds}
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


def measure_meanings(src: InsightsSource) -> tuple[dict[str, Any], dict[str, str]]:
    """The daily statistic of measures whose meaning is per item (a device metric's own
    rule, a custom trackable's value type), and the names of custom trackables."""
    daily: dict[str, Any] = {f"metric:{k}": m.daily for k, m in src.vocabulary.metrics.items()}
    names: dict[str, str] = {}
    for t in src.trackables():
        daily[f"custom:{t.id}"] = {"count": "sum", "yes_no": "any"}.get(t.value_type, "mean")
        names[f"custom:{t.id}"] = t.name.lower()
    return daily, names


def measure_name(vocab: Vocabulary, measure: str, custom: dict[str, str]) -> str:
    """A measure in words for a person reading the insights, never a raw id."""
    from flarewise.analysis.measure_kinds import default_name

    family, _, item = measure.partition(":")
    if measure in custom:
        return custom[measure]
    kind = FAMILY_KINDS.get(family)
    if kind is not None and item in vocab.ids(kind):
        name = vocab.name_of(kind, item)
        return name if name.isupper() else name[0].lower() + name[1:]
    return default_name(measure)
