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

import logging
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import pydantic
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.routing import Match

from flarewise.accounts import AccountDisabled, Accounts, SignInFailed, Throttled
from flarewise.domain.base import plain_reason, translate
from flarewise.errors import (
    Conflict,
    FlarewiseError,
    InvalidInput,
    InvalidInputs,
    NotFound,
    StorageError,
)
from flarewise.importers.archive import ArchiveBudget
from flarewise.jobs import Queue
from flarewise.journal import open_database
from flarewise.reports import words
from flarewise.web import labels
from flarewise.web.deps import (
    CSRF_COOKIE,
    LOCAL_HOSTS,
    CsrfFailed,
    MustChangePassword,
    MustEnrolTwoFactor,
    NeedsSignIn,
    WebSettings,
    context,
    public_message,
    redirect,
    wants_json,
)
from flarewise.web.hosts import TrustedHosts
from flarewise.web.json_forms import JsonForms
from flarewise.web.limits import BodyLimit, BodyTooLarge
from flarewise.web.memory import Settler
from flarewise.web.schemas import ERRORS

log = logging.getLogger("flarewise.web")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)


def create_app(
    url: str | None = None,
    *,
    secure_cookies: bool = True,
    trusted_hosts: tuple[str, ...] = (),
    max_upload_bytes: int | None = None,
    server_process: bool = False,
) -> FastAPI:
    """The app on the database at ``url`` (default: the settings' database).

    It answers only to ``trusted_hosts`` (default: the FLAREWISE_TRUSTED_HOSTS setting) and
    this machine's own names, so a forged ``Host`` header never reaches a page.
    ``server_process`` (``flarewise serve``'s processes) keeps what start-up made out of the
    garbage collector's full passes (see :mod:`flarewise.web.memory`); an app made and dropped,
    as tests do, must not: its own objects would never be collected."""
    from flarewise.config import load_settings

    settings = load_settings()
    db_url = url or settings.database_url
    hosts = tuple(dict.fromkeys((*trusted_hosts, *settings.trusted_hosts, *LOCAL_HOSTS)))
    limit = max_upload_bytes or settings.max_upload_bytes
    db = open_database(db_url)
    budget = ArchiveBudget(settings.import_max_unpacked_bytes, settings.import_max_zip_members)
    queue = Queue(db, settings.upload_dir, archive_budget=budget)
    settler = Settler(enabled=server_process)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # each server process works the queue; a job another process added (or one a dead
        # worker left) is picked up without waiting for an upload to this process
        queue.start()
        settler.settle()  # what start-up made lives as long as the process (web/memory.py)
        yield
        queue.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="flarewise",
        summary="A private fibromyalgia journal: pages for people, the same data as JSON.",
        docs_url=None,  # /api/docs is served by pages/apidocs.py (no CDN assets)
        redoc_url=None,
        openapi_url="/api/openapi.json",
        responses=ERRORS,
    )
    app.state.db = db
    app.state.accounts = Accounts(db)
    app.state.jobs = queue
    app.state.settler = settler
    db.on_close(queue.stop)  # closing the app's database stops its worker thread first
    app.state.settings = WebSettings(
        db_url,
        secure_cookies=secure_cookies,
        max_upload_bytes=limit,
        trusted_hosts=hosts,
        archive_budget=budget,
    )

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

    from flarewise.web.pages import form_routes, register

    # inside `headers`, so its refusals carry the same headers
    app.add_middleware(JsonForms, routes=form_routes())

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if CSRF_COOKIE not in request.cookies:
            request.state.new_csrf = secrets.token_urlsafe(32)
        try:
            response = await call_next(request)
        except Exception:  # a bug: the person gets a sentence, the log gets the traceback
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            response = _error_page(
                request,
                500,
                "Something went wrong",
                "Something went wrong on the server and nothing was changed. Try again; if it "
                "keeps happening, tell whoever runs this server what you were doing.",
            )
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if settings.show_worker:
            response.headers["X-Flarewise-Worker"] = str(os.getpid())
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
        settler.request_done()
        return response

    _error_handlers(app)
    # Outermost first: the host is checked before anything else runs, then the body's size.
    app.add_middleware(BodyLimit, limit=limit)
    app.add_middleware(TrustedHosts, hosts=hosts)
    # A server pays once at start for what the experiment and insight pages need (numpy,
    # scipy: about a second), rather than the first person to open one of them.
    import flarewise.experiments  # noqa: F401

    register(app)
    return app


