"""Two-step sign-in: the code asked after the password, and on the account page turning it on
(QR code and secret, confirmed by a first code), new recovery codes, and turning it off. The
rules are in flarewise/accounts.py and flarewise/twofactor.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from flarewise.accounts import SignInFailed
from flarewise.web import forms
from flarewise.web.deps import (
    PENDING_COOKIE,
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
from flarewise.web.pages.account import two_factor_state
from flarewise.web.qr import qr_svg
from flarewise.web.schemas.account import RecoveryCodes, TwoFactorPage, TwoFactorState

router = APIRouter()
Text = Annotated[str, Form()]


@router.get("/signin/code", include_in_schema=False)
def code_page(ctx: Annotated[Context, Depends(context)]) -> Response:
    if not ctx.request.cookies.get(PENDING_COOKIE):
        return redirect("/signin")
    return render(ctx, "signin_code.html", {"title": "Sign in: your code"})


@router.post("/signin/code", include_in_schema=False, dependencies=[Depends(check_csrf)])
def code_given(ctx: Annotated[Context, Depends(context)], code: Text) -> Response:
    request = ctx.request
    try:
        session = accounts_of(request).finish_sign_in(
            request.cookies.get(PENDING_COOKIE, ""), code, client_of(request), agent_of(request)
        )
    except SignInFailed as exc:  # asked again on the same page, with the reason
        problem = str(exc)[:1].upper() + str(exc)[1:] + "."
        data = {"title": "Sign in: your code", "problem": problem}
        return render(ctx, "signin_code.html", data, status=401)
    start = "/account?must_change=1" if session.must_change_password else "/"
    return start_session(request, redirect(start), session.token)


def _page(ctx: Context) -> dict[str, Any]:
    assert ctx.session is not None
    enrolment = accounts_of(ctx.request).pending_two_factor(ctx.session)
    return {
        "title": "Two-step sign-in",
        "two_factor": two_factor_state(ctx),
        "enrolment": None
        if enrolment is None
        else {"secret": enrolment.secret, "uri": enrolment.uri},
    }


@router.get("/account/two-factor", include_in_schema=False)
@router.get(
    "/api/account/two-factor",
    summary="Two-step sign-in: whether it is on, and an enrolment awaiting its first code",
    responses={200: {"model": TwoFactorPage, "description": "the page's data"}},
)
def two_factor_page(ctx: Annotated[Context, Depends(person)]) -> Response:
    data = _page(ctx)
    view = {"qr": None if data["enrolment"] is None else qr_svg(data["enrolment"]["uri"])}
    return render(ctx, "twofactor.html", data, view=view)


@router.post(
    "/account/two-factor/start", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/account/two-factor/start",
    summary="Start turning two-step sign-in on: a new secret (it is on once a code confirms it)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": TwoFactorPage, "description": "the secret to enter in the app"}},
)
def start(ctx: Annotated[Context, Depends(person)]) -> Response:
    assert ctx.session is not None
    accounts_of(ctx.request).start_two_factor(ctx.session)
    if wants_json(ctx.request):
        return render(ctx, "", _page(ctx))
    return redirect("/account/two-factor")


def _codes(ctx: Context, codes: list[str]) -> Response:
    """The recovery codes, in this answer only (never in an address or a later page)."""
    data = {
        "title": "Your recovery codes",
        "recovery_codes": codes,
        "two_factor": two_factor_state(ctx),
    }
    if wants_json(ctx.request):
        return render(ctx, "", {k: data[k] for k in ("recovery_codes", "two_factor")})
    return render(ctx, "recovery_codes.html", data)


@router.post(
    "/account/two-factor/confirm", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/account/two-factor/confirm",
    summary="Turn two-step sign-in on with a first code; answers the recovery codes, once",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": RecoveryCodes, "description": "the ten recovery codes"}},
)
async def confirm(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    assert ctx.session is not None
    form = await forms.fields(request)
    code = str(form.get("code") or "")
    return _codes(
        ctx, accounts_of(request).confirm_two_factor(ctx.session, code, client_of(request))
    )


@router.post(
    "/account/two-factor/recovery-codes",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
@router.post(
    "/api/account/two-factor/recovery-codes",
    summary="Ten new recovery codes after a code from the app (the old ones stop working)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": RecoveryCodes, "description": "the ten recovery codes"}},
)
async def new_codes(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    assert ctx.session is not None
    form = await forms.fields(request)
    code = str(form.get("code") or "")
    return _codes(
        ctx, accounts_of(request).new_recovery_codes(ctx.session, code, client_of(request))
    )


@router.post(
    "/account/two-factor/disable", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/account/two-factor/disable",
    summary="Turn two-step sign-in off, after the password and a code",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": TwoFactorState, "description": "the state now"}},
)
async def disable(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    assert ctx.session is not None
    form = await forms.fields(request)
    accounts_of(request).disable_two_factor(
        ctx.session,
        str(form.get("password") or ""),
        str(form.get("code") or ""),
        client_of(request),
    )
    if wants_json(request):
        return render(ctx, "", two_factor_state(ctx))
    return redirect("/account?done=two-factor-off#two-factor")
