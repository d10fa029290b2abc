"""The service worker, served from the site's root so it may control every page (a worker
under /static/ could only control /static/). The manifest and icons are plain static files."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter()

#: The line of sw.js that names its cache.
_CACHE_NAME = re.compile(r'var CACHE = "flarewise-[^"]*";')
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
    # whatever name the file gives (a hand-bumped "flarewise-v2" once slipped past a fixed
    # "flarewise-v1" here, and the cache stopped following the files)
    return _CACHE_NAME.sub(f'var CACHE = "flarewise-{digest.hexdigest()[:12]}";', script, count=1)


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    script = worker_script()
    return Response(
        script,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},  # a new version is picked up on the next visit
    )
