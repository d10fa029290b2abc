"""Apple Health export (``export.xml`` or the ``export.zip`` the Health app writes), streamed.

Parsing and safety live in apple_health_scan.py (the XML is parsed there, by child processes
for a large export, and quantity samples are summed per day beside the parser by
apple_health_days.py); this module maps what the scan hands on, in file order. The internal
DTD is blanked before parsing, bytes that XML 1.0 forbids are dropped, lxml runs with entities,
DTD loading and network off, and elements are cleared as soon as they are read, so memory stays
flat in file size. Zip members are streamed, never extracted; members whose declared size or
compression ratio is absurd are refused.

Mapping (documented in docs/imports.md):
- steps, walking/running distance, active energy and dietary records: one value per local day;
  when several sources (phone and watch) recorded the same day, the source with the largest
  daily total is kept and the others dropped (never summed: they count the same steps twice);
- heart rate: the daily mean of the day's samples; resting heart rate, HRV (SDNN), body mass,
  temperature, breathing rate, oxygen saturation and blood pressure: each sample;
- sleep analysis: one night per wake date (records ending after 18:00 local time belong to the
  night ending next morning; bed = earliest start, wake = latest end; asleep = core + deep +
  REM + unspecified; awake and in-bed stages kept);
- mindful sessions: mind-body minutes; workouts: activities with minutes, energy, distance
  (attributes in older exports, ``WorkoutStatistics`` children since iOS 16);
- records nested in a Correlation are skipped (they also appear at top level);
- records of other types are counted per type in the report's "not read" list; medication
  dose events are reported as not imported (how the export names their medicine is unknown);
- clinical records (``clinical-records/*.json`` in the zip) are read as FHIR.
"""

from __future__ import annotations

import math
import zipfile
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

from flarewise.domain.entries import Activity, EntryBase, Measurement, MindBody, Sleep
from flarewise.errors import FlarewiseError, InvalidInput
from flarewise.importers import apple_health_scan as scanning
from flarewise.importers.apple_health_days import METRIC_UNITS, Bounds, parse_when
from flarewise.importers.apple_health_scan import (
    ZIP_DAMAGE,
    Message,
    Row,
    zip_reason,
)
from flarewise.importers.apple_health_scan import (
    AppleHealthError as AppleHealthError,
)
from flarewise.importers.archive import ZipLimits, zip_bomb
from flarewise.importers.fhir import FhirReader
from flarewise.importers.fhir import parse as fhir_parse
from flarewise.importers.report import ImportBatch
from flarewise.importers.units import ENERGY_KCAL, LENGTH_KM
from flarewise.knowledge.plausibility import implausible, plausibility

SOURCE = "apple_health"
MAX_MEMBER_BYTES = 8 * 1024**3
#: An export.zip: export.xml up to 8 GiB (a decade of watch data is 2-4 GiB), the CDA copy,
#: workout routes (one GPX per workout), ECGs and clinical records.
ZIP_LIMITS = ZipLimits(
    max_member=MAX_MEMBER_BYTES, max_total=2 * MAX_MEMBER_BYTES, max_members=200_000
)
MAX_CLINICAL_BYTES = 64 * 1024 * 1024
#: Exports from this size on (bytes on disk) are parsed in a child process while this one maps
#: and writes (apple_health_scan.py); below it a new process costs more than it saves.
PARALLEL_FROM_BYTES = 4 * 1024 * 1024

ASLEEP = {
    "HKCategoryValueSleepAnalysisAsleep",
    "HKCategoryValueSleepAnalysisAsleepUnspecified",
    "HKCategoryValueSleepAnalysisAsleepCore",
    "HKCategoryValueSleepAnalysisAsleepDeep",
    "HKCategoryValueSleepAnalysisAsleepREM",
}
STAGES = {
    "HKCategoryValueSleepAnalysisAsleepCore": "core",
    "HKCategoryValueSleepAnalysisAsleepDeep": "deep",
    "HKCategoryValueSleepAnalysisAsleepREM": "rem",
    "HKCategoryValueSleepAnalysisAwake": "awake",
}
WORKOUTS = {
    "Walking": "walking",
    "Running": "running",
    "Cycling": "cycling",
    "Swimming": "swimming",
    "Yoga": "yoga",
    "TaiChi": "tai_chi",
    "Pilates": "pilates",
    "Dance": "dancing",
    "SocialDance": "dancing",
    "CardioDance": "dancing",
    "TraditionalStrengthTraining": "strength_training",
    "FunctionalStrengthTraining": "strength_training",
    "Hiking": "walking",
    "WaterFitness": "aquatic_exercise",
    "Flexibility": "stretching",
    "MindAndBody": "yoga",
    "Gardening": "gardening",
}


