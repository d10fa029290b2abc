"""Two-factor sign-in (TOTP secret, last step used, hashed recovery codes, pending sign-ins
awaiting their code) and the sessions' last-seen time and browser, so they can be listed.

Revision ID: 0006_twofactor
Revises: 0004_reminders
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_twofactor"
down_revision = "0005_sharing"
branch_labels = None
depends_on = None


def _person(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"], ["persons.id"], name=f"fk_{table}_person_id_persons", ondelete="CASCADE"
    )


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("user_agent", sa.String(200), nullable=True))
    op.create_table(
        "two_factor",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("enabled_at", sa.DateTime(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("person_id", name="pk_two_factor"),
        _person("two_factor"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_codes"),
        _person("recovery_codes"),
    )
    op.create_index("ix_recovery_codes_person_id", "recovery_codes", ["person_id"])
    op.create_table(
        "pending_signins",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_pending_signins"),
        _person("pending_signins"),
    )
    op.create_index("ix_pending_signins_person_id", "pending_signins", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_signins_person_id", "pending_signins")
    op.drop_table("pending_signins")
    op.drop_index("ix_recovery_codes_person_id", "recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("two_factor")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("user_agent")
        batch.drop_column("last_seen_at")
