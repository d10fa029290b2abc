"""What every page route shares: the request's person and journal (:class:`Context`), the
session and CSRF checks, rendering a page or its JSON, redirects, and the sentence a person may
see. Kept apart from ``app.py`` (which builds the app and its error handlers) so the pages depend
on this module and nothing imports the app back.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from flarewise.accounts import Accounts, Session
from flarewise.config import DEFAULT_MAX_UPLOAD_MB
from flarewise.importers.archive import ArchiveBudget
from flarewise.jobs import Queue
from flarewise.journal import Journal

#: Always answered: the machine itself, whatever ``serve --host`` says.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")

SESSION_COOKIE = "fw_session"
CSRF_COOKIE = "fw_csrf"


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


def job_queue(request: Request) -> Queue:
    """The queue imports go to (every process of the server shares its table)."""
    queue: Queue = request.app.state.jobs
    return queue


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


def public_message(text: str) -> str:
    """A message as a person may see it: without the server's temporary folders (the file's
    own name is kept) or a validation library's internals."""
    return _PYDANTIC_TAIL.sub("", _TEMP_PATH.sub("", text)).strip()
