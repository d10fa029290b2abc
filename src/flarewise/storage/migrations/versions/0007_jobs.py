"""Jobs: imports (and reports) queued in the database, so any worker process can run one and
any process can show its progress.

Revision ID: 0007_jobs
Revises: 0004_reminders
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_jobs"
down_revision = "0006_twofactor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("file", sa.String(200), nullable=False),
        sa.Column("folder", sa.String(1000), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("done_bytes", sa.BigInteger(), nullable=False),
        sa.Column("total_bytes", sa.BigInteger(), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("output", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("worker", sa.String(100), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_jobs_person_id_persons", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_jobs_status_created_at", "jobs", ["status", "created_at"])
    op.create_index("ix_jobs_person_id", "jobs", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_person_id", "jobs")
    op.drop_index("ix_jobs_status_created_at", "jobs")
    op.drop_table("jobs")
