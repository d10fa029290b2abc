"""The JSON API takes JSON bodies on every route.

Routes whose fields are declared as form fields (FastAPI's ``Form``: invitations, grants,
notes, labs, medicines...) parsed only form bodies, so ``POST /api/sharing/invite`` with
``{"scope": "read"}`` answered "scope: is required", while routes that read
:func:`flarewise.web.forms.fields` (the check-in) took JSON (review finding 12). This ASGI layer
turns a JSON object sent to such a route into the form the route reads: text, numbers and
true/false as text, a list as the field repeated, null as a field not sent. An object inside,
or a body that is not a JSON object, is refused with a sentence; other routes and other bodies
pass untouched."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi.routing import APIRoute
from starlette.responses import JSONResponse
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def as_form(data: Any) -> bytes:
    """A JSON object as the urlencoded form a browser would send; ValueError with a sentence
    for what a form cannot hold."""
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object of field names to values")
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if isinstance(item, bool):
                pairs.append((name, "true" if item else "false"))
            elif isinstance(item, str | int | float):
                pairs.append((name, str(item)))
            else:
                raise ValueError(f"{name}: give a text, a number, true/false or a list of them")
    return urlencode(pairs).encode()


class JsonForms:
    """Rewrite a JSON body sent to a form route as that form (see the module's notes)."""

    def __init__(self, app: ASGIApp, routes: list[APIRoute]) -> None:
        self.app = app
        self.routes = routes

    def _takes_form(self, scope: Scope) -> bool:
        """Whether the request reaches one of the form routes."""
        return any(route.matches(scope)[0] == Match.FULL for route in self.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)  # most requests: no header is read
            return
        kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
        if kind != b"application/json" or not self._takes_form(scope):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        try:
            data = json.loads(b"".join(chunks) or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            await JSONResponse({"error": "body: is not valid JSON"}, 422)(scope, receive, send)
            return
        try:
            body = as_form(data)
        except ValueError as exc:
            await JSONResponse({"error": str(exc)}, 422)(scope, receive, send)
            return
        rest = [
            (k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")
        ]
        rest += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # a disconnect, if the client goes away
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": rest}, replay, send)
