"""Runs in the browser: a scenario from a short form (or the CLI's TOML/JSON file), submitted to the
queue the API uses, its progress while it waits and solves, and the result in words and tables.

The form covers what most runs need: the budget (one total or one per year), what counts as the
reduction, a share of the money for priority areas, a cap per sector, measures that must or must not
be funded, and the time limit. A scenario file holds everything else the optimiser can do.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

import pandas as pd
import tomli_w
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData, UploadFile

from api.analysis import requested
from api.data import list_versions, new_run, own_list, principal_names
from api.db import ProjectListRecord, Run, SavedScenario, is_id, now
from api.deps import Form, Person, PersonEditor, SessionDep, SettingsDep
from api.problems import ProblemError
from api.web.i18n import N_, Words
from api.web.problems import said
from api.web.render import WebError, language_of, page, redirect
from models import Scenario
from optimizer.io.problems import InputError
from optimizer.io.readers import parse_numbers, read_scenario

router = APIRouter(include_in_schema=False)

BUDGET_YEARS = tuple(range(2026, 2031))
"""The years of the form's budget per year (Klimatkontrakt 2030)."""
OBJECTIVES = {
    "lifetime": N_("Tonnes over each measure's lifetime"),
    "annual": N_("Tonnes a year"),
    "cumulative_2030": N_("Tonnes up to and including 2030"),
}
POLL_S = 2


@dataclass
class ScenarioForm:
    """What the form holds, as typed (text kept so that a refused form comes back as it was)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    """Per field: what is wrong, in the page's language."""

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, person: Person, session: SessionDep) -> Response:
    defaults = {"budget_mode": "total", "objective": "lifetime", "time_limit_s": "60",
                "priority_column": "priority_area", "priority_value": "yes"}
    return _runs_page(request, person, session, ScenarioForm(values=defaults))


