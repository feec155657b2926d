"""Domain data of the optimiser: project lists, scenarios and results. No solver code here."""

from models.pathway import (
    BaselineTrend,
    NetZeroTarget,
    Pathway,
    PathwaySpec,
    PathwayYear,
    ReductionRateTarget,
    TargetPoints,
)
from models.project import CORE_COLUMNS, PROFILE_PREFIX, REQUIRED_COLUMNS, ProjectList, canonical_text
from models.result import (
    Conflict,
    PoolUse,
    Result,
    RuleOutcome,
    Selection,
    SolverInfo,
    SpendLine,
    Status,
    Timings,
    YearSpend,
)
from models.scenario import CumulativeObjective, FundingPool, GroupRule, MinCostObjective, Scenario

__all__ = [
    "CORE_COLUMNS",
    "PROFILE_PREFIX",
    "REQUIRED_COLUMNS",
    "BaselineTrend",
    "Conflict",
    "CumulativeObjective",
    "FundingPool",
    "GroupRule",
    "MinCostObjective",
    "NetZeroTarget",
    "Pathway",
    "PathwaySpec",
    "PathwayYear",
    "PoolUse",
    "ProjectList",
    "ReductionRateTarget",
    "Result",
    "RuleOutcome",
    "Scenario",
    "Selection",
    "SolverInfo",
    "SpendLine",
    "Status",
    "TargetPoints",
    "Timings",
    "YearSpend",
    "canonical_text",
]
