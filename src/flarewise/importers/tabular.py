"""Any CSV or XLSX diary, read through a column mapping the person confirms once and reuses.

A :class:`ColumnMapping` says which column holds the date (and optionally the time) and what each
other column means: a symptom score (with the column's own scale, rescaled to 0-10), a device
measurement, an intake of a substance (amount in a unit, or a yes/no "taken"), a custom
trackable, a note, or nothing. :func:`suggest_mapping` proposes one from the header names and
the vocabulary; the CLI asks the person to confirm each column and saves the result as JSON.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, model_validator

from flarewise.domain.base import Record
from flarewise.domain.entries import (
    CustomValue,
    EntryBase,
    Intake,
    Measurement,
    Note,
    SymptomCheckin,
)
from flarewise.errors import FlarewiseError, InvalidInput
from flarewise.importers.archive import ZipLimits, zip_bomb
from flarewise.importers.report import ImportBatch
from flarewise.importers.text import csv_rows, head_text
from flarewise.knowledge.vocabulary import Vocabulary

SOURCE = "table"
MAX_XLSX_MEMBER = 512 * 1024 * 1024
#: A workbook: a few XML parts per sheet, styles, shared strings, maybe images.
XLSX_LIMITS = ZipLimits(
    max_member=MAX_XLSX_MEMBER, max_total=2 * MAX_XLSX_MEMBER, max_members=10_000
)
TargetKind = Literal["symptom", "measurement", "intake", "custom", "note", "ignore"]
YES = {"1", "yes", "y", "true", "x", "taken", "ja", "oui", "si", "sí"}
NO = {"0", "no", "n", "false", "", "-", "not taken"}


class TabularError(FlarewiseError):
    """The table cannot be read, or the mapping does not fit it."""


class ColumnTarget(Record):
    """What one column means."""

    kind: TargetKind
    id: Annotated[str, Field(max_length=64)] | None = None
    unit: Annotated[str, Field(max_length=40)] | None = None
    #: the column's own scale for symptoms (e.g. 0-4 or 1-5), rescaled to 0-10
    scale_min: float = 0.0
    scale_max: float = 10.0

    @model_validator(mode="after")
    def _needs_id(self) -> ColumnTarget:
        if self.kind in ("symptom", "measurement", "intake", "custom") and not self.id:
            raise ValueError(f"id: a {self.kind} column needs the id of what it records")
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max: must be above scale_min")
        return self

    def describe(self) -> str:
        if self.kind in ("note", "ignore"):
            return self.kind
        unit = f" ({self.unit})" if self.unit else ""
        scale = (
            f" on {self.scale_min:g}-{self.scale_max:g}"
            if self.kind == "symptom" and (self.scale_min, self.scale_max) != (0, 10)
            else ""
        )
        return f"{self.kind}: {self.id}{unit}{scale}"


class ColumnMapping(Record):
    """How to read a table; saved as JSON and reused for the next export of the same app."""

    version: Literal[1] = 1
    date_column: Annotated[str, Field(min_length=1, max_length=200)]
    date_format: Annotated[str, Field(max_length=64)] | None = None
    time_column: Annotated[str, Field(max_length=200)] | None = None
    timezone: Annotated[str, Field(max_length=64)] = "UTC"
    sheet: Annotated[str, Field(max_length=200)] | None = None
    columns: dict[Annotated[str, Field(max_length=200)], ColumnTarget]

    @model_validator(mode="after")
    def _zone(self) -> ColumnMapping:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: {self.timezone!r} is not a time zone name") from None
        return self


def read_mapping(path: Path) -> ColumnMapping:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TabularError(f"{path}: cannot read the mapping ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise TabularError(
            f"{path}: not a flarewise column mapping (it is not UTF-8 text); give the JSON "
            "file --save-mapping wrote"
        ) from None
    try:
        return ColumnMapping.model_validate_json(text)
    except ValidationError as exc:
        raise TabularError(f"{path}: not a flarewise column mapping ({_first(exc)})") from None


def _first(exc: ValidationError) -> str:
    """The first problem pydantic found, as one line: where, and what (no links to its docs)."""
    problem = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in problem["loc"])
    if problem["type"] == "json_invalid":
        return "not valid JSON" if not where else f"not valid JSON at {where}"
    if problem["type"] == "model_type" and not where:
        return "expected a JSON object of column names"
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])


def write_mapping(mapping: ColumnMapping, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapping.model_dump_json(indent=2, exclude_none=True) + "\n", encoding="utf-8")


# -- reading tables ----------------------------------------------------------------------------


def is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _check_zip(path: Path, limits: ZipLimits = XLSX_LIMITS) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            bomb = zip_bomb(zf, path.name, limits)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError):
        raise TabularError(
            f"{path.name}: the workbook is damaged or incomplete; nothing was imported"
        ) from None
    if bomb is not None:
        raise TabularError(bomb)


def table_rows(
    path: Path,
    batch: ImportBatch | None = None,
    sheet: str | None = None,
    limits: ZipLimits = XLSX_LIMITS,
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of a CSV or XLSX file; the first row is the header."""
    if is_xlsx(path):
        yield from _xlsx_rows(path, sheet, batch, limits)
    else:
        yield from _csv_rows(path, batch)


