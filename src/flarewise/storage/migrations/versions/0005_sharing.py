"""Clinics: roles on accounts, invitations, grants, the append-only audit log, clinician notes,
and the clinic list's cache of each person's report summary.

The audit log refuses UPDATE always, and DELETE while the person it belongs to exists (so the
only way a row goes is with its person, when they delete their account): a trigger on SQLite
and on PostgreSQL, so no code path of the app, nor a mistake in one, can edit it.

Revision ID: 0005_sharing
Revises: 0003_accounts
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sharing"
down_revision = "0004_reminders"
branch_labels = None
depends_on = None

_REFUSED = "the audit log is append-only"

_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    WHEN EXISTS (SELECT 1 FROM persons WHERE persons.id = OLD.owner_id)
    BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END""",
)

_PG_FUNCTION = f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM persons WHERE persons.id = OLD.owner_id) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '{_REFUSED}';
END
$$ LANGUAGE plpgsql"""

_PG_TRIGGERS = (
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
)


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="person"))
        batch.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("code_hash", name="uq_invitations_code_hash"),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["persons.id"], name="fk_invitations_owner_id_persons", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_invitations_owner_id", "invitations", ["owner_id"])
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_access_at", sa.DateTime(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.Column("seen", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_grants"),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["persons.id"], name="fk_grants_owner_id_persons", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["persons.id"],
            name="fk_grants_clinician_id_persons",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_grants_owner_id", "grants", ["owner_id"])
    op.create_index("ix_grants_clinician_id", "grants", ["clinician_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("what", sa.String(200), nullable=False),
        sa.Column("via", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_owner_id_at", "audit_log", ["owner_id", "at"])
    op.create_table(
        "clinician_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("clinician", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.String(4000), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clinician_notes"),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["persons.id"],
            name="fk_clinician_notes_owner_id_persons",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_clinician_notes_owner_id", "clinician_notes", ["owner_id"])
    op.create_table(
        "report_summaries",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(300), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_report_summaries"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_report_summaries_person_id_persons",
            ondelete="CASCADE",
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for statement in _PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("report_summaries")
    op.drop_index("ix_clinician_notes_owner_id", "clinician_notes")
    op.drop_table("clinician_notes")
    op.drop_index("ix_audit_log_owner_id_at", "audit_log")
    op.drop_table("audit_log")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_index("ix_grants_clinician_id", "grants")
    op.drop_index("ix_grants_owner_id", "grants")
    op.drop_table("grants")
    op.drop_index("ix_invitations_owner_id", "invitations")
    op.drop_table("invitations")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("disabled_at")
        batch.drop_column("role")
