"""The service worker, served from the site's root so it may control every page (a worker
under /static/ could only control /static/). The manifest and icons are plain static files."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter()

#: The files the worker keeps (its STATIC list): their content names its cache.
CACHED = ("app.css", "app.js", "favicon.svg", "icon-192.png")


@cache
def worker_script() -> str:
    """sw.js with its cache named after the content of the files it keeps. The worker serves
    them cache-first, so under a fixed name ("flarewise-v1") a new app.js or app.css never
    reached a phone that had the old ones: now any change renames the cache, the browser sees a
    new worker, and its activation drops the old cache."""
    static = resources.files("flarewise.web") / "static"
    digest = hashlib.sha256()
    for name in CACHED:
        digest.update((static / name).read_bytes())
    script = (static / "sw.js").read_text("utf-8")
    return script.replace('"flarewise-v1"', f'"flarewise-{digest.hexdigest()[:12]}"')


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    script = worker_script()
    return Response(
        script,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},  # a new version is picked up on the next visit
    )
