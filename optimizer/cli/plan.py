"""Command line of the follow-up cycle: `python -m optimizer plan adopt|status|replan`.

Exit codes as for `solve`: 0 done, 2 invalid input (a bad plan or actuals file, located), and for a solve
without a portfolio 3 (infeasible), 4 (no portfolio within the time limit) or 1 (solver failure); in those
cases no plan file is written. With `--format json` stdout holds one JSON object and nothing else.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models import Actuals, AdoptedPlan, Result
from optimizer.cli.common import (
    EXIT_CODES,
    EXIT_INVALID_INPUT,
    EXIT_OK,
    msek,
    read_result_file,
    report_invalid,
    unwritable,
    write_table,
)
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects, read_scenario
from optimizer.planning.followup import (
    PlanStatus,
    Replan,
    adopt,
    plan_json,
    plan_status,
    read_actuals,
    read_plan,
    replan,
)

__all__ = ["add_plan_commands", "plan_command"]


def add_plan_commands(commands: argparse._SubParsersAction) -> None:
    """The `plan` command and its three steps."""
    plan = commands.add_parser(
        "plan",
        help="follow-up: adopt a run as the plan, report planned against actual, re-plan the open years",
    )
    steps = plan.add_subparsers(dest="plan_command", required=True)
    adopt_cmd = steps.add_parser("adopt", help="solve (or take a result) and write it as the adopted plan")
    adopt_cmd.add_argument(
        "--projects", required=True, metavar="FILE", help="project list: .csv, .xlsx or .json"
    )
    adopt_cmd.add_argument("--scenario", required=True, metavar="FILE", help="scenario: .json or .toml")
    adopt_cmd.add_argument(
        "--result",
        metavar="RESULT.json",
        help="a result of `solve --format json` to adopt (default: solve now)",
    )
    adopt_cmd.add_argument("--out", required=True, metavar="PLAN.json", help="the plan file to write")
    _common(adopt_cmd, time_limit=True)
    status = steps.add_parser("status", help="planned against actual, per year, project and district")
    _plan_and_actuals(status)
    _common(status, time_limit=False)
    again = steps.add_parser(
        "replan", help="re-optimise the open years: started projects kept, actual spend counted"
    )
    _plan_and_actuals(again)
    again.add_argument(
        "--out", metavar="NEWPLAN.json", help="also adopt the re-plan and write it as a plan file"
    )
    _common(again, time_limit=True)


def _plan_and_actuals(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--plan", required=True, metavar="PLAN.json", help="the adopted plan (from `plan adopt`)"
    )
    command.add_argument(
        "--actuals",
        metavar="FILE",
        help="actual spend and reductions: .csv or .json (columns id, year, "
        "spend_sek, abatement_t); without it nothing is recorded yet",
    )
    command.add_argument(
        "--as-of",
        type=int,
        metavar="YEAR",
        help="first open year (default: the year after the latest actual)",
    )


def _common(command: argparse.ArgumentParser, *, time_limit: bool) -> None:
    command.add_argument("--format", choices=("table", "json"), default="table", help="output on stdout")
    if time_limit:
        command.add_argument("--time-limit", type=float, metavar="S", help="time limit of the solve, seconds")


def plan_command(args: argparse.Namespace, plot_dir: Path | None = None) -> int:
    """Dispatch `plan adopt|status|replan`."""
    handlers = {"adopt": _adopt_command, "status": _status_command, "replan": _replan_command}
    return handlers[args.plan_command](args)


def _adopt_command(args: argparse.Namespace) -> int:
    out = Path(args.out)
    problem = unwritable(out)
    if problem is not None:
        print(f"--out: cannot write the plan to {out}: {problem}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    try:
        projects = read_projects(args.projects)
        scenario = read_scenario(args.scenario)
        if args.result:
            result = read_result_file(args.result)
        else:
            from optimizer.model.solve import solve

            result = solve(projects, scenario, time_limit_s=args.time_limit)
        if not result.has_portfolio:
            return _no_portfolio(result, args.format)
        plan = adopt(
            projects,
            scenario,
            result,
            source=Path(args.projects).name,
            project_bytes=Path(args.projects).read_bytes(),
        )
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    written = _write_plan(plan, out)
    if written is not None:
        return written
    summary = _plan_summary(plan, out)
    if args.format == "json":
        _json_out(summary)
    else:
        _write_summary(summary, sys.stdout)
    return EXIT_OK


def _no_portfolio(result: Result, output_format: str) -> int:
    """No plan is written from a result without a portfolio; the exit code says why, as `solve`'s does."""
    print(f"no plan written: the result is {result.status.value}: {result.message}", file=sys.stderr)
    if output_format == "json":
        _json_out(
            {
                "status": result.status.value,
                "message": result.message,
                "result": result.model_dump(mode="json"),
            }
        )
    else:
        write_table(result, sys.stdout)
    return EXIT_CODES[result.status]


