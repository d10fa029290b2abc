"""Personal experiments (n-of-1 protocols).

Revision ID: 0002_experiments
Revises: 0001_journal
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_experiments"
down_revision = "0001_journal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "id", name="pk_experiments"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_experiments_person_id_persons",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("experiments")
