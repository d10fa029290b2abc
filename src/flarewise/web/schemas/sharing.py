"""The JSON of the sharing pages: a person's grants, invitations and "who looked at my data";
the clinician's list and one person's overview; the administrator's accounts (checked by
tests/test_web_answers.py and tests/test_sharing_matrix.py)."""

from __future__ import annotations

from pydantic import Field

from flarewise.web.schemas.base import Answer


class GrantAnswer(Answer):
    id: int = Field(description="the number to revoke it by")
    clinician: str
    scope: str = Field(description="report, read or annotate")
    scope_words: str
    since: str
    until: str | None
    last_access: str | None
    status: str = Field(description="live, expired or revoked")


class InvitationAnswer(Answer):
    scope: str
    until: str | None
    expires_at: str


class NewInvitation(Answer):
    """A code shown once: only its hash is kept."""

    code: str
    scope: str
    until: str | None
    expires_at: str


class AuditAnswer(Answer):
    who: str
    action: str = Field(description="read or write")
    what: str
    via: str = Field(description="the route or command")
    at: str


class SharingPage(Answer):
    title: str
    grants: list[GrantAnswer]
    invitations: list[InvitationAnswer]
    scopes: dict[str, str]
    new_invitation: NewInvitation | None
    notes: list[NoteAnswer] = Field(description="what your clinicians noted about you")
    done: str | None


class AuditGroupAnswer(AuditAnswer):
    first: str = Field(description="the first of the repeats (at is the last)")
    times: int = Field(description="how many times, each no more than 30 minutes apart")
    when: str = Field(description="in words, in the person's time zone")


class AuditPage(Answer):
    title: str
    rows: list[AuditAnswer] = Field(description="every row of the log, newest first")
    groups: list[AuditGroupAnswer] = Field(description="the same, repeats folded into one")


class ChangesAnswer(Answer):
    first_visit: bool
    new_red_flags: list[str]
    new_warnings: list[str]
    fiqr: float | None
    fiqr_before: float | None
    fiqr_change: float | None


class PatientAnswer(Answer):
    handle: str
    name: str | None
    scope: str
    since: str
    until: str | None
    last_visit: str | None
    changes: ChangesAnswer


class ClinicPage(Answer):
    title: str
    people: list[PatientAnswer]
    accepted: str | None


class SupersededAnswer(Answer):
    """An earlier text of a note, replaced by its author's amendment (kept in the record)."""

    clinician: str
    at: str
    text: str
    amended_by: str
    amended_at: str


class NoteAnswer(Answer):
    id: int = Field(description="the number to amend it by (its latest version)")
    clinician: str
    at: str = Field(description="when this version was written (UTC)")
    text: str = Field(description="the note as it reads today")
    amended: bool
    superseded: list[SupersededAnswer] = Field(description="the texts it replaced, oldest first")
    can_amend: bool = Field(description="you wrote it and your grant lets you annotate")


class OverrideAnswer(Answer):
    rule: str
    item: str
    clinician: str
    on: str
    note: str | None


class ClinicPersonPage(Answer):
    title: str
    handle: str
    name: str | None
    scope: str
    changes: ChangesAnswer
    notes: list[NoteAnswer]
    overrides: list[OverrideAnswer]
    pages: list[str] = Field(description="the views this grant opens: report, timeline...")
    done: str | None


class AccountAnswer(Answer):
    handle: str
    role: str
    created: str
    disabled: bool


class AdminPage(Answer):
    title: str
    accounts: list[AccountAnswer]
    roles: list[str]
    temporary: dict[str, str] | None = Field(
        description="a new account's or a reset's temporary password, shown once"
    )


__all__ = [
    "AccountAnswer",
    "AdminPage",
    "AuditAnswer",
    "AuditPage",
    "ChangesAnswer",
    "ClinicPage",
    "ClinicPersonPage",
    "GrantAnswer",
    "InvitationAnswer",
    "NewInvitation",
    "NoteAnswer",
    "OverrideAnswer",
    "PatientAnswer",
    "SharingPage",
    "SupersededAnswer",
]
