"""Command line: `python -m optimizer solve --projects FILE --scenario FILE`.

Exit codes (a contract scripts rely on): 0 a portfolio was found, 1 the solver failed,
2 invalid input, 3 infeasible, 4 no portfolio within the time limit.
Only the requested output goes to stdout; logs and messages go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from models import ProjectList, Result, Scenario, Status, UncertaintyStudy
from optimizer.analysis.compare import Comparison, compare
from optimizer.analysis.curves import CostPoint, FrontierPoint, cost_frontier, frontier, knee, macc
from optimizer.analysis.sweep import EXECUTORS, SchedulerUnreachable, check_executor
from optimizer.cli.common import (
    EXIT_CODES,
    EXIT_ERROR,
    EXIT_INVALID_INPUT,
    EXIT_OK,
    msek,
    read_result_file,
    report_invalid,
    unwritable,
    whole,
    write_table,
)
from optimizer.cli.plan import add_plan_commands, plan_command
from optimizer.io.problems import InputError, Problem
from optimizer.io.readers import read_projects, read_scenario
from optimizer.model.solve import solve
from optimizer.reporting.tables import CSV_COLUMNS, write_csv  # noqa: F401 - CSV_COLUMNS stays public here

if TYPE_CHECKING:
    from matplotlib.figure import Figure

REPORT_EXPLAIN_S = 120.0
"""The report's why-not analysis gets at most this long in all by default (the 88-measure example plan
needs about 15 s on two cores; a measure not reached says so in the report)."""


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
    run.add_argument(
        "--explain",
        action="store_true",
        help="also say, for each project not funded, the highest cost at which it would be, and what each "
        "budget and rule costs (exact re-solves: can take a while)",
    )
    add_plot_option(
        run, "budget, funding, district and macc (.png and .svg), and pathway when the scenario has one"
    )
    add_analysis_commands(commands)
    add_compare_command(commands)
    add_uncertainty_command(commands)
    add_report_command(commands)
    add_plan_commands(commands)
    return parser


def add_plot_option(command: argparse.ArgumentParser, files: str) -> None:
    command.add_argument(
        "--plot",
        metavar="DIR",
        help=f"also write charts ({files}) into DIR, creating it; the paths are printed on stderr",
    )


def _plot_dir(args: argparse.Namespace) -> Path | None:
    """`--plot DIR`, created up front so that a bad directory fails before any solving (OSError)."""
    if not getattr(args, "plot", None):
        return None
    directory = Path(args.plot)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _save_charts(directory: Path, figures: dict[str, Figure]) -> None:
    from optimizer.reporting.charts import save

    for name, figure in figures.items():
        for suffix in (".png", ".svg"):
            print(f"wrote {save(figure, directory / (name + suffix))}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=(logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        plot_dir = _plot_dir(args)
    except OSError as error:
        print(f"--plot: cannot create the directory: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    if args.command in ANALYSIS_COMMANDS:
        return ANALYSIS_COMMANDS[args.command](args, plot_dir)
    try:
        projects = read_projects(args.projects)
        scenario = read_scenario(args.scenario)
        result = solve(
            projects, scenario, solver=args.solver, time_limit_s=args.time_limit, mip_gap=args.mip_gap
        )
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    analysis = _explain(projects, scenario, result, args) if args.explain else None
    if args.format == "json":
        write_json(result, sys.stdout, extra=analysis)
    elif args.format == "csv":
        write_csv(result, sys.stdout)
    else:
        write_table(result, sys.stdout)
    if analysis is not None and args.format != "json":
        # csv: stdout stays CSV, so the analysis goes to stderr
        write_explain_table(analysis, sys.stdout if args.format == "table" else sys.stderr)
    if args.format != "table" and not result.has_portfolio:
        print(result.message, file=sys.stderr)
    if plot_dir is not None:
        _plot_solve(projects, scenario, result, plot_dir)
    return EXIT_CODES[result.status]


def _plot_solve(projects: ProjectList, scenario: Scenario, result: Result, directory: Path) -> None:
    """`solve --plot DIR`: the MACC always; budget use and districts only when there is a portfolio."""
    from optimizer.reporting.charts import (
        budget_chart,
        district_chart,
        funding_chart,
        macc_chart,
        pathway_chart,
    )

    figures: dict[str, Figure] = {}
    if result.has_portfolio:
        figures["budget"] = budget_chart(result)
        figures["funding"] = funding_chart(result)
        figures["district"] = district_chart(result)
        if result.pathway is not None:
            figures["pathway"] = pathway_chart(result.pathway)
    else:
        print(f"--plot: no budget or district chart, the result is {result.status.value}", file=sys.stderr)
    figures["macc"] = macc_chart(
        macc(projects, scenario), title=f"Marginal abatement cost curve ({scenario.objective_label})"
    )
    _save_charts(directory, figures)


def _explain(
    projects: ProjectList, scenario: Scenario, result: Result, args: argparse.Namespace
) -> dict | None:
    """`--explain`: why_not and rule_prices (optimizer.analysis.whynot), only for an optimal portfolio."""
    if result.status is not Status.OPTIMAL:
        print(f"--explain: no analysis, the result is {result.status.value}, not optimal", file=sys.stderr)
        return None
    from optimizer.analysis.whynot import rule_prices, why_in, why_not

    solver, limit = args.solver, args.time_limit
    return {
        "why_not": [
            w.to_dict() for w in why_not(projects, scenario, result, solver=solver, time_limit_s=limit)
        ],
        "why_in": [
            w.to_dict() for w in why_in(projects, scenario, result, solver=solver, time_limit_s=limit)
        ],
        "rule_prices": [
            p.to_dict() for p in rule_prices(projects, scenario, result, solver=solver, time_limit_s=limit)
        ],
    }


def write_explain_table(analysis: dict, out: TextIO) -> None:
    console = Console(file=out, width=120, highlight=False, soft_wrap=False)
    why = _titled_table(
        "Why not: highest cost at which each unfunded project would be funded (exact)",
        [("id", "left"), ("max cost MSEK", "right"), ("or min t/year", "right")],
    )
    for w in analysis["why_not"]:
        needed = w["min_abatement_t_per_year"]
        why.add_row(
            escape(w["id"]),
            "never" if w["max_cost_sek"] is None else msek(w["max_cost_sek"]),
            "-" if needed is None else f"{needed:,.1f}",
        )
    console.print(why)
    kept = _titled_table(
        "Why in: how much dearer, or how much less effective, each funded project could be (exact)",
        [("id", "left"), ("max cost MSEK", "right"), ("min t/year", "right"), ("note", "left")],
    )
    for w in analysis["why_in"]:
        kept.add_row(
            escape(w["id"]),
            "-" if w["max_cost_sek"] is None else msek(w["max_cost_sek"]),
            "-" if w["min_abatement_t_per_year"] is None else f"{w['min_abatement_t_per_year']:,.1f}",
            escape(w["note"]),
        )
    console.print(kept)
    prices = _titled_table(
        "Price of each budget and rule",
        [("rule", "left"), ("shadow price (LP estimate)", "right"), ("optimum without it (exact)", "right")],
    )
    for p in analysis["rule_prices"]:
        without = p["objective_without_rule_t"]
        prices.add_row(
            escape(p["name"]), f"{p['shadow_price']:.4g}", "n/a" if without is None else f"{without:,.0f} t"
        )
    console.print(prices)


def write_json(result: Result, out: TextIO, extra: dict | None = None) -> None:
    json.dump({**result.model_dump(mode="json"), **(extra or {})}, out, ensure_ascii=False, indent=2)
    out.write("\n")


# ------------------------------------------------------------------------------------------
# Decision analysis: `frontier` (best portfolio per total budget) and `macc` (cost per tonne)
# ------------------------------------------------------------------------------------------


def add_analysis_commands(commands: argparse._SubParsersAction) -> None:
    front = commands.add_parser(
        "frontier",
        help="the best portfolio for each of several total budgets (what more money buys), or with --targets "
        "the cheapest portfolio for each reduction target",
    )
    front.add_argument("--projects", required=True, metavar="FILE", help="project list: .csv, .xlsx or .json")
    front.add_argument("--scenario", required=True, metavar="FILE", help="scenario: .json or .toml")
    sweep = front.add_mutually_exclusive_group(required=True)
    sweep.add_argument(
        "--budgets",
        metavar="B1,B2,...",
        help="total budgets in SEK, separated by commas (e.g. 50e6,100e6,150e6); each replaces the scenario's budget",
    )
    sweep.add_argument(
        "--targets",
        metavar="T1,T2,...",
        help="reduction targets in t CO2e (as the scenario counts tonnes), separated by commas: the least "
        "municipal cost reaching each, the scenario's budgets and rules kept",
    )
    front.add_argument("--format", choices=("table", "json"), default="table", help="output on stdout")
    front.add_argument("--solver", choices=("highs", "cbc"), help="override the scenario's solver")
    front.add_argument("--time-limit", type=float, metavar="S", help="time limit per budget, seconds")
    front.add_argument(
        "--executor",
        choices=EXECUTORS,
        help="solve the points independently on this executor (default: one after the other, each warm-started "
        "from the last)",
    )
    front.add_argument(
        "--workers", type=int, metavar="W", help="processes of the executor (default: one per core)"
    )
    front.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://HOST:8786 (implies dask)"
    )
    add_plot_option(front, "frontier.png/.svg")
    curve = commands.add_parser("macc", help="marginal abatement cost curve: projects by cost per tonne")
    curve.add_argument("--projects", required=True, metavar="FILE", help="project list: .csv, .xlsx or .json")
    curve.add_argument("--scenario", required=True, metavar="FILE", help="scenario: .json or .toml")
    curve.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output on stdout")
    curve.add_argument(
        "--basis",
        choices=("investment", "lifecycle"),
        default="investment",
        help="order by investment per tonne (default) or by lifecycle cost per tonne (net present cost of "
        "investment and operation per discounted tonne: measures that pay for themselves first)",
    )
    add_plot_option(curve, "macc.png/.svg")


def parse_budgets(text: str, *, option: str = "--budgets", unit: str = "SEK") -> list[float]:
    """`--budgets 50e6,100e6` as numbers; InputError naming every entry that is not a positive number."""
    problems, budgets = [], []
    for position, part in enumerate(text.split(","), start=1):
        try:
            value = float(part.strip())
        except ValueError:
            problems.append(Problem(f"{option} entry {position}: {part.strip()!r} is not a number"))
            continue
        if not math.isfinite(value) or value <= 0:
            problems.append(
                Problem(f"{option} entry {position}: {part.strip()!r} must be a number above 0 {unit}")
            )
            continue
        budgets.append(value)
    if problems:
        raise InputError(problems)
    return budgets


def _frontier_command(args: argparse.Namespace, plot_dir: Path | None = None) -> int:
    """`frontier --budgets`: the most tonnes per budget; `frontier --targets`: the least municipal cost
    per reduction target (the same curve read the other way round)."""
    by_target = args.targets is not None
    try:
        values = (
            parse_budgets(args.targets, option="--targets", unit="t")
            if by_target
            else parse_budgets(args.budgets)
        )
        projects = read_projects(args.projects)
        scenario = read_scenario(args.scenario)
        curve = cost_frontier if by_target else frontier
        points: Sequence[FrontierPoint | CostPoint] = curve(
            projects,
            scenario,
            values,
            solver=args.solver,
            time_limit_s=args.time_limit,
            **_sweep_options(args),
        )
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    if args.format == "json":
        _write_points_json(points)
    else:
        console = Console(file=sys.stdout, width=120, highlight=False, soft_wrap=False)
        title = escape(scenario.name or args.scenario)
        if by_target:
            _print_cost_frontier(console, title, cast(Sequence[CostPoint], points))
        else:
            _print_frontier(console, title, cast(Sequence[FrontierPoint], points))
        for p in points:
            if not p.has_portfolio:
                console.print(f"  • {_point_label(p)}: {escape(p.message)}")
    if plot_dir is not None and by_target:
        print("--plot: the cost frontier has no chart; use --budgets for the frontier chart", file=sys.stderr)
    elif plot_dir is not None:
        from optimizer.reporting.charts import frontier_chart

        chart_title = f"Budget frontier: {scenario.name or Path(args.scenario).name}"
        budget_points = cast(list[FrontierPoint], points)
        _save_charts(plot_dir, {"frontier": frontier_chart(budget_points, title=chart_title)})
    return EXIT_ERROR if any(p.status is Status.ERROR for p in points) else EXIT_OK


def _print_frontier(console: Console, title: str, points: Sequence[FrontierPoint]) -> None:
    headers = ("budget MSEK", "status", "t CO2e", "gap", "marginal t/MSEK", "projects")
    table = _titled_table(f"Budget frontier: {title}", _status_left(headers))
    for p in points:
        table.add_row(
            msek(p.budget_sek),
            p.status.value,
            "-" if p.objective_value_t is None else f"{p.objective_value_t:,.0f}",
            "-" if p.mip_gap is None else f"{p.mip_gap:.3%}",
            "-" if p.marginal_t_per_msek is None else f"{p.marginal_t_per_msek:,.0f}",
            str(len(p.selected)),
        )
    console.print(table)
    bend = knee(points)
    if bend is not None:
        console.print(f"Knee: the tonnes per extra MSEK fall the most after {msek(bend.budget_sek)} MSEK.")


def _print_cost_frontier(console: Console, title: str, points: Sequence[CostPoint]) -> None:
    headers = ("target t", "status", "municipal MSEK", "t reached", "gap", "marginal SEK/t", "projects")
    table = _titled_table(f"Cost frontier: {title}", _status_left(headers))
    for p in points:
        table.add_row(
            f"{p.target_t:,.0f}",
            p.status.value,
            "-" if p.cost_sek is None else msek(p.cost_sek),
            "-" if p.objective_value_t is None else f"{p.objective_value_t:,.0f}",
            "-" if p.mip_gap is None else f"{p.mip_gap:.3%}",
            "-" if p.marginal_sek_per_t is None else f"{p.marginal_sek_per_t:,.0f}",
            str(len(p.selected)),
        )
    console.print(table)


def _titled_table(title: str, columns: Sequence[tuple[str, JustifyMethod]]) -> Table:
    """A rich table with its title on the left and these (header, justification) columns."""
    table = Table(title=title, title_justify="left")
    for header, justify in columns:
        table.add_column(header, justify=justify)
    return table


def _status_left(headers: Sequence[str]) -> list[tuple[str, JustifyMethod]]:
    """Figures on the right, the status in words on the left."""
    return [(header, "left" if header == "status" else "right") for header in headers]


def _point_label(point: FrontierPoint | CostPoint) -> str:
    """A curve's point as a person names it: its budget, or its target."""
    if isinstance(point, CostPoint):
        return f"{point.target_t:,.0f} t"
    return f"{msek(point.budget_sek)} MSEK"


