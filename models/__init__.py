"""Domain data of the optimiser: project lists, scenarios and results. No solver code here."""

from models.project import CORE_COLUMNS, PROFILE_PREFIX, REQUIRED_COLUMNS, ProjectList, canonical_text
from models.result import Conflict, Result, RuleOutcome, Selection, SolverInfo, Status, Timings, YearSpend
from models.scenario import CumulativeObjective, GroupRule, Scenario

__all__ = [
    "CORE_COLUMNS",
    "PROFILE_PREFIX",
    "REQUIRED_COLUMNS",
    "Conflict",
    "CumulativeObjective",
    "GroupRule",
    "ProjectList",
    "Result",
    "RuleOutcome",
    "Scenario",
    "Selection",
    "SolverInfo",
    "Status",
    "Timings",
    "YearSpend",
    "canonical_text",
]
