"""The relational schema. Changes go through an Alembic migration in ``migrations/versions``.

Layout: ``persons`` (one row per person, profile as JSON), ``entries`` (one row per logged entry:
typed header columns plus the kind-specific fields as JSON), ``entry_values`` (numeric facts
derived from each entry: the long table analysis reads), ``daily_values`` (those facts
aggregated per local date and measure, kept current in the same transaction as every write),
``daily_summaries`` (one row per local date packing that day's entry count and every measure's
aggregates, so a year of daily summaries is ~365 rows; see storage/summaries.py), ``regimens``
and ``trackables``. Every per-person
table keys on ``person_id`` first, so each query is scoped to one person by its index.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy import (
    false as sa_false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handle", String(100), nullable=False, unique=True),
    Column("profile", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

entries = Table(
    "entries",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("at_utc", DateTime, nullable=False),
    Column("utc_offset", SmallInteger, nullable=False),
    Column("local_date", Date, nullable=False),
    Column("item", String(64), nullable=True),
    Column("source", String(64), nullable=False),
    Column("source_key", String(256), nullable=True),
    Column("data", JSON, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_entries_person_local_date", "person_id", "local_date"),
    #: labs, assessments, doses by kind without reading every entry of the person (the plan
    #: and timeline pages read them on every view; migration 0008_summaries)
    Index("ix_entries_person_kind_at_utc", "person_id", "kind", "at_utc"),
    Index("uq_entries_person_source_key", "person_id", "source", "source_key", unique=True),
)

entry_values = Table(
    "entry_values",
    metadata,
    Column("person_id", Integer, primary_key=True),
    Column("entry_id", String(64), primary_key=True),
    Column("measure", String(100), primary_key=True),
    Column("local_date", Date, nullable=False),
    Column("value", Float, nullable=False),
    ForeignKeyConstraint(
        ["person_id", "entry_id"], ["entries.person_id", "entries.id"], ondelete="CASCADE"
    ),
    sqlite_with_rowid=False,
)

daily_values = Table(
    "daily_values",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("local_date", Date, primary_key=True),
    Column("measure", String(100), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("total", Float, nullable=False),
    Column("minimum", Float, nullable=False),
    Column("maximum", Float, nullable=False),
    sqlite_with_rowid=False,
)

daily_summaries = Table(
    "daily_summaries",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("local_date", Date, primary_key=True),
    Column("entries", Integer, nullable=False),
    #: the day's measure names, one a line; ``stats`` their statistics (storage/summaries.py)
    Column("measures", Text, nullable=False),
    Column("stats", LargeBinary, nullable=False),
    sqlite_with_rowid=False,
)

regimens = Table(
    "regimens",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("substance", String(64), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("stop_date", Date, nullable=True),
    Column("source", String(64), nullable=False),
    Column("source_key", String(256), nullable=True),
    Column("data", JSON, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("uq_regimens_person_source_key", "person_id", "source", "source_key", unique=True),
)

trackables = Table(
    "trackables",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
)

experiments = Table(
    "experiments",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("data", JSON, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("password_changed_at", DateTime, nullable=False),
    #: person, clinician or admin (flarewise.accounts.ROLES)
    Column("role", String(16), nullable=False, server_default="person"),
    #: set while an administrator has disabled the account: it cannot sign in
    Column("disabled_at", DateTime, nullable=True),
    #: a temporary password set by an administrator: it must be changed at the next sign-in
    Column("must_change_password", Boolean, nullable=False, server_default=sa_false()),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    # when the session last answered a request (updated at most once a minute) and a short
    # description of the browser that made it: what the person sees to choose what to revoke
    Column("last_seen_at", DateTime, nullable=True),
    Column("user_agent", String(200), nullable=True),
    Index("ix_sessions_person_id", "person_id"),
)

two_factor = Table(
    "two_factor",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    # the TOTP secret (base32); shown once, at enrolment (flarewise/twofactor.py says why plain)
    Column("secret", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    # NULL until a first code confirms the enrolment: only then is the second step asked
    Column("enabled_at", DateTime, nullable=True),
    # the last TOTP time step accepted: a code of that step or an earlier one is a replay
    Column("last_step", Integer, nullable=True),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    # SHA-256 of the code (the code itself is shown once)
    Column("code_hash", String(64), nullable=False),
    Column("used_at", DateTime, nullable=True),
    Index("ix_recovery_codes_person_id", "person_id"),
)

pending_signins = Table(
    "pending_signins",
    metadata,
    # SHA-256 of the token of a sign-in whose password was right and whose code is awaited
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Index("ix_pending_signins_person_id", "person_id"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handle", String(100), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_login_failures_handle_at", "handle", "at"),
    Index("ix_login_failures_client_at", "client", "at"),
)

reminders = Table(
    "reminders",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("checkin_time", String(5), nullable=False),
    # random, made once: the calendar feed's event UIDs stay stable when the feed is re-created
    Column("calendar_key", String(32), nullable=False),
    # SHA-256 of the feed's secret token (the token itself is never stored); NULL: no feed
    Column("token_hash", String(64), nullable=True),
    Column("feed_created_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("uq_reminders_token_hash", "token_hash", unique=True),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    #: SHA-256 of the one-time code; the code itself is shown once and never stored
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("scope", String(16), nullable=False),
    Column("until", Date, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime, nullable=True),
    Index("ix_invitations_owner_id", "owner_id"),
)

grants = Table(
    "grants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("clinician_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("until", Date, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Column("last_access_at", DateTime, nullable=True),
    #: when the clinician last opened the person's page, and what it showed then (red flags,
    #: warnings, FIQR): the clinic list says what changed since
    Column("seen_at", DateTime, nullable=True),
    Column("seen", JSON, nullable=True),
    Index("ix_grants_owner_id", "owner_id"),
    Index("ix_grants_clinician_id", "clinician_id"),
)

#: Append-only (a trigger refuses UPDATE and DELETE while the owner exists; see migration
#: 0005_sharing). No foreign keys: a row outlives the clinician it names.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", Integer, nullable=False),
    Column("actor_id", Integer, nullable=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(16), nullable=False),
    Column("what", String(200), nullable=False),
    Column("via", String(300), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_audit_log_owner_id_at", "owner_id", "at"),
)

clinician_notes = Table(
    "clinician_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("clinician", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("text", String(4000), nullable=False),
    #: the note this one amends (its author's correction): the amended note stays, superseded
    Column(
        "amends",
        Integer,
        ForeignKey("clinician_notes.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Index("ix_clinician_notes_owner_id", "owner_id"),
    Index("ix_clinician_notes_amends", "amends", unique=True),
)

#: The last "what a clinician would see" summary of a person's report (alerts, FIQR), with the
#: fingerprint of the journal it was read from: the clinic list reads it again only after the
#: journal changed (a cache: deleting a row loses nothing).
report_summaries = Table(
    "report_summaries",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("fingerprint", String(300), nullable=False),
    Column("summary", JSON, nullable=False),
    Column("computed_at", DateTime, nullable=False),
)

#: Long work (imports, reports) queued for whichever worker process claims it first; progress
#: and the outcome live here so any process can show them (see :mod:`flarewise.jobs`).
jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    # queued -> running -> done | failed
    Column("status", String(10), nullable=False),
    # the uploaded file's (safe) name, shown on the page
    Column("file", String(200), nullable=False),
    # where the upload waits for a worker: a folder every worker can read (FLAREWISE_UPLOAD_DIR)
    Column("folder", String(1000), nullable=False),
    Column("options", JSON, nullable=False),
    Column("records", BigInteger, nullable=False),
    Column("done_bytes", BigInteger, nullable=False),
    Column("total_bytes", BigInteger, nullable=False),
    Column("rate", Integer, nullable=False),
    Column("result", JSON, nullable=True),
    # the file a job made (a visit report's PDF), fetched by its owner from any process
    Column("output", LargeBinary, nullable=True),
    Column("error", Text, nullable=True),
    Column("attempts", SmallInteger, nullable=False),
    # the process that holds the job, and until when: a worker that dies stops renewing it
    Column("worker", String(100), nullable=True),
    Column("lease_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    Index("ix_jobs_status_created_at", "status", "created_at"),
    Index("ix_jobs_person_id", "person_id"),
)

#: Tables holding one person's journal, in the order a wipe (restore, demo) must delete them.
PERSON_TABLES = (
    daily_summaries,
    daily_values,
    entry_values,
    entries,
    regimens,
    trackables,
    experiments,
)
#: The person's account, sessions, two factors, jobs and reminder feed: removed only when the
#: person is deleted (a restore or a demo rewrite keeps them; the reminder settings travel in the
#: backup, the credentials never do). Invitations, grants and clinician notes go with the person
#: row, by their foreign keys' cascade.
ACCOUNT_TABLES = (
    jobs,
    sessions,
    pending_signins,
    recovery_codes,
    two_factor,
    reminders,
    accounts,
)
