"""The web app: server-rendered pages over the journal, each also answering as JSON.

Design (datasette-like): every page is a function that builds a plain data dict from library
calls; the HTML route renders it with a template and the ``/api/...`` route returns the same
dict (documented in the OpenAPI schema). Pages compute nothing themselves.

Security lives here, in one place: the session cookie (HttpOnly, SameSite=Lax, Secure unless
the app is told it runs on plain http on localhost), CSRF on every state-changing request, the
person's journal resolved from the session for every route (so a route cannot reach another
person's data), security headers with a strict Content-Security-Policy, and one error handler
that turns library errors into sentences.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from flarewise.accounts import Accounts, Session, SignInFailed, Throttled
from flarewise.errors import Conflict, FlarewiseError, InvalidInput, NotFound
from flarewise.journal import Journal, open_database
from flarewise.web import words

SESSION_COOKIE = "fw_session"
CSRF_COOKIE = "fw_csrf"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)


@dataclass
class WebSettings:
    """What the web app needs to know; declared once (see docs/web.md)."""

    database_url: str
    #: mark cookies Secure (set False only for plain http on 127.0.0.1)
    secure_cookies: bool = True
    #: journals that may be opened without a password (the demo); never set in production
    demo_handle: str | None = None
    jobs: dict[str, Any] = field(default_factory=dict)


class NeedsSignIn(Exception):
    """Raised by :func:`context` for an anonymous request to a page that needs a person."""


class CsrfFailed(Exception):
    """A state-changing request without the right CSRF token."""


@dataclass
class Context:
    """One request's person: their session, their journal, the CSRF token for forms."""

    request: Request
    session: Session | None
    csrf: str

    @property
    def journal(self) -> Journal:
        if self.session is None:
            raise NeedsSignIn
        state = self.request.app.state
        return Journal.for_person(state.db, self.session.handle, create=False)

    @property
    def handle(self) -> str | None:
        return None if self.session is None else self.session.handle


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def context(request: Request) -> Context:
    """The request's session (or none) and CSRF token; the only place sessions are read."""
    accounts: Accounts = request.app.state.accounts
    session = accounts.session(request.cookies.get(SESSION_COOKIE))
    pre = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", "")
    return Context(request, session, session.csrf if session else str(pre or ""))


def person(ctx: Annotated[Context, Depends(context)]) -> Context:
    """Dependency of every route that shows or changes data: refused without a session."""
    if ctx.session is None:
        raise NeedsSignIn
    return ctx


async def check_csrf(request: Request, ctx: Annotated[Context, Depends(context)]) -> None:
    """Every POST must carry the session's (or, before sign-in, the cookie's) CSRF token, as
    the form field ``csrf`` or the header ``X-CSRF-Token``. (``context`` is resolved once per
    request and shared with the route's own dependency.)"""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not ctx.csrf or not sent or not secrets.compare_digest(sent, ctx.csrf):
        raise CsrfFailed


def create_app(url: str | None = None, *, secure_cookies: bool = True) -> FastAPI:
    """The app on the database at ``url`` (default: the settings' database)."""
    from flarewise.config import load_settings

    db_url = url or load_settings().database_url
    db = open_database(db_url)
    app = FastAPI(
        title="flarewise",
        summary="A private fibromyalgia journal: pages for people, the same data as JSON.",
        docs_url=None,  # /api/docs is served by pages/apidocs.py (no CDN assets)
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.db = db
    app.state.accounts = Accounts(db)
    app.state.settings = WebSettings(db_url, secure_cookies=secure_cookies)
    app.state.demo_password = None
    folder = resources.files("flarewise.web")
    app.state.templates = Jinja2Templates(directory=str(folder / "templates"))
    app.state.templates.env.globals["static"] = lambda path: f"/static/{path}"
    app.state.templates.env.filters["unit"] = words.unit_label
    app.state.templates.env.filters["plain"] = words.without_rule_ids
    app.state.templates.env.filters["rule_ids"] = words.rule_ids_in
    app.state.templates.env.filters["measure"] = words.measure_name
    app.state.templates.env.filters["design"] = words.design_name
    app.state.templates.env.filters["order"] = words.order_words
    app.mount("/static", StaticFiles(directory=str(folder / "static")), name="static")

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if CSRF_COOKIE not in request.cookies:
            request.state.new_csrf = secrets.token_urlsafe(32)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(
                CSRF_COOKIE,
                request.state.new_csrf,
                httponly=True,
                samesite="strict",
                secure=app.state.settings.secure_cookies,
            )
        return response

    _error_handlers(app)
    # A server pays once at start for what the experiment and insight pages need (numpy,
    # scipy: about a second), rather than the first person to open one of them.
    import flarewise.experiments  # noqa: F401
    from flarewise.web.pages import register

    register(app)
    return app


def render(
    ctx: Context,
    template: str,
    data: dict[str, Any],
    status: int = 200,
    view: dict[str, Any] | None = None,
) -> Response:
    """The page's HTML, or its JSON for ``/api/`` routes (the same data; ``view`` holds what
    only the HTML needs, such as the body map's shapes)."""
    if wants_json(ctx.request):
        return JSONResponse(jsonable_encoder(data), status_code=status)
    templates: Jinja2Templates = ctx.request.app.state.templates
    return templates.TemplateResponse(
        ctx.request,
        template,
        {"ctx": ctx, "csrf": ctx.csrf, **data, **(view or {})},
        status_code=status,
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _error_handlers(app: FastAPI) -> None:
    def page(request: Request, status: int, title: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        ctx = context(request)
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"ctx": ctx, "csrf": ctx.csrf, "title": title, "message": message},
            status_code=status,
        )

    @app.exception_handler(NeedsSignIn)
    async def _anonymous(request: Request, exc: NeedsSignIn) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "sign in first"}, status_code=401)
        return redirect("/signin")

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return page(
            request,
            403,
            "Form expired",
            "This form was open too long or came from another site. Go back, reload the page "
            "and send it again.",
        )

    @app.exception_handler(NotFound)
    async def _missing(request: Request, exc: NotFound) -> Response:
        return page(request, 404, "Not found", "There is nothing here.")

    @app.exception_handler(Throttled)
    async def _throttled(request: Request, exc: Throttled) -> Response:
        return page(request, 429, "Too many attempts", str(exc).capitalize() + ".")

    @app.exception_handler(SignInFailed)
    async def _sign_in(request: Request, exc: SignInFailed) -> Response:
        return page(request, 401, "Not signed in", str(exc).capitalize() + ".")

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> Response:
        return page(request, 422, "Please check the form", str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return page(request, 409, "Already there", str(exc))

    @app.exception_handler(FlarewiseError)
    async def _other(request: Request, exc: FlarewiseError) -> Response:
        return page(request, 400, "That did not work", str(exc))

    @app.exception_handler(404)
    async def _no_route(request: Request, exc: Exception) -> Response:
        return page(request, 404, "Not found", "There is nothing here.")


__all__ = ["Context", "create_app", "person", "redirect", "render"]
