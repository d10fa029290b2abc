"""The app as each process of ``flarewise serve --workers N`` builds it.

uvicorn starts every worker process afresh and asks it for the app by name
(``flarewise.web.factory:app_from_environment``), so ``serve`` hands its choices (database,
cookies, host names) to the workers in one environment variable, :data:`SERVE_OPTIONS`, rather
than through settings a person would set.
"""

from __future__ import annotations

import json
import os
from typing import Any

from fastapi import FastAPI

from flarewise.web.app import create_app

#: JSON of ``create_app``'s arguments, written by ``flarewise serve`` for its worker processes.
SERVE_OPTIONS = "FLAREWISE_SERVE_OPTIONS"


def serve_options(url: str, *, secure_cookies: bool, trusted_hosts: tuple[str, ...]) -> str:
    return json.dumps(
        {"url": url, "secure_cookies": secure_cookies, "trusted_hosts": list(trusted_hosts)}
    )


def app_from_environment() -> FastAPI:
    """One worker process's app, built from what ``serve`` put in :data:`SERVE_OPTIONS`."""
    options: dict[str, Any] = json.loads(os.environ.get(SERVE_OPTIONS) or "{}")
    return create_app(
        options.get("url"),
        secure_cookies=bool(options.get("secure_cookies", True)),
        trusted_hosts=tuple(options.get("trusted_hosts", ())),
        server_process=True,
    )
