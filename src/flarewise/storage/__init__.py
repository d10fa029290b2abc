"""Storage: SQLAlchemy tables, Alembic migrations and per-person repositories, on SQLite or
PostgreSQL."""

from flarewise.storage.database import Database, make_engine
from flarewise.storage.repository import PersonRepository

__all__ = ["Database", "PersonRepository", "make_engine"]