def _sweep_options(args: argparse.Namespace) -> dict[str, Any]:
    """`--executor/--workers/--scheduler` as `frontier` takes them; none given: the warm sequential path."""
    if args.executor is None and args.scheduler is None:
        return {}
    executor = "dask" if args.scheduler else args.executor
    try:
        check_executor(executor=executor, workers=args.workers, scheduler=args.scheduler)
    except ValueError as error:
        raise InputError([Problem(str(error))]) from None
    return {"executor": executor, "workers": args.workers, "scheduler": args.scheduler}


def _write_points_json(points: Sequence[FrontierPoint | CostPoint]) -> None:
    """A frontier's points as one JSON list on stdout; why a point has no portfolio on stderr."""
    json.dump([p.to_dict() for p in points], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    for p in points:
        if not p.has_portfolio:
            label = f"target {p.target_t:,.0f} t" if isinstance(p, CostPoint) else f"budget {p.budget_sek:,.0f} SEK"
            print(f"{label}: {p.message}", file=sys.stderr)


def _macc_command(args: argparse.Namespace, plot_dir: Path | None = None) -> int:
    try:
        projects = read_projects(args.projects)
        scenario = read_scenario(args.scenario)
        curve = macc(projects, scenario, basis=args.basis)
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    lifecycle = args.basis == "lifecycle"
    if args.format == "json":
        rows = curve.to_dict(orient="records")
        for row in rows:  # JSON has no infinity or NaN: a figure that does not exist is null
            for key, value in row.items():
                if isinstance(value, float) and not math.isfinite(value):
                    row[key] = None
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        curve.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        console = Console(file=sys.stdout, width=160, highlight=False, soft_wrap=False)
        order = "lifecycle cost per tonne" if lifecycle else "investment per tonne"
        table = Table(
            title=f"Marginal abatement cost curve ({scenario.objective_label}; by {order})",
            title_justify="left",
        )
        headers = (
            "id",
            "name",
            "sector",
            "t CO2e",
            "cost MSEK",
            "SEK/t",
            "municipal SEK/t",
            "NPC MSEK",
            "lifecycle SEK/t",
            "payback yrs",
            "cumulative t",
        )
        for header in headers:
            table.add_column(header, justify="left" if header in ("id", "name", "sector") else "right")

        def number(value: float, text: str | None = None) -> str:
            if not math.isfinite(value):
                return "-"
            return whole(value) if text is None else text.format(value)

        for row in curve.itertuples(index=False):
            table.add_row(
                escape(row.id),
                escape(row.name),
                escape(row.sector),
                f"{row.abatement_t:,.0f}",
                msek(row.cost_sek),
                number(row.sek_per_t),
                number(row.municipal_sek_per_t),
                msek(row.net_present_cost_sek),
                number(row.lifecycle_sek_per_t),
                number(row.payback_years, "{:.1f}"),
                f"{row.cumulative_abatement_t:,.0f}",
            )
        console.print(table)
    if plot_dir is not None:
        from optimizer.reporting.charts import macc_chart

        title = f"Marginal abatement cost curve ({scenario.objective_label}; by {args.basis} cost)"
        per_t = "lifecycle_sek_per_t" if lifecycle else "sek_per_t"
        _save_charts(plot_dir, {"macc": macc_chart(curve, title=title, per_t=per_t)})
    return EXIT_OK


# ------------------------------------------------------------------------------------------
# `compare`: what changed between two results written by `solve --format json`
# ------------------------------------------------------------------------------------------


def add_compare_command(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "compare", help="what changed from one result to another (two files from `solve --format json`)"
    )
    command.add_argument("base", metavar="BASE.json", help="the result compared against")
    command.add_argument("other", metavar="OTHER.json", help="the result compared with it")
    command.add_argument("--format", choices=("table", "json"), default="table", help="output on stdout")


def _compare_command(args: argparse.Namespace, plot_dir: Path | None = None) -> int:
    try:
        comparison = compare(read_result_file(args.base), read_result_file(args.other))
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    if args.format == "json":
        json.dump(comparison.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        write_compare_table(comparison, sys.stdout)
    return EXIT_OK


def write_compare_table(comparison: Comparison, out: TextIO) -> None:
    console = Console(file=out, width=120, highlight=False, soft_wrap=False)
    console.print(
        f"[bold]Base:[/bold] {comparison.base_status}; [bold]other:[/bold] {comparison.other_status}"
    )
    totals = Table(title="Totals (difference = other − base)", title_justify="left")
    for header in ("total", "base", "other", "difference"):
        totals.add_column(header, justify="left" if header == "total" else "right")
    for name, change in comparison.totals.items():
        totals.add_row(
            name, *("-" if v is None else f"{v:,.2f}" for v in (change.base, change.other, change.difference))
        )
    console.print(totals)
    projects = Table(title="Projects that entered, left or changed", title_justify="left")
    for header in ("change", "id", "name", "base fraction", "other fraction", "Δ cost MSEK", "Δ t CO2e"):
        projects.add_column(header, justify="left" if header in ("change", "id", "name") else "right")
    for group in ("entered", "left", "changed"):
        for p in getattr(comparison, group):
            projects.add_row(
                group,
                escape(p.id),
                escape(p.name),
                f"{p.base_fraction:.3g}",
                f"{p.other_fraction:.3g}",
                msek(p.cost_difference_sek),
                f"{p.abatement_difference_t:,.0f}",
            )
    console.print(projects)
    console.print(f"{len(comparison.kept)} project(s) funded in both at the same fraction.")
    budget = Table(title="Municipal spend per budget period", title_justify="left")
    for header in ("year", "base MSEK", "other MSEK", "difference MSEK"):
        budget.add_column(header, justify="right")
    for row in comparison.budget:
        budget.add_row(
            "all" if row.year is None else str(row.year),
            msek(row.base_spend_sek),
            msek(row.other_spend_sek),
            msek(row.spend_difference_sek),
        )
    console.print(budget)


def add_uncertainty_command(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "uncertainty",
        help="how sure is the portfolio: P10/P50/P90, chance of staying in budget and meeting the target, "
        "how often each project is chosen when re-optimised per draw, a robust portfolio",
    )
    command.add_argument("--projects", required=True, metavar="FILE", help="project list with range columns")
    command.add_argument("--scenario", required=True, metavar="FILE", help="scenario: .json or .toml")
    command.add_argument(
        "--draws", type=int, metavar="N", help="draws (default: the scenario's [uncertainty] draws, 1000)"
    )
    command.add_argument("--seed", type=int, metavar="K", help="seed (default: the scenario's, 0)")
    command.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="process",
        help="where the re-optimisations run: here, a local process pool (default), or Dask",
    )
    command.add_argument("--workers", type=int, metavar="W", help="processes (default: one per core)")
    command.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://HOST:8786 (implies dask)"
    )
    command.add_argument(
        "--no-reoptimise",
        dest="reoptimise",
        action="store_false",
        help="only evaluate the point portfolio under the draws (no solve per draw)",
    )
    command.add_argument(
        "--robust",
        action="store_true",
        help="also choose the portfolio with the largest CVaR of the reduction",
    )
    command.add_argument(
        "--alpha",
        type=float,
        metavar="A",
        help="the robust mode's tail: the worst A of the draws (default: the scenario's cvar_alpha, 0.1)",
    )
    command.add_argument("--time-limit", type=float, metavar="S", help="time limit per solve, seconds")
    command.add_argument(
        "--progress",
        choices=("auto", "on", "off"),
        default="auto",
        help="a progress bar on stderr (auto: when stderr is a terminal)",
    )
    command.add_argument("--format", choices=("table", "json"), default="table", help="output on stdout")
    add_plot_option(command, "uncertainty and robustness")


