"""The tailored plan and its safety checks (capability C5, clinical-rules.md D.4, E, G)."""

from flarewise.plan.build import STATEMENT, NotOffered, NotSuggested, Plan, PlanOption, build_plan
from flarewise.plan.context import Agent, PlanContext, agents_from_regimens, unrecognised_names
from flarewise.plan.items import PlanItem, resolve_item, resolve_items
from flarewise.plan.safety import MissingInput, SafetyCheck, Warning, check_plan, check_safety

__all__ = [
    "STATEMENT",
    "Agent",
    "MissingInput",
    "NotOffered",
    "NotSuggested",
    "Plan",
    "PlanContext",
    "PlanItem",
    "PlanOption",
    "SafetyCheck",
    "Warning",
    "agents_from_regimens",
    "build_plan",
    "check_plan",
    "check_safety",
    "resolve_item",
    "resolve_items",
    "unrecognised_names",
]
