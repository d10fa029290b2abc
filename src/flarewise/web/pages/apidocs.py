"""The API's reference as a plain page built from the app's own OpenAPI document.

FastAPI's interactive docs load their scripts and styles from a CDN, which the app's own
Content-Security-Policy blocks (so the page was blank) and which a private app should not call
anyway. This page lists every endpoint with its method and summary, served by the app itself,
and links the OpenAPI JSON for tools."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from flarewise.web.deps import Context, context

router = APIRouter()
METHODS = ("get", "post", "put", "patch", "delete")


def endpoints(openapi: dict[str, Any]) -> list[dict[str, str]]:
    """(method, path, summary) for every operation, in path order."""
    return [
        {"method": method.upper(), "path": path, "summary": op.get("summary", "")}
        for path, item in sorted(openapi.get("paths", {}).items())
        for method, op in item.items()
        if method in METHODS
    ]


@router.get("/api/docs", include_in_schema=False)
def api_docs(ctx: Annotated[Context, Depends(context)]) -> Response:
    app = ctx.request.app
    templates: Jinja2Templates = app.state.templates
    return templates.TemplateResponse(
        ctx.request,
        "api_docs.html",
        {
            "ctx": ctx,
            "csrf": ctx.csrf,
            "title": "API",
            "endpoints": endpoints(app.openapi()),
            "version": app.version,
        },
    )
