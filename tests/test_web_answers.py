"""Every /api GET route declares the model of its JSON answer (issue 13, item 5), and the real
answers of a journal with something on every page match it: the OpenAPI document cannot drift
from what the server sends, and schemathesis's response-schema check has a body to check."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from flarewise.web.schemas import (
    account,
    assessments,
    data,
    experiments,
    labs,
    medicines,
    plan,
    report,
    sharing,
    timeline,
    today,
)

from .answerkit import JOURNALS, filled_journal, get_answers, sharing_answers
from .webkit import app_on

#: The model each page route declares for its 200 answer.
MODELS: dict[str, type[BaseModel]] = {
    "/api/account": account.AccountPage,
    "/api/account/sessions": account.AccountSessions,
    "/api/account/two-factor": account.TwoFactorPage,
    "/api/assessments": assessments.AssessmentsPage,
    "/api/data": data.DataPage,
    "/api/experiments": experiments.ExperimentsPage,
    "/api/experiments/{eid}": experiments.ExperimentPage,
    "/api/insights": experiments.InsightsPage,
    "/api/labs": labs.LabsPage,
    "/api/labs/trend/{loinc}": labs.LabTrendPage,
    "/api/medicines": medicines.MedicinesPage,
    "/api/plan": plan.PlanPage,
    "/api/report": report.ReportPage,
    "/api/report/pdf/{job_id}": report.ReportJob,
    "/api/clinic/{handle}/report/pdf/{job_id}": report.ReportJob,
    "/api/experiments/{eid}/review": experiments.ExperimentReviewPage,
    "/api/timeline": timeline.TimelinePage,
    "/api/today": today.TodayPage,
    "/api/entries/{entry_id}": today.EntryPage,
    "/api/sharing": sharing.SharingPage,
    "/api/account/audit": sharing.AuditPage,
    "/api/clinic": sharing.ClinicPage,
    "/api/clinic/{handle}": sharing.ClinicPersonPage,
    "/api/clinic/{handle}/report": report.ReportPage,
    "/api/clinic/{handle}/timeline": timeline.TimelinePage,
    "/api/clinic/{handle}/labs": labs.LabsPage,
    "/api/clinic/{handle}/plan": plan.PlanPage,
    "/api/admin": sharing.AdminPage,
}


def _success_schema(document: dict[str, Any], route: str) -> dict[str, Any]:
    answer = document["paths"][route]["get"]["responses"]["200"]
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema


def test_every_api_get_route_answers_as_its_declared_model(db_url: str) -> None:
    app = app_on(db_url)
    try:
        answers = []
        for handle, days in JOURNALS:
            c = filled_journal(app, handle, days)
            answers += get_answers(c)
            answers += sharing_answers(app, c, handle)
        document = c.get("/api/openapi.json").json()
        assert {route for route, _, _ in answers} == set(MODELS)
        for route, address, body in answers:
            model = MODELS[route]
            declared = _success_schema(document, route)
            assert declared == {"$ref": f"#/components/schemas/{model.__name__}"}, route
            # the model refuses unknown keys, so a key added to a page without its model fails
            model.model_validate(body)
            assert model.model_validate(body).model_dump(mode="json", exclude_unset=True) == body, (
                address
            )
    finally:
        app.state.db.close()


def test_json_get_routes_left_generic_are_only_the_downloads(db_url: str) -> None:
    """The only GET routes under /api/ without a body model are the ones that answer a file
    (an export) or a health probe with its own small declared shape."""
    app = app_on(db_url)
    try:
        c = filled_journal(app, *JOURNALS[0])
        paths = c.get("/api/openapi.json").json()["paths"]
        generic = []
        for path, operations in paths.items():
            get = operations.get("get")
            if not path.startswith("/api/") or get is None:
                continue
            content = get["responses"].get("200", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if "$ref" not in schema:
                generic.append(path)
        assert sorted(generic) == ["/api/export/{fmt}"], generic
    finally:
        app.state.db.close()
