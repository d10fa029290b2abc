"""Sign up, sign in, sign out, change the password, delete the account (export offered first)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from flarewise.accounts import PendingSignIn
from flarewise.domain.profile import POPULATIONS, population_answer, population_prompt
from flarewise.errors import InvalidInput
from flarewise.web import forms
from flarewise.web.deps import (
    PENDING_COOKIE,
    SESSION_COOKIE,
    Context,
    accounts_of,
    agent_of,
    check_csrf,
    client_of,
    context,
    person,
    redirect,
    render,
    start_session,
    wants_json,
)
from flarewise.web.pages.sharing import audit_rows
from flarewise.web.schemas import Populations
from flarewise.web.schemas.account import AccountPage

router = APIRouter()
Text = Annotated[str, Form()]


#: Where each role starts after signing in.
START = {"person": "/today", "clinician": "/clinic", "admin": "/admin"}


@router.get("/", include_in_schema=False)
def home(ctx: Annotated[Context, Depends(context)]) -> Response:
    if ctx.session is None:
        return redirect("/signin")
    return redirect(START.get(ctx.session.role, "/today"))


@router.get("/healthz", summary="Liveness: the app answers (the load benchmark's floor)")
def healthz() -> dict[str, bool]:
    return {"ok": True}


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return redirect("/static/favicon.svg")


@router.get("/signin", include_in_schema=False)
def signin_page(ctx: Annotated[Context, Depends(context)]) -> Response:
    demo = ctx.request.app.state.settings.demo_handle
    return render(
        ctx,
        "signin.html",
        {
            "title": "Sign in",
            "mode": "signin",
            "demo": demo,
            "demo_password": ctx.request.app.state.demo_password if demo else None,
        },
    )


@router.get("/signup", include_in_schema=False)
def signup_page(ctx: Annotated[Context, Depends(context)]) -> Response:
    return render(ctx, "signin.html", {"title": "Create your journal", "mode": "signup"})


@router.post("/signin", include_in_schema=False, dependencies=[Depends(check_csrf)])
def signin(request: Request, handle: Text, password: Text) -> Response:
    done = accounts_of(request).sign_in(
        handle.strip(), password, client_of(request), agent_of(request)
    )
    if isinstance(done, PendingSignIn):  # the code comes next (pages/twofactor.py)
        response = redirect("/signin/code")
        response.set_cookie(
            PENDING_COOKIE,
            done.token,
            httponly=True,
            samesite="strict",
            secure=request.app.state.settings.secure_cookies,
            max_age=5 * 60,
            path="/signin",
        )
        return response
    start = "/account?must_change=1" if done.must_change_password else "/"
    return start_session(request, redirect(start), done.token)


@router.post("/signup", include_in_schema=False, dependencies=[Depends(check_csrf)])
def signup(request: Request, handle: Text, password: Text) -> Response:
    session = accounts_of(request).sign_up(
        handle.strip(), password, client_of(request), agent_of(request)
    )
    return start_session(request, redirect("/today?welcome=1"), session.token)


@router.post("/signout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def signout(ctx: Annotated[Context, Depends(context)]) -> Response:
    if ctx.session is not None:
        accounts_of(ctx.request).sign_out(ctx.session.token)
    response = redirect("/signin")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", include_in_schema=False)
@router.get(
    "/api/account",
    summary="Your account",
    responses={200: {"model": AccountPage, "description": "the page's data"}},
)
def account_page(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "account.html", account_data(ctx), view=account_view())


def account_view() -> dict[str, Any]:
    return {"populations": POPULATION_QUESTIONS}


def account_data(ctx: Context, feed_url: str | None = None) -> dict[str, Any]:
    """The account page's data; ``feed_url`` is the calendar address just made (shown once:
    only its hash is kept, journal/reminders.py)."""
    j = ctx.journal
    profile = j.profile()
    feed = j.reminder_feed_state()
    return {
        "title": "Account",
        "handle": ctx.handle,
        "entries": j.count(),
        "done": ctx.request.query_params.get("done"),
        "profile": {
            "sex": profile.sex,
            "birth_year": profile.birth_year,
            **{name: getattr(profile, name) for name in POPULATIONS},
        },
        "ask_populations": population_prompt(profile),
        "reminders": {
            "checkin_time": feed.checkin_time,
            "feed": feed.exists,
            "feed_created": None if feed.created is None else f"{feed.created:%d %B %Y}",
            "feed_url": feed_url,
        },
        "two_factor": two_factor_state(ctx),
        "sessions": session_items(ctx),
        "role": ctx.role,
        "must_change_password": bool(ctx.session and ctx.session.must_change_password),
        "who_looked": audit_rows(ctx, limit=10),
    }


def two_factor_state(ctx: Context) -> dict[str, Any]:
    assert ctx.handle is not None
    accounts = accounts_of(ctx.request)
    state = accounts.two_factor_status(ctx.handle)
    return {
        "enabled": state.enabled,
        "since": None if state.since is None else f"{state.since:%d %B %Y}",
        "recovery_codes_left": state.codes_left,
        "awaiting_code": state.awaiting_code,
        "required": ctx.role in accounts.required_for_role,
    }


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else f"{moment:%d %B %Y, %H:%M} UTC"


def session_items(ctx: Context) -> list[dict[str, Any]]:
    """The person's sessions in words (the browser described, times in UTC)."""
    assert ctx.session is not None
    return [
        {
            "ref": s.ref,
            "created": _when(s.created),
            "last_seen": _when(s.last_seen),
            "client": s.client,
            "this_device": s.this_device,
        }
        for s in accounts_of(ctx.request).sessions(ctx.session)
    ]


