"""The host names the app answers to: a request naming any other host is refused before any
route runs, so a forged ``Host`` header can never reach a page, a link or a log line as if it
were ours. (Starlette's own TrustedHostMiddleware cuts the name at the first colon, so an IPv6
address such as ``[::1]:8765`` never matched; this one reads it.)"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

REFUSED = b"This server does not answer to that host name."


def host_name(header: str) -> str:
    """The name in a Host header, without the port: ``[::1]:8765`` -> ``::1``."""
    text = header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        return text[1:end] if end > 0 else ""
    return text.split(":", 1)[0]


class TrustedHosts:
    """Answer only requests whose Host is one of ``hosts`` (``*.example.org`` allows its
    sub-domains); others get a plain 400 that does not repeat the name."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app = app
        names = {h.strip().lower().strip("[]") for h in hosts if h.strip()}
        self.exact = {n for n in names if not n.startswith("*.")}
        self.suffixes = tuple(n[1:] for n in names if n.startswith("*."))

    def allows(self, header: str) -> bool:
        name = host_name(header)
        return bool(name) and (name in self.exact or name.endswith(self.suffixes or ("\0",)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.allows(
            Headers(scope=scope).get("host", "")
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(REFUSED)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": REFUSED})
