"""Page routers, one module per page; each page answers as HTML and, under /api/, as JSON."""

from __future__ import annotations

from fastapi import FastAPI, params
from fastapi.routing import APIRoute

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

#: The pages' modules, in the order their routes are tried.
PAGES = (
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
    apidocs,
    offline,
)


def register(app: FastAPI) -> None:
    for module in PAGES:
        app.include_router(module.router)


def form_routes() -> list[APIRoute]:
    """The routes whose fields are declared as form fields: :mod:`flarewise.web.json_forms`
    lets their JSON twins take a JSON body too."""
    return [
        route
        for module in PAGES
        for route in module.router.routes
        if isinstance(route, APIRoute)
        and route.body_field is not None
        and isinstance(route.body_field.field_info, params.Form)
    ]