def _uncertainty_command(args: argparse.Namespace, plot_dir: Path | None = None) -> int:
    from optimizer.analysis.uncertainty import study

    try:
        projects = read_projects(args.projects)
        scenario = _with_overrides(
            read_scenario(args.scenario), time_limit_s=args.time_limit, alpha=args.alpha
        )
        found = study(
            projects,
            scenario,
            draws=args.draws,
            seed=args.seed,
            reoptimise=args.reoptimise,
            robust=args.robust,
            executor="dask" if args.scheduler else args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            progress={"on": True, "off": None, "auto": sys.stderr.isatty() or None}[args.progress],
        )
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    except SchedulerUnreachable as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    report = found.to_dict()
    if args.format == "json":
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        write_uncertainty_table(report, sys.stdout, title=scenario.name or args.scenario)
    for note in report["notes"]:
        print(note, file=sys.stderr)
    if plot_dir is not None:
        from optimizer.reporting.charts import robustness_chart, uncertainty_chart

        _save_charts(
            plot_dir, {"uncertainty": uncertainty_chart(report), "robustness": robustness_chart(report)}
        )
    return EXIT_CODES[found.point.status]


def _with_overrides(scenario: Scenario, *, time_limit_s: float | None, alpha: float | None) -> Scenario:
    """The scenario with `--time-limit` and `--alpha` applied, validated like the file itself."""
    data = scenario.model_dump()
    if time_limit_s is not None:
        data["time_limit_s"] = time_limit_s
    if alpha is not None:
        data["uncertainty"] = {**(data.get("uncertainty") or {}), "cvar_alpha": alpha}
    return read_scenario(data) if data != scenario.model_dump() else scenario


