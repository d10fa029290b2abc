"""Page routers, one module per page; each page answers as HTML and, under /api/, as JSON."""

from __future__ import annotations

from fastapi import FastAPI

from flarewise.web.pages import (
    account,
    admin,
    agreement,
    apidocs,
    assessments,
    clinic,
    data,
    experiments,
    labs,
    medicines,
    offline,
    plan,
    reminders,
    report,
    report_pdf,
    sessions,
    sharing,
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
        report_pdf,
        data,
        sharing,
        clinic,
        admin,
    ):
        app.include_router(module.router)
    app.include_router(apidocs.router)
    app.include_router(offline.router)
