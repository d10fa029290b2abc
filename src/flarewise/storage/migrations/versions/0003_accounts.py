"""Accounts for the web app: password hashes, server-side sessions, failed sign-ins.

Revision ID: 0003_accounts
Revises: 0002_experiments
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_accounts"
down_revision = "0002_experiments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_accounts"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_accounts_person_id_persons", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_sessions_person_id_persons", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_sessions_person_id", "sessions", ["person_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handle", sa.String(100), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_handle_at", "login_failures", ["handle", "at"])
    op.create_index("ix_login_failures_client_at", "login_failures", ["client", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_client_at", "login_failures")
    op.drop_index("ix_login_failures_handle_at", "login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_sessions_person_id", "sessions")
    op.drop_table("sessions")
    op.drop_table("accounts")