def _target_text(evaluation: dict) -> str:
    """The study's target in words: a pathway's emissions ceiling, or a reduction to reach."""
    if evaluation.get("target_kind") == "pathway":
        return (
            f"Brings emissions down to the pathway's target of {evaluation['target_t']:,.0f} t CO2e a year "
            f"in {evaluation['target_year']}"
        )
    return f"Reaches the target of {evaluation['target_t']:,.0f} t"


def write_uncertainty_table(report: dict, out: TextIO, *, title: str) -> None:
    """An uncertainty study for people: the distribution, the probabilities, the uncertain choices."""
    console = Console(file=out, width=120, highlight=False, soft_wrap=False)
    evaluation = report["evaluation"] or {}
    measure = evaluation.get("objective", "")
    summary = Table(
        title=f"Uncertainty: {escape(title)} ({report['draws']} draws, {report['distribution']}, seed "
        f"{report['seed']})",
        title_justify="left",
    )
    for header in ("", "P10", "P50", "P90"):
        summary.add_column(header, justify="left" if not header else "right")
    rows = [(f"reduction of the portfolio ({measure}, t)", report["abatement_t"], 1.0)]
    if evaluation:
        rows.append(("municipal cost of the portfolio (MSEK)", evaluation["cost_sek"], 1e-6))
    if report["reoptimisation"]:
        rows.append(("best achievable per draw (t)", report["reoptimisation"]["abatement_t"], 1.0))
    for label, quantiles, scale in rows:
        summary.add_row(
            label,
            *("-" if quantiles[q] is None else f"{quantiles[q] * scale:,.1f}" for q in ("p10", "p50", "p90")),
        )
    console.print(summary)
    within, target = report["probability_within_budget"], report["probability_target_met"]
    if within is not None:
        by_year = ", ".join(
            f"{year}: {p:.0%}" for year, p in evaluation["probability_within_budget_by_year"].items()
        )
        console.print(f"Stays within every budget in {within:.1%} of the draws ({by_year}).")
    if target is not None:
        console.print(f"{_target_text(evaluation)} in {target:.1%} of the draws.")
    frequency = report["selection_frequency"]
    if frequency:
        point = {s["id"] for s in report["point"]["selected"]}
        shaky = sorted(
            (
                (pid, share)
                for pid, share in frequency.items()
                if 0.05 < share < 0.95 or (pid in point) != (share >= 0.5)
            ),
            key=lambda item: -item[1],
        )
        choices = Table(
            title="Choices that depend on the uncertain figures (share of draws whose best portfolio funds it)",
            title_justify="left",
        )
        for header in ("id", "chosen in", "funded at the point estimates"):
            choices.add_column(header, justify="left" if header == "id" else "right")
        for pid, share in shaky:
            choices.add_row(escape(pid), f"{share:.0%}", "yes" if pid in point else "no")
        console.print(choices)
        steady = sum(1 for share in frequency.values() if share >= 0.95)
        console.print(f"{steady} project(s) are chosen in at least 95 % of the draws.")
    robust = report["robust"]
    if robust and robust["cvar_t"] is None:
        console.print(f"Robust portfolio: none ({escape(robust['message'])}).")
    elif robust:
        console.print(
            f"Robust portfolio (largest CVaR at alpha {robust['alpha']:g}): mean of the worst draws "
            f"{robust['cvar_t']:,.0f} t against {robust['point_cvar_t']:,.0f} t for the point portfolio; "
            f"it gives up {round(robust['price_t']):,} t at the point estimates "
            f"(status {robust['status']}). Added: {', '.join(robust['added']) or '-'}; removed: "
            f"{', '.join(robust['removed']) or '-'}."
        )