def _write_plan(plan: AdoptedPlan, out: Path) -> int | None:
    try:
        out.write_text(plan_json(plan), encoding="utf-8")
    except OSError as error:
        print(f"--out: cannot write the plan to {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    print(f"wrote {out}", file=sys.stderr)
    return None


def _plan_summary(plan: AdoptedPlan, out: Path) -> dict[str, Any]:
    result = plan.result_model()
    return {
        "status": "adopted",
        "plan": str(out),
        "adopted_at": plan.adopted_at.isoformat(),
        "input_sha256": plan.input_sha256,
        "source": plan.source,
        "result_status": result.status.value,
        "selected": [s.id for s in result.selected],
        "municipal_cost_sek": result.municipal_cost_sek,
        "abatement_t": result.abatement_t,
        "objective": result.objective,
    }


def _write_summary(summary: dict[str, Any], out: TextIO) -> None:
    console = Console(file=out, width=120, highlight=False, soft_wrap=False)
    console.print(f"[bold]Adopted plan[/bold] written to {escape(summary['plan'])}")
    console.print(
        f"{len(summary['selected'])} projects, municipal cost {msek(summary['municipal_cost_sek'])} MSEK, "
        f"{summary['abatement_t']:,.0f} t CO2e ({escape(summary['objective'])}); result {summary['result_status']}"
    )
    console.print(f"input_sha256 {summary['input_sha256']}")


def _read_inputs(args: argparse.Namespace) -> tuple[AdoptedPlan, Actuals]:
    plan = read_plan(args.plan)
    actuals = read_actuals(args.actuals, plan=plan) if args.actuals else Actuals()
    return plan, actuals


def _status_command(args: argparse.Namespace) -> int:
    try:
        plan, actuals = _read_inputs(args)
        status = plan_status(plan, actuals, as_of=args.as_of)
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    if args.format == "json":
        _json_out(status.to_dict())
    else:
        write_status_table(status, sys.stdout)
    return EXIT_OK


def _replan_command(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else None
    problem = unwritable(out) if out is not None else None
    if problem is not None:
        print(f"--out: cannot write the plan to {out}: {problem}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    try:
        plan, actuals = _read_inputs(args)
        found = replan(plan, actuals, as_of=args.as_of, time_limit_s=args.time_limit)
    except InputError as error:
        report_invalid(error, args.format)
        return EXIT_INVALID_INPUT
    result = found.result
    if out is not None:
        if result.has_portfolio:
            new_plan = adopt(
                found.inputs.projects,
                found.inputs.scenario,
                result,
                source=f"re-plan of {plan.source or Path(args.plan).name} as of {found.inputs.basis.as_of}",
            )
            written = _write_plan(new_plan, out)
            if written is not None:
                return written
        else:
            print(f"--out: no plan written, the re-plan is {result.status.value}", file=sys.stderr)
    if args.format == "json":
        _json_out(found.to_dict())
    else:
        write_replan_table(found, sys.stdout)
        if not result.has_portfolio:
            print(result.message, file=sys.stderr)
    return EXIT_CODES[result.status]


def _json_out(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _money(value: float | None) -> str:
    return "-" if value is None else msek(value)


def _to_date(row: dict[str, Any]) -> tuple[str, ...]:
    """A project's or district's cells: planned, actual and variance to date, plan total, tonnes."""
    return (
        _money(row["planned_to_date_sek"]),
        _money(row["actual_to_date_sek"]),
        _money(row["variance_sek"]),
        _money(row["planned_total_sek"]),
        f"{row['planned_t_to_date']:,.0f}",
        f"{row['actual_t_to_date']:,.0f}",
    )


def write_status_table(status: PlanStatus, out: TextIO) -> None:
    console = Console(file=out, width=150, highlight=False, soft_wrap=False)
    console.print(f"[bold]Plan status[/bold] as of {status.as_of} (years before it are closed)")
    years = Table(title="Per year: municipal spend (MSEK) and reductions (t CO2e)", title_justify="left")
    for header in ("year", "budget", "planned", "actual", "variance", "planned t", "actual t"):
        years.add_column(header, justify="right")
    for y in status.years:
        years.add_row(
            f"{y['year']}{'' if y['closed'] else ' (open)'}",
            _money(y["budget_sek"]),
            _money(y["planned_sek"]),
            _money(y["actual_sek"]),
            _money(y["variance_sek"]),
            f"{y['planned_t']:,.0f}",
            f"{y['actual_t']:,.0f}",
        )
    console.print(years)
    projects = Table(title="Per project, to date (MSEK, t CO2e)", title_justify="left")
    for header in (
        "id",
        "name",
        "district",
        "state",
        "planned",
        "actual",
        "variance",
        "plan total",
        "planned t",
        "actual t",
    ):
        projects.add_column(
            header,
            justify="left" if header in ("id", "name", "district", "state") else "right",
            no_wrap=True,
            min_width={"id": 3, "state": 12}.get(header),
            max_width=26 if header == "name" else None,
            overflow="ellipsis",
        )
    for p in status.projects:
        projects.add_row(
            escape(p["id"]),
            escape(p["name"]),
            escape(p["district"] or "-"),
            p["state"].replace("_", " "),
            *_to_date(p),
        )
    console.print(projects)
    districts = Table(title="Per district, to date (MSEK, t CO2e)", title_justify="left")
    for header in (
        "district",
        "projects",
        "planned",
        "actual",
        "variance",
        "plan total",
        "planned t",
        "actual t",
    ):
        districts.add_column(header, justify="left" if header == "district" else "right")
    for d in status.districts:
        districts.add_row(
            escape(d["district"] or "-"),
            str(d["projects"]),
            *_to_date(d),
        )
    console.print(districts)
    t = status.totals
    console.print(
        f"Total to date: planned {_money(t['planned_to_date_sek'])}, actual {_money(t['actual_to_date_sek'])}, "
        f"variance {_money(t['variance_sek'])} MSEK; whole plan {_money(t['planned_sek'])} of a budget of "
        f"{_money(t['budget_sek'])} MSEK"
    )


def write_replan_table(found: Replan, out: TextIO) -> None:
    basis = found.inputs.basis
    console = Console(file=out, width=120, highlight=False, soft_wrap=False)
    console.print(f"[bold]Re-plan as of {basis.as_of}[/bold] (years before it are closed)")
    console.print(f"Started, kept as mandatory: {escape(', '.join(basis.mandatory) or '-')}")
    console.print(f"Finished: {escape(', '.join(basis.finished) or '-')}")
    for d in basis.dropped:
        console.print(f"Dropped {escape(d['id'])}: {escape(d['reason'])}")
    for pid, value in basis.actual_reductions.items():
        console.print(f"Actual reduction used for {escape(pid)}: {value:,.1f} t/year")
    for note in basis.notes:
        console.print(escape(note))
    console.print(f"Actual spend so far: {msek(basis.actual_spend_sek)} MSEK")
    out.flush()
    write_table(found.result, out)
    diff = found.difference
    console.print("[bold]Difference from the adopted plan[/bold]")
    console.print(f"Added: {escape(', '.join(diff.added) or '-')}")
    console.print(f"Removed: {escape(', '.join(diff.removed) or '-')}")
    for m in diff.moved:
        console.print(f"Moved {escape(m['id'])}: start {m['from']} → {m['to']}")
    totals = Table(title="Totals (re-plan includes finished projects and actual spend)", title_justify="left")
    for header in ("total", "plan", "re-plan", "change"):
        totals.add_column(header, justify="left" if header == "total" else "right")
    t, c = diff.abatement_t, diff.municipal_cost_sek
    totals.add_row("t CO2e", f"{t['plan']:,.0f}", f"{t['replan']:,.0f}", f"{t['change']:,.0f}")
    totals.add_row("municipal MSEK", msek(c["plan"]), msek(c["replan"]), msek(c["change"]))
    console.print(totals)