@router.post("/runs", response_class=HTMLResponse)
def submit(
    request: Request, form: Form, person: PersonEditor, session: SessionDep, settings: SettingsDep
) -> Response:
    words = Words(language_of(request))
    entered = ScenarioForm(values={k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"})
    record = _chosen_list(session, person, entered, words)
    scenario, problems = _scenario(form, entered, words)
    if scenario is None or record is None:
        return _runs_page(request, person, session, entered, problems=problems, status=422)
    if entered.get("save") == "on":
        if not scenario.name:
            entered.errors["name"] = words("Give the scenario a name to save it under.")
            return _runs_page(request, person, session, entered, status=422)
        save_scenario(session, person.user.organisation_id, person.user.principal_id, scenario)
    explain = entered.get("explain") == "on"
    try:
        run = new_run(
            session,
            settings,
            person.principal,
            record,
            scenario,
            analysis=requested(explain=explain, frontier_budgets_sek=None),
        )
    except ProblemError as error:
        located = [said(str(e.get("message", "")), words) for e in (error.errors or [])]
        return _runs_page(request, person, session, entered, problems=located or [error.detail or ""], status=422)
    session.commit()
    return redirect(request, f"/runs/{run.id}")


@router.post("/scenarios/{scenario_id}/run", response_class=HTMLResponse)
def run_saved(
    request: Request,
    scenario_id: str,
    form: Form,
    person: PersonEditor,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """A run of a saved scenario on the list chosen beside it."""
    saved = _own_scenario(session, person, scenario_id)
    words = Words(language_of(request))
    entered = ScenarioForm(values={"project_list_id": str(form.get("project_list_id") or "")})
    record = _chosen_list(session, person, entered, words)
    if record is None:
        return _runs_page(request, person, session, entered, problems=[words("Choose a project list.")], status=422)
    try:
        run = new_run(session, settings, person.principal, record, read_scenario(saved.content))
    except ProblemError as error:
        located = [said(str(e.get("message", "")), words) for e in (error.errors or [])]
        return _runs_page(request, person, session, entered, problems=located or [error.detail or ""], status=422)
    session.commit()
    return redirect(request, f"/runs/{run.id}")


@router.get("/scenarios/{scenario_id}.{file_type}")
def export_scenario(scenario_id: str, file_type: str, person: Person, session: SessionDep) -> Response:
    """A saved scenario as the CLI reads it: TOML (defaults left out) or JSON."""
    saved = _own_scenario(session, person, scenario_id)
    data = read_scenario(saved.content).model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    stem = re.sub(r"[^\w.-]+", "_", saved.name).strip("_") or "scenario"
    if file_type == "toml":
        body, media = tomli_w.dumps(data), "application/toml"
    elif file_type == "json":
        body, media = json.dumps(data, ensure_ascii=False, indent=2) + "\n", "application/json"
    else:
        raise WebError(404, "There is no page at this address.")
    return Response(
        body.encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": _attachment(f"{stem}.{file_type}")},
    )


def _attachment(file_name: str) -> str:
    """A download's header: an ASCII name for old clients, the real one (RFC 6266, UTF-8) for the rest."""
    plain = file_name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name)}"


# --- helpers --------------------------------------------------------------------------------------


def save_scenario(session: SessionDep, organisation_id: str, principal_id: str, scenario: Scenario) -> SavedScenario:
    """The scenario saved under its name (replacing one saved before under the same name)."""
    assert scenario.name, "a saved scenario has a name"
    saved = session.scalars(
        select(SavedScenario).where(SavedScenario.organisation_id == organisation_id, SavedScenario.name == scenario.name)
    ).first()
    if saved is None:
        saved = SavedScenario(organisation_id=organisation_id, name=scenario.name, content={}, saved_by=principal_id)
        session.add(saved)
    saved.content = scenario.model_dump(mode="json")
    saved.saved_by, saved.saved_at = principal_id, now()
    session.flush()
    return saved


def _own_scenario(session: SessionDep, person: Person, scenario_id: str) -> SavedScenario:
    saved = session.get(SavedScenario, scenario_id) if is_id(scenario_id) else None
    if saved is None or saved.organisation_id != person.user.organisation_id:
        raise WebError(404, "There is no saved scenario %(id)s in your organisation.", id=scenario_id)
    return saved


def _runs_page(
    request: Request,
    person: Person,
    session: SessionDep,
    entered: ScenarioForm,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    organisation = person.user.organisation_id
    by_name = list_versions(session, organisation)
    recent = session.scalars(
        select(Run).where(Run.organisation_id == organisation).order_by(Run.created_at.desc()).limit(20)
    ).all()
    by_id = {r.id: r for versions in by_name.values() for r in versions}
    saved = session.scalars(
        select(SavedScenario).where(SavedScenario.organisation_id == organisation).order_by(SavedScenario.name)
    ).all()
    return page(
        request,
        "runs.html",
        status=status,
        active="runs",
        lists=[versions[0] for versions in by_name.values()],
        recent=recent,
        list_of=by_id,
        who=principal_names(session, [r.submitted_by for r in recent] + [s.saved_by for s in saved]),
        saved=saved,
        form=entered,
        problems=problems or [],
        years=BUDGET_YEARS,
        objectives=OBJECTIVES,
        may_submit=person.principal.may("editor"),
    )


def _chosen_list(
    session: SessionDep, person: PersonEditor, entered: ScenarioForm, words: Words
) -> ProjectListRecord | None:
    try:
        return own_list(session, person.principal, entered.get("project_list_id"))
    except ProblemError:
        entered.errors["project_list_id"] = words("Choose a project list.")
        return None


def _scenario(form: FormData, entered: ScenarioForm, words: Words) -> tuple[Scenario | None, list[str]]:
    """The scenario of the file, if one was given, else of the form's fields; what is wrong otherwise."""
    upload = form.get("scenario_file")
    if isinstance(upload, UploadFile) and upload.filename:
        return _scenario_file(upload, words)
    data = _form_scenario(entered, words)
    if data is None:
        return None, []
    try:
        return read_scenario(data), []
    except InputError as error:
        return None, [said(p.message, words) for p in error.problems]


def _scenario_file(upload: UploadFile, words: Words) -> tuple[Scenario | None, list[str]]:
    suffix = PurePath(upload.filename or "").suffix.lower()
    content = upload.file.read()
    try:
        text = content.decode("utf-8-sig")
        document = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        return None, [words("The scenario file cannot be read: %(reason)s", reason=str(error))]
    if suffix not in (".toml", ".json") or not isinstance(document, dict):
        return None, [words("The scenario file must be the CLI's .toml or .json file.")]
    try:
        return read_scenario(document), []
    except InputError as error:
        return None, [said(p.message, words) for p in error.problems]


def _form_scenario(entered: ScenarioForm, words: Words) -> dict[str, Any] | None:
    """The scenario's data from the form's fields; each field that is wrong gets its message."""
    data: dict[str, Any] = {}
    name = entered.get("name").strip()
    if name:
        data["name"] = name[:200]
    if entered.get("budget_mode") == "per_year":
        per_year = {}
        for year in BUDGET_YEARS:
            amount = _amount(entered, f"budget_{year}", words, required=False)
            if amount is not None:
                per_year[str(year)] = amount
        if not per_year and "budget_2026" not in entered.errors:
            entered.errors["budget_2026"] = words("Give the budget of at least one year.")
        data["budget_sek"] = per_year
    else:
        data["budget_sek"] = _amount(entered, "budget_total", words, required=True)
    objective = entered.get("objective", "lifetime")
    if objective not in OBJECTIVES:
        entered.errors["objective"] = words("Choose what counts as the reduction.")
    data["objective"] = {"cumulative_to": 2030} if objective == "cumulative_2030" else objective
    rules = []
    share = _percent(entered, "priority_share", words)
    if share is not None:
        column = entered.get("priority_column", "priority_area").strip() or "priority_area"
        value = entered.get("priority_value", "yes").strip() or "yes"
        rules.append(
            {"name": words("at least %(share)s %% to priority areas", share=entered.get("priority_share").strip()),
             "measure": "cost", "where": {column: [value]}, "min_share": share}
        )
    cap = _percent(entered, "sector_cap", words)
    if cap is not None:
        rules.append(
            {"name": words("at most %(share)s %% per sector", share=entered.get("sector_cap").strip()),
             "measure": "cost", "for_each": "sector", "max_share": cap}
        )
    if rules:
        data["constraints"] = rules
    for key in ("include", "exclude"):
        ids = [i.strip() for i in entered.get(key).replace(";", ",").split(",") if i.strip()]
        if ids:
            data[key] = ids
    limit = _amount(entered, "time_limit_s", words, required=False)
    if limit is not None:
        if limit <= 0:
            entered.errors["time_limit_s"] = words("Give a number of seconds above 0.")
        data["time_limit_s"] = limit
    return None if entered.errors else data


def _amount(entered: ScenarioForm, name: str, words: Words, *, required: bool) -> float | None:
    """A number as a Swedish person writes it (`30 000 000`, `30 000 000 kr`, `2,5`), or None."""
    text = entered.get(name).strip()
    if not text:
        if required:
            entered.errors[name] = words("Give an amount.")
        return None
    parsed = parse_numbers(pd.Series([text], dtype=object), decimal_comma=True)
    if parsed.bad or not parsed.ok.all():
        entered.errors[name] = words("'%(value)s' is not a number", value=text)
        return None
    value = float(parsed.values[0])
    if value < 0:
        entered.errors[name] = words("Give an amount of 0 or more.")
        return None
    return value


def _percent(entered: ScenarioForm, name: str, words: Words) -> float | None:
    value = _amount(entered, name, words, required=False)
    if value is not None and value > 100:
        entered.errors[name] = words("Give a share from 0 to 100 %.")
        return None
    return None if value is None else value / 100
