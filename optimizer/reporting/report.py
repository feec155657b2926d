"""A plain-language HTML report of a run, for a political board and the public, in Swedish or English.

`build_report(projects, scenario, result, ...)` returns one self-contained HTML document: the charts
are embedded as SVG data URIs, the CSS is inline, there is no JavaScript and nothing is fetched from a
network (a Content-Security-Policy says so to the browser). It answers what is funded and why, what it
achieves towards 2030, what it costs per tonne (three figures, each named with its basis) and over its
life, what each district gets and how the equity rules are met, what was left out and what it would
take to include it, how sure the figures are, and which data and solver are behind them.

It is a pure function of the run: nothing is solved here. The callers (`python -m optimizer report`,
`GET /v1/runs/{id}/report`) solve, and pass `why_not` (the `WhyNot` figures, or their rows as
stored) and an uncertainty study (the study, or its summary as stored) when they have them; both are
read as the typed rows of `models.thresholds` and `models.uncertainty`. Every sentence is in
`optimizer.reporting.report_texts`, one dict per language, and every chart is drawn in the page's language: a
Swedish page has no English word and no number with a decimal point (a test reads the report of every
example scenario for them). A threshold that was not computed says so and makes no claim. Every string
from the input (names of measures, rules and the scenario) is escaped.

Layout: it fits a 1280 px screen and A4 portrait when printed (a print stylesheet; the funded measures'
lifecycle figures are a second table, so that no table is wider than the page; a browser test checks
both). Accessibility: one h1, h2 per section; every chart has alt text in the page's language and its
figures in a table beside it; tables have captions and `scope` on every header cell; dark text on
white; nothing is said by colour alone; a skip link leads to the summary.
"""

from __future__ import annotations

import base64
import html
import importlib.metadata
import math
import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import numpy as np

from models import (
    CumulativeObjective,
    MinCostObjective,
    NetBenefitObjective,
    NetZeroTarget,
    ProjectList,
    ReductionRateTarget,
    Result,
    Scenario,
    Status,
)
from models.thresholds import WhyNotRow
from models.uncertainty import Quantiles, StudyEvaluation, StudySummary, UncertaintyStudy
from optimizer.analysis.whynot import WhyNot
from optimizer.reporting.language import format_number, sector_name
from optimizer.reporting.report_texts import LANGUAGES, MONTHS, TEXTS

__all__ = ["SECTIONS", "Report", "build_report", "format_number"]

SECTIONS: tuple[str, ...] = (
    "summary",
    "funded",
    "effect",
    "cost-per-tonne",
    "districts",
    "left-out",
    "uncertainty",
    "method",
)
"""The sections' `id` attributes, in the order they appear (stable: readers and tests link to them)."""
HEADINGS = {
    "summary": "h_summary",
    "funded": "h_funded",
    "effect": "h_effect",
    "cost-per-tonne": "h_cost",
    "districts": "h_districts",
    "left-out": "h_left",
    "uncertainty": "h_uncertainty",
    "method": "h_method",
}
EFFECT_YEAR = 2030
"""The year the report counts towards (Klimatkontrakt 2030)."""
AUDIT_OFFICE_SEK_PER_T = (1_000.0, 4_000.0)
"""Klimatklivet's cost per tonne as the National Audit Office estimated it (RiR 2019:1)."""
ASEK_SEK_PER_T = 7_000.0
"""The Swedish Transport Administration's carbon value (ASEK 7.0: 7 SEK/kg)."""
FULL_BUDGET_SHARE = 0.99
"""A plan using this share of its budget or more is said to fill it (any dearer draw breaks it)."""
ROUNDING_SEK = 1.0
"""Differences from a budget of at most this (or 1e-6 of it) are the solver's rounding, shown as 0."""
PACKAGE = "klimatportfolj"
SOLVER_NAMES = {"highs": "HiGHS", "cbc": "CBC"}

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
  background: #ffffff; line-height: 1.5; margin: 0 auto; max-width: 72rem; padding: 0 1.25rem 3rem; }
