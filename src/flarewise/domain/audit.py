"""One row of a person's audit log: someone other than the person read or changed their
journal. Kept in the domain so the backup document can carry the log with the journal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from flarewise.domain.base import Record


class AuditRecord(Record):
    #: the account name of who looked (a clinician, or an administrator)
    actor: Annotated[str, Field(min_length=1, max_length=100)]
    action: Literal["read", "write"]
    #: what was looked at or changed, in words ("visit report", "clinician note")
    what: Annotated[str, Field(min_length=1, max_length=200)]
    #: the route or command it went through ("GET /clinic/alice/report", "flarewise ...")
    via: Annotated[str, Field(min_length=1, max_length=300)]
    #: naive UTC, as every stored time
    at: datetime