def wake_date(end: datetime) -> date:
    """The night a sleep record belongs to, named by its wake date: a record ending after
    18:00 local time (a stage before midnight) belongs to the night ending next morning."""
    return (end + timedelta(hours=6)).date()


@dataclass
class _State:
    """What the mapping gathers until the end of the export: the scan's day totals (merged
    part by part, in file order), the nights, and the counts reported once."""

    daily: dict[tuple[str, date, str], float] = field(default_factory=lambda: defaultdict(float))
    hr: dict[date, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))
    offsets: dict[date, int] = field(default_factory=dict)  # first UTC offset seen per day
    nights: dict[date, dict[str, Any]] = field(default_factory=dict)
    #: medication dose events seen (reported once, see ``_finish``)
    doses: int = 0
    #: records of types flarewise does not read, per type (listed in the report at the end)
    other: dict[str, int] = field(default_factory=dict)

    def at_end_of(self, day: date) -> datetime:
        tz = timezone(timedelta(minutes=self.offsets.get(day, 0)))
        return datetime.combine(day, time(23, 59), tzinfo=tz)

    def merge_days(
        self,
        daily: dict[tuple[str, date, str], float],
        hr: dict[date, tuple[float, float]],
        offsets: dict[date, int],
    ) -> None:
        """Add one part's day totals (parts come in file order, so the first offset seen
        on a day stays the first)."""
        for key, total in daily.items():
            self.daily[key] += total
        for day, (total, n) in hr.items():
            slot = self.hr[day]
            slot[0] += total
            slot[1] += n
        for day, offset in offsets.items():
            self.offsets.setdefault(day, offset)


def workout_totals(
    attrs: Mapping[str, str], statistics: list[dict[str, str]]
) -> tuple[float | None, float | None]:
    """(kcal, km) of a workout. Older exports carry them as attributes; since iOS 16 a watch
    workout carries them only in ``WorkoutStatistics`` children (``sum`` with its unit), so
    those are read when the attributes are absent. Raises InvalidInput, naming the field, for a
    value that is not a number or a unit flarewise does not know."""
    energy = _amount(attrs, "totalEnergyBurned", ENERGY_KCAL, "kcal")
    distance = _amount(attrs, "totalDistance", LENGTH_KM, "km")
    for stat in statistics:
        kind = stat.get("type", "")
        if energy is None and kind == "HKQuantityTypeIdentifierActiveEnergyBurned":
            energy = _amount(stat, "sum", ENERGY_KCAL, "kcal", "WorkoutStatistics (active energy)")
        elif distance is None and kind.startswith("HKQuantityTypeIdentifierDistance"):
            distance = _amount(stat, "sum", LENGTH_KM, "km", "WorkoutStatistics (distance)")
    return energy, distance


def _amount(
    attrs: Mapping[str, str],
    attribute: str,
    factors: dict[str, float],
    default: str,
    where: str = "",
) -> float | None:
    """``attrs``' ``attribute`` converted with ``factors`` (its unit attribute is
    ``<attribute>Unit``, or ``unit`` on a statistics element; ``default`` when there is none)."""
    value = attrs.get(attribute)
    if not value:
        return None
    unit = attrs.get(f"{attribute}Unit") or attrs.get("unit") or default
    field_ = where or attribute
    if unit not in factors:
        raise InvalidInput(field_, f"{unit!r} is not a unit flarewise reads here")
    try:
        return float(value) * factors[unit]
    except ValueError:
        raise InvalidInput(field_, f"{value!r} is not a number") from None


def _damaged(path: Path, reason: str) -> AppleHealthError:
    return AppleHealthError(
        f"{path.name}: the zip file is damaged or incomplete ({reason}); "
        "nothing was imported. Copy the export from the phone again and retry"
    )


