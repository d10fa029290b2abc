"""What every page route shares: the request's person and journal (:class:`Context`), the
session and CSRF checks, rendering a page or its JSON, redirects, and the sentence a person may
see. Kept apart from ``app.py`` (which builds the app and its error handlers) so the pages depend
on this module and nothing imports the app back.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from flarewise.accounts import Accounts, Session
from flarewise.config import DEFAULT_MAX_UPLOAD_MB
from flarewise.errors import NotFound
from flarewise.importers.archive import ArchiveBudget
from flarewise.jobs import Queue
from flarewise.journal import Journal
from flarewise.sharing.access import NOTHING_HERE, Shared, open_shared

#: Always answered: the machine itself, whatever ``serve --host`` says.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")

SESSION_COOKIE = "fw_session"
CSRF_COOKIE = "fw_csrf"
#: a sign-in whose password was right, awaiting its code (sent only to /signin...)
PENDING_COOKIE = "fw_pending"


@dataclass
class WebSettings:
    """What the web app needs to know; declared once (see docs/web.md)."""

    database_url: str
    #: mark cookies Secure (set False only for plain http on 127.0.0.1)
    secure_cookies: bool = True
    #: journals that may be opened without a password (the demo); never set in production
    demo_handle: str | None = None
    #: the largest upload, in bytes (FLAREWISE_MAX_UPLOAD_MB)
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024**2
    #: host names the app answers to (FLAREWISE_TRUSTED_HOSTS, ``serve --host``)
    trusted_hosts: tuple[str, ...] = LOCAL_HOSTS
    #: archive limits for imports (FLAREWISE_IMPORT_MAX_UNPACKED_BYTES, _MAX_ZIP_MEMBERS)
    archive_budget: ArchiveBudget = field(default_factory=ArchiveBudget)


class NeedsSignIn(Exception):
    """Raised by :func:`context` for an anonymous request to a page that needs a person."""


class CsrfFailed(Exception):
    """A state-changing request without the right CSRF token."""


class MustChangePassword(Exception):
    """The session's password is a temporary one: only the account page answers until it is
    changed."""


#: What a session with a temporary password may still reach.
_WHILE_TEMPORARY = ("/account", "/api/account", "/account/password", "/signout")


class MustEnrolTwoFactor(Exception):
    """A clinician or administrator without two-step sign-in: only its enrolment answers until
    it is on (their sign-in opens other people's data)."""


#: What a clinician or administrator may reach before two-step sign-in is on.
_WHILE_ENROLLING = ("/account/two-factor", "/api/account/two-factor", "/signout")


@dataclass
class Context:
    """One request's person: their session, their journal, the CSRF token for forms."""

    request: Request
    session: Session | None
    csrf: str
    #: another person's journal opened through a grant (the clinic pages), else None
    shared: Shared | None = None

    @cached_property
    def journal(self) -> Journal:
        """The journal the page shows: the shared one on clinic pages, else the person's own."""
        if self.shared is not None:
            return self.shared.journal
        if self.session is None:
            raise NeedsSignIn
        return Journal(self.request.app.state.db, self.session.handle, self.session.person_id)

    @property
    def role(self) -> str | None:
        return None if self.session is None else self.session.role

    @property
    def handle(self) -> str | None:
        return None if self.session is None else self.session.handle


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def client_of(request: Request) -> str:
    """The client's address: what sign-in throttling counts per client."""
    return request.client.host if request.client else "unknown"


def agent_of(request: Request) -> str | None:
    """The browser's User-Agent, kept with a new session to describe it (flarewise/devices.py)."""
    return request.headers.get("user-agent")


def start_session(request: Request, response: Response, token: str) -> Response:
    """Set the session cookie on ``response`` (and drop a pending sign-in's)."""
    response.delete_cookie(PENDING_COOKIE, path="/signin")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        max_age=14 * 86400,
    )
    return response


def job_queue(request: Request) -> Queue:
    """The queue imports go to (every process of the server shares its table)."""
    queue: Queue = request.app.state.jobs
    return queue


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def context(request: Request) -> Context:
    """The request's session (or none) and CSRF token; the only place sessions are read."""
    session = accounts_of(request).session(request.cookies.get(SESSION_COOKIE))
    pre = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", "")
    return Context(request, session, session.csrf if session else str(pre or ""))


async def person(ctx: Annotated[Context, Depends(context)]) -> Context:
    """Dependency of every route that shows or changes data: refused without a session; with a
    temporary password everywhere but the account page; for a clinician or an administrator
    without two-step sign-in, everywhere but its enrolment. (``async``: it runs on the event
    loop instead of taking a trip through the thread pool on every request.)"""
    if ctx.session is None:
        raise NeedsSignIn
    path = ctx.request.url.path
    if ctx.session.must_change_password and path not in _WHILE_TEMPORARY:
        raise MustChangePassword
    if (
        not ctx.session.must_change_password  # the password first, then the app
        and not path.startswith(_WHILE_ENROLLING)
        and accounts_of(ctx.request).must_enrol(ctx.session)
    ):
        raise MustEnrolTwoFactor
    return ctx


def role(*allowed: str) -> Callable[[Context], Context]:
    """Dependency of the pages of one role (the clinic's, the admin's): anyone else signed in
    gets the ordinary "not found" answer, as for a page that does not exist."""

    def dependency(ctx: Annotated[Context, Depends(person)]) -> Context:
        if ctx.role not in allowed:
            raise NotFound(NOTHING_HERE)
        return ctx

    return dependency


def via(request: Request) -> str:
    """The route of a request as the audit log keeps it."""
    return f"{request.method} {request.url.path}"[:300]


def shared(need: str, what: str, action: str = "read") -> Callable[[str, Context], Context]:
    """Dependency of the clinic pages of one person (the path's ``handle``): their journal
    through a live grant covering ``need``, with the access in their audit log; refused
    exactly as a missing person is. Asked again on every request, so a revoked grant ends
    the clinician's view at their next click."""

    def dependency(handle: str, ctx: Annotated[Context, Depends(role("clinician"))]) -> Context:
        assert ctx.session is not None
        opened = open_shared(
            ctx.request.app.state.db,
            ctx.session.handle,
            handle,
            need,
            what=what,
            via=via(ctx.request),
            action=action,
        )
        return replace(ctx, shared=opened)

    return dependency


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


#: Where uploads and exports are unpacked: never shown to a person.
_TEMP_PATH = re.compile(re.escape(tempfile.gettempdir().rstrip("/")) + r"/flarewise-[\w.-]+/")
_PYDANTIC_TAIL = re.compile(r"\s*\[type=[^\]]*\]|\s*For further information visit \S+")
#: A value echoed back in quotes, cut after 40 characters (a 3,000-character paste is not
#: something to read twice). A quote opens after a space, a bracket or a colon and closes
#: before a non-letter, so an apostrophe ("dose's") or a quote closing a short value opens
#: nothing.
_LONG_QUOTE = re.compile(r"((?:^|(?<=[\s(:]))'|“)([^'”\n]{40})[^'”\n]{2,}('(?!\w)|”)")


def public_message(text: str) -> str:
    """A message as a person may see it: without the server's temporary folders (the file's
    own name is kept) or a validation library's internals."""
    text = _PYDANTIC_TAIL.sub("", _TEMP_PATH.sub("", text))
    return _LONG_QUOTE.sub(r"\1\2…\3", text).strip()
