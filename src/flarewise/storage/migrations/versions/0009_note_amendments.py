"""Clinician notes can be amended by their author: an amendment is a new note that names the
one it corrects (``amends``), so the corrected text stays in the record, shown as superseded.
Unique: a note is amended once; a later correction amends the amendment.

Revision ID: 0009_note_amendments
Revises: 0008_summaries
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_note_amendments"
down_revision = "0008_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clinician_notes") as batch:
        batch.add_column(sa.Column("amends", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_clinician_notes_amends_clinician_notes",
            "clinician_notes",
            ["amends"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_clinician_notes_amends", ["amends"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("clinician_notes") as batch:
        batch.drop_index("ix_clinician_notes_amends")
        batch.drop_constraint("fk_clinician_notes_amends_clinician_notes", type_="foreignkey")
        batch.drop_column("amends")