def readable_type(kind: str) -> str:
    """ "Apple Health FlightsClimbed" for ``HKQuantityTypeIdentifierFlightsClimbed``."""
    for prefix in ("HKQuantityTypeIdentifier", "HKCategoryTypeIdentifier", "HKDataType"):
        if kind.startswith(prefix):
            return f"Apple Health {kind[len(prefix) :] or kind}"
    return f"Apple Health {kind or '(a record without a type)'}"


class AppleHealthReader:
    """Reads an export in two halves: apple_health_scan.py parses the XML (in a child process
    for a large file), and this class maps the records it hands on, validates them and adds
    them to the batch, in file order. Only the mapping's half is here."""

    def __init__(
        self,
        fhir_reader: FhirReader | None = None,
        zip_limits: ZipLimits = ZIP_LIMITS,
        parallel_from: int | None = None,
    ) -> None:
        self.fhir = fhir_reader
        self.zip_limits = zip_limits
        #: file size (bytes) from which the XML is parsed in a child process; None: the
        #: module's PARALLEL_FROM_BYTES
        self.parallel_from = parallel_from
        metrics = plausibility().metrics
        #: (low, high) of each metric with a plausible range, for the per-sample check
        self._bounds: Bounds = {
            metric: (
                -math.inf if found.low is None else found.low,
                math.inf if found.high is None else found.high,
            )
            for metric, found in metrics.items()
        }

    def read(self, path: Path, batch: ImportBatch | None = None) -> ImportBatch:
        """Read the export; entries go to ``batch`` (which may write them on in chunks)."""
        batch = batch or ImportBatch(path.name)
        batch.format = "apple-health"
        batch.total_bytes = path.stat().st_size
        if zipfile.is_zipfile(path):
            self._zip(path, batch)
        else:
            self._xml(path, None, path.name, batch)
        return batch

    def _zip(self, path: Path, batch: ImportBatch) -> None:
        try:
            self._zip_members(path, batch)
        except ZIP_DAMAGE as exc:
            # corrupt deflate data, a bad CRC-32 or a file cut short: a half-transferred
            # export. Nothing is kept (the journal's transaction rolls back).
            raise _damaged(path, zip_reason(exc)) from None

    def _zip_members(self, path: Path, batch: ImportBatch) -> None:
        zf = zipfile.ZipFile(path)
        with zf:
            bomb = zip_bomb(zf, path.name, self.zip_limits)
            if bomb is not None:
                raise AppleHealthError(bomb)
            members = [i for i in zf.infolist() if not i.is_dir()]
            xml = [i for i in members if i.filename.rsplit("/", 1)[-1] == "export.xml"]
            if not xml:
                raise AppleHealthError(
                    f"{path.name}: no export.xml inside; is this the zip the Health app exported?"
                )
            self._xml(path, xml[0].filename, f"{path.name}:{xml[0].filename}", batch)
            if self.fhir is not None:
                for info in members:
                    if "/clinical-records/" in f"/{info.filename}" and info.filename.endswith(
                        ".json"
                    ):
                        self._clinical(zf, info, batch)

    def _clinical(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, batch: ImportBatch) -> None:
        if self.fhir is None:
            return
        if info.file_size > MAX_CLINICAL_BYTES:
            batch.problem(
                info.filename,
                "",
                f"{info.file_size:,} bytes is too large for one clinical record; skipped",
            )
            return
        with zf.open(info) as src:
            raw = src.read(MAX_CLINICAL_BYTES + 1)
        try:
            sub = self.fhir.read_document(fhir_parse(raw, info.filename), info.filename)
        except FlarewiseError as exc:
            batch.problem(info.filename, "", str(exc))
            return
        batch.merge(sub)

    def _messages(self, path: Path, member: str | None) -> Generator[Message, None, None]:
        """The scan of the export's XML: from PARALLEL_FROM_BYTES on in child processes, a
        plain XML file cut in two parts parsed at once (both cores busy, this process mapping
        between them), a zip member in one child."""
        limit = PARALLEL_FROM_BYTES if self.parallel_from is None else self.parallel_from
        if path.stat().st_size < limit:
            return scanning.messages(path, member, self._bounds)
        cut = scanning.split_point(path) if member is None else None
        if cut is None:  # a zip member streams (it cannot be cut): one child parses it
            return scanning.in_child(path, member, self._bounds)
        return scanning.in_two_children(path, self._bounds, cut)

    def _xml(self, path: Path, member: str | None, name: str, batch: ImportBatch) -> None:
        state = _State()
        with closing(self._messages(path, member)) as messages:
            for message in messages:
                tag = message[0]
                if tag == "rows":
                    batch.done_bytes = message[1]
                    batch.count(message[2])
                    self._rows(message[3], batch, state)
                elif tag == "days":
                    state.merge_days(message[1], message[2], message[3])
                elif tag == "end":
                    break
                elif tag == "broken":
                    line, why = message[1], message[2]
                    if batch.records == 0:
                        raise AppleHealthError(
                            f"{name}: not a readable Apple Health export ({why}, line {line})"
                        )
                    batch.problem(
                        f"line {line}",
                        "",
                        f"the file is cut or damaged here ({why}); everything before it was read",
                    )
                    break
                elif tag == "refused":
                    raise AppleHealthError(message[1])
                elif tag == "damaged":
                    raise _damaged(path, message[1])
                elif tag == "unreadable":
                    raise AppleHealthError(
                        f"{name}: the file cannot be read ({message[1]}); nothing was imported"
                    )
                else:  # "failed": the parsing process stopped without its last word
                    raise AppleHealthError(
                        f"{name}: reading the export stopped unexpectedly ({message[1]}); "
                        "nothing was imported. Try again; if it fails again, export anew"
                    )
        self._finish(state, batch)

    def _rows(self, rows: list[Row], batch: ImportBatch, state: _State) -> None:
        """Map one chunk of scanned rows; a refused record is a problem naming its line, and
        the others are kept."""
        for row in rows:
            kind = row[0]
            try:
                if kind == "P":
                    batch.problem(f"line {row[1]}", row[2], row[3])
                elif kind == "I":
                    why = implausible("metric", row[2], row[3], row[4])
                    batch.problem(f"line {row[1]}", "value", why or "not plausible")
                elif kind == "S":
                    self._sample(row, batch)
                elif kind == "R":
                    self._record(row, batch, state)
                else:
                    self._workout(row, batch)
            except InvalidInput as exc:
                batch.problem(f"line {row[1]}", exc.field, exc.reason)
            except (ValueError, OverflowError) as exc:
                batch.problem(f"line {row[1]}", "", f"not a plausible record ({exc})")

    # -- records -----------------------------------------------------------------------------

    @staticmethod
    def _sample(row: Row, batch: ImportBatch) -> None:
        """A per-sample quantity (resting heart rate, HRV, weight...), checked by the scan."""
        _, line, metric, value, shown, source = row
        try:
            batch.add(
                Measurement(
                    at=parse_when(shown),
                    metric=metric,
                    value=value,
                    unit=METRIC_UNITS[metric],
                    source=SOURCE,
                    source_key=f"{metric}:{shown}:{source}",
                )
            )
        except InvalidInput as exc:
            batch.problem(f"line {line}", exc.field, exc.reason)

    def _record(self, row: Row, batch: ImportBatch, state: _State) -> None:
        _, line, kind, start_text, end_text, value_text = row
        where = f"line {line}"
        start, end = parse_when(start_text), parse_when(end_text)
        if kind == "HKCategoryTypeIdentifierSleepAnalysis":
            if start is None or end is None or end <= start:
                batch.problem(where, "startDate", "a sleep record needs a start before its end")
                return
            night = state.nights.setdefault(
                wake_date(end),
                {"bed": start, "wake": end, "asleep": 0.0, "stages": defaultdict(float)},
            )
            night["bed"] = min(night["bed"], start)
            night["wake"] = max(night["wake"], end)
            minutes = (end - start).total_seconds() / 60
            value = value_text or ""
            if value in ASLEEP:
                night["asleep"] += minutes
            if value in STAGES:
                night["stages"][STAGES[value]] += minutes
        elif kind == "HKCategoryTypeIdentifierMindfulSession":
            if start is None or end is None or end <= start:
                batch.problem(where, "startDate", "a mindful session needs a start before its end")
                return
            minutes = min(24 * 60, (end - start).total_seconds() / 60)
            batch.add(
                MindBody(
                    at=end,
                    practice="meditation",
                    minutes=minutes,
                    source=SOURCE,
                    source_key=f"mindful:{start_text}",
                )
            )
        elif kind.startswith("HKMedicationDoseEvent"):
            state.doses += 1
        else:
            state.other[kind] = state.other.get(kind, 0) + 1

    def _workout(self, row: Row, batch: ImportBatch) -> None:
        _, line, attrs, statistics = row
        where = f"line {line}"
        start, end = parse_when(attrs.get("startDate")), parse_when(attrs.get("endDate"))
        kind = attrs.get("workoutActivityType", "").removeprefix("HKWorkoutActivityType")
        if start is None or end is None:
            batch.problem(where, "startDate", "a workout needs its start and end; skipped")
            return
        try:
            minutes = (
                float(attrs["duration"])
                if attrs.get("duration")
                else (end - start).total_seconds() / 60
            )
            if attrs.get("durationUnit") == "s":
                minutes /= 60
        except ValueError:
            batch.problem(where, "duration", f"{attrs.get('duration')!r} is not a number")
            return
        try:
            energy, distance = workout_totals(attrs, statistics)
            batch.add(
                Activity(
                    at=end,
                    activity=WORKOUTS.get(kind, "other_exercise"),
                    minutes=max(1.0, min(minutes, 24 * 60)),
                    energy_kcal=energy,
                    distance_km=distance,
                    comment=None if kind in WORKOUTS else f"Apple Health workout: {kind}",
                    source=SOURCE,
                    source_key=f"workout:{attrs.get('startDate')}",
                )
            )
        except InvalidInput as exc:
            batch.problem(where, exc.field, exc.reason)
        except ValueError as exc:
            batch.problem(where, "", str(exc))

    def _finish(self, state: _State, batch: ImportBatch) -> None:
        for kind, records in state.other.items():
            batch.skip(readable_type(kind), records)
        if state.doses:
            batch.problem(
                f"{state.doses:,} medication dose event{'s' if state.doses > 1 else ''}",
                "type",
                "not imported: no Apple Health export seen so far shows how it names the "
                "medicine of each dose, and flarewise does not guess; log these doses in "
                "flarewise, or import your medicines from a FHIR file",
            )
        best: dict[tuple[str, date], tuple[float, str]] = {}
        for (metric, day, src), total in state.daily.items():
            if (metric, day) not in best or total > best[(metric, day)][0]:
                best[(metric, day)] = (total, src)
        for (metric, day), (total, _src) in sorted(best.items()):
            self._daily(
                batch,
                f"{metric.replace('_', ' ')} on {day}",
                partial(
                    Measurement,
                    at=state.at_end_of(day),
                    metric=metric,
                    value=total,
                    unit=METRIC_UNITS[metric],
                    source=SOURCE,
                    source_key=f"{metric}:{day}",
                ),
            )
        for day, (total, n) in sorted(state.hr.items()):
            self._daily(
                batch,
                f"heart rate on {day}",
                partial(
                    Measurement,
                    at=state.at_end_of(day),
                    metric="heart_rate",
                    value=total / n,
                    unit="/min",
                    source=SOURCE,
                    source_key=f"heart_rate:{day}",
                    comment=f"mean of {int(n)} samples",
                ),
            )
        for day, night in sorted(state.nights.items()):
            in_bed = (night["wake"] - night["bed"]).total_seconds() / 60
            if in_bed > 24 * 60:
                batch.problem(
                    f"night ending {day}", "startDate", "sleep records span more than a day"
                )
                continue
            asleep = min(night["asleep"], in_bed) if night["asleep"] else None
            self._daily(
                batch,
                f"night ending {day}",
                partial(
                    Sleep,
                    at=night["wake"],
                    bed_at=night["bed"],
                    asleep_minutes=asleep,
                    stage_minutes={k: min(v, 24 * 60) for k, v in night["stages"].items()},
                    source=SOURCE,
                    source_key=f"sleep:{day}",
                ),
            )

    @staticmethod
    def _daily(batch: ImportBatch, record: str, build: Callable[[], EntryBase]) -> None:
        """Add one aggregated record (a day's total, a night); a refusal is that record's
        problem, named by its day, and the other days are kept."""
        try:
            entry = build()
        except InvalidInput as exc:
            batch.problem(record, exc.field, exc.reason)
            return
        except (ValueError, OverflowError) as exc:
            batch.problem(record, "", f"not a plausible record ({exc})")
            return
        if isinstance(entry, Measurement):
            why = implausible("metric", entry.metric, entry.value, entry.unit)
            if why is not None:
                batch.problem(record, "value", why)
                return
        batch.add(entry)
