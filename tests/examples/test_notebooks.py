"""The planners' notebooks in examples/notebooks: they run top to bottom, stay in sync with their
jupytext scripts, are stored without outputs, use only the public API, and compute what they say.

Each notebook (the .ipynb a planner opens) is executed once with nbclient on the python3 kernel of
the interpreter running the tests, in examples/notebooks as its working directory. A probe cell,
appended only to the copy executed here, prints the notebook's variables as JSON for the checks.
"""

from __future__ import annotations

import ast
import functools
import itertools
import json
import re
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient
from rows import REPO

import optimizer

NOTEBOOKS = REPO / "examples" / "notebooks"
NAMES = ("01_quick_start", "02_what_if", "03_uncertainty")
CELL_TIMEOUT_S = 600  # generous: the machine may be loaded; the notebooks take well under a minute
PROBE = "NOTEBOOK-PROBE "

_COMMON = """
import json as _json, sys as _sys
_probe = {"prefix": _sys.prefix, "cwd": str(Path.cwd().resolve())}
"""
PROBES = {
    "01_quick_start": """
_probe.update(
    status=str(result.status),
    mip_gap=result.mip_gap,
    mip_gap_tolerance=scenario.mip_gap,
    objective_value_t=result.objective_value_t,
    funded=list(funded["id"]),
    budget=[(y.spend_sek, y.budget_sek) for y in result.budget],
    macc_sek_per_t=[None if v == float("inf") else v for v in curve["sek_per_t"]],
    macc_funded=sorted(curve.loc[curve["funded"], "id"]),
    funded_npc_sek=float(funded["net_present_cost_sek"].sum()),
    npc_sek=result.net_present_cost_sek,
    payback_years=result.payback_years,
    opex_sek_per_year=result.opex_sek_per_year,
    life_per_t=[None if v == float("inf") else v for v in life_curve["lifecycle_sek_per_t"]],
    life_ids=sorted(life_curve["id"]),
    life_funded=sorted(life_curve.loc[life_curve["funded"], "id"]),
)
""",
    "02_what_if": """
_probe.update(
    budgets_msek=[b / 1e6 for b in budgets],
    frontier=[(p.budget_sek / 1e6, p.objective_value_t, str(p.status)) for p in points],
    knee_msek=knee_msek,
    best_t=best.objective_value_t,
    equity_price_t=equity_price_t,
    equity_without_t=without_equity.objective_value_t,
    rule_prices={row["name"]: row["objective_without_rule_t"] for _, row in prices.iterrows()},
    forced_status=str(forced.status),
    forced_ids=[s.id for s in forced.selected],
    forced_difference_t=comparison.totals["objective_value_t"].difference,
    plan_status=str(planned.status),
    phased=[(r.id, int(r.start_year), r.earliest_start, r.latest_start) for r in phased.itertuples()],
    gap_2030_t=planned.pathway.gap_at_target_year_t,
    pathway_years=[y.year for y in planned.pathway.years],
    pools=[(p.name, p.allocated_sek, p.capacity_sek) for p in planned.funding],
    pools_gain_t=pools_gain_t,
    net_statuses=[str(on_net.status), str(on_investment.status)],
    net_bases=[on_net.budget_basis, on_investment.budget_basis],
    net_t=on_net.objective_value_t,
    investment_t=on_investment.objective_value_t,
    net_gain_t=net_gain_t,
    net_years=[(y.spend_sek, y.budget_sek, y.opex_sek) for y in on_net.budget],
    net_investment_sek=float(net_years["investment_sek"].sum()),
    net_municipal_sek=on_net.municipal_cost_sek,
    overlaps=[(o.name, o.active, o.abatement_t) for o in on_net.interactions],
    overlap_t=overlap_t,
    value_status=str(by_value.status),
    value_objective=by_value.objective,
    net_benefit_sek=by_value.net_benefit_sek,
    net_benefit_bound_sek=by_value.net_benefit_bound_sek,
    tonnes_net_benefit_sek=net_benefit(by_tonnes),
    value_t=by_value.abatement_t,
    tonnes_t=by_tonnes.abatement_t,
    value_gain_sek=value_gain_sek,
)
_probe["phased"] = [(i, s, None if e is pd.NA else int(e), None if la is pd.NA else int(la))
                    for i, s, e, la in _probe["phased"]]
""",
    "03_uncertainty": """
_probe.update(
    draws=summary["draws"],
    seed=summary["seed"],
    executor=summary["executor"],
    abatement_t=summary["abatement_t"],
    best_achievable_t=found.reoptimisation.abatement_t,
    probability_within_budget=summary["probability_within_budget"],
    probability_target_met=summary["probability_target_met"],
    selection_frequency=summary["selection_frequency"],
    with_range=len(with_range),
    robust_status=str(robust.status),
    robust_price_t=robust.price_t,
    robust_gain_t=robust.cvar_gain_t,
    cautious_status=str(cautious.robust.status),
    cautious_price_t=cautious.robust.price_t,
    cautious_gain_t=cautious.robust.cvar_gain_t,
    cautious_added=cautious.robust.added,
    cautious_removed=cautious.robust.removed,
)
""",
}


