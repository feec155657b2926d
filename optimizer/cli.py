"""Command line: `python -m optimizer solve --projects FILE --scenario FILE`.

Exit codes (a contract scripts rely on): 0 a portfolio was found, 1 the solver failed,
2 invalid input, 3 infeasible, 4 no portfolio within the time limit.
Only the requested output goes to stdout; logs and messages go to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models import Result, RuleOutcome, Status
from optimizer.errors import InputError
from optimizer.io import read_projects, read_scenario
from optimizer.solve import solve

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INVALID_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_SOLUTION = 4
EXIT_CODES = {
    Status.OPTIMAL: EXIT_OK,
    Status.FEASIBLE: EXIT_OK,
    Status.ERROR: EXIT_ERROR,
    Status.INFEASIBLE: EXIT_INFEASIBLE,
    Status.NO_SOLUTION: EXIT_NO_SOLUTION,
}
CSV_COLUMNS = (
    "id",
    "name",
    "sector",
    "district",
    "fraction",
    "cost_sek",
    "municipal_cost_sek",
    "abatement_t",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m optimizer",
        description="Climate investment prioritisation: the portfolio with the largest tCO2e reduction for the money.",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output on stderr (-v, -vv)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("solve", help="choose the best portfolio for a project list and a scenario")
    run.add_argument("--projects", required=True, metavar="FILE", help="project list: .csv, .xlsx or .json")
    run.add_argument("--scenario", required=True, metavar="FILE", help="scenario: .json or .toml")
    run.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output on stdout (default: table)",
    )
    run.add_argument("--solver", choices=("highs", "cbc"), help="override the scenario's solver")
    run.add_argument(
        "--time-limit", type=float, metavar="S", help="override the scenario's time limit, seconds"
    )
    run.add_argument(
        "--mip-gap", type=float, metavar="GAP", help="override the scenario's relative optimality gap"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=(logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        projects = read_projects(args.projects)
        scenario = read_scenario(args.scenario)
        result = solve(
            projects, scenario, solver=args.solver, time_limit_s=args.time_limit, mip_gap=args.mip_gap
        )
    except InputError as error:
        _report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    if args.format == "json":
        write_json(result, sys.stdout)
    elif args.format == "csv":
        write_csv(result, sys.stdout)
    else:
        write_table(result, sys.stdout)
    if args.format != "table" and not result.has_portfolio:
        print(result.message, file=sys.stderr)
    return EXIT_CODES[result.status]


def _report_invalid(error: InputError, output_format: str) -> None:
    print(str(error), file=sys.stderr)
    if output_format == "json":
        problems = [p.to_dict() for p in error.problems]
        json.dump({"status": "invalid_input", "problems": problems}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")


def write_json(result: Result, out: TextIO) -> None:
    json.dump(result.model_dump(mode="json"), out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(result: Result, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in result.selected:
        writer.writerow(
            [
                s.id,
                s.name,
                s.sector,
                s.district or "",
                f"{s.fraction:.6g}",
                f"{s.cost_sek:.2f}",
                f"{s.municipal_cost_sek:.2f}",
                f"{s.abatement_t:.6g}",
            ]
        )


def _sek(value: float) -> str:
    return f"{value / 1e6:,.2f}"


def write_table(result: Result, out: TextIO) -> None:
    console = Console(file=out, width=120, highlight=False, soft_wrap=False)
    console.print(f"[bold]Status:[/bold] {result.status.value} — {escape(result.message)}")
    if result.status is Status.INFEASIBLE:
        return
    for violation in result.violations:
        console.print(f"  • {escape(violation)}")
    if not result.has_portfolio:
        return

    chosen = Table(title=f"Funded projects ({len(result.selected)})", title_justify="left")
    for header, justify in (
        ("id", "left"),
        ("name", "left"),
        ("sector", "left"),
        ("district", "left"),
        ("fraction", "right"),
        ("cost MSEK", "right"),
        ("municipal MSEK", "right"),
        (f"t CO2e ({result.objective})", "right"),
    ):
        chosen.add_column(header, justify=justify)
    for s in sorted(result.selected, key=lambda s: -s.abatement_t):
        chosen.add_row(
            escape(s.id),
            escape(s.name),
            escape(s.sector),
            escape(s.district or ""),
            f"{s.fraction:.3g}",
            _sek(s.cost_sek),
            _sek(s.municipal_cost_sek),
            f"{s.abatement_t:,.0f}",
        )
    console.print(chosen)

    gap = "n/a" if result.mip_gap is None else f"{result.mip_gap:.4%}"
    bound = "n/a" if result.best_bound_t is None else f"{result.best_bound_t:,.0f} t"
    per_t = (
        "n/a"
        if result.sek_per_t is None
        else f"{result.sek_per_t:,.0f} SEK/t (municipal {result.municipal_sek_per_t:,.0f} SEK/t)"
    )
    console.print(
        f"[bold]Reduction:[/bold] {result.objective_value_t:,.0f} t CO2e ({result.objective}); "
        f"{result.abatement_t_per_year:,.0f} t/year once in operation\n"
        f"[bold]Best bound:[/bold] {bound}, gap {gap}\n"
        f"[bold]Cost:[/bold] {_sek(result.total_cost_sek)} MSEK, of which municipal {_sek(result.municipal_cost_sek)} MSEK "
        f"and grants {_sek(result.grant_sek)} MSEK; {per_t}"
    )

    budget = Table(title="Budget use (municipal cost)", title_justify="left")
    for header in ("year", "budget MSEK", "spent MSEK", "left MSEK", "used"):
        budget.add_column(header, justify="right")
    for row in result.budget:
        used = f"{row.spend_sek / row.budget_sek:.0%}" if row.budget_sek > 0 else "-"
        budget.add_row(
            "all" if row.year is None else str(row.year),
            _sek(row.budget_sek),
            _sek(row.spend_sek),
            _sek(row.slack_sek),
            used,
        )
    console.print(budget)

    if result.rules:
        rules = Table(title="Rules", title_justify="left")
        for header, justify in (
            ("rule", "left"),
            ("measure", "left"),
            ("value", "right"),
            ("share", "right"),
            ("bound", "left"),
            ("slack", "right"),
            ("binding", "left"),
        ):
            rules.add_column(header, justify=justify)
        for r in result.rules:
            rules.add_row(
                escape(r.name),
                r.measure,
                _amount(r.measure, r.value),
                "-" if r.share is None else f"{r.share:.1%}",
                _bounds(r),
                _amount(r.measure, r.slack),
                "yes" if r.binding else "",
            )
        console.print(rules)
    timings = result.timings
    console.print(
        f"[dim]{result.solver.name} {result.solver.version}; build {timings.build_s:.3f} s, solve {timings.solve_s:.3f} s, "
        f"check {timings.check_s:.3f} s, total {timings.total_s:.3f} s[/dim]"
    )


def _amount(measure: str, value: float) -> str:
    """A rule's figure in the unit people read it in."""
    if measure in ("cost", "municipal_cost"):
        return f"{value / 1e6:,.2f} MSEK"
    if measure == "count":
        return f"{value:,.3g}"
    return f"{value:,.0f} t"


def _bounds(rule: RuleOutcome) -> str:
    parts = []
    if rule.min_share is not None:
        parts.append(f"≥ {rule.min_share:.0%}")
    if rule.max_share is not None:
        parts.append(f"≤ {rule.max_share:.0%}")
    if rule.min is not None:
        parts.append(f"≥ {_amount(rule.measure, rule.min)}")
    if rule.max is not None:
        parts.append(f"≤ {_amount(rule.measure, rule.max)}")
    return ", ".join(parts)
