"""The person's sessions, listed and revocable (each ends on its next request: sessions are
looked up in the database on every request, by every worker)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from flarewise.web.deps import (
    SESSION_COOKIE,
    Context,
    accounts_of,
    check_csrf,
    person,
    redirect,
    render,
    wants_json,
)
from flarewise.web.pages.account import session_items
from flarewise.web.schemas.account import AccountSessions

router = APIRouter()


@router.get(
    "/api/account/sessions",
    summary="Your sessions: when each began and was last used, which browser, this device",
    responses={200: {"model": AccountSessions, "description": "newest first"}},
)
def sessions(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "", {"sessions": session_items(ctx)})


@router.post(
    "/account/sessions/{ref}/revoke", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/account/sessions/{ref}/revoke",
    summary="End one of your sessions (it is signed out on its next request)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": AccountSessions, "description": "the sessions left"}},
)
def revoke(ref: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    assert ctx.session is not None
    mine = any(s["this_device"] and s["ref"] == ref for s in session_items(ctx))
    accounts_of(ctx.request).revoke_session(ctx.session, ref)
    if mine:
        response = render(ctx, "", {"sessions": []}) if wants_json(ctx.request) else None
        response = response or redirect("/signin")
        response.delete_cookie(SESSION_COOKIE)
        return response
    if wants_json(ctx.request):
        return render(ctx, "", {"sessions": session_items(ctx)})
    return redirect("/account?done=session#sessions")
