"""Bounded request bodies: an upload larger than the setting is refused while it arrives.

Why here, as the outermost layer: Starlette spools a multipart upload to a temporary file before
any route runs, so a cap checked inside a route comes after the disk has filled. This ASGI
middleware refuses a declared ``Content-Length`` over the cap at once (413), and counts the
bytes of a body sent without one (chunked), stopping it with the same 413 as soon as it passes
the cap.
"""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Room for the form fields sent beside the file (CSRF token, options, the multipart framing).
FORM_ROOM = 1024**2


def too_large(limit: int) -> str:
    """The sentence for an upload over ``limit`` bytes."""
    return (
        f"the file is larger than {limit // 1024**2:,} MB, the most this server accepts; "
        "nothing was kept (the server's FLAREWISE_MAX_UPLOAD_MB setting sets the limit)"
    )


class BodyTooLarge(HTTPException):
    """Raised from inside the body's reading; FastAPI passes HTTP exceptions on unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large(limit))


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (plus room for the form's other fields)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limit + FORM_ROOM
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.strip().isdigit() and int(declared) > cap:
            await _refuse(scope, send, too_large(self.limit))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


async def _refuse(scope: Scope, send: Send, sentence: str) -> None:
    """A 413 with the sentence, as JSON under /api/ and as plain text elsewhere (the request
    never reached the app, so there is no session to render a page for)."""
    if str(scope.get("path", "")).startswith("/api/"):
        body, kind = json.dumps({"error": sentence}).encode(), b"application/json"
    else:
        body, kind = (
            (sentence[0].upper() + sentence[1:] + ".").encode(),
            b"text/plain; charset=utf-8",
        )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
