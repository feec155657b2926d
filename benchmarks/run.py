"""Benchmark: the example scenarios and OR-Library instances, HiGHS and CBC side by side in one run.

    python -m benchmarks.run [--quick] [--time-limit S] [--json FILE]

Both solvers run every case in the same process, one after the other, so their ratio holds on a
noisy machine. Each case reports its status, objective against the known optimum or best-known
value, gap, and build/solve/total seconds. The table goes to stdout, logs to stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.instances.orlib import chu_beasley, petersen, to_project_table, to_scenario
from models import ProjectList, Scenario
from optimizer import read_projects, read_scenario, solve

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SOLVERS = ("highs", "cbc")


@dataclass(frozen=True)
class Case:
    name: str
    projects: ProjectList
    scenario: Scenario
    reference: float | None
    """A proven optimum or best-known value to compare with, if any."""


@dataclass(frozen=True)
class Measurement:
    case: str
    solver: str
    projects: int
    status: str
    objective: float | None
    reference: float | None
    gap: float | None
    build_s: float
    solve_s: float
    total_s: float


def cases(quick: bool) -> Iterator[Case]:
    for scenario_file in ("scenario_base.toml", "scenario_per_year.json", "scenario_equity.toml"):
        yield Case(
            f"kristinehamn/{Path(scenario_file).stem}",
            read_projects(EXAMPLES / "kristinehamn_projects.csv"),
            read_scenario(EXAMPLES / scenario_file),
            None,
        )
    for instance in petersen():
        yield _knapsack_case(instance, instance.known_optimum)
    sample = (
        ("5.100-00", "5.100-20") if quick else ("5.100-00", "5.100-10", "5.100-20", "10.100-00", "10.100-20")
    )
    for file in ("mknapcb1.txt", "mknapcb4.txt"):
        for instance in chu_beasley(file):
            if instance.name in sample:
                yield _knapsack_case(instance, instance.best_known)


def _knapsack_case(instance, reference: float | None) -> Case:
    projects = read_projects(to_project_table(instance), source_name=instance.name)
    return Case(instance.name, projects, Scenario.model_validate(to_scenario(instance)), reference)


def measure(case: Case, solver: str, time_limit_s: float) -> Measurement:
    result = solve(case.projects, case.scenario, solver=solver, time_limit_s=time_limit_s)
    return Measurement(
        case=case.name,
        solver=solver,
        projects=len(case.projects),
        status=result.status.value,
        objective=result.objective_value_t,
        reference=case.reference,
        gap=result.mip_gap,
        build_s=result.timings.build_s,
        solve_s=result.timings.solve_s,
        total_s=result.timings.total_s,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer OR-Library instances")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="per solve (default 60)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every measurement as JSON")
    args = parser.parse_args(argv)

    rows: list[Measurement] = []
    print(
        f"{'case':<34} {'n':>4} {'solver':<6} {'status':<11} {'objective':>12} {'reference':>12} {'gap':>9} {'total s':>8}"
    )
    for case in cases(args.quick):
        for solver in SOLVERS:
            m = measure(case, solver, args.time_limit)
            rows.append(m)
            print(
                f"{m.case:<34} {m.projects:>4} {m.solver:<6} {m.status:<11} {_num(m.objective):>12} {_num(m.reference):>12} "
                f"{'-' if m.gap is None else f'{m.gap:.2e}':>9} {m.total_s:>8.3f}",
                flush=True,
            )
    ratios = [h.total_s / c.total_s for h, c in zip(rows[::2], rows[1::2], strict=True) if c.total_s > 0]
    print(
        f"\nHiGHS / CBC total time over {len(ratios)} cases: median {statistics.median(ratios):.2f}, "
        f"min {min(ratios):.2f}, max {max(ratios):.2f}"
    )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2))
    return 0


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


if __name__ == "__main__":
    sys.exit(main())
