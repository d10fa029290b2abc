"""The service worker, served from the site's root so it may control every page (a worker
under /static/ could only control /static/). The manifest and icons are plain static files."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter()


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    script = (resources.files("flarewise.web") / "static" / "sw.js").read_text("utf-8")
    return Response(
        script,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},  # a new version is picked up on the next visit
    )
