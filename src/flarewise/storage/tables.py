"""The relational schema. Changes go through an Alembic migration in ``migrations/versions``.

Layout: ``persons`` (one row per person, profile as JSON), ``entries`` (one row per logged entry:
typed header columns plus the kind-specific fields as JSON), ``entry_values`` (numeric facts
derived from each entry: the long table analysis reads), ``daily_values`` (those facts
aggregated per local date and measure, kept current in the same transaction as every write, so a
year of daily summaries is one indexed read), ``regimens`` and ``trackables``. Every per-person
table keys on ``person_id`` first, so each query is scoped to one person by its index.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
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
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Index("ix_sessions_person_id", "person_id"),
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
PERSON_TABLES = (daily_values, entry_values, entries, regimens, trackables, experiments)
#: The person's account, sessions, jobs and reminder feed: removed only when the person is deleted
#: (a restore or a demo rewrite keeps them; the reminder settings travel in the backup).
ACCOUNT_TABLES = (jobs, sessions, reminders, accounts)
