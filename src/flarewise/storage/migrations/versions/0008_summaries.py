"""One packed row per person and day (``daily_summaries``), filled from ``daily_values``.

Why: a year of daily summaries read ~16,000 per-(day, measure) rows (issue 17); packed one day
to a row it is ~365. Also an index on entries by kind: the plan and timeline pages read the
labs and assessments on every view, which scanned every entry of the person (7 ms of a plan page
on a demo year under load, growing with the years). See storage/summaries.py for the format
(repeated here, so this migration keeps writing what it wrote when the module changes).

Revision ID: 0008_summaries
Revises: 0003_accounts
Create Date: 2026-11-26
"""

import struct
from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008_summaries"
down_revision = "0007_jobs"
branch_labels = None
depends_on = None

_entries = sa.table("entries", sa.column("person_id", sa.Integer), sa.column("local_date", sa.Date))
_values = sa.table(
    "daily_values",
    sa.column("person_id", sa.Integer),
    sa.column("local_date", sa.Date),
    sa.column("measure", sa.String),
    sa.column("n", sa.Integer),
    sa.column("total", sa.Float),
    sa.column("minimum", sa.Float),
    sa.column("maximum", sa.Float),
)
_summaries = sa.table(
    "daily_summaries",
    sa.column("person_id", sa.Integer),
    sa.column("local_date", sa.Date),
    sa.column("entries", sa.Integer),
    sa.column("measures", sa.Text),
    sa.column("stats", sa.LargeBinary),
)
#: n, total, mean, minimum, maximum per measure, in the order of the names.
_STATS = struct.Struct("<qdddd")


def upgrade() -> None:
    op.create_table(
        "daily_summaries",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("stats", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "local_date", name="pk_daily_summaries"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_daily_summaries_person_id_persons",
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_entries_person_kind_at_utc", "entries", ["person_id", "kind", "at_utc"], unique=False
    )
    conn = op.get_bind()
    batch: list[dict[str, Any]] = []
    for row in _backfill(conn):
        batch.append(row)
        if len(batch) >= 1000:
            conn.execute(_summaries.insert(), batch)
            batch = []
    if batch:
        conn.execute(_summaries.insert(), batch)


def _backfill(conn: sa.Connection) -> Iterator[dict[str, Any]]:
    """Every stored person-day with its entry count and measures, one person at a time (so a
    large database's aggregates are never all in memory at once)."""
    people = conn.execute(sa.select(_entries.c.person_id).distinct()).scalars().all()
    for pid in sorted(people):
        counts = conn.execute(
            sa.select(_entries.c.local_date, sa.func.count())
            .where(_entries.c.person_id == pid)
            .group_by(_entries.c.local_date)
        ).all()
        packed: dict[date, dict[str, tuple[Any, ...]]] = {}
        rows = conn.execute(
            sa.select(_values.c.local_date, _values.c.measure, _values.c.n, _values.c.total)
            .add_columns(_values.c.minimum, _values.c.maximum)
            .where(_values.c.person_id == pid)
            .order_by(_values.c.local_date, _values.c.measure)
        )
        for day, measure, n, total, lo, hi in rows:
            packed.setdefault(day, {})[measure] = (n, total, total / n, lo, hi)
        for day, n in sorted(counts):
            yield {
                "person_id": pid,
                "local_date": day,
                "entries": n,
                "measures": "\n".join(packed.get(day, {})),
                "stats": b"".join(_STATS.pack(*v) for v in packed.get(day, {}).values()),
            }


def downgrade() -> None:
    op.drop_table("daily_summaries")
    op.drop_index("ix_entries_person_kind_at_utc", table_name="entries")