#: The questions of the profile form, in plain words (clinical-rules.md D.5.5 populations).
POPULATION_QUESTIONS = (
    ("pregnant", "Are you pregnant?"),
    ("planning_pregnancy", "Are you planning a pregnancy?"),
    ("breastfeeding", "Are you breastfeeding?"),
)


def _population(raw: object, field: str) -> bool | None:
    """yes / no / unknown from the form, or true / false / null from JSON."""
    if raw is None or isinstance(raw, bool):
        return raw
    return population_answer(str(raw), field)


@router.post("/account/profile", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/account/profile",
    summary="Record pregnancy, planning a pregnancy and breastfeeding (yes, no or unknown)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": Populations, "description": "the answers as now recorded"}},
)
async def save_profile(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    form = await forms.fields(request)
    changes = {
        name: _population(form.get(name), name) for name, _ in POPULATION_QUESTIONS if name in form
    }
    if not changes:
        raise InvalidInput("pregnant", "answer at least one question (yes, no or unknown)")
    profile = ctx.journal.update_profile(**changes)
    if wants_json(request):
        return render(ctx, "", {name: getattr(profile, name) for name in POPULATIONS})
    return redirect("/account?done=profile#profile")


@router.post("/account/password", include_in_schema=False, dependencies=[Depends(check_csrf)])
def change_password(
    ctx: Annotated[Context, Depends(person)], current_password: Text, new_password: Text
) -> Response:
    assert ctx.session is not None
    accounts_of(ctx.request).change_password(
        ctx.session, current_password, new_password, client_of(ctx.request)
    )
    return redirect("/account?done=password")


@router.post("/account/delete", include_in_schema=False, dependencies=[Depends(check_csrf)])
def delete_account(
    ctx: Annotated[Context, Depends(person)], password: Text, confirm: Text = ""
) -> Response:
    assert ctx.session is not None
    if confirm.strip().lower() != "delete everything":
        raise InvalidInput("confirm", 'type "delete everything" to confirm; nothing was deleted')
    accounts_of(ctx.request).delete_account(ctx.session, password, client_of(ctx.request))
    response = redirect("/signin")
    response.delete_cookie(SESSION_COOKIE)
    return response
