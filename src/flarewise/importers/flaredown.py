"""Flaredown CSV: the long research export and the wide in-app export
(``../shared/corpora/flaredown/FORMAT-NOTES.md`` describes both).

Mapping (documented in docs/imports.md):
- symptoms the vocabulary knows: a check-in score, the 0-4 severity rescaled to 0-10 (x 2.5) and
  the entry's comment says so; conditions and unknown symptoms: a custom 0-4 trackable each
  ("Flaredown: <name>"), and conditions the vocabulary knows also go into the profile;
- treatments: an intake of the substance the name matches, the free-text dose parsed where it can
  be ("8.0 mg", "3 x 5mg" = 15 mg); an empty dose is "taken, dose unknown" in the long export.
  In the wide export an empty cell also means "not tracked", so empty cells record nothing;
- tags and foods: a yes/no trackable per name, so they can be screened as triggers; foods the
  vocabulary knows also become a meal;
- weather: a number trackable per field, and the summary (``rain``) as a yes/no trackable;
- HBI answers and unknown types: number trackables (or a note, when not numeric).
A check-in has a date but no time: entries are placed at noon UTC so they stay on that date.
The research export holds many people; the reader imports one (``user``) and refuses to guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

from flarewise.domain.entries import CustomValue, Intake, Meal, Note, SymptomCheckin
from flarewise.domain.profile import Condition
from flarewise.domain.trackables import Trackable
from flarewise.domain.units import parse_unit
from flarewise.errors import FlarewiseError, InvalidInput
from flarewise.importers.report import ImportBatch
from flarewise.importers.text import csv_rows
from flarewise.knowledge.vocabulary import Vocabulary

SOURCE = "flaredown"
LONG_HEADER = [
    "user_id",
    "age",
    "sex",
    "country",
    "checkin_date",
    "trackable_id",
    "trackable_type",
    "trackable_name",
    "trackable_value",
]
WEATHER_WIDE = {
    "Weather summary": "icon",
    "Weather max temperature": "temperature_max",
    "Weather min temperature": "temperature_min",
    "Weather pressure": "pressure",
    "Weather precipitation intensity": "precip_intensity",
    "Weather humidity": "humidity",
}
SCALE = 2.5  # Flaredown 0-4 to flarewise 0-10
_DOSE = re.compile(
    r"^\s*(?:(?P<n>\d+(?:\.\d+)?)\s*[x×*]\s*)?(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>[A-Za-zµμ]+)?"
    r"\s*(?:[x×*]\s*(?P<m>\d+(?:\.\d+)?))?\s*$"
)


class FlaredownError(FlarewiseError):
    """The file cannot be read as a Flaredown export."""


def parse_dose(text: str) -> tuple[float, str] | None:
    """``"8.0 mg"`` -> (8.0, "mg"); ``"3 x 5mg"`` -> (15.0, "mg"); None when not a dose."""
    m = _DOSE.match(text or "")
    if not m or not m.group("unit"):
        return None
    try:
        unit = parse_unit(m.group("unit")).code
    except ValueError:
        return None
    amount = float(m.group("amount").replace(",", "."))
    times = float(m.group("n") or 1) * float(m.group("m") or 1)
    total = amount * times
    return (total, unit) if total > 0 else None


def is_long(header: list[str]) -> bool:
    return [h.strip() for h in header] == LONG_HEADER


def is_wide(header: list[str]) -> bool:
    names = [h.strip() for h in header]
    return bool(names) and names[0] == "Date" and "Tags" in names and "Foods" in names


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s[:40] or "unnamed"


def _day(text: str) -> datetime:
    return datetime.combine(date.fromisoformat(text.strip()), time(12), tzinfo=UTC)


class FlaredownReader:
    def __init__(self, vocab: Vocabulary, user: str | None = None) -> None:
        self.vocab = vocab
        self.user = user
        self.empty_cells = 0  # wide-export treatment cells left empty, in the current read

    # -- shared mapping ----------------------------------------------------------------------

    def _trackable(
        self,
        batch: ImportBatch,
        group: str,
        name: str,
        value_type: str,
        *,
        maximum: float | None = None,
        worse: bool | None = None,
    ) -> str:
        tid = f"fd_{_slug(group)}_{_slug(name)}"[:64]
        if tid not in batch.trackables:
            batch.trackables[tid] = Trackable(
                id=tid,
                name=f"Flaredown {group}: {name}"[:200],
                value_type=value_type,
                minimum=0 if value_type == "scale" else None,
                maximum=maximum,
                higher_is_worse=worse,
                description="Created by a Flaredown import.",
            )
        return tid

    def _resolve(self, kind: str, name: str) -> str | None:
        try:
            return self.vocab.resolve(kind, name)  # type: ignore[arg-type]
        except InvalidInput:
            return None

    def _substance(self, name: str) -> tuple[str, str | None] | None:
        try:
            return self.vocab.resolve_substance(name)
        except InvalidInput:
            return None

    def one(
        self,
        batch: ImportBatch,
        where: str,
        at: datetime,
        kind: str,
        name: str,
        value: str,
        key: str,
        *,
        wide: bool = False,
    ) -> None:
        """Map one (type, name, value) of a check-in."""
        name, value = name.strip(), value.strip()
        common = {"at": at, "source": SOURCE, "source_key": key}
        kind = kind.strip().lower()
        if kind in ("condition", "symptom"):
            if value == "":
                return
            try:
                severity = float(value)
            except ValueError:
                batch.problem(where, "trackable_value", f"{value!r} is not a 0-4 severity")
                return
            if not 0 <= severity <= 4:
                batch.problem(where, "trackable_value", f"{value} is outside Flaredown's 0-4")
                return
            symptom = self._resolve("symptom", name) if kind == "symptom" else None
            if symptom is not None:
                batch.add(
                    SymptomCheckin(
                        scores={symptom: severity * SCALE},
                        comment=f"Flaredown severity {severity:g}/4, rescaled to 0-10",
                        **common,
                    )
                )
                return
            if kind == "condition":
                found = self._resolve("condition", name)
                if found is not None and all(c.condition != found for c in batch.conditions):
                    batch.conditions.append(Condition(condition=found))
            tid = self._trackable(batch, kind, name, "scale", maximum=4, worse=True)
            batch.add(CustomValue(trackable=tid, value=severity, **common))
        elif kind == "treatment":
            self._treatment(batch, where, name, value, common, wide)
        elif kind in ("tag", "food"):
            if kind == "food" and (food := self._resolve("food", name)) is not None:
                batch.add(Meal(foods=({"food": food},), **common))
                return
            tid = self._trackable(batch, kind, name, "yes_no")
            batch.add(CustomValue(trackable=tid, value=1, **common))
        elif kind == "weather":
            self._weather(batch, where, name, value, common)
        else:
            self._other(batch, kind, name, value, common)

    def _treatment(
        self,
        batch: ImportBatch,
        where: str,
        name: str,
        value: str,
        common: dict[str, object],
        wide: bool,
    ) -> None:
        if wide and value == "":
            self.empty_cells += 1
            return
        found = self._substance(name)
        if found is None:
            batch.problem(
                where,
                "trackable_name",
                f"{name!r} is not a medicine or supplement flarewise knows; add it by hand "
                "if it matters",
            )
            return
        substance, form = found
        dose = parse_dose(value) if value else None
        if value and dose is None:
            batch.problem(
                where,
                "trackable_value",
                f"dose {value!r} could not be read; recorded as taken, dose unknown",
            )
        batch.add(
            Intake(
                substance=substance,
                form=form,
                status="taken" if dose else "taken_dose_unknown",
                amount=dose[0] if dose else None,
                unit=dose[1] if dose else None,
                comment=f"Flaredown dose: {value}" if value else None,
                **common,
            )
        )

    def _weather(
        self, batch: ImportBatch, where: str, name: str, value: str, common: dict[str, object]
    ) -> None:
        if value == "":
            return
        if name == "icon":
            tid = self._trackable(batch, "weather", value, "yes_no")
            batch.add(CustomValue(trackable=tid, value=1, **common))
            return
        try:
            number = float(value)
        except ValueError:
            batch.problem(where, "trackable_value", f"weather {name} {value!r} is not a number")
            return
        tid = self._trackable(batch, "weather", name, "number")
        batch.add(CustomValue(trackable=tid, value=number, **common))

    def _other(
        self, batch: ImportBatch, kind: str, name: str, value: str, common: dict[str, object]
    ) -> None:
        try:
            number = float(value)
        except ValueError:
            text = f"Flaredown {kind} {name}" + (f": {value}" if value else "")
            batch.add(Note(text=text[:20_000], **common))
            return
        tid = self._trackable(batch, kind, name, "number")
        batch.add(CustomValue(trackable=tid, value=number, **common))

    # -- files -------------------------------------------------------------------------------

    def read(self, path: Path, batch: ImportBatch | None = None) -> ImportBatch:
        batch = batch or ImportBatch(path.name)
        batch.total_bytes = path.stat().st_size
        self.empty_cells = 0
        with path.open("rb") as raw:
            rows = csv_rows(raw, batch, header=path.name)
            header = next(rows, None)
            if header is None:
                raise FlaredownError(f"{path.name}: the file is empty")
            if is_long(header[1]):
                batch.format = "flaredown-long"
                user = self.user or self._only_user(path)
                self._long(rows, batch, user)
            elif is_wide(header[1]):
                batch.format = "flaredown-wide"
                self._wide(rows, header[1], batch)
            else:
                raise FlaredownError(
                    f"{path.name}: the header is neither Flaredown's research export nor its "
                    "in-app export"
                )
        batch.done_bytes = batch.total_bytes
        if self.empty_cells:
            batch.problem(
                f"{self.empty_cells} empty treatment cells",
                "",
                "not recorded: in this export an empty cell means either 'not tracked' or "
                "'taken without a dose', and flarewise will not guess which",
            )
        return batch

    def _only_user(self, path: Path) -> str | None:
        users: dict[str, int] = {}
        with path.open("rb") as raw:
            rows = csv_rows(raw, None)
            next(rows, None)
            for _, row in rows:
                if row:
                    users[row[0]] = users.get(row[0], 0) + 1
                    if len(users) > 1:
                        break
        if len(users) > 1:
            raise FlaredownError(
                f"{path.name}: this research export holds check-ins of more than one person; "
                "choose whose to import with --user (for example "
                f"--user '{next(iter(users))}')"
            )
        return next(iter(users), None)

    def _long(
        self, rows: Iterator[tuple[int, list[str]]], batch: ImportBatch, user: str | None
    ) -> None:
        for line, row in rows:
            batch.count()
            where = f"line {line}"
            if len(row) != len(LONG_HEADER):
                batch.problem(where, "", f"{len(row)} columns where the header has 9; skipped")
                continue
            uid, _age, _sex, _country, day, tid, kind, name, value = row
            if user is not None and uid != user:
                continue
            try:
                at = _day(day)
            except ValueError:
                batch.problem(where, "checkin_date", f"{day!r} is not a date like 2017-04-28")
                continue
            key = f"{uid}:{day.strip()}:{kind.strip()}:{tid.strip()}:{name.strip()}"[:256]
            if kind.strip().lower() == "weather":
                key = f"{uid}:{day.strip()}:weather:{name.strip()}"[:256]
            try:
                self.one(batch, where, at, kind, name, value, key)
            except InvalidInput as exc:
                batch.problem(where, exc.field, exc.reason)

    def _wide(
        self,
        rows: Iterator[tuple[int, list[str]]],
        header: list[str],
        batch: ImportBatch,
    ) -> None:
        names = [h.strip() for h in header]
        for line, row in rows:
            batch.count()
            where = f"line {line}"
            if not row or not row[0].strip():
                continue
            try:
                at = _day(row[0])
            except ValueError:
                batch.problem(where, "Date", f"{row[0]!r} is not a date like 2017-04-28")
                continue
            day = row[0].strip()
            for col, (name, cell) in enumerate(zip(names[1:], row[1:], strict=False), start=1):
                cell = cell.strip()
                key = f"wide:{day}:{col}:{name}"[:256]
                try:
                    if name in ("Tags", "Foods"):
                        for i, item in enumerate(p for p in cell.split(";") if p.strip()):
                            kind = "tag" if name == "Tags" else "food"
                            self.one(batch, where, at, kind, item, "", f"{key}:{i}:{item.strip()}")
                    elif name in WEATHER_WIDE:
                        self.one(batch, where, at, "weather", WEATHER_WIDE[name], cell, key)
                    else:
                        self._wide_cell(batch, f"{where}, column {name!r}", at, name, cell, key)
                except InvalidInput as exc:
                    batch.problem(where, f"{name}.{exc.field}", exc.reason)

    def _wide_cell(
        self, batch: ImportBatch, where: str, at: datetime, name: str, cell: str, key: str
    ) -> None:
        """A condition, symptom or treatment column: the header alone does not say which, so
        the vocabulary and the cell decide (a 0-4 number is a severity, text is a dose)."""
        if self._substance(name) is not None and not re.fullmatch(r"[0-4]", cell):
            self.one(batch, where, at, "treatment", name, cell, key, wide=True)
            return
        if cell == "":
            return
        kind = "symptom" if self._resolve("condition", name) is None else "condition"
        self.one(batch, where, at, kind, name, cell, key)


__all__ = ["FlaredownError", "FlaredownReader", "parse_dose"]