# ------------------------------------------------------------------------------------------
# `report`: a plain-language HTML report of a run, for the board and the public
# ------------------------------------------------------------------------------------------

REPORT_DRAWS = 500


def add_report_command(commands: argparse._SubParsersAction) -> None:
    from optimizer.reporting.report_texts import LANGUAGES

    command = commands.add_parser(
        "report",
        help="solve, then write a self-contained HTML report for the board and the public (Swedish or English): "
        "what is funded and why, what it achieves towards 2030, cost per tonne, districts and equity rules, "
        "what was left out and what it would take, how sure the figures are, and the data behind them",
    )
    command.add_argument(
        "--projects", required=True, metavar="FILE", help="project list: .csv, .xlsx or .json"
    )
    command.add_argument("--scenario", required=True, metavar="FILE", help="scenario: .json or .toml")
    command.add_argument("--out", required=True, metavar="FILE", help="the HTML file to write")
    command.add_argument(
        "--explain-time",
        type=float,
        default=REPORT_EXPLAIN_S,
        metavar="S",
        help=f"at most this long, in all, for what it would take to fund each left-out project (default "
        f"{REPORT_EXPLAIN_S:g}; projects not reached say so in the report)",
    )
    command.add_argument(
        "--lang", choices=LANGUAGES, default="sv", help="language of the report (default: sv)"
    )
    command.add_argument(
        "--draws",
        type=int,
        default=REPORT_DRAWS,
        metavar="N",
        help=f"draws of the uncertainty study, made when the list has range columns (default {REPORT_DRAWS}; "
        "0: no study)",
    )
    command.add_argument(
        "--reduction-thresholds",
        action="store_true",
        help="also compute, for each project left out, the yearly reduction at which it would be funded at "
        "its cost (a second exact re-solve per project: about twice the time)",
    )
    command.add_argument(
        "--reoptimise",
        action="store_true",
        help="also choose the best portfolio afresh in every draw of the study, to show how often each "
        "measure would be chosen (one solve per draw: minutes on a municipal list)",
    )
    command.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="process",
        help="where the why-not analysis and the study's re-optimisations run (default: a local process pool)",
    )
    command.add_argument(
        "--time-limit", type=float, metavar="S", help="time limit of the solve and of each re-solve, seconds"
    )


