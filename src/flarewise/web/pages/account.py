"""Sign up, sign in, sign out, change the password, delete the account (export offered first)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from flarewise.accounts import Accounts
from flarewise.domain.profile import POPULATIONS, population_answer, population_prompt
from flarewise.errors import InvalidInput
from flarewise.web import forms
from flarewise.web.deps import (
    SESSION_COOKIE,
    Context,
    check_csrf,
    context,
    person,
    redirect,
    render,
    wants_json,
)
from flarewise.web.pages.sharing import audit_rows
from flarewise.web.schemas import Populations
from flarewise.web.schemas.account import AccountPage

router = APIRouter()
Text = Annotated[str, Form()]


def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def _start(request: Request, response: Response, token: str) -> Response:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        max_age=14 * 86400,
    )
    return response


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


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/signin", include_in_schema=False, dependencies=[Depends(check_csrf)])
def signin(request: Request, handle: Text, password: Text) -> Response:
    session = _accounts(request).sign_in(handle.strip(), password, _client(request))
    start = "/account?must_change=1" if session.must_change_password else "/"
    return _start(request, redirect(start), session.token)


@router.post("/signup", include_in_schema=False, dependencies=[Depends(check_csrf)])
def signup(request: Request, handle: Text, password: Text) -> Response:
    session = _accounts(request).sign_up(handle.strip(), password, _client(request))
    return _start(request, redirect("/today?welcome=1"), session.token)


@router.post("/signout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def signout(ctx: Annotated[Context, Depends(context)]) -> Response:
    if ctx.session is not None:
        _accounts(ctx.request).sign_out(ctx.session.token)
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
    j = ctx.journal
    profile = j.profile()
    return render(
        ctx,
        "account.html",
        {
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
            "role": ctx.role,
            "must_change_password": bool(ctx.session and ctx.session.must_change_password),
            "who_looked": audit_rows(ctx, limit=10),
        },
        view={"populations": POPULATION_QUESTIONS},
    )


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
    _accounts(ctx.request).change_password(
        ctx.session, current_password, new_password, _client(ctx.request)
    )
    return redirect("/account?done=password")


@router.post("/account/delete", include_in_schema=False, dependencies=[Depends(check_csrf)])
def delete_account(
    ctx: Annotated[Context, Depends(person)], password: Text, confirm: Text = ""
) -> Response:
    assert ctx.session is not None
    if confirm.strip().lower() != "delete everything":
        raise InvalidInput("confirm", 'type "delete everything" to confirm; nothing was deleted')
    _accounts(ctx.request).delete_account(ctx.session, password, _client(ctx.request))
    response = redirect("/signin")
    response.delete_cookie(SESSION_COOKIE)
    return response
