"""What every command of the command line shares: exit codes, messages for invalid input, the result
table on the terminal, reading a result file, and the check that an output file can be written.

Exit codes (a contract scripts rely on): 0 a portfolio was found, 1 the solver failed, 2 invalid input,
3 infeasible, 4 no portfolio within the time limit.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TextIO

from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from models import Result, RuleOutcome, Status
from optimizer.analysis.compare import load_result
from optimizer.io.problems import InputError, Problem

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


def report_invalid(error: InputError, output_format: str) -> None:
    print(str(error), file=sys.stderr)
    if output_format == "json":
        problems = [p.to_dict() for p in error.problems]
        json.dump({"status": "invalid_input", "problems": problems}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")


def whole(value: float) -> str:
    """A figure to the unit with thousands separators; -0.3 shows as 0, not -0."""
    return f"{round(value) + 0:,}"


def msek(value: float) -> str:
    """MSEK with two decimals; solver noise such as -1e-9 shows as 0.00, not -0.00."""
    return f"{round(value / 1e6, 2) + 0.0:,.2f}"


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
        ("start", "right"),
        ("cost MSEK", "right"),
        *((("pools MSEK", "right"),) if result.funding else ()),
        ("municipal MSEK", "right"),
        (f"t CO2e ({result.objective.split(' + ')[0]})", "right"),
        ("NPC MSEK", "right"),
        ("lifecycle SEK/t", "right"),
        ("payback yrs", "right"),
    ):
        chosen.add_column(header, justify=justify)
    for s in sorted(result.selected, key=lambda s: -s.abatement_t):
        chosen.add_row(
            escape(s.id),
            escape(s.name),
            escape(s.sector),
            escape(s.district or ""),
            f"{s.fraction:.3g}",
            str(s.start_year),
            msek(s.cost_sek),
            *((msek(sum(s.pool_sek.values())),) if result.funding else ()),
            msek(s.municipal_cost_sek),
            f"{s.abatement_t:,.0f}",
            msek(s.net_present_cost_sek),
            "-" if s.lifecycle_sek_per_t is None else whole(s.lifecycle_sek_per_t),
            "-" if s.payback_years is None else f"{s.payback_years:.1f}",
        )
    console.print(chosen)

    gap = "n/a" if result.mip_gap is None else f"{result.mip_gap:.4%}"
    bound = "n/a" if result.best_bound_t is None else f"{result.best_bound_t:,.0f} t"
    per_t = (
        "n/a"
        if result.sek_per_t is None
        else f"{result.sek_per_t:,.0f} SEK/t (municipal {result.municipal_sek_per_t:,.0f} SEK/t)"
    )
    weighted = (
        f"[bold]Objective:[/bold] {result.objective_value_t:,.0f} ({result.objective})\n"
        if result.objective_value_t != result.abatement_t
        else ""
    )
    pools = f", pools {msek(result.pool_sek)} MSEK" if result.funding else ""
    if result.cost_objective_sek is not None:
        proven = "n/a" if result.cost_bound_sek is None else f"{msek(result.cost_bound_sek)} MSEK"
        weighted = (
            f"[bold]Least municipal cost:[/bold] {msek(result.cost_objective_sek)} MSEK "
            f"({result.objective}); no plan reaching the target costs less than {proven}\n"
        )
    if result.net_benefit_sek is not None:
        proven = (
            "n/a" if result.net_benefit_bound_sek is None else f"{msek(result.net_benefit_bound_sek)} MSEK"
        )
        weighted = (
            f"[bold]Net benefit:[/bold] {msek(result.net_benefit_sek)} MSEK ({result.objective}); "
            f"no plan does better than {proven}\n"
        )
    overlaps = [i for i in result.interactions if i.active]
    overlap_text = (
        f" (interactions {sum(i.abatement_t for i in overlaps):+,.0f} t: {', '.join(escape(i.name) for i in overlaps)})"
        if overlaps
        else ""
    )
    lifecycle = (
        f"[bold]Lifecycle:[/bold] net present cost {msek(result.net_present_cost_sek)} MSEK at "
        f"{result.discount_rate:.1%}, {msek(result.equivalent_annual_cost_sek)} MSEK a year; "
        + ("n/a" if result.lifecycle_sek_per_t is None else f"{whole(result.lifecycle_sek_per_t)} SEK/t")
        + (f"; operating {msek(result.opex_sek_per_year)} MSEK/year" if result.opex_sek_per_year else "")
        + (f"; payback {result.payback_years:.1f} years" if result.payback_years is not None else "")
    )
    console.print(
        f"{weighted}[bold]Reduction:[/bold] {result.abatement_t:,.0f} t CO2e ({result.objective.split(' + ')[0]}){overlap_text}; "
        f"{result.abatement_t_per_year:,.0f} t/year once in operation\n"
        f"[bold]Best bound:[/bold] {bound}, gap {gap}\n"
        f"[bold]Cost:[/bold] {msek(result.total_cost_sek)} MSEK: grants {msek(result.grant_sek)} MSEK{pools}, "
        f"municipal {msek(result.municipal_cost_sek)} MSEK; {per_t}\n{lifecycle}"
        + (
            f"\n[bold]Divisible projects:[/bold] funded not at all or at least {result.min_fraction:.4g} "
            "of each (min_fraction)"
            if result.min_fraction is not None
            else ""
        )
    )

    net = result.budget_basis == "net"
    basis = " (net: municipal includes operating costs and savings)" if net else ""
    budget = Table(title=f"Budget use: spend plan and who pays (MSEK){basis}", title_justify="left")
    with_pools = bool(result.funding)
    with_opex = any(row.opex_sek for row in result.budget)
    for header in (
        "year",
        "cost",
        "grants",
        *(("pools",) if with_pools else ()),
        *(("operating",) if with_opex else ()),
        "municipal",
        "budget",
        "left",
        "used",
    ):
        budget.add_column(header, justify="right")
    for row in result.budget:
        used = f"{row.spend_sek / row.budget_sek:.0%}" if row.budget_sek > 0 else "-"
        budget.add_row(
            "all" if row.year is None else str(row.year),
            msek(row.cost_sek),
            msek(row.grant_sek),
            *((msek(row.pool_sek),) if with_pools else ()),
            *((msek(row.opex_sek),) if with_opex else ()),
            msek(row.spend_sek),
            msek(row.budget_sek),
            msek(row.slack_sek),
            used,
        )
    console.print(budget)
    _write_funding(result, console)
    _write_pathway(result, console)

    if result.rules:
        rules = Table(title="Rules", title_justify="left")
        columns: tuple[tuple[str, JustifyMethod], ...] = (
            ("rule", "left"),
            ("measure", "left"),
            ("value", "right"),
            ("share", "right"),
            ("bound", "left"),
            ("slack", "right"),
            ("binding", "left"),
        )
        for header, justify in columns:
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


def _write_funding(result: Result, console: Console) -> None:
    if not result.funding:
        return
    table = Table(title="Funding pools (MSEK)", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("pool", "left"),
        ("capacity", "right"),
        ("allocated", "right"),
        ("unused", "right"),
        ("projects", "right"),
    )
    for header, justify in columns:
        table.add_column(header, justify=justify)
    for use in result.funding:
        table.add_row(
            escape(use.name),
            msek(use.capacity_sek),
            msek(use.allocated_sek),
            msek(use.unused_sek),
            str(use.projects),
        )
    console.print(table)
    console.print(
        f"[bold]Funding gap:[/bold] {msek(result.municipal_cost_sek)} MSEK of the portfolio's cost is not covered by "
        "grants or pools and falls on the municipal budget."
    )


def _write_pathway(result: Result, console: Console) -> None:
    pathway = result.pathway
    if pathway is None:
        return
    table = Table(
        title=f"Emissions pathway against the target ({escape(pathway.target)}), t CO2e", title_justify="left"
    )
    for header in ("year", "baseline", "portfolio cuts", "emissions", "target", "gap"):
        table.add_column(header, justify="right")
    for year in pathway.years:
        table.add_row(
            str(year.year),
            f"{year.baseline_t:,.0f}",
            f"{year.abatement_t:,.0f}",
            f"{year.emissions_t:,.0f}",
            f"{year.target_t:,.0f}",
            f"{year.gap_t:,.0f}",
        )
    console.print(table)
    met = (
        f"the target is met from {pathway.meets_target_from}"
        if pathway.meets_target_from is not None
        else "the target is not met"
    )
    console.print(
        f"[bold]Remaining gap in {pathway.target_year}:[/bold] {pathway.gap_at_target_year_t:,.0f} t CO2e/year; "
        f"cumulative overshoot {pathway.overshoot_t:,.0f} t; {met}."
    )


def _amount(measure: str, value: float) -> str:
    """A rule's figure in the unit people read it in."""
    if measure in ("cost", "municipal_cost"):
        return f"{value / 1e6:,.2f} MSEK"
    if measure == "count":
        return f"{value:,.3g}"
    if measure == "abatement":
        return f"{value:,.0f} t"
    return f"{value:,.6g}"


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


def read_result_file(path: str) -> Result:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError([Problem(f"cannot read a JSON result: {error}", source=path)], source=path) from None
    return load_result(data, source=path)


def unwritable(path: Path) -> str | None:
    """Why `path` cannot be written, checked before any solving; None when it can (as far as known)."""
    if path.is_dir():
        return "it is a directory"
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        return f"the directory {parent} does not exist"
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return "permission denied"
    return None
