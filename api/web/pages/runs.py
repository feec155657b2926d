"""Runs in the browser: a scenario from a form (or the CLI's TOML/JSON file), saved by name, and
submitted to the queue the API uses; the run's own page is in `results`.

The form (`api.web.scenario_form`) holds the budget (one total or one per year), what counts as the
reduction (lifetime, a year, to 2030, or net benefit at a carbon value), the rules (a share to
priority areas, a cap per sector, and rules of its own: minimums, caps, counts, co-benefits), the
measures that must or must not be funded, funding pools, co-benefit weights, overlapping measures,
the target pathway, the discount rate and what the budget holds. A scenario file holds everything
else the optimiser can do (an uncertainty study, ...); a file the form can show opens in it.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import PurePath
from urllib.parse import quote

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
from api.web.i18n import Words
from api.web.problems import said
from api.web.render import WebError, language_of, page, redirect
from api.web.scenario_form import (
    BOUNDS,
    BUDGET_YEARS,
    DEFAULTS,
    MEASURES,
    OBJECTIVES,
    TARGETS,
    ScenarioForm,
    form_scenario,
    form_values,
)
from models import Scenario
from optimizer.io.problems import InputError
from optimizer.io.readers import read_scenario

router = APIRouter(include_in_schema=False)


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, person: Person, session: SessionDep, scenario: str | None = None) -> Response:
    """The form, empty or (`?scenario=ID`) holding a saved scenario to change and run again."""
    if scenario is None:
        return _runs_page(request, person, session, ScenarioForm(values=dict(DEFAULTS)))
    saved = _own_scenario(session, person, scenario)
    values = form_values(read_scenario(saved.content))
    if values is None:
        words = Words(language_of(request))
        problem = words(
            "The scenario %(name)s has parts the form cannot show: run it as it is, or change its file.",
            name=saved.name,
        )
        return _runs_page(request, person, session, ScenarioForm(values=dict(DEFAULTS)), notice=problem)
    return _runs_page(request, person, session, ScenarioForm(values=values), opened=saved.name)


@router.post("/runs", response_class=HTMLResponse)
def submit(
    request: Request, form: Form, person: PersonEditor, session: SessionDep, settings: SettingsDep
) -> Response:
    words = Words(language_of(request))
    entered = ScenarioForm(values={k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"})
    if entered.get("action") == "import":
        return _imported(request, person, session, form, entered, words)
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
    opened: str | None = None,
    notice: str | None = None,
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
        measures=MEASURES,
        bounds=BOUNDS,
        targets=TARGETS,
        opened=opened,
        notice=notice,
        more_open=entered.filled("rule_", "cob_"),
        pools_open=entered.filled("pool_"),
        overlaps_open=entered.filled("overlap_"),
        pathway_open=entered.filled("path_") or bool(entered.get("path_target")),
        economics_open=entered.get("budget_basis") == "net"
        or entered.get("discount_rate").strip() not in ("", DEFAULTS["discount_rate"], "3.5")
        or any(name in entered.errors for name in ("discount_rate", "budget_basis")),
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
    return form_scenario(entered, words), entered.problems


def _imported(
    request: Request, person: Person, session: SessionDep, form: FormData, entered: ScenarioForm, words: Words
) -> HTMLResponse:
    """A scenario file opened in the form, to be looked at and changed before it runs."""
    upload = form.get("scenario_file")
    if not (isinstance(upload, UploadFile) and upload.filename):
        entered.errors["scenario_file"] = words("Choose a scenario file to open.")
        return _runs_page(request, person, session, entered, status=422)
    scenario, problems = _scenario_file(upload, words)
    if scenario is None:
        return _runs_page(request, person, session, entered, problems=problems, status=422)
    values = form_values(scenario)
    if values is None:
        notice = words("The file has parts the form cannot show: run it as a file.")
        return _runs_page(request, person, session, entered, notice=notice, status=422)
    values["project_list_id"] = entered.get("project_list_id")
    return _runs_page(request, person, session, ScenarioForm(values=values), opened=upload.filename)


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