@functools.cache
def _executed(name: str) -> tuple[nbformat.NotebookNode, dict]:
    """The notebook executed top to bottom (nbclient raises on the first cell error), and its probe."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell(_COMMON + PROBES[name] + f"print({PROBE!r} + _json.dumps(_probe))")
    )
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    probe_output = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
    line = next(line for line in probe_output.splitlines() if line.startswith(PROBE))
    notebook.cells.pop()
    return notebook, json.loads(line.removeprefix(PROBE))


def _outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def _images(notebook: nbformat.NotebookNode) -> int:
    return sum(1 for o in _outputs(notebook) if "image/png" in o.get("data", {}))


def _stderr(notebook: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in _outputs(notebook) if o.output_type == "stream" and o.name == "stderr")


# --------------------------------------------------------------------------------------------
# Stored form: paired, in sync, no outputs, public API only
# --------------------------------------------------------------------------------------------


def test_jupytext_pairing_is_configured() -> None:
    config = tomllib.loads((NOTEBOOKS / "jupytext.toml").read_text(encoding="utf-8"))
    assert config["formats"] == "ipynb,py:percent"
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.py")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_ipynb_and_script_have_the_same_cells(name: str) -> None:
    script = jupytext.read(NOTEBOOKS / f"{name}.py")
    notebook = jupytext.read(NOTEBOOKS / f"{name}.ipynb")
    assert [(c.cell_type, c.source) for c in notebook.cells] == [
        (c.cell_type, c.source) for c in script.cells
    ]
    assert len(script.cells) > 10


@pytest.mark.parametrize("name", NAMES)
def test_ipynb_is_stored_without_outputs(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.metadata.jupytext.formats == "ipynb,py:percent"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    # the plots show inline: charts are plain matplotlib Figures, shown by the inline backend
    assert code[0].source.startswith("%matplotlib inline")


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_use_only_the_public_api(name: str) -> None:
    script = jupytext.read(NOTEBOOKS / f"{name}.py")
    source = "\n".join(
        "\n".join(line for line in c.source.splitlines() if not line.startswith("%"))
        for c in script.cells
        if c.cell_type == "code"
    )
    tree = ast.parse(source)
    private = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            private += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            if any(part.startswith("_") for part in (node.module or "").split(".")):
                private.append(node.module)
        elif isinstance(node, ast.Attribute) and re.fullmatch(r"_[^_].*|_", node.attr):
            private.append(node.attr)
    assert private == []


# --------------------------------------------------------------------------------------------
# Executed: no errors, inline plots, and what they compute
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom_in_its_folder_on_this_interpreter(name: str) -> None:
    notebook, probe = _executed(name)
    assert not [o for o in _outputs(notebook) if o.output_type == "error"]
    assert all(c.execution_count is not None for c in notebook.cells if c.cell_type == "code")
    assert probe["prefix"] == sys.prefix
    assert Path(probe["cwd"]) == NOTEBOOKS


def test_quick_start_solves_to_a_proven_optimum_within_budget() -> None:
    notebook, probe = _executed("01_quick_start")
    assert probe["status"] == "optimal"
    assert 0 <= probe["mip_gap"] <= probe["mip_gap_tolerance"]
    # the same answer as solving here, outside the notebook
    projects = optimizer.read_projects(NOTEBOOKS.parent / "kristinehamn_projects.csv")
    scenario = optimizer.read_scenario(NOTEBOOKS.parent / "scenario_equity.toml")
    again = optimizer.solve(projects, scenario)
    assert probe["objective_value_t"] == pytest.approx(again.objective_value_t, rel=2e-4)
    assert probe["funded"] and set(probe["macc_funded"]) == set(probe["funded"])
    assert all(spend <= budget * (1 + 1e-6) for spend, budget in probe["budget"])
    finite = [v for v in probe["macc_sek_per_t"] if v is not None]
    assert finite == sorted(finite)  # cheapest tonne first
    assert _images(notebook) == 4  # budget, district, MACC and lifecycle MACC charts, inline

    # the lifecycle columns add up to the portfolio's net present cost; it saves money once running
    assert probe["funded_npc_sek"] == pytest.approx(probe["npc_sek"])
    assert probe["opex_sek_per_year"] < 0 and probe["payback_years"] > 0
    # the lifecycle MACC: every measure, cheapest tonne over the life first, some below zero
    assert len(probe["life_ids"]) == 88 and set(probe["life_funded"]) == set(probe["funded"])
    life = [v for v in probe["life_per_t"] if v is not None]
    assert life == sorted(life) and life[0] < 0


def test_what_if_answers_each_question() -> None:
    notebook, probe = _executed("02_what_if")
    frontier = probe["frontier"]
    assert [b for b, _, _ in frontier] == probe["budgets_msek"]
    assert all(status == "optimal" for _, _, status in frontier)
    tonnes = [t for _, t, _ in frontier]
    assert all(b >= a - 1e-6 * abs(a) for a, b in itertools.pairwise(tonnes))  # more money, no less
    assert probe["knee_msek"] in probe["budgets_msek"][1:-1]

    # the equity rule binds: solving without it gives more tonnes, and rule_prices agrees
    assert probe["equity_price_t"] > 0
    assert probe["equity_without_t"] == pytest.approx(
        probe["rule_prices"]["minst 40 % till prioriterade områden"], rel=2e-4
    )
    assert probe["equity_without_t"] == pytest.approx(probe["best_t"] + probe["equity_price_t"])

    # forced in and out; B04 requires the excluded E02
    assert probe["forced_status"] == "optimal"
    assert "T10" in probe["forced_ids"] and not {"E02", "B04"} & set(probe["forced_ids"])
    assert probe["forced_difference_t"] < 0

    # the plan to 2030: phased measures start within their windows, pools within capacity
    assert probe["plan_status"] == "optimal"
    assert probe["phased"]
    for pid, start, earliest, latest in probe["phased"]:
        assert (earliest is None or start >= earliest) and (latest is None or start <= latest), pid
    assert probe["pathway_years"][-1] == 2030 and probe["gap_2030_t"] > 0
    assert {name for name, _, _ in probe["pools"]} == {
        "Klimatklivet",
        "ERUF energieffektivisering",
        "Grönt lån",
    }
    assert all(allocated <= capacity * (1 + 1e-6) for _, allocated, capacity in probe["pools"])
    assert probe["pools_gain_t"] > 0

    # net budgets: savings fund later measures, so the same budgets buy more tonnes
    assert probe["net_statuses"] == ["optimal", "optimal"]
    assert probe["net_bases"] == ["net", "investment"]
    assert (
        probe["net_gain_t"] == pytest.approx(probe["net_t"] - probe["investment_t"])
        and probe["net_gain_t"] > 0
    )
    assert all(spend <= budget * (1 + 1e-6) for spend, budget, _ in probe["net_years"])
    assert any(opex < 0 for _, _, opex in probe["net_years"])
    assert probe["net_investment_sek"] == pytest.approx(probe["net_municipal_sek"])
    assert probe["net_investment_sek"] > sum(budget for _, budget, _ in probe["net_years"])
    # overlaps: three in the scenario; ignoring them claims at least the tonnes the active ones remove
    assert len(probe["overlaps"]) == 3 and any(active for _, active, _ in probe["overlaps"])
    removed_t = -sum(t for _, active, t in probe["overlaps"] if active)
    assert removed_t > 0 and probe["overlap_t"] >= removed_t * (1 - 1e-4)
    # the net benefit at 7,000 SEK/t: proven, and at least that of the portfolio with the most tonnes
    assert probe["value_status"] == "optimal" and probe["value_objective"].startswith("net_benefit at 7000")
    assert probe["net_benefit_bound_sek"] >= probe["net_benefit_sek"] * (1 - 1e-4) > 0
    assert probe["value_gain_sek"] == pytest.approx(
        probe["net_benefit_sek"] - probe["tonnes_net_benefit_sek"]
    )
    assert probe["value_gain_sek"] >= -1e-4 * probe["net_benefit_sek"]
    assert probe["value_t"] <= probe["tonnes_t"] * (1 + 1e-4)
    assert _images(notebook) == 3  # frontier, funding and pathway charts


def test_uncertainty_reports_quantiles_chances_frequencies_and_the_robust_portfolio() -> None:
    notebook, probe = _executed("03_uncertainty")
    assert probe["draws"] == 150 and probe["seed"] == 1 and probe["executor"] == "process"
    assert probe["with_range"] > 0
    for quantiles in (probe["abatement_t"], probe["best_achievable_t"]):
        assert 0 < quantiles["p10"] <= quantiles["p50"] <= quantiles["p90"]
    assert 0 <= probe["probability_within_budget"] <= 1
    assert probe["probability_target_met"] is not None and 0 <= probe["probability_target_met"] <= 1
    frequency = probe["selection_frequency"]
    assert len(frequency) == 88 and all(0 <= share <= 1 for share in frequency.values())
    assert probe["robust_status"] == "optimal" and probe["cautious_status"] == "optimal"
    for price, gain in (
        (probe["robust_price_t"], probe["robust_gain_t"]),
        (probe["cautious_price_t"], probe["cautious_gain_t"]),
    ):
        assert price >= -1e-6 and gain >= -1e-6  # robustness costs tonnes at the point, gains in the tail
    # the pessimistic view chooses another portfolio, and pays for it
    assert probe["cautious_added"] or probe["cautious_removed"]
    assert probe["cautious_price_t"] > 0 and probe["cautious_gain_t"] > 0
    assert _images(notebook) == 2  # uncertainty and robustness charts
    # the progress bar: tqdm on stderr, or a widget where ipywidgets is installed
    widgets = [
        o for o in _outputs(notebook) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert "150/150" in _stderr(notebook) or widgets
