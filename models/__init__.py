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
from models.robust import RobustPortfolio
from models.scenario import CumulativeObjective, FundingPool, GroupRule, MinCostObjective, Scenario
from models.uncertainty import Draws, Evaluation, Reoptimisation, UncertaintySpec, UncertaintyStudy

__all__ = [
    "CORE_COLUMNS",
    "PROFILE_PREFIX",
    "REQUIRED_COLUMNS",
    "BaselineTrend",
    "Conflict",
    "CumulativeObjective",
    "Draws",
    "Evaluation",
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
    "Reoptimisation",
    "Result",
    "RobustPortfolio",
    "RuleOutcome",
    "Scenario",
    "Selection",
    "SolverInfo",
    "SpendLine",
    "Status",
    "TargetPoints",
    "Timings",
    "UncertaintySpec",
    "UncertaintyStudy",
    "YearSpend",
    "canonical_text",
]
