"""The clinic administrator's page: every account with its role, creating clinician (or admin)
accounts, disabling and enabling one, and resetting a password. A new account and a reset show
a temporary password once (no e-mail server is assumed); it must be changed at next sign-in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from flarewise.accounts import ROLES
from flarewise.sharing import admin
from flarewise.web.deps import Context, check_csrf, redirect, render, role, via, wants_json
from flarewise.web.pages.sharing import iso
from flarewise.web.schemas.sharing import AdminPage

router = APIRouter()
Admin = Annotated[Context, Depends(role("admin"))]
Text = Annotated[str, Form()]


def _me(ctx: Context) -> str:
    assert ctx.session is not None
    return ctx.session.handle


def admin_data(ctx: Context, temporary: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "title": "Accounts",
        "accounts": [
            {"handle": a.handle, "role": a.role, "created": iso(a.created), "disabled": a.disabled}
            for a in admin.accounts(ctx.request.app.state.db, _me(ctx))
        ],
        "roles": list(ROLES),
        "temporary": temporary,
    }


@router.get("/admin", include_in_schema=False)
@router.get(
    "/api/admin",
    summary="Every account, its role and whether it is disabled (administrators only)",
    responses={200: {"model": AdminPage, "description": "the page's data"}},
)
def admin_page(ctx: Admin) -> Response:
    return render(ctx, "admin.html", admin_data(ctx))


@router.post("/admin/accounts", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/admin/accounts",
    summary="Create an account (clinician by default) with a temporary password shown once",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": AdminPage, "description": "the page, with the password"}},
)
def create(ctx: Admin, handle: Text, role: Text = "clinician") -> Response:
    name = handle.strip()
    password = admin.create(ctx.request.app.state.db, _me(ctx), name, role.strip())
    # the page itself, never a redirect: the password must not travel in an address
    return render(ctx, "admin.html", admin_data(ctx, {"handle": name, "password": password}))


@router.post("/admin/disable", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/admin/disable",
    summary="Disable an account (its sessions end) or, with enable=yes, enable it again",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": AdminPage, "description": "the page after the change"}},
)
def disable(ctx: Admin, handle: Text, enable: Text = "") -> Response:
    db = ctx.request.app.state.db
    admin.set_disabled(db, _me(ctx), handle.strip(), enable != "yes", via=via(ctx.request))
    if wants_json(ctx.request):
        return render(ctx, "admin.html", admin_data(ctx))
    return redirect("/admin")


@router.post("/admin/reset", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/admin/reset",
    summary="Reset a password: a temporary one, shown once, to change at next sign-in",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": AdminPage, "description": "the page, with the password"}},
)
def reset(ctx: Admin, handle: Text) -> Response:
    name = handle.strip()
    password = admin.reset_password(ctx.request.app.state.db, _me(ctx), name, via=via(ctx.request))
    return render(ctx, "admin.html", admin_data(ctx, {"handle": name, "password": password}))
