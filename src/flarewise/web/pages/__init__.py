"""Page routers, one module per page; each page answers as HTML and, under /api/, as JSON."""

from __future__ import annotations

from fastapi import FastAPI

from flarewise.web.pages import (
    account,
    agreement,
    apidocs,
    assessments,
    data,
    experiments,
    labs,
    medicines,
    offline,
    plan,
    reminders,
    report,
    sessions,
    timeline,
    today,
    twofactor,
)


def register(app: FastAPI) -> None:
    for module in (
        account,
        twofactor,
        sessions,
        today,
        medicines,
        timeline,
        labs,
        assessments,
        plan,
        experiments,
        agreement,
        reminders,
        report,
        data,
    ):
        app.include_router(module.router)
    app.include_router(apidocs.router)
    app.include_router(offline.router)
