"""Reminders: the calendar feed a phone subscribes to (no session: calendars cannot sign in),
and, on the account page and under /api/, making, revoking and re-timing it. The rules are in
journal/reminders.py; an unknown or revoked address answers exactly as a missing page does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from flarewise.errors import InvalidInput, NotFound
from flarewise.journal import Journal
from flarewise.journal.reminders import handle_for_token
from flarewise.web import forms
from flarewise.web.deps import Context, check_csrf, person, redirect, render, wants_json
from flarewise.web.pages.account import account_data, account_view
from flarewise.web.schemas.account import ReminderFeed

router = APIRouter()


@router.get("/calendar/{token}.ics", include_in_schema=False)
def calendar(token: str, request: Request) -> Response:
    handle = handle_for_token(request.app.state.db, token)
    if handle is None:
        raise NotFound("there is nothing here")
    j = Journal.for_person(request.app.state.db, handle, create=False)
    return Response(
        j.reminder_feed(),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
    )


def _state(ctx: Context, feed_url: str | None = None) -> Response:
    data = account_data(ctx, feed_url)
    if wants_json(ctx.request):
        return render(ctx, "", data["reminders"])
    if feed_url is not None:  # shown once, on this answer: never in a redirect's address
        return render(ctx, "account.html", data, view=account_view())
    return redirect("/account?done=reminders#reminders")


@router.post("/account/reminders/feed", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/account/reminders/feed",
    summary="Make a new secret calendar address (any older one stops working); shown once",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ReminderFeed, "description": "the feed, with its address"}},
)
def make_feed(ctx: Annotated[Context, Depends(person)]) -> Response:
    token = ctx.journal.create_reminder_feed()
    url = str(ctx.request.url_for("calendar", token=token))
    return _state(ctx, url)


@router.post(
    "/account/reminders/revoke", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/account/reminders/revoke",
    summary="Stop the calendar address: it then answers as a missing page",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ReminderFeed, "description": "the reminders now"}},
)
def revoke_feed(ctx: Annotated[Context, Depends(person)]) -> Response:
    ctx.journal.revoke_reminder_feed()
    return _state(ctx)


@router.post("/account/reminders/time", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/account/reminders/time",
    summary="Choose the time of the daily check-in reminder (24-hour, like 20:00)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ReminderFeed, "description": "the reminders now"}},
)
async def checkin_time(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    form = await forms.fields(request)
    when = str(form.get("checkin_time") or "").strip()
    if not when:
        raise InvalidInput("checkin_time", "choose a time like 20:00")
    ctx.journal.set_checkin_time(when)
    return _state(ctx)
