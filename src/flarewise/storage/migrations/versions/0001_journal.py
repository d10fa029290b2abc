"""The journal: persons, entries, derived values, regimens, trackables.

Revision ID: 0001_journal
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_journal"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("handle", sa.String(100), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
        sa.UniqueConstraint("handle", name="uq_persons_handle"),
    )
    op.create_table(
        "entries",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at_utc", sa.DateTime(), nullable=False),
        sa.Column("utc_offset", sa.SmallInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("item", sa.String(64), nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_key", sa.String(256), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "id", name="pk_entries"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_entries_person_id_persons", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_entries_person_local_date", "entries", ["person_id", "local_date"])
    op.create_index(
        "uq_entries_person_source_key",
        "entries",
        ["person_id", "source", "source_key"],
        unique=True,
    )
    op.create_table(
        "entry_values",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("measure", sa.String(100), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "entry_id", "measure", name="pk_entry_values"),
        sa.ForeignKeyConstraint(
            ["person_id", "entry_id"],
            ["entries.person_id", "entries.id"],
            name="fk_entry_values_person_id_entries",
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_values",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(100), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("minimum", sa.Float(), nullable=False),
        sa.Column("maximum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "local_date", "measure", name="pk_daily_values"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_daily_values_person_id_persons",
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "regimens",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("substance", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("stop_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_key", sa.String(256), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "id", name="pk_regimens"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_regimens_person_id_persons", ondelete="CASCADE"
        ),
    )
    op.create_index(
        "uq_regimens_person_source_key",
        "regimens",
        ["person_id", "source", "source_key"],
        unique=True,
    )
    op.create_table(
        "trackables",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "id", name="pk_trackables"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_trackables_person_id_persons",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("trackables")
    op.drop_index("uq_regimens_person_source_key", table_name="regimens")
    op.drop_table("regimens")
    op.drop_table("daily_values")
    op.drop_table("entry_values")
    op.drop_index("uq_entries_person_source_key", table_name="entries")
    op.drop_index("ix_entries_person_local_date", table_name="entries")
    op.drop_table("entries")
    op.drop_table("persons")
