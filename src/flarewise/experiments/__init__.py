"""Personal experiments: protocol designs, schedules, adherence and honest analysis (C6)."""

from flarewise.experiments.analyze import ExperimentResult, FoodVerdict, analyze_experiment
from flarewise.experiments.design import DesignAdvice, advise, random_order
from flarewise.experiments.schedule import (
    Phase,
    PlannedDay,
    executed_schedule,
    phases,
    planned_schedule,
    today_instruction,
)

__all__ = [
    "DesignAdvice",
    "ExperimentResult",
    "FoodVerdict",
    "Phase",
    "PlannedDay",
    "advise",
    "analyze_experiment",
    "executed_schedule",
    "phases",
    "planned_schedule",
    "random_order",
    "today_instruction",
]