def _report_command(args: argparse.Namespace, plot_dir: Path | None = None) -> int:
    """Read, solve, then the why-not analysis (optimal portfolios only) on the executor while this
    process makes the uncertainty study (lists with ranges) and draws the report; write the HTML."""
    from concurrent.futures import ThreadPoolExecutor

    from optimizer.analysis.sweep import start_workers
    from optimizer.io.fingerprint import input_sha256
    from optimizer.reporting.report import Report

    out = Path(args.out)
    problem = unwritable(out)
    if problem is not None:
        print(f"--out: cannot write the report to {out}: {problem}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    if args.draws < 0:
        print(f"--draws: must be 0 (no study) or more, not {args.draws}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    if not args.explain_time > 0:
        print(f"--explain-time: must be more than 0 seconds, not {args.explain_time:g}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    start_workers(args.executor)  # the worker processes load the optimiser while this one solves
    try:
        projects = read_projects(args.projects)
        scenario = _with_overrides(read_scenario(args.scenario), time_limit_s=args.time_limit, alpha=None)
        result = solve(projects, scenario)
    except InputError as error:
        report_invalid(error, "table")
        return EXIT_INVALID_INPUT
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="why-not") as background:
        thresholds = None
        if result.status is Status.OPTIMAL:
            from optimizer.analysis.whynot import why_not

            thresholds = background.submit(
                why_not,
                projects,
                scenario,
                result,
                time_limit_s=args.time_limit,
                total_time_s=args.explain_time,
                executor=args.executor,
                reductions=args.reduction_thresholds,
            )
            if args.reoptimise:  # the study would need the same workers: one after the other
                thresholds.result()
        else:
            print(
                f"report: no why-not analysis, the result is {result.status.value}, not optimal",
                file=sys.stderr,
            )
        found = _report_study(args, projects, scenario, result)
        report = Report(
            projects,
            scenario,
            result,
            lang=args.lang,
            study=found,
            input_sha256=input_sha256(project_bytes=Path(args.projects).read_bytes(), scenario=scenario),
            source_name=Path(args.projects).name,
        )
        report.prepare()
        figures = None if thresholds is None else thresholds.result()
    try:
        out.write_text(report.html(figures), encoding="utf-8")
    except OSError as error:
        print(f"--out: cannot write the report to {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_CODES[result.status]


def _report_study(
    args: argparse.Namespace, projects: ProjectList, scenario: Scenario, result: Result
) -> UncertaintyStudy | None:
    """The report's uncertainty study, for a list with ranges and a portfolio (None otherwise)."""
    if not (projects.has_ranges and args.draws > 0 and result.has_portfolio):
        return None
    from optimizer.analysis.uncertainty import study

    try:
        return study(
            projects,
            scenario,
            draws=args.draws,
            reoptimise=args.reoptimise,
            executor=args.executor,
            point=result,
            progress=sys.stderr.isatty() or None,
        )
    except InputError as error:
        print(f"report: no uncertainty study: {error}", file=sys.stderr)
        return None


ANALYSIS_COMMANDS = {
    "frontier": _frontier_command,
    "macc": _macc_command,
    "compare": _compare_command,
    "uncertainty": _uncertainty_command,
    "report": _report_command,
    "plan": plan_command,
}