h1 { font-size: 1.9rem; margin: 1.5rem 0 0.5rem; }
h2 { font-size: 1.45rem; margin-top: 2.5rem; border-bottom: 2px solid #1a1a1a; padding-bottom: 0.2rem; }
h3 { font-size: 1.15rem; margin-top: 1.5rem; }
a { color: #0b4f8a; }
.skip { position: absolute; left: -9999px; top: 0; background: #ffffff; color: #0b4f8a; padding: 0.5rem; }
.skip:focus { left: 1rem; top: 1rem; outline: 3px solid #0b4f8a; }
.lead { font-size: 1.1rem; }
.meta { color: #3d3d3d; }
.status { border-left: 6px solid #0b4f8a; background: #f1f5f9; padding: 0.75rem 1rem; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 0.4rem 0; caption-side: top; }
th, td { border: 1px solid #8a8a8a; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left;
  overflow-wrap: break-word; hyphens: auto; }
thead th { background: #e8edf2; }
tfoot th, tfoot td { font-weight: 700; background: #f5f5f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;
  overflow-wrap: normal; hyphens: manual; }
thead th.num { white-space: normal; }
.id { color: #3d3d3d; font-size: 0.85rem; white-space: nowrap; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #d0d0d0; }
figcaption { font-size: 0.95rem; color: #2b2b2b; margin-top: 0.4rem; }
details { margin: 0.5rem 0 1.5rem; }
summary { cursor: pointer; color: #0b4f8a; font-weight: 600; }
summary:focus { outline: 3px solid #0b4f8a; }
dl.method { display: grid; grid-template-columns: minmax(10rem, max-content) 1fr; gap: 0.3rem 1rem; }
dl.method dt { font-weight: 600; }
dl.method dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, Consolas, monospace; background: #f1f1f1; padding: 0 0.2rem;
  overflow-wrap: anywhere; }
@page { size: A4 portrait; margin: 15mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; line-height: 1.35; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.5rem; } h3 { font-size: 11.5pt; }
  .skip, details > summary { display: none; }
  table { font-size: 8.5pt; }
  th, td { padding: 0.15rem 0.3rem; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  h2, h3, caption { break-after: avoid; }
  figure img { border: none; }
  a { color: #1a1a1a; }
}
""".strip()


class _Html(str):
    """Text that is already HTML (built here from escaped parts): not escaped again."""

    __slots__ = ()


def _esc(value: object) -> str:
    return value if isinstance(value, _Html) else html.escape(str(value), quote=True)


class _Words:
    """The report's language: its sentences and how it writes numbers."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.texts = TEXTS[lang]

    def __call__(self, key: str, **values: object) -> _Html:
        return _Html(self.texts[key].format(**{k: _esc(v) for k, v in values.items()}))

    def num(self, value: float, decimals: int = 0) -> str:
        return format_number(value, lang=self.lang, decimals=decimals)

    def sek(self, value: float) -> str:
        return self("currency", value=self.num(value))

    def msek(self, value: float) -> str:
        return self("million", value=self.num(value / 1e6, 1))

    def amount(self, value: float) -> str:
        """Money in prose: in millions from a million up, else in kronor."""
        return self.msek(value) if abs(value) >= 1e6 else self.sek(value)

    def msek_number(self, value: float) -> str:
        """A cell of a column in millions: one decimal, two below 0.1 million."""
        return self.num(value / 1e6, 2 if 0.5 <= abs(value) < 1e5 else 1)

    def tonnes(self, value: float) -> str:
        return self("tonnes", value=self.num(value, _decimals(value)))

    def tonnes_per_year(self, value: float) -> str:
        return self("tonnes_per_year", value=self.num(value, _decimals(value)))

    def sek_per_t(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return self.texts["none_value"]
        return self("sek_per_t", value=self.num(value))

    def years(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return self.texts["none_value"]
        return self("years_value", value=self.num(value, 1))

    def rate(self, rate: float) -> str:
        """A discount rate: 3,5 % (one decimal unless it is whole)."""
        return self.pct(rate, 0 if float(100 * rate).is_integer() else 1)

    def pct(self, share: float, decimals: int = 0) -> str:
        return self("percent", value=self.num(100 * share, decimals))

    def share(self, share: float) -> str:
        """A share of a whole: whole percent, but never 0 % or 100 % for what is neither (0,43 %)."""
        if 0 < share < 0.01 or 0.999 < share < 1:
            return self.pct(share, 2)
        if 0.99 < share < 1:
            return self.pct(share, 1)
        return self.pct(share)

    def gap(self, gap: float) -> str:
        return self.pct(gap, 2 if gap < 0.1 else 1)

    def measure(self, scenario: Scenario) -> str:
        tonnes = scenario.tonnes_measure
        if isinstance(tonnes, CumulativeObjective):
            return self("measure_cumulative", year=tonnes.cumulative_to)
        return self.texts["measure_annual" if tonnes == "annual" else "measure_lifetime"]

    def listing(self, items: Sequence[str]) -> str:
        """a, b och c."""
        items = [str(i) for i in items]
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.texts['and']} {items[-1]}"

    def when(self, moment: datetime) -> str:
        moment = moment.astimezone(UTC)
        return self(
            "date",
            day=moment.day,
            month=MONTHS[self.lang][moment.month - 1],
            year=moment.year,
            time=moment.strftime("%H:%M"),
        )


class _Money:
    """One table column of amounts: in millions (MSEK) when some amount is a million or more, else in
    kronor; the unit goes into the column's header, so that the cells stay short enough for A4."""

    def __init__(self, words: _Words, amounts: Sequence[float]) -> None:
        self.w = words
        self.millions = max((abs(a) for a in amounts), default=0.0) >= 1e6

    def header(self, title: str) -> str:
        unit = "MSEK" if self.millions else ("kr" if self.w.lang == "sv" else "SEK")
        return f"{title} ({unit})"

    def cell(self, value: float) -> str:
        return self.w.msek_number(value) if self.millions else self.w.num(value)


def _decimals(value: float) -> int:
    return 0 if abs(value) >= 100 or float(value).is_integer() else 1


# ------------------------------------------------------------------------------------------------


def build_report(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    *,
    lang: str = "sv",
    why_not: Sequence[WhyNotFigures] | None = None,
    study: Study | None = None,
    input_sha256: str | None = None,
    source_name: str | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The HTML report of `result` (from `solve(projects, scenario)`), in Swedish (`lang="sv"`, the
    default) or English (`"en"`): one self-contained document, sections in the order of `SECTIONS`.

    `why_not`: what it would take to fund each project left out (`WhyNot`s from `why_not`, or their
    `to_dict()` rows), or None (the report then says they are not computed); `study`: an
    `UncertaintyStudy`, its `summary()` or its `to_dict()`, or None;
    `input_sha256`, `source_name` (the list's file or name) and `generated_at` (default: now, UTC) go
    into the method section. Raises ValueError for another language."""
    report = Report(
        projects,
        scenario,
        result,
        lang=lang,
        study=study,
        input_sha256=input_sha256,
        source_name=source_name,
        generated_at=generated_at,
    )
    return report.html(why_not)


class Report:
    """One report made in two steps, so that a caller can draw it while the why-not analysis runs: the
    constructor checks the inputs, `prepare()` writes every section but the one on the measures left
    out (the charts are most of the work), and `html(why_not)` adds that one and returns the document.
    The arguments are those of `build_report`."""

    def __init__(
        self,
        projects: ProjectList,
        scenario: Scenario,
        result: Result,
        *,
        lang: str = "sv",
        study: Study | None = None,
        input_sha256: str | None = None,
        source_name: str | None = None,
        generated_at: datetime | None = None,
    ) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        summary = None
        if study is not None:
            if not isinstance(study, UncertaintyStudy | StudySummary | Mapping):
                raise ValueError("study must be an UncertaintyStudy.to_dict(), the study or its summary(), or None")
            summary = StudySummary.of(study)
        self._words = _Words(lang)
        self._moment = generated_at or datetime.now(UTC)
        self._parts = _Report(projects, scenario, result, self._words, None, summary)
        self._scenario = scenario
        self._input = (input_sha256, source_name)
        self._sections: dict[str, str] = {}

    def prepare(self) -> None:
        """Every section that does not depend on the why-not rows (once)."""
        if self._sections:
            return
        report = self._parts
        self._sections = {
            "summary": report.summary(),
            "funded": report.funded(),
            "effect": report.effect(),
            "cost-per-tonne": report.cost_per_tonne(),
            "districts": report.districts(),
            "uncertainty": report.uncertainty(),
            "method": report.method(*self._input, self._moment),
        }

    def html(self, why_not: Sequence[WhyNotFigures] | None = None) -> str:
        """The whole document, with the `why_not` figures (or None) in the section on the measures left out."""
        if why_not is not None and not isinstance(why_not, Sequence):
            raise ValueError("why_not must be a list of WhyNot figures or their to_dict() rows, or None")
        self.prepare()
        words, moment = self._words, self._moment
        self._parts.why_not = None if why_not is None else [WhyNotRow.of(row) for row in why_not]
        sections = {**self._sections, "left-out": self._parts.left_out()}
        scenario = self._scenario
        title = words("doc_title", name=scenario.name) if scenario.name else words("doc_title_unnamed")
        body = "\n".join(
            f'<section id="{key}" aria-labelledby="{key}-title">\n'
            f'<h2 id="{key}-title">{words(HEADINGS[key])}</h2>\n{sections[key]}\n</section>'
            for key in SECTIONS
        )
        stamp = moment.astimezone(UTC).isoformat(timespec="seconds")
        generated = words(
            "generated", when=_Html(f'<time datetime="{stamp}">{_esc(words.when(moment))}</time>')
        )
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{words.lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            "style-src 'unsafe-inline'\">\n"
            f'<meta name="generator" content="{PACKAGE} {_esc(_package_version() or "")}">\n'
            f"<title>{title}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
            f'<a class="skip" href="#summary">{words("skip")}</a>\n'
            f'<header>\n<h1>{title}</h1>\n<p class="lead">{words("lead")}</p>\n'
            f'<p class="meta">{generated}</p>\n</header>\n'
            f"<main>\n{body}\n</main>\n</body>\n</html>\n"
        )


def _package_version() -> str | None:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


def _p(content: str) -> str:
    return f"<p>{_esc(content)}</p>"


Cell = tuple[str, bool]
WhyNotFigures = WhyNot | WhyNotRow | Mapping[str, Any]
"""What the report reads as why-not figures: the analysis's own, or their rows as written or stored."""
Study = UncertaintyStudy | StudySummary | Mapping[str, Any]
"""An uncertainty study, its typed summary, or the summary as written or stored."""


def _table(
    caption: str,
    headers: Sequence[Cell],
    rows: Sequence[Sequence[Cell]],
    *,
    footer: Sequence[Cell] | None = None,
    row_headers: bool = True,
) -> str:
    """A table with a caption, `scope="col"` headers and (by default) the first cell of each row a
    `scope="row"` header. Cells are (text, numeric); text is escaped unless it is `_Html`."""

    def cell(text: str, numeric: bool, header: bool) -> str:
        cls = ' class="num"' if numeric else ""
        if header:
            return f'<th scope="row"{cls}>{_esc(text)}</th>'
        return f"<td{cls}>{_esc(text)}</td>"

    def row(cells: Sequence[Cell]) -> str:
        return (
            "<tr>" + "".join(cell(t, n, row_headers and i == 0) for i, (t, n) in enumerate(cells)) + "</tr>"
        )

    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if n else ""}>{_esc(t)}</th>' for t, n in headers)
    foot = f"<tfoot>{row(footer)}</tfoot>" if footer else ""
    body = "\n".join(row(r) for r in rows)
    return (
        f"<table>\n<caption>{_esc(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>{foot}\n</table>"
    )


def _figure(figure: Any, words: _Words, caption_key: str) -> str:
    """A chart as an SVG data URI with its alt text (the chart's own, in the page's language) and a
    caption."""
    from optimizer.reporting.charts import describe, render

    data = base64.b64encode(render(figure, "svg")).decode("ascii")
    return (
        f'<figure>\n<img src="data:image/svg+xml;base64,{data}" alt="{_esc(describe(figure))}">\n'
        f"<figcaption>{words(caption_key)}</figcaption>\n</figure>"
    )


def _data(summary: str, table: str) -> str:
    """A chart's figures as a table, folded away under the chart (a screen reader opens it)."""
    return f"<details>\n<summary>{_esc(summary)}</summary>\n{table}\n</details>"


def _name_with_id(name: str, pid: str) -> _Html:
    return _Html(f'{_esc(name)} <span class="id">({_esc(pid)})</span>')


class _Report:
    """The sections of one report, each an HTML fragment."""

    def __init__(
        self,
        projects: ProjectList,
        scenario: Scenario,
        result: Result,
        words: _Words,
        why_not: Sequence[WhyNotRow] | None,
        study: StudySummary | None,
    ) -> None:
        self.projects = projects
        self.scenario = scenario
        self.result = result
        self.w = words
        self.why_not = why_not
        self.study = study
        table = projects.table
        self.index = {str(pid): i for i, pid in enumerate(projects.ids)}
        self.names = dict(zip((str(i) for i in projects.ids), table["name"].astype(str), strict=True))
        self.per_year = table["abatement_t_per_year"].to_numpy(dtype=float)
        self.lifetime = table["lifetime_years"].to_numpy(dtype=float)
        self.selected = sorted(result.selected, key=lambda s: (-s.abatement_t, s.id))
        # a result stored before lifecycle figures existed has them all at their defaults: say nothing
        self.lifecycle_known = result.lifecycle_sek_per_t is not None or any(
            s.net_present_cost_sek != 0 or s.lifecycle_sek_per_t is not None for s in result.selected
        )

    def _year_per_t(self, s: Any) -> float:
        return float(self.per_year[self.index[s.id]]) * s.fraction

    def _sector(self, code: object) -> str:
        return sector_name(code, lang=self.w.lang)

    # --- summary ------------------------------------------------------------------------------

    def summary(self) -> str:
        w, r = self.w, self.result
        status = self._status()
        if not r.has_portfolio:
            return status
        parts = [status, "<ul>"]
        items = [w("summary_count", funded=len(r.selected), total=len(self.projects))]
        external = r.total_cost_sek - r.municipal_cost_sek
        if external > 0.5:
            items.append(
                w(
                    "summary_cost",
                    cost=w.msek(r.total_cost_sek),
                    municipal=w.msek(r.municipal_cost_sek),
                    external=w.msek(external),
                )
            )
        else:
            items.append(w("summary_cost_all_municipal", cost=w.msek(r.total_cost_sek)))
        budget = sum(b.budget_sek for b in r.budget)
        if budget > 0:
            used = sum(self._used(b) for b in r.budget)
            items.append(
                w("summary_budget", budget=w.msek(budget), used=w.msek(used), share=w.share(used / budget))
            )
        items.append(
            w(
                "summary_tonnes",
                per_year=w.tonnes_per_year(r.abatement_t_per_year),
                measure=w.measure(self.scenario),
                counted=w.tonnes(r.abatement_t),
            )
        )
        objective = self.scenario.objective
        if isinstance(objective, MinCostObjective) and r.cost_objective_sek is not None:
            items.append(
                w(
                    "summary_cost_objective",
                    target=w.tonnes(objective.min_cost_for_t),
                    cost=w.msek(r.cost_objective_sek),
                )
            )
        if r.pathway is not None:
            gap = r.pathway.gap_at_target_year_t
            if gap > 0:
                items.append(w("summary_target_gap", year=r.pathway.target_year, gap=w.tonnes_per_year(gap)))
            else:
                items.append(
                    w("summary_target_met", year=r.pathway.target_year, margin=w.tonnes_per_year(-gap))
                )
        partly = sum(1 for s in r.selected if s.fraction < 1 - 1e-9)
        if partly:
            items.append(w("summary_partly", count=partly))
        if self.scenario.min_fraction is not None and self.projects.table["divisible"].any():
            items.append(w("summary_min_fraction", share=w.pct(self.scenario.min_fraction)))
        items.extend(self._lifecycle_items())
        parts.extend(f"<li>{item}</li>" for item in items)
        parts.append("</ul>")
        parts.append(self._budget_table())
        return "\n".join(part for part in parts if part)

    def _lifecycle_items(self) -> list[_Html]:
        """The portfolio's life: net present cost, equivalent annual cost, lifecycle cost per tonne, yearly
        operating costs or savings and payback; net budgets; the net benefit and its bound."""
        w, r = self.w, self.result
        if not r.selected or not self.lifecycle_known:
            return []
        items = [
            w(
                "summary_lifecycle",
                npc=w.msek(r.net_present_cost_sek),
                rate=w.rate(r.discount_rate),
                eac=w.msek(r.equivalent_annual_cost_sek),
                per_t=w.sek_per_t(r.lifecycle_sek_per_t),
            )
        ]
        if r.opex_sek_per_year < -0.5:
            saving = w.msek(-r.opex_sek_per_year)
            if r.payback_years is not None and math.isfinite(r.payback_years):
                items.append(w("summary_saving_payback", saving=saving, payback=w.years(r.payback_years)))
            else:
                items.append(w("summary_saving", saving=saving))
        elif r.opex_sek_per_year > 0.5:
            items.append(w("summary_opex_cost", cost=w.msek(r.opex_sek_per_year)))
        else:
            items.append(w("summary_no_opex"))
        if r.budget_basis == "net":
            items.append(w("summary_net_budget"))
        carbon = self.scenario.net_benefit
        if carbon is not None and r.net_benefit_sek is not None:
            items.append(
                w(
                    "summary_net_benefit",
                    value=w.sek(carbon.carbon_value_sek_per_t),
                    benefit=w.msek(r.net_benefit_sek),
                )
            )
            bound = r.net_benefit_bound_sek
            if bound is None:
                items.append(w("summary_net_benefit_no_bound"))
            elif bound - r.net_benefit_sek <= 1e-6 * max(1.0, abs(r.net_benefit_sek)) + 0.5:
                items.append(w("summary_net_benefit_bound_met"))
            else:
                items.append(
                    w(
                        "summary_net_benefit_bound_gap",
                        bound=w.msek(bound),
                        gap=w.msek(bound - r.net_benefit_sek),
                    )
                )
        return items

    @staticmethod
    def _rounding(limit: float) -> float:
        return max(ROUNDING_SEK, 1e-6 * abs(limit))

    def _used(self, row: Any) -> float:
        """What counts against a budget row, with a rounding overshoot of its limit shown as the limit."""
        over = row.spend_sek - row.budget_sek
        return row.budget_sek if 0 < over <= self._rounding(row.budget_sek) else row.spend_sek

    def _budget_table(self) -> str:
        """The budget per year (or over the whole period): investment, operating costs, what counts against
        the budget (on a net basis both) and what is left. The solver's rounding (a krona or two over a
        limit met exactly) is not shown as an overrun."""
        w, r = self.w, self.result
        if not r.budget or not r.selected:
            return ""
        net = r.budget_basis == "net"
        headers = [
            (w.texts["col_year"], False),
            (w.texts["col_budget"], True),
            (w.texts["col_investment"], True),
            (w.texts["col_opex"], True),
            (w.texts["col_used"], True),
            (w.texts["col_left"], True),
        ]
        rows = []
        totals = np.zeros(5)
        for b in r.budget:
            used = self._used(b)
            investment = used - b.opex_sek if net else used
            left = b.budget_sek - used
            left = 0.0 if abs(left) <= self._rounding(b.budget_sek) and left < 0 else left
            figures = np.array([b.budget_sek, investment, b.opex_sek, used, left])
            totals += figures
            label = str(b.year) if b.year is not None else w.texts["budget_all_years"]
            rows.append([(label, False), *((w.sek(v), True) for v in figures)])
        footer = None
        if len(r.budget) > 1:
            footer = [(w.texts["col_total"], False), *((w.sek(v), True) for v in totals)]
        suffix = "net" if net else "investment"
        return "\n".join(
            [
                _p(w(f"budget_intro_{suffix}")),
                _table(w.texts[f"budget_caption_{suffix}"], headers, rows, footer=footer),
            ]
        )

    def _status(self) -> str:
        w, r = self.w, self.result
        if r.status is Status.OPTIMAL:
            gap = r.mip_gap or 0.0
            text = w("status_optimal") if gap < 5e-5 else w("status_optimal_margin", gap=w.gap(gap))
        elif r.status is Status.FEASIBLE:
            text = (
                w("status_feasible", gap=w.gap(r.mip_gap))
                if r.mip_gap is not None
                else w("status_feasible_no_gap")
            )
        elif r.status is Status.INFEASIBLE:
            reasons = [
                f"<li>{w('conflict', rules=_Html(w.listing([f'«{_esc(n)}»' for n in c.rules])), message=c.message)}</li>"
                for c in r.conflicts
            ]
            listed = f"<ul>{''.join(reasons)}</ul>" if reasons else _p(w("status_infeasible_unknown"))
            return f'<div class="status" role="status"><p>{w("status_infeasible")}</p>\n{listed}</div>'
        elif r.status is Status.NO_SOLUTION:
            text = w("status_no_solution")
        else:
            text = w("status_error")
        return f'<div class="status" role="status"><p>{text}</p></div>'

    # --- funded -------------------------------------------------------------------------------

    def funded(self) -> str:
        w, r = self.w, self.result
        if not r.selected:
            return _p(w("funded_none"))
        money = _Money(w, [r.total_cost_sek])
        headers = [
            (w.texts["col_project"], False),
            (w.texts["col_district"], False),
            (w.texts["col_start"], True),
            (money.header(w.texts["col_cost"]), True),
            (money.header(w.texts["col_municipal"]), True),
            (w.texts["col_per_year"], True),
            (w.texts["col_counted"], True),
            (w.texts["col_note"], False),
        ]
        rows = []
        for s in self.selected:
            rows.append(
                [
                    (_name_with_id(s.name, s.id), False),
                    (s.district or w.texts["none_value"], False),
                    (str(s.start_year), True),
                    (money.cell(s.cost_sek), True),
                    (money.cell(s.municipal_cost_sek), True),
                    (w.num(self._year_per_t(s), _decimals(self._year_per_t(s))), True),
                    (w.num(s.abatement_t), True),
                    (self._funded_note(s), False),
                ]
            )
        active = [i for i in r.interactions if i.active]
        if active:
            change = sum(i.abatement_t_per_year for i in active)
            counted = sum(i.abatement_t for i in active)
            rows.append(
                [(w.texts["row_interactions"], False)]
                + [("", False), ("", True), ("", True), ("", True)]
                + [(w.num(change, _decimals(change)), True), (w.num(counted), True), ("", False)]
            )
        per_year = sum(self._year_per_t(s) for s in r.selected) + sum(i.abatement_t_per_year for i in active)
        footer = [
            (w.texts["col_total"], False),
            ("", False),
            ("", True),
            (money.cell(r.total_cost_sek), True),
            (money.cell(r.municipal_cost_sek), True),
            (w.num(per_year, _decimals(per_year)), True),
            (w.num(r.abatement_t), True),
            ("", False),
        ]
        caption = w("funded_caption", measure=w.measure(self.scenario))
        parts = [_table(caption, headers, rows, footer=footer)]
        if self.lifecycle_known:
            parts.append(self._lifecycle_table())
            parts.append(_p(w("funded_lifecycle_note", rate=w.rate(r.discount_rate))))
        if r.interactions:
            parts.append(self._interactions())
        return "\n".join(parts)

    def _funded_note(self, s: Any) -> str:
        """What a board should know of a funded measure: a part funded in words, or tonnes counted later."""
        w = self.w
        notes = []
        if s.fraction < 1 - 1e-9:
            whole = s.cost_sek / s.fraction if s.fraction > 0 else s.cost_sek
            notes.append(
                w("part_note", part=w.sek(s.cost_sek), whole=w.msek(whole), share=w.share(s.fraction))
            )
        tonnes = self.scenario.tonnes_measure
        if (
            isinstance(tonnes, CumulativeObjective)
            and s.abatement_t <= 0
            and s.operating_from > tonnes.cumulative_to
        ):
            notes.append(w("note_after_year", year=s.operating_from, until=tonnes.cumulative_to))
        return _Html(" ".join(notes))

    def _lifecycle_table(self) -> str:
        """The funded measures' lives, as a second table: the first stays within the page's width."""
        w, r = self.w, self.result
        money = _Money(w, [r.net_present_cost_sek, *(s.net_present_cost_sek for s in self.selected)])
        headers = [
            (w.texts["col_project"], False),
            (w.texts["col_sector"], False),
            (money.header(w.texts["col_npc"]), True),
            (
                f"{w.texts['col_lifecycle_per_t']} (kr)"
                if w.lang == "sv"
                else f"{w.texts['col_lifecycle_per_t']} (SEK)",
                True,
            ),
            (
                f"{w.texts['col_opex_year']} (kr)" if w.lang == "sv" else f"{w.texts['col_opex_year']} (SEK)",
                True,
            ),
            (f"{w.texts['col_payback']} ({'år' if w.lang == 'sv' else 'years'})", True),
        ]
        rows = [
            [
                (_name_with_id(s.name, s.id), False),
                (self._sector(s.sector), False),
                (money.cell(s.net_present_cost_sek), True),
                (self._per_t_number(s.lifecycle_sek_per_t), True),
                (w.num(s.opex_sek_per_year), True),
                (self._years_number(s.payback_years), True),
            ]
            for s in self.selected
        ]
        footer = [
            (w.texts["col_total"], False),
            ("", False),
            (money.cell(r.net_present_cost_sek), True),
            (self._per_t_number(r.lifecycle_sek_per_t), True),
            (w.num(r.opex_sek_per_year), True),
            (self._years_number(r.payback_years), True),
        ]
        return _table(w.texts["funded_detail_caption"], headers, rows, footer=footer)

    def _per_t_number(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return self.w.texts["none_value"]
        return self.w.num(value)

    def _years_number(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return self.w.texts["none_value"]
        return self.w.num(value, 1)

    def _interactions(self) -> str:
        """The scenario's overlaps: which count in this portfolio and by how many tonnes."""
        w, r = self.w, self.result
        active = [i for i in r.interactions if i.active]
        if active:
            intro = w("interactions_intro", tonnes=w.tonnes(-sum(i.abatement_t for i in active)))
        else:
            intro = w("interactions_intro_none_active")
        headers = [
            (w.texts["col_interaction"], False),
            (w.texts["col_members"], False),
            (w.texts["col_change_per_year"], True),
            (w.texts["col_active"], False),
            (w.texts["col_counted_change"], True),
        ]
        rows = [
            [
                (i.name, False),
                (", ".join(i.ids), False),
                (w.num(i.abatement_t_per_year, _decimals(i.abatement_t_per_year)), True),
                (w.texts["yes" if i.active else "no"], False),
                (w.num(i.abatement_t), True),
            ]
            for i in r.interactions
        ]
        return "\n".join([_p(intro), _table(w.texts["interactions_caption"], headers, rows)])

    # --- effect -------------------------------------------------------------------------------

    def _reduction_by_year(self, years: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Per year: the funded projects' reduction in operation (t/yr), and how many start that year."""
        reduction = np.zeros(len(years))
        starting = np.zeros(len(years), dtype=int)
        at = np.asarray(years)
        for s in self.result.selected:
            life = float(self.lifetime[self.index[s.id]])
            running = (at >= s.operating_from) & (at < s.operating_from + life)
            reduction += np.where(running, self._year_per_t(s), 0.0)
            starting += at == s.operating_from
        for overlap in self.result.interactions:
            if overlap.active:
                running = (at >= overlap.operating_from) & (
                    at < overlap.operating_from + overlap.lifetime_years
                )
                reduction += np.where(running, overlap.abatement_t_per_year, 0.0)
        return reduction, starting

    def effect(self) -> str:
        w, r = self.w, self.result
        if not r.has_portfolio:
            return _p(w("effect_none"))
        parts = [_p(w("effect_intro"))]
        pathway = r.pathway
        if pathway is None:
            first = min(s.operating_from for s in r.selected) if r.selected else EFFECT_YEAR
            first = min(first, min(s.start_year for s in r.selected)) if r.selected else first
            last = max([EFFECT_YEAR, *(s.operating_from for s in r.selected)])
            years = list(range(first, last + 1))
            reduction, starting = self._reduction_by_year(years)
            rows = [
                [(str(y), False), (w.num(t, _decimals(t)), True), (str(n), True)]
                for y, t, n in zip(years, reduction, starting, strict=True)
            ]
            headers = [
                (w.texts["col_year"], False),
                (w.texts["col_reduction"], True),
                (w.texts["col_new"], True),
            ]
            parts.append(_table(w.texts["effect_caption"], headers, rows))
            if EFFECT_YEAR in years:
                at = float(reduction[years.index(EFFECT_YEAR)])
                parts.append(_p(w("effect_2030", year=EFFECT_YEAR, tonnes=w.tonnes_per_year(at))))
            parts.append(_p(w("effect_no_pathway")))
            return "\n".join(parts)
        years = [y.year for y in pathway.years]
        _, starting = self._reduction_by_year(years)
        headers = [
            (w.texts["col_year"], False),
            (w.texts["col_baseline"], True),
            (w.texts["col_reduction"], True),
            (w.texts["col_emissions"], True),
            (w.texts["col_target"], True),
            (w.texts["col_gap"], True),
            (w.texts["col_new"], True),
        ]
        rows = [
            [
                (str(y.year), False),
                (w.num(y.baseline_t), True),
                (w.num(y.abatement_t), True),
                (w.num(y.emissions_t), True),
                (w.num(y.target_t), True),
                (("+" if y.gap_t > 0.5 else "") + w.num(y.gap_t), True),
                (str(n), True),
            ]
            for y, n in zip(pathway.years, starting, strict=True)
        ]
        parts.append(_table(w.texts["effect_caption_pathway"], headers, rows))
        if EFFECT_YEAR in years:
            at = pathway.years[years.index(EFFECT_YEAR)].abatement_t
            parts.append(_p(w("effect_2030", year=EFFECT_YEAR, tonnes=w.tonnes_per_year(at))))
        target_year = next(y for y in pathway.years if y.year == pathway.target_year)
        parts.append(
            _p(
                w(
                    "effect_pathway",
                    target=self._target_words(),
                    year=pathway.target_year,
                    emissions=w.tonnes_per_year(target_year.emissions_t),
                    target_t=w.tonnes_per_year(target_year.target_t),
                    cumulative=w.tonnes(pathway.cumulative_emissions_t),
                    budget=w.tonnes(pathway.cumulative_target_t),
                )
            )
        )
        if pathway.meets_target_from is not None:
            parts.append(_p(w("effect_met_from", year=pathway.meets_target_from)))
        else:
            parts.append(_p(w("effect_never_met")))
        from optimizer.reporting.charts import pathway_chart

        parts.append(
            _figure(
                pathway_chart(pathway, title=w.texts["chart_pathway"], lang=w.lang),
                w,
                "chart_pathway_caption",
            )
        )
        return "\n".join(parts)

    def _target_words(self) -> str:
        w = self.w
        spec = self.scenario.pathway
        target = spec.target if spec is not None else None
        if target is None:
            return ""
        if isinstance(target, NetZeroTarget):
            if target.residual_share:
                return w(
                    "target_net_zero_residual", year=target.net_zero_year, share=w.pct(target.residual_share)
                )
            return w("target_net_zero", year=target.net_zero_year)
        if isinstance(target, ReductionRateTarget):
            rate = w.pct(target.reduction_rate, 2)
            if target.from_year is not None:
                return w("target_rate_from", rate=rate, year=target.from_year)
            return w("target_rate", rate=rate)
        year = target.year
        return w("target_points", tonnes=w.tonnes_per_year(target.target_t[str(year)]), year=year)

    # --- cost per tonne -----------------------------------------------------------------------

    def _macc(self, basis: str = "investment") -> Any:
        cache = self.__dict__.setdefault("_macc_frames", {})
        if basis not in cache:
            from optimizer.analysis.curves import macc

            cache[basis] = macc(self.projects, self.scenario, basis=basis)
        return cache[basis]

    def cost_per_tonne(self) -> str:
        w, r = self.w, self.result
        parts = []
        if r.has_portfolio and r.sek_per_t is not None:
            parts.append(_p(w("cost_intro")))
            unit = "per_t_investment_basis"
            rows = [
                [
                    (w.texts["per_t_investment"], False),
                    (w.sek_per_t(r.sek_per_t), True),
                    (w(unit, measure=w.measure(self.scenario)), False),
                ],
                [
                    (w.texts["per_t_municipal"], False),
                    (w.sek_per_t(r.municipal_sek_per_t), True),
                    (w("per_t_municipal_basis"), False),
                ],
            ]
            if self.lifecycle_known and r.lifecycle_sek_per_t is not None:
                rows.append(
                    [
                        (w.texts["per_t_lifecycle"], False),
                        (w.sek_per_t(r.lifecycle_sek_per_t), True),
                        (w("per_t_lifecycle_basis", rate=w.rate(r.discount_rate)), False),
                    ]
                )
            headers = [
                (w.texts["col_per_t_kind"], False),
                (w.texts["col_per_t_value"], True),
                (w.texts["col_per_t_basis"], False),
            ]
            parts.append(_table(w.texts["cost_caption"], headers, rows))
            if self.scenario.tonnes_measure == "lifetime":
                low, high = AUDIT_OFFICE_SEK_PER_T
                key = (
                    "cost_reference_below"
                    if r.sek_per_t < low
                    else "cost_reference_within"
                    if r.sek_per_t <= high
                    else "cost_reference_above"
                )
                parts.append(_p(w(key, value=w.sek_per_t(r.sek_per_t))))
                parts.append(_p(w("cost_asek_below" if r.sek_per_t < ASEK_SEK_PER_T else "cost_asek_above")))
            else:
                parts.append(_p(w("cost_no_reference")))
        else:
            parts.append(_p(w("cost_none")))
        from optimizer.reporting.charts import macc_chart

        parts.append(
            _figure(
                macc_chart(self._macc(), title=w.texts["chart_macc"], lang=w.lang, names=self.names),
                w,
                "chart_macc_caption",
            )
        )
        parts.append(
            _figure(
                macc_chart(
                    self._macc("lifecycle"),
                    title=w.texts["chart_macc_lifecycle"],
                    per_t="lifecycle_sek_per_t",
                    lang=w.lang,
                    names=self.names,
                ),
                w,
                "chart_macc_lifecycle_caption",
            )
        )
        parts.append(self._macc_data())
        return "\n".join(parts)

    def _macc_data(self) -> str:
        """The two MACCs' figures: every measure, in the investment curve's order."""
        w = self.w
        lifecycle = self._macc("lifecycle").set_index("id")["lifecycle_sek_per_t"]
        chosen = {s.id for s in self.result.selected}
        frame = self._macc()
        rows = [
            [
                (_name_with_id(str(row.name), str(row.id)), False),
                (self._sector(row.sector), False),
                (w.num(float(row.abatement_t)), True),
                (self._per_t_number(float(row.sek_per_t)), True),
                (self._per_t_number(float(lifecycle.get(row.id, float("nan")))), True),
                (w.texts["yes" if str(row.id) in chosen else "no"], False),
            ]
            for row in frame.itertuples(index=False)
        ]
        headers = [
            (w.texts["col_project"], False),
            (w.texts["col_sector"], False),
            (w.texts["col_counted"], True),
            (w.texts["per_t_investment"], True),
            (w.texts["per_t_lifecycle"], True),
            (w.texts["col_funded"], False),
        ]
        return _data(w.texts["macc_data"], _table(w.texts["macc_caption"], headers, rows))

    # --- districts ----------------------------------------------------------------------------

    def districts(self) -> str:
        w, r = self.w, self.result
        parts = []
        if r.has_portfolio and r.selected:
            totals: dict[str, list[float]] = {}
            for s in r.selected:
                name = s.district if s.district not in (None, "") else w.texts["no_district"]
                row = totals.setdefault(name, [0, 0.0, 0.0, 0.0])
                row[0] += 1
                row[1] += s.cost_sek
                row[2] += s.municipal_cost_sek
                row[3] += s.abatement_t
            all_t = sum(v[3] for v in totals.values())
            money = _Money(w, [v[1] for v in totals.values()])
            headers = [
                (w.texts["col_district"], False),
                (w.texts["col_projects"], True),
                (money.header(w.texts["col_cost"]), True),
                (money.header(w.texts["col_municipal"]), True),
                (w.texts["col_counted"], True),
                (w.texts["col_share"], True),
            ]
            rows = [
                [
                    (name, False),
                    (str(int(v[0])), True),
                    (money.cell(v[1]), True),
                    (money.cell(v[2]), True),
                    (w.num(v[3]), True),
                    (w.share(v[3] / all_t) if all_t > 0 else w.texts["none_value"], True),
                ]
                for name, v in sorted(totals.items(), key=lambda item: (-item[1][1], item[0]))
            ]
            parts += [_p(w("districts_intro")), _table(w.texts["districts_caption"], headers, rows)]
            from optimizer.reporting.charts import district_chart

            parts.append(
                _figure(
                    district_chart(r, title=w.texts["chart_district"], lang=w.lang),
                    w,
                    "chart_district_caption",
                )
            )
        if not r.rules:
            parts.append(_p(w("rules_none")))
            return "\n".join(parts)
        parts.append(_p(w("rules_intro")))
        headers = [
            (w.texts["col_rule"], False),
            (w.texts["col_requirement"], False),
            (w.texts["col_outcome"], True),
            (w.texts["col_met"], False),
        ]
        rows = [
            [
                (rule.name, False),
                (self._requirement(rule), False),
                (self._outcome(rule), True),
                (self._met(rule), False),
            ]
            for rule in r.rules
        ]
        parts.append(_table(w.texts["rules_caption"], headers, rows))
        return "\n".join(parts)

    def _measure_name(self, measure: str) -> str:
        key = f"measure_{measure}"
        return self.w.texts[key] if key in self.w.texts else self.w("measure_other", name=measure)

    def _amount(self, measure: str, value: float) -> str:
        w = self.w
        if measure in ("cost", "municipal_cost"):
            return w.sek(value)
        if measure == "count":
            return w("count_value", value=w.num(value))
        if measure == "abatement":
            return w.tonnes(value)
        return w.num(value, _decimals(value))

    def _requirement(self, rule: Any) -> str:
        w = self.w
        what = self._measure_name(rule.measure)
        parts = []
        if rule.min_share is not None:
            parts.append(w("rule_min_share", share=w.pct(rule.min_share), measure=what))
        if rule.max_share is not None:
            parts.append(w("rule_max_share", share=w.pct(rule.max_share), measure=what))
        if rule.min is not None:
            parts.append(w("rule_min", value=self._amount(rule.measure, rule.min), measure=what))
        if rule.max is not None:
            parts.append(w("rule_max", value=self._amount(rule.measure, rule.max), measure=what))
        return _Html("; ".join(parts))

    def _outcome(self, rule: Any) -> str:
        w = self.w
        value = self._amount(rule.measure, rule.value)
        if (rule.min_share is not None or rule.max_share is not None) and rule.share is not None:
            return w(
                "rule_value_share",
                value=value,
                share=w.pct(rule.share, 1),
                measure=self._measure_name(rule.measure),
            )
        return value

    def _met(self, rule: Any) -> str:
        w = self.w
        tolerance = 1e-6 * max(1.0, abs(rule.value))
        if rule.slack < -tolerance:
            return w.texts["rule_not_met"]
        return w.texts["rule_met_binding" if rule.binding else "rule_met"]

    # --- left out -----------------------------------------------------------------------------

    def left_out(self) -> str:
        w, r = self.w, self.result
        if not r.has_portfolio:
            return _p(w("left_no_portfolio"))
        chosen = {s.id for s in r.selected}
        left = [pid for pid in (str(i) for i in self.projects.ids) if pid not in chosen]
        if not left:
            return _p(w("left_none"))
        parts = [_p(w("left_intro", count=len(left)))]
        binding = [rule.name for rule in r.rules if rule.binding]
        binding += [
            self._budget_name(b.year) for b in r.budget if b.slack_sek <= self._rounding(b.budget_sek)
        ]
        if binding:
            parts.append(_p(w("binding_rules", names=w.listing([f"«{n}»" for n in binding]))))
        thresholds = {row.id: row for row in self.why_not} if self.why_not is not None else None
        per_t = dict(
            zip(self._macc()["id"].astype(str), self._macc()["sek_per_t"].astype(float), strict=True)
        )
        names = self.projects.table["name"].astype(str).to_numpy()
        costs = self.projects.total_cost
        money = _Money(w, [float(costs[self.index[pid]]) for pid in left])
        headers = [
            (w.texts["col_project"], False),
            (money.header(w.texts["col_cost"]), True),
            (w.texts["col_per_year"], True),
            (w.texts["col_sek_per_t"], True),
            (w.texts["col_why"], False),
            (w.texts["col_would_take"], False),
        ]
        rows = []
        for pid in left:
            i = self.index[pid]
            rows.append(
                [
                    (_name_with_id(names[i], pid), False),
                    (money.cell(float(costs[i])), True),
                    (w.num(float(self.per_year[i]), _decimals(float(self.per_year[i]))), True),
                    (w.sek_per_t(per_t.get(pid)), True),
                    (self._why(i, pid, chosen), False),
                    (self._would_take(thresholds, pid, float(costs[i]), float(self.per_year[i])), False),
                ]
            )
        parts.append(_table(w.texts["left_caption"], headers, rows))
        if thresholds is None:
            parts.append(_p(w("left_how")))
        return "\n".join(parts)

    def _budget_name(self, year: int | None) -> str:
        return self.w.texts["budget_row_all"] if year is None else self.w("budget_row", year=year)

    def _why(self, i: int, pid: str, chosen: set[str]) -> str:
        w, table = self.w, self.projects.table
        if pid in self.scenario.exclude:
            return w("why_excluded")
        group = table["exclusive_group"].iat[i]
        if group is not None and isinstance(group, str):
            rivals = [
                str(other)
                for other, g in zip(self.projects.ids, table["exclusive_group"], strict=True)
                if g == group and str(other) in chosen
            ]
            if rivals:
                return w("why_alternative", group=group, ids=", ".join(rivals))
        required = [str(x) for x in (table["requires"].iat[i] or ()) if str(x) not in chosen]
        if required:
            return w("why_requires", ids=", ".join(required))
        late = self._operating_too_late(i)
        if late is not None:
            return late
        short = self._budget_short(i)
        return short if short is not None else w("why_crowded")

    def _operating_too_late(self, i: int) -> str | None:
        """With tonnes counted to a year: a measure that cannot be in operation by then counts nothing."""
        tonnes = self.scenario.tonnes_measure
        if not isinstance(tonnes, CumulativeObjective):
            return None
        from optimizer.model.fit import resolve_first_year

        first_year = resolve_first_year(self.projects, self.scenario)
        earliest, _ = self.projects.start_window(first_year, self.scenario.budget_years)
        planned = self.projects.first_spend_year(first_year)
        last = self.projects.last_spend_year(first_year)
        operating = int(last[i] + earliest[i] - planned[i] + 1)
        if operating <= tonnes.cumulative_to:
            return None
        return self.w("why_no_tonnes", until=tonnes.cumulative_to, year=operating)

    def _budget_short(self, i: int) -> str | None:
        """The first budget row the measure's own municipal cost (as planned) does not fit in what is left."""
        w = self.w
        share = float(self.projects.municipal_share[i])
        rows = self.result.budget
        if len(rows) == 1 and rows[0].year is None:
            own = float(self.projects.total_cost[i]) * share
            left = max(rows[0].budget_sek - self._used(rows[0]), 0.0)
            return w("why_budget", left=w.sek(left), cost=w.sek(own)) if own > left + 0.5 else None
        from optimizer.model.fit import resolve_first_year

        years = [cast(int, b.year) for b in rows]  # a row per year: the single budget row is handled above
        spend = self.projects.cost_by_year(years, resolve_first_year(self.projects, self.scenario))[i] * share
        for b, own in zip(rows, spend, strict=True):
            left = max(b.budget_sek - self._used(b), 0.0)
            if own > left + 0.5:
                return w("why_budget_year", year=b.year, left=w.sek(left), cost=w.sek(own))
        return None

    def _would_take(
        self, thresholds: Mapping[str, WhyNotRow] | None, pid: str, cost: float, per_year: float
    ) -> str:
        """What it would take, claimed only where it was computed; "not computed in time" otherwise."""
        w = self.w
        row = None if thresholds is None else thresholds.get(pid)
        if row is None:
            return w("would_unknown")
        reason = row.reason
        if reason == "out_of_time" or not row.computed and reason != "undecided":
            return w("would_not_in_time")
        if reason == "undecided":
            return w("would_undecided")
        if reason == "excluded":
            return w("would_excluded")
        max_cost, needed = row.max_cost_sek, row.min_abatement_t_per_year
        parts: list[str] = []
        if max_cost is None:
            parts.append(w("would_never"))
        elif reason == "at_least":
            parts.append(w("would_cost_at_least", max_cost=w.sek(max_cost)))
        elif max_cost >= cost * (1 - 1e-6):
            parts.append(w("would_cost_tie"))
        elif self._operating_too_late(self.index[pid]) is not None:
            parts.append(w("would_cost_fits_only", max_cost=w.sek(max_cost), cost=w.sek(cost)))
        else:
            parts.append(w("would_cost", max_cost=w.sek(max_cost), cost=w.sek(cost)))
        if needed is not None:
            if needed > per_year * (1 + 1e-6):
                key = "would_abatement_instead" if max_cost is None else "would_abatement"
                parts.append(w(key, needed=w.tonnes_per_year(needed), now=w.tonnes_per_year(per_year)))
        elif row.min_abatement_computed:
            parts.append(w("would_abatement_never"))
        return _Html(" ".join(_esc(p) for p in parts))

    # --- uncertainty --------------------------------------------------------------------------

    def uncertainty(self) -> str:
        w, study = self.w, self.study
        if study is None:
            if not self.projects.has_ranges:
                return _p(w("unc_point_estimates"))
            if not self.result.has_portfolio:
                return _p(w("unc_no_portfolio"))
            return _p(w("unc_none_ranges"))
        evaluation, quantiles = study.evaluation, study.abatement_t
        if evaluation is None or quantiles.p10 is None or quantiles.p50 is None or quantiles.p90 is None:
            return _p(w("unc_no_portfolio"))
        draws = study.draws
        distribution = w.texts.get(f"dist_{study.distribution}", w.texts["none_value"])
        parts = [
            _p(w("unc_intro", draws=w.num(draws), distribution=distribution)),
            _p(
                w(
                    "unc_quantiles_text",
                    p10=w.tonnes(quantiles.p10),
                    p50=w.tonnes(quantiles.p50),
                    p90=w.tonnes(quantiles.p90),
                )
            ),
        ]
        headers = [(w.texts["col_quantity"], False), ("P10", True), ("P50", True), ("P90", True)]

        def row(label: str, values: Quantiles, money: bool) -> list[Cell]:
            cells: list[Cell] = [(label, False)]
            for value in (values.p10, values.p50, values.p90):
                cells.append(
                    (
                        w.texts["none_value"] if value is None else w.sek(value) if money else w.num(value),
                        True,
                    )
                )
            return cells

        rows = [
            row(w("row_reduction", measure=w.measure(self.scenario)), quantiles, False),
            row(w.texts["row_cost"], evaluation.cost_sek, True),
            row(w.texts["row_overrun"], evaluation.overrun_sek, True),
        ]
        reopt = study.reoptimisation
        if reopt is not None:
            rows.append(row(w.texts["row_best"], reopt.abatement_t, False))
        parts.append(_table(w("unc_caption", draws=w.num(draws)), headers, rows))
        parts.extend(self._budget_chance(study, evaluation))
        parts.extend(self._target_chance(study))
        frequency = study.selection_frequency
        if frequency:
            steady = sum(1 for share in frequency.values() if share >= 0.95)
            shaky = sum(1 for share in frequency.values() if 0.05 < share < 0.95)
            parts.append(_p(w("unc_steady", steady=steady, shaky=shaky)))
        else:
            parts.append(_p(w("unc_not_reoptimised")))
        robust = study.robust
        if robust is not None:
            if robust.cvar_t is None or robust.point_cvar_t is None:
                parts.append(_p(w("unc_robust_none")))
            else:
                parts.append(
                    _p(
                        w(
                            "unc_robust",
                            alpha=w.pct(robust.alpha),
                            cvar=w.tonnes(robust.cvar_t),
                            point_cvar=w.tonnes(robust.point_cvar_t),
                            price=w.tonnes(robust.price_t or 0.0),
                            added=w.listing(robust.added) or w.texts["none_value"],
                            removed=w.listing(robust.removed) or w.texts["none_value"],
                        )
                    )
                )
        from optimizer.reporting.charts import robustness_chart, uncertainty_chart

        parts.append(
            _figure(
                uncertainty_chart(study, title=w.texts["chart_uncertainty"], lang=w.lang),
                w,
                "chart_uncertainty_caption",
            )
        )
        parts.append(self._histogram_data(study))
        if frequency:
            parts.append(
                _figure(
                    robustness_chart(study, title=w.texts["chart_robustness"], lang=w.lang, names=self.names),
                    w,
                    "chart_robustness_caption",
                )
            )
            parts.append(self._robustness_data(frequency))
        return "\n".join(parts)

    def _budget_chance(self, study: StudySummary, evaluation: StudyEvaluation) -> list[str]:
        """The chance of staying within the budget, and when it is low, why and by how much it breaks."""
        w, r = self.w, self.result
        within = study.probability_within_budget
        if within is None:
            return []
        parts = [_p(w("unc_budget", share=w.share(within)))]
        full = [b for b in r.budget if b.budget_sek - self._used(b) <= (1 - FULL_BUDGET_SHARE) * b.budget_sek]
        if within < 0.5 and full:
            if full[0].year is None:
                parts.append(
                    _p(
                        w(
                            "unc_budget_full_all",
                            used=w.msek(self._used(full[0])),
                            budget=w.msek(full[0].budget_sek),
                        )
                    )
                )
            else:
                key = "unc_budget_full" if len(full) > 1 else "unc_budget_full_year"
                parts.append(_p(w(key, years=w.listing([str(b.year) for b in full]))))
        overrun = evaluation.overrun_sek
        if within < 0.5 and overrun.p50 is not None and overrun.p90 is not None and overrun.p50 > 0:
            parts.append(_p(w("unc_overrun", p50=w.amount(overrun.p50), p90=w.amount(overrun.p90))))
        return parts

    def _target_chance(self, study: StudySummary) -> list[str]:
        """The chance of meeting the target; a target missed even at the point estimates is said so."""
        w, r = self.w, self.result
        target = study.probability_target_met
        if target is None:
            return [_p(w("unc_no_target"))]
        parts = [_p(w("unc_target", share=w.share(target)))]
        pathway = r.pathway
        if target < 0.5 and pathway is not None and pathway.gap_at_target_year_t > 0:
            parts.append(
                _p(
                    w(
                        "unc_target_not_met",
                        year=pathway.target_year,
                        gap=w.tonnes_per_year(pathway.gap_at_target_year_t),
                    )
                )
            )
        return parts

    def _histogram_data(self, study: StudySummary) -> str:
        w = self.w
        histogram = study.histogram
        if histogram is None or not histogram.edges_t or not histogram.point_portfolio:
            return ""
        edges, point, best = histogram.edges_t, histogram.point_portfolio, histogram.best_achievable
        headers = [
            (w.texts["col_from_t"], True),
            (w.texts["col_to_t"], True),
            (w.texts["col_draws_point"], True),
        ]
        if best is not None:
            headers.append((w.texts["col_draws_best"], True))
        rows = []
        for k, count in enumerate(point):
            cells: list[Cell] = [(w.num(edges[k]), True), (w.num(edges[k + 1]), True), (w.num(count), True)]
            if best is not None:
                cells.append((w.num(best[k]), True))
            rows.append(cells)
        return _data(
            w.texts["histogram_data"], _table(w.texts["histogram_caption"], headers, rows, row_headers=False)
        )

    def _robustness_data(self, frequency: Mapping[str, float]) -> str:
        w = self.w
        chosen = {s.id for s in self.result.selected}
        order = sorted(frequency, key=lambda pid: (-frequency[pid], pid))
        rows = [
            [
                (_name_with_id(self.names.get(pid, pid), pid), False),
                (w.share(frequency[pid]), True),
                (w.texts["yes" if pid in chosen else "no"], False),
            ]
            for pid in order
            if frequency[pid] > 0 or pid in chosen
        ]
        headers = [
            (w.texts["col_project"], False),
            (w.texts["col_chosen_share"], True),
            (w.texts["col_in_proposal"], False),
        ]
        return _data(w.texts["robustness_data"], _table(w.texts["robustness_caption"], headers, rows))

    # --- method -------------------------------------------------------------------------------

    def _objective_words(self) -> str:
        """What is maximised, in the page's language (not the scenario's own notation)."""
        w, scenario = self.w, self.scenario
        objective = scenario.objective
        measure = w.measure(scenario)
        if isinstance(objective, MinCostObjective):
            return w("objective_min_cost", target=w.tonnes(objective.min_cost_for_t), measure=measure)
        if isinstance(objective, NetBenefitObjective):
            return w(
                "objective_net_benefit",
                value=w.sek(objective.net_benefit.carbon_value_sek_per_t),
                rate=w.rate(scenario.discount_rate),
            )
        if scenario.co_benefit_weights:
            weights = w.listing(
                [
                    w("objective_weight", weight=w.num(weight, _decimals(weight)), column=column)
                    for column, weight in scenario.co_benefit_weights.items()
                ]
            )
            return w("objective_tonnes_weighted", measure=measure, weights=_Html(weights))
        return w("objective_tonnes", measure=measure)

    def method(self, sha256: str | None, source_name: str | None, moment: datetime) -> str:
        w, r = self.w, self.result
        status_key = f"status_word_{r.status.value}"
        stamp = moment.astimezone(UTC).isoformat(timespec="seconds")
        fraction = self.scenario.min_fraction
        entries: list[tuple[str, str]] = [
            (w.texts["m_sha"], _Html(f"<code>{_esc(sha256)}</code>") if sha256 else w.texts["m_sha_none"]),
            (w.texts["m_source"], _Html(f"<code>{_esc(source_name or self.projects.source)}</code>")),
            (w.texts["m_projects"], w.num(len(self.projects))),
            (w.texts["m_scenario"], self.scenario.name or w.texts["m_unnamed"]),
            (w.texts["m_objective"], self._objective_words()),
            (
                w.texts["m_solver"],
                _Html(
                    f"<code>{_esc(SOLVER_NAMES.get(r.solver.name, r.solver.name))} {_esc(r.solver.version)}</code>"
                ),
            ),
            (w.texts["m_status"], w.texts[status_key]),
            (w.texts["m_gap"], w.texts["none_value"] if r.mip_gap is None else w.gap(r.mip_gap)),
            (w.texts["m_discount"], w.rate(r.discount_rate)),
            (w.texts["m_basis"], w.texts[f"basis_{r.budget_basis}"]),
            (
                w.texts["m_min_fraction"],
                w("m_min_fraction_value", share=w.pct(fraction))
                if fraction is not None
                else w.texts["m_min_fraction_none"],
            ),
            (w.texts["m_time"], w("seconds", value=w.num(r.timings.total_s, 1))),
            (
                w.texts["m_package"],
                _Html(f"<code>{_esc(PACKAGE)} {_esc(_package_version() or w.texts['m_unknown'])}</code>"),
            ),
            (w.texts["m_python"], _Html(f"<code>Python {_esc(platform.python_version())}</code>")),
            (w.texts["m_generated"], _Html(f'<time datetime="{_esc(stamp)}">{_esc(w.when(moment))}</time>')),
        ]
        listed = "\n".join(f"<dt>{_esc(k)}</dt>\n<dd>{_esc(v)}</dd>" for k, v in entries)
        return f'{_p(w("method_intro"))}\n<dl class="method">\n{listed}\n</dl>'
