"""Backup, export and restore of one journal: the versioned JSON backup (written atomically,
restored all or nothing, a file read piece by piece), tidy CSV and the FHIR document. Kept apart
from the facade; the Journal's methods of the same names delegate here."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic

from flarewise.domain import json_text
from flarewise.domain.backup import Backup, StoredEntry
from flarewise.domain.base import translate
from flarewise.domain.profile import POPULATIONS, Profile
from flarewise.domain.trackables import Trackable
from flarewise.errors import BackupError, Conflict
from flarewise.journal import reminders
from flarewise.knowledge import check_profile, check_regimen
from flarewise.storage import audit as audit_rows
from flarewise.storage import notes as note_rows

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from flarewise.journal import Journal, Progress
    from flarewise.storage.rows import Measure


def export_backup(j: Journal) -> Backup:
    """Everything of this person as one versioned document (see domain/backup.py)."""
    with j.db.begin() as conn:
        stored = list(j._repo.iter_stored(conn, j._repo.select_entries()))
        regimens = j._repo.list_regimens(conn)
        profile = Profile.model_validate(j._repo.get_profile(conn))
        trackables = [Trackable.model_validate(d) for d in j._repo.list_trackables(conn)]
        protocols = j._repo.list_experiments(conn)
        audit = audit_rows.records(conn, j._repo.pid)
        notes = note_rows.records(conn, j._repo.pid)
    chosen = reminders.settings(j)
    return Backup.model_construct(
        format="flarewise-journal",
        version=1,
        exported_at=datetime.now(UTC),
        person=j.handle,
        profile=profile,
        trackables=tuple(trackables),
        regimens=tuple(regimens),
        entries=tuple(stored),
        experiments=tuple(protocols),
        reminders=chosen,
        audit=tuple(audit),
        notes=tuple(notes),
    )


def export_json(j: Journal, path: str | os.PathLike[str]) -> int:
    """Write the backup to ``path`` atomically; returns the number of entries written."""
    backup = j.export_backup()
    _write_atomically(path, lambda fh: fh.write(backup.model_dump_json(indent=1)))
    return len(backup.entries)


def export_csv(j: Journal, path: str | os.PathLike[str]) -> int:
    """Tidy CSV, one row per entry (see exporters/tidy_csv.py); returns the row count."""
    from flarewise import exporters  # imported on use: start-up stays light

    query = j._repo.select_entries()
    rows = 0

    def write(fh: Any) -> None:
        nonlocal rows
        with j.db.begin() as conn:
            rows = exporters.write_tidy_csv(j._repo.iter_entries(conn, query), fh)

    _write_atomically(path, write)
    return rows


def export_fhir(j: Journal, path: str | os.PathLike[str]) -> int:
    """A FHIR R4 document Bundle of the journal (labs, measurements, check-ins whole with
    their body maps, assessments, intakes, medicines with their dose steps, conditions,
    and the diary's meals, notes, sleep, activity, events and custom values) with a
    Composition and the Patient (exporters/fhir_document.py); returns the number of
    resources. Importing it gives back the same entries."""
    from flarewise import exporters  # imported on use: start-up stays light

    backup = j.export_backup()
    v = j.vocabulary
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
        person=exporters.Person(j.handle, profile.display_name, profile.birth_year, profile.sex),
        timestamp=backup.exported_at.isoformat(),
        populations={n: getattr(profile, n) for n in POPULATIONS},
        trackables={t.id: t for t in backup.trackables},
    )
    _write_atomically(path, lambda fh: fh.write(json.dumps(bundle, indent=1)))
    return len(bundle["entry"])


def restore(
    j: Journal, backup: Backup, *, replace: bool = False, progress: Progress | None = None
) -> int:
    """Load a backup into this journal in one transaction.

    Refuses a journal that already holds data unless ``replace`` (then the old content is
    removed in the same transaction, so a failed restore leaves it untouched).
    """
    trackables = {t.id: t for t in backup.trackables}
    check_profile(j.vocabulary, backup.profile)
    for regimen in backup.regimens:
        check_regimen(j.vocabulary, regimen)
    prepared: list[tuple[StoredEntry, Sequence[Measure]]] = []
    for i, stored in enumerate(backup.entries):
        entry, measures = j._prepare(
            stored.entry, trackables, allow_unknown_analytes=True, field=f"entries[{i}].entry"
        )
        prepared.append((stored.model_copy(update={"entry": entry}), measures))
    ids = [s.entry.id for s, _ in prepared]
    if len(set(ids)) != len(ids):
        raise BackupError("the backup lists the same entry id twice; it was not restored")
    with j.db.begin() as conn:
        _replace_content(j, conn, backup, replace)
        step = 5000
        for start in range(0, len(prepared), step):
            j._repo.insert_stored(conn, prepared[start : start + step])
            if progress is not None:
                progress(min(start + step, len(prepared)))
    return len(prepared)


def restore_json(
    j: Journal,
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
    check_profile(j.vocabulary, meta.profile)
    for regimen in meta.regimens:
        check_regimen(j.vocabulary, regimen)
    step = 2000
    done = 0
    writing = False
    try:
        with j.db.begin() as conn:
            _replace_content(j, conn, meta, replace)
            writing = True
            batch: list[tuple[StoredEntry, Sequence[Measure]]] = []
            with j.db.low_memory(conn):
                for i, raw in enumerate(backup_stream.iter_entries(path, name)):
                    batch.append(_restored_entry(j, raw, i, name, trackables))
                    if len(batch) >= step:
                        j._repo.insert_stored(conn, batch)
                        done += len(batch)
                        batch = []
                        if progress is not None:
                            progress(done)
                j._repo.insert_stored(conn, batch)
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
    j: Journal, raw: Any, i: int, name: str, trackables: dict[str, Trackable]
) -> tuple[StoredEntry, Sequence[Measure]]:
    """One backup entry, validated and checked as :meth:`restore` checks it."""
    try:
        stored = StoredEntry.model_validate(raw)
    except pydantic.ValidationError as exc:
        err = translate(exc, where=name, prefix=f"entries[{i}]")
        raise BackupError(f"{err}. Nothing was restored.") from None
    entry, measures = j._prepare(
        stored.entry, trackables, allow_unknown_analytes=True, field=f"entries[{i}].entry"
    )
    return stored.model_copy(update={"entry": entry}), measures


def _replace_content(j: Journal, conn: Connection, meta: Backup, replace: bool) -> None:
    """Clear the journal (only an empty one unless ``replace``) and write the backup's profile,
    trackables, regimens and experiments, inside the caller's transaction."""
    has_data = j._repo.count_entries(conn) > 0 or j._repo.list_regimens(conn)
    if has_data and not replace:
        raise Conflict(
            f"the journal {j.handle!r} already holds data; restore into an empty "
            "journal, or pass --replace to overwrite it"
        )
    j._repo.wipe(conn)
    j._repo.put_profile(conn, meta.profile.model_dump(mode="json", exclude_none=True))
    for t in meta.trackables:
        j._repo.put_trackable(conn, t.id, t.model_dump(mode="json"))
    for r in meta.regimens:
        j._repo.put_regimen(conn, r)
    for x in meta.experiments:
        j._repo.put_experiment(conn, x)
    if meta.reminders is not None:
        reminders.put_settings(j, conn, meta.reminders)
    audit_rows.append_missing(conn, j._repo.pid, meta.audit)
    note_rows.append_missing(conn, j._repo.pid, meta.notes)


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
