"""The person's side of sharing: invite a clinician (a one-time code shown once), see every
grant (who, scope, since, until, last access) and revoke one at once, read the notes clinicians
wrote about them (with the texts amendments replaced), and "who looked at my data" (the audit
log). The library decides; these routes only translate forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from flarewise.domain.audit import AuditRecord
from flarewise.errors import InvalidInput
from flarewise.sharing import audit, grants, invitations, notes
from flarewise.sharing.scopes import DESCRIPTIONS
from flarewise.web import forms
from flarewise.web.deps import Context, check_csrf, person, redirect, render, wants_json
from flarewise.web.schemas.sharing import AuditPage, SharingPage

router = APIRouter()


def iso(moment: datetime | date | None) -> str | None:
    """A time as pages show it (seconds, no zone: every stored time is UTC)."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.replace(microsecond=0).isoformat(sep=" ")
    return moment.isoformat()


def note_answer(n: notes.Note, *, can_amend: bool = False) -> dict[str, Any]:
    """A note as pages show it: today's text and the texts it replaced (the person's sharing
    page, read-only; the clinician's page, with the amend form on their own notes)."""
    return {
        "id": n.id,
        "clinician": n.clinician,
        "at": iso(n.at),
        "text": n.text,
        "amended": n.amended,
        "superseded": [
            {
                "clinician": v.clinician,
                "at": iso(v.at),
                "text": v.text,
                "amended_by": v.amended_by,
                "amended_at": iso(v.amended_at),
            }
            for v in n.superseded
        ],
        "can_amend": can_amend,
    }


def _handle(ctx: Context) -> str:
    assert ctx.session is not None
    return ctx.session.handle


def sharing_data(ctx: Context, new: invitations.Invitation | None = None) -> dict[str, Any]:
    db = ctx.request.app.state.db
    handle = _handle(ctx)
    return {
        "title": "Sharing",
        "grants": [
            {
                "id": g.id,
                "clinician": g.clinician,
                "scope": g.scope,
                "scope_words": DESCRIPTIONS[g.scope],
                "since": iso(g.since),
                "until": iso(g.until),
                "last_access": iso(g.last_access),
                "status": g.status,
            }
            for g in grants.grants_of(db, handle)
        ],
        "invitations": [
            {"scope": p.scope, "until": iso(p.until), "expires_at": iso(p.expires_at)}
            for p in invitations.pending(db, handle)
        ],
        "scopes": dict(DESCRIPTIONS),
        "new_invitation": None
        if new is None
        else {
            "code": new.code,
            "scope": new.scope,
            "until": iso(new.until),
            "expires_at": iso(new.expires_at),
        },
        "notes": [note_answer(n) for n in notes.notes_about(db, handle)],
        "done": ctx.request.query_params.get("done"),
    }


@router.get("/sharing", include_in_schema=False)
@router.get(
    "/api/sharing",
    summary="Who your journal is shared with, and codes not yet used",
    responses={200: {"model": SharingPage, "description": "the page's data"}},
)
def sharing_page(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "sharing.html", sharing_data(ctx))


@router.post("/sharing/invite", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/sharing/invite",
    summary="A one-time code for a clinician (shown once; it lasts 72 hours)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": SharingPage, "description": "the page, with the new code"}},
)
def invite(
    ctx: Annotated[Context, Depends(person)],
    scope: Annotated[str, Form()],
    until: Annotated[str, Form()] = "",
) -> Response:
    ends = forms.day(until, "until") if until.strip() else None
    new = invitations.invite(ctx.request.app.state.db, _handle(ctx), scope, ends)
    # the page itself (never a redirect): the code must not travel in an address
    return render(ctx, "sharing.html", sharing_data(ctx, new))


@router.post("/sharing/revoke", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/sharing/revoke",
    summary="End a grant now (the clinician's next request is refused)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": SharingPage, "description": "the page after revoking"}},
)
def revoke(ctx: Annotated[Context, Depends(person)], grant: Annotated[str, Form()]) -> Response:
    if not grant.strip().isdigit():
        raise InvalidInput("grant", "choose a grant from the list")
    grants.revoke(ctx.request.app.state.db, _handle(ctx), int(grant))
    if wants_json(ctx.request):
        return render(ctx, "sharing.html", sharing_data(ctx))
    return redirect("/sharing?done=revoked")


def audit_rows(ctx: Context, limit: int | None = None) -> list[dict[str, Any]]:
    return _rows(audit.who_looked(ctx.request.app.state.db, _handle(ctx))[:limit])


def _rows(found: list[AuditRecord]) -> list[dict[str, Any]]:
    return [
        {"who": r.actor, "action": r.action, "what": r.what, "via": r.via, "at": iso(r.at)}
        for r in found
    ]


@router.get("/account/audit", include_in_schema=False)
@router.get(
    "/api/account/audit",
    summary="Who looked at my data: every read and write by someone else, newest first",
    responses={200: {"model": AuditPage, "description": "the page's data"}},
)
def audit_page(ctx: Annotated[Context, Depends(person)]) -> Response:
    found = audit.who_looked(ctx.request.app.state.db, _handle(ctx))
    zone = ctx.journal.timezone()
    groups = [
        {
            "who": g.record.actor,
            "action": g.record.action,
            "what": g.record.what,
            "via": g.record.via,
            "at": iso(g.record.at),
            "first": iso(g.first),
            "times": g.times,
            "when": _when(g.first, g.record.at, zone),
        }
        for g in audit.grouped(found)
    ]
    data = {"title": "Who looked at my data", "rows": _rows(found), "groups": groups}
    return render(ctx, "audit.html", data)


def _when(first: datetime, last: datetime, zone: tzinfo) -> str:
    """A moment or a span in the person's own time ("2026-11-26 10:01 to 10:02")."""
    a, b = (t.replace(tzinfo=UTC).astimezone(zone) for t in (first, last))
    if f"{a:%Y-%m-%d %H:%M}" == f"{b:%Y-%m-%d %H:%M}":  # within one minute
        return f"{b:%Y-%m-%d %H:%M}"
    return (
        f"{a:%Y-%m-%d %H:%M} to {b:%H:%M}"
        if a.date() == b.date()
        else f"{a:%Y-%m-%d %H:%M} to {b:%Y-%m-%d %H:%M}"
    )
