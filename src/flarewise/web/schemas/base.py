"""The base of every page answer model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    """A page's JSON answer, or a part of it. Extra keys are refused, so the OpenAPI document
    says ``additionalProperties: false`` and a key added to a page without its model fails the
    schema checks instead of going undocumented."""

    model_config = ConfigDict(extra="forbid")