def _csv_rows(path: Path, batch: ImportBatch | None) -> Iterator[tuple[int, list[str]]]:
    sample = head_text(path, 16384)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    with path.open("rb") as raw:
        yield from csv_rows(raw, batch, dialect, header=path.name)


def _xlsx_rows(
    path: Path, sheet: str | None, batch: ImportBatch | None, limits: ZipLimits
) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    _check_zip(path, limits)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        # its messages are library internals; the person needs to know what to do
        raise TabularError(
            f"{path.name}: not a readable XLSX workbook; open it in your spreadsheet program, "
            "save it again as .xlsx (or CSV) and import that"
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TabularError(
                f"{path.name}: no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})"
            )
        ws = book[sheet] if sheet else book.worksheets[0]
        try:
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield n, [_cell_text(v) for v in values]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as exc:
            # a damaged or cut workbook fails while its sheet is streamed, not when it opens
            raise TabularError(
                f"{path.name}: the workbook is damaged or incomplete "
                f"({type(exc).__name__.replace('error', ' error')}); nothing was imported"
            ) from None
        if batch is not None:
            batch.done_bytes = batch.total_bytes
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_and_samples(
    path: Path, sheet: str | None = None, n: int = 5
) -> tuple[list[str], list[list[str]]]:
    """The header row and up to ``n`` data rows (for building a mapping)."""
    rows = table_rows(path, None, sheet)
    first = next(rows, None)
    if first is None:
        raise TabularError(f"{path.name}: the table is empty")
    samples = []
    for _, row in rows:
        samples.append(row)
        if len(samples) >= n:
            break
    return [h.strip() for h in first[1]], samples


# -- suggestions -------------------------------------------------------------------------------


def suggest_mapping(vocab: Vocabulary, header: list[str]) -> ColumnMapping:
    """A first guess from the header names: a date column, symptoms, measurements, intakes."""
    import re

    date_col = next(
        (h for h in header if re.search(r"\b(date|day|datum|fecha|time ?stamp)\b", h, re.I)),
        header[0] if header else "date",
    )
    time_col = next(
        (h for h in header if h != date_col and re.fullmatch(r"\s*(time|hour|zeit)\s*", h, re.I)),
        None,
    )
    columns: dict[str, ColumnTarget] = {}
    for h in header:
        if h in (date_col, time_col) or not h:
            continue
        name = re.sub(r"\s*[\(\[].*?[\)\]]\s*", " ", h).strip()
        unit_m = re.search(r"[\(\[]\s*([^\)\]]+?)\s*[\)\]]", h)
        unit = unit_m.group(1) if unit_m else None
        columns[h] = _guess(vocab, name, unit)
    return ColumnMapping(date_column=date_col, time_column=time_col, columns=columns)


def _guess(vocab: Vocabulary, name: str, unit: str | None) -> ColumnTarget:
    for kind, target in (("symptom", "symptom"), ("metric", "measurement")):
        try:
            found = vocab.resolve(kind, name)  # type: ignore[arg-type]
        except InvalidInput:
            continue
        return ColumnTarget(kind=target, id=found, unit=unit)
    try:
        substance, _ = vocab.resolve_substance(name)
        return ColumnTarget(kind="intake", id=substance, unit=unit)
    except InvalidInput:
        pass
    if name.lower() in ("note", "notes", "comment", "comments", "diary"):
        return ColumnTarget(kind="note")
    return ColumnTarget(kind="ignore")


# -- the reader --------------------------------------------------------------------------------


def _parse_when(day: str, clock: str | None, mapping: ColumnMapping) -> datetime:
    zone = ZoneInfo(mapping.timezone)
    text = day.strip()
    if mapping.date_format:
        at = datetime.strptime(text, mapping.date_format)
    else:
        try:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for fmt in ("%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M"):
                try:
                    at = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(text) from None
    if clock and clock.strip():
        t = time.fromisoformat(clock.strip() if len(clock.strip()) > 4 else "0" + clock.strip())
        at = datetime.combine(at.date(), t)
    elif at.time() == time(0) and len(text) <= 10:
        at = datetime.combine(at.date(), time(12))  # a date alone: midday keeps it on that date
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    return at


class TableReader:
    def __init__(
        self, vocab: Vocabulary, mapping: ColumnMapping, zip_limits: ZipLimits = XLSX_LIMITS
    ) -> None:
        self.vocab = vocab
        self.mapping = mapping
        self.zip_limits = zip_limits

    def read(self, path: Path, batch: ImportBatch | None = None) -> ImportBatch:
        batch = batch or ImportBatch(path.name)
        batch.format = "xlsx" if is_xlsx(path) else "csv"
        batch.total_bytes = path.stat().st_size
        rows = table_rows(path, batch, self.mapping.sheet, self.zip_limits)
        first = next(rows, None)
        if first is None:
            raise TabularError(f"{path.name}: the table is empty")
        header = [h.strip() for h in first[1]]
        m = self.mapping
        missing = [c for c in (m.date_column, m.time_column, *m.columns) if c and c not in header]
        if missing:
            raise TabularError(
                f"{path.name}: the mapping names columns this file does not have: "
                f"{', '.join(missing)} (its columns: {', '.join(header)})"
            )
        index = {h: i for i, h in enumerate(header)}
        for line, row in rows:
            if not any(c.strip() for c in row):
                continue
            batch.count()
            self._row(batch, line, row, index)
        return batch

    def _row(self, batch: ImportBatch, line: int, row: list[str], index: dict[str, int]) -> None:
        m = self.mapping

        def cell(col: str) -> str:
            i = index[col]
            return row[i].strip() if i < len(row) else ""

        where = f"line {line}"
        day = cell(m.date_column)
        try:
            at = _parse_when(day, cell(m.time_column) if m.time_column else None, m)
        except ValueError:
            batch.problem(where, m.date_column, f"{day!r} is not a date; row skipped")
            return
        scores: dict[str, float] = {}
        for col, target in m.columns.items():
            value = cell(col)
            if target.kind == "ignore" or value == "":
                continue
            key = f"{at.isoformat()}:{col}"[:256]
            try:
                if target.kind == "symptom":
                    scores[str(target.id)] = self._score(value, target)
                    continue
                entry = self._entry(target, value, at, key)
            except (InvalidInput, ValueError) as exc:
                field_ = exc.field if isinstance(exc, InvalidInput) else ""
                reason = exc.reason if isinstance(exc, InvalidInput) else str(exc)
                batch.problem(where, col + (f".{field_}" if field_ else ""), reason)
                continue
            if entry is not None:
                batch.add(entry)
        if scores:
            try:
                batch.add(
                    SymptomCheckin(
                        at=at,
                        scores=scores,
                        source=SOURCE,
                        source_key=f"{at.isoformat()}:symptoms",
                    )
                )
            except InvalidInput as exc:
                batch.problem(where, exc.field, exc.reason)

    @staticmethod
    def _number(value: str) -> float:
        try:
            return float(value.replace(",", ".") if value.count(",") == 1 else value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None

    def _score(self, value: str, target: ColumnTarget) -> float:
        x = self._number(value)
        if not target.scale_min <= x <= target.scale_max:
            raise ValueError(
                f"{x:g} is outside the column's scale {target.scale_min:g}-{target.scale_max:g}"
            )
        return round((x - target.scale_min) / (target.scale_max - target.scale_min) * 10, 3)

    def _entry(self, target: ColumnTarget, value: str, at: datetime, key: str) -> EntryBase | None:
        common: dict[str, Any] = {"at": at, "source": SOURCE, "source_key": key}
        if target.kind == "note":
            return Note(text=value[:20_000], **common)
        if target.kind == "measurement":
            metric = self.vocab.resolve("metric", str(target.id))
            unit = target.unit or self.vocab.metrics[metric].unit
            return Measurement(metric=metric, value=self._number(value), unit=unit, **common)
        if target.kind == "custom":
            if value.lower() in YES - {"1"}:
                return CustomValue(trackable=str(target.id), value=1, **common)
            return CustomValue(trackable=str(target.id), value=self._number(value), **common)
        # intake: an amount when the column has a unit, otherwise yes/no
        substance, form = self.vocab.resolve_substance(str(target.id))
        if target.unit:
            amount = self._number(value)
            if amount == 0:
                return Intake(substance=substance, form=form, status="skipped", **common)
            return Intake(substance=substance, form=form, amount=amount, unit=target.unit, **common)
        if value.lower() in NO:
            return Intake(substance=substance, form=form, status="skipped", **common)
        if value.lower() in YES:
            return Intake(substance=substance, form=form, status="taken_dose_unknown", **common)
        raise ValueError(f"{value!r}: expected yes/no (or give the column a unit for amounts)")
