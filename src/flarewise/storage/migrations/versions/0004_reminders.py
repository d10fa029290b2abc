"""Reminders: the check-in time and the secret calendar feed (only its token's SHA-256).

Revision ID: 0004_reminders
Revises: 0003_accounts
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_reminders"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("checkin_time", sa.String(5), nullable=False),
        sa.Column("calendar_key", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("feed_created_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_reminders"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_reminders_person_id_persons", ondelete="CASCADE"
        ),
    )
    op.create_index("uq_reminders_token_hash", "reminders", ["token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_reminders_token_hash", "reminders")
    op.drop_table("reminders")
