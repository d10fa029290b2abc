"""The tailored plan and its safety checks (capability C5, clinical-rules.md D.4, E, G)."""

from flarewise.plan.build import STATEMENT, NotSuggested, Plan, PlanOption, build_plan
from flarewise.plan.context import Agent, PlanContext, agents_from_regimens
from flarewise.plan.items import PlanItem, resolve_item, resolve_items
from flarewise.plan.safety import Warning, check_plan

__all__ = [
    "STATEMENT",
    "Agent",
    "NotSuggested",
    "Plan",
    "PlanContext",
    "PlanItem",
    "PlanOption",
    "Warning",
    "agents_from_regimens",
    "build_plan",
    "check_plan",
    "resolve_item",
    "resolve_items",
]