def _error_page(
    request: Request,
    status: int,
    title: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The one error answer of the web face: ``{"error": sentence}`` under /api/, else the
    error page (``headers`` such as a 405's ``Allow`` are kept)."""
    message = public_message(message)
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    ctx = context(request)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"ctx": ctx, "csrf": ctx.csrf, "title": title, "message": message},
        status_code=status,
        headers=headers,
    )


def _field_problems(errors: Any) -> InvalidInput:
    """FastAPI's parameter errors as one refusal: each field and what it needs."""
    problems = []
    for err in errors:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "form")]
        reason = plain_reason(err)
        problems.append((".".join(loc), reason))
    if not problems:
        return InvalidInput("", "the request is not complete")
    return InvalidInputs(problems) if len(problems) > 1 else InvalidInput(*problems[0])


def _refused(request: Request, exc: InvalidInput) -> Response:
    """A refused field: the sentence names it as the form labels it; the JSON answer also
    carries the field's id under ``field`` for scripts."""
    message = public_message(labels.sentence(exc, *labels.routes_of(request.scope)))
    if wants_json(request):
        return JSONResponse({"error": message, "field": exc.field}, status_code=422)
    return _error_page(request, 422, "Please check the form", message)


def _allowed(request: Request) -> str:
    """Every method the path takes, over all its routes (Starlette names only the first
    route's, and a page's GET and POST are separate routes)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def _too_large_within(exc: BaseException | None) -> BodyTooLarge | None:
    """The size refusal behind a body-parsing error: FastAPI reports any failure while reading
    a form as 400, and the middleware's task group wraps it in an exception group."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, BodyTooLarge):
            return exc
        if isinstance(exc, BaseExceptionGroup):
            for inner in exc.exceptions:
                if (found := _too_large_within(inner)) is not None:
                    return found
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _error_handlers(app: FastAPI) -> None:
    page = _error_page

    @app.exception_handler(NeedsSignIn)
    async def _anonymous(request: Request, exc: NeedsSignIn) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "sign in first"}, status_code=401)
        return redirect("/signin")

    @app.exception_handler(MustChangePassword)
    async def _temporary(request: Request, exc: MustChangePassword) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"error": "change your temporary password on the account page first"},
                status_code=403,
            )
        return redirect("/account?must_change=1#password")

    @app.exception_handler(MustEnrolTwoFactor)
    async def _enrol(request: Request, exc: MustEnrolTwoFactor) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"error": "clinicians and administrators turn on two-step sign-in first"},
                status_code=403,
            )
        return redirect("/account/two-factor?required=1")

    @app.exception_handler(AccountDisabled)
    async def _disabled(request: Request, exc: AccountDisabled) -> Response:
        return page(request, 403, "Account disabled", str(exc).capitalize() + ".")

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
        # a page says it in words; the JSON answer keeps the field's id for scripts
        if exc.plain and not wants_json(request):
            title = "Please check the " + ("address" if request.method == "GET" else "form")
            return page(request, 422, title, exc.plain)
        return _refused(request, exc)

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return page(request, 409, "Already there", str(exc))

    @app.exception_handler(StorageError)
    async def _storage(request: Request, exc: StorageError) -> Response:
        # the database's own words (host names, driver messages) go to the log only
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return page(
            request,
            503,
            "The journal is not reachable",
            "The journal's database cannot be reached just now, so nothing was changed. "
            "Try again in a minute.",
        )

    @app.exception_handler(FlarewiseError)
    async def _other(request: Request, exc: FlarewiseError) -> Response:
        return page(request, 400, "That did not work", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _parameters(request: Request, exc: RequestValidationError) -> Response:
        return _refused(request, _field_problems(exc.errors()))

    @app.exception_handler(pydantic.ValidationError)
    async def _record(request: Request, exc: pydantic.ValidationError) -> Response:
        return _refused(request, translate(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return page(request, 404, "Not found", "There is nothing here.")
        if exc.status_code == 405:
            return page(
                request,
                405,
                "Not here",
                "This address does not take that request.",
                headers={"Allow": _allowed(request)},
            )
        too_large = exc if exc.status_code == 413 else _too_large_within(exc)
        if too_large is not None:
            detail = str(too_large.detail)
            return page(request, 413, "File too large", detail[:1].upper() + detail[1:] + ".")
        if exc.status_code >= 500:
            return page(request, exc.status_code, "Something went wrong", "Try again later.")
        return page(
            request, exc.status_code, "That did not work", "The request was not understood."
        )


__all__ = ["WebSettings", "create_app"]
