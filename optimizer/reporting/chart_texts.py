"""Every word the charts (`optimizer.reporting.charts`) draw or describe, in English and in Swedish, in one place.

Both languages have exactly the same keys (a test checks it), so a test can collect every text a chart
can write in one language and look for it in the other. Templates are `str.format` strings; the
numbers put into them are already written in the reader's format (`optimizer.reporting.language.format_number`).
The Swedish is plain public language for a municipal board: no chart jargon ("kostnadskurva", not
MACC), tonnes as "ton CO2e", money as "kr" and "miljoner kr".
"""

from __future__ import annotations

__all__ = ["TEXTS"]

NBSP = "\u00a0"

EN: dict[str, str] = {
    # --- shared ---
    "percent": "{value}%",
    "more": "… and {count} more",
    "all_years": "all years",
    "budget_year": "Budget year",
    "no_budget": "No budget",
    "grants": "grants",
    "investment_msek": "Investment (MSEK)",
    "year": "Year",
    "measure_lifetime": "lifetime",
    "measure_annual": "annual",
    "measure_cumulative": "counted to {year}",
    # --- MACC ---
    "macc_title": "Marginal abatement cost curve",
    "macc_alt": (
        "Marginal abatement cost curve of {count} projects: bars from the cheapest tonne to the dearest, "
        "each as wide as the project's abatement (in all {total} t CO2e) and as high {height}"
    ),
    "macc_alt_height": "as its cost per tonne",
    "macc_alt_height_lifecycle": (
        "as its lifecycle cost per tonne (investment and operation over its life, discounted; below zero "
        "the measure pays for itself)"
    ),
    "macc_alt_range": ", from {low} SEK/t ({low_name}) to {high} SEK/t ({high_name})",
    "macc_alt_left_out": " {count} project(s) without abatement are not shown.",
    "macc_alt_cut": " The y axis stops at {top} SEK/t; {count} dearer project(s) are cut there.",
    "macc_empty": "No project has any abatement",
    "macc_off_scale": "Off the scale (hatched):",
    "macc_off_scale_item": "{name}: {value} SEK/t",
    "macc_sector": "Sector",
    "macc_xlabel": "Cumulative abatement (t CO2e)",
    "macc_ylabel": "Cost per tonne (SEK/t CO2e)",
    "macc_ylabel_lifecycle": "Lifecycle cost per tonne (SEK/t CO2e)",
    # --- budget frontier ---
    "frontier_title": "Budget frontier",
    "frontier_alt": "Budget frontier: the best reduction in t CO2e for {count} total budget(s)",
    "frontier_alt_range": ", from {low_t} t at {low_msek} MSEK to {high_t} t at {high_msek} MSEK",
    "frontier_alt_knee": (" Knee at {msek} MSEK ({t} t): after it the tonnes per extra MSEK fall the most."),
    "frontier_alt_missing": " {count} budget(s) without a portfolio are not shown.",
    "frontier_empty": "No budget has a portfolio",
    "frontier_line": "best portfolio",
    "frontier_knee_legend": "knee: {msek} MSEK",
    "frontier_knee": "knee",
    "frontier_xlabel": "Total budget (MSEK)",
    "frontier_ylabel": "Best reduction (t CO2e)",
    # --- budget use ---
    "budget_title": "Budget use per year (municipal cost)",
    "budget_alt": "Budget use: municipal spend against the budget for {count} budget period(s). ",
    "budget_alt_part": "{period}: {spend} of {budget} MSEK",
    "budget_alt_none": "No budget.",
    "budget_spent": "spent",
    "budget_budget": "budget",
    "budget_ylabel": "Municipal cost (MSEK)",
    # --- who pays ---
    "funding_title": "Who pays: the spend plan per year",
    "funding_alt": "Funding plan: the portfolio's investment per budget period by who pays it. {parts}.",
    "funding_alt_part": (
        "{period}: {total} MSEK, of which municipal {municipal} (budget {budget}), grants {grants}, "
        "pools {pools}"
    ),
    "funding_alt_none": "Funding plan: no portfolio.",
    "funding_municipal": "municipal budget",
    "funding_pools": "funding pools",
    "funding_limit": "municipal budget limit",
    # --- districts ---
    "district_title": "Funded projects per district",
    "district_alt": (
        "Spend and abatement per district for {projects} funded project(s) in {districts} district(s), "
        "largest spend first. "
    ),
    "district_alt_part": "{district}: {msek} MSEK, {t} t",
    "district_alt_none": "No project is funded.",
    "district_empty": "No funded projects",
    "district_none": "(none)",
    "district_municipal": "municipal",
    "district_label": "District",
    "district_reduction_xlabel": "Abatement (t CO2e, {measure})",
    # --- emissions pathway ---
    "pathway_title": "Emissions pathway against the target: {target}",
    "pathway_alt": (
        "Emissions pathway {first}–{last} against the target ({target}). Baseline {baseline} t CO2e in "
        "{first}; with the portfolio {emissions} t in {year} against a target of {target_t} t: {verdict}. "
        "{met} "
    ),
    "pathway_alt_over": "Over the period {total} t against a budget of {budget} t, {excess} t over it.",
    "pathway_alt_under": "Over the period {total} t against a budget of {budget} t, {excess} t under it.",
    "pathway_verdict_gap": "{t} t a year above the target, still to cut",
    "pathway_verdict_met": "{t} t a year below the target",
    "pathway_met_from": "It stays on or below the target from {year} on.",
    "pathway_ends_above": "It ends above the target.",
    "pathway_baseline": "baseline (no portfolio)",
    "pathway_with": "with the portfolio",
    "pathway_target": "target: {target}",
    "pathway_above": "above the target",
    "pathway_gap": "gap {year}: {t} t",
    "pathway_target_met": "target met in {year}",
    "pathway_ylabel": "Emissions (t CO2e per year)",
    "target_net_zero": "net zero by {year}",
    "target_net_zero_residual": "net zero by {year}, {share} residual",
    "target_rate": "−{rate} a year from {year}",
    "target_points": "target of {t} t in {year}",
    "target_rate_start": "a yearly cut from {year}",
    # --- uncertainty ---
    "uncertainty_title": "How sure is the reduction?",
    "uncertainty_alt_none": "No uncertainty chart: the point scenario has no portfolio to evaluate.",
    "uncertainty_empty": "No portfolio to evaluate",
    "uncertainty_alt": (
        "Distribution of the portfolio's reduction (tonnes CO2e, {measure}) over {draws} draws of the "
        "uncertain reductions and costs: P10 {p10} t, median {p50} t, P90 {p90} t."
    ),
    "uncertainty_alt_within": " It stays within every budget in {share} of the draws.",
    "uncertainty_alt_pathway_target": "The pathway's target ({t} t CO2e a year in {year})",
    "uncertainty_alt_target": "The target of {t} t",
    "uncertainty_alt_met": " {what} is met in {share} of the draws.",
    "uncertainty_alt_best": (
        " Beside it, the best reduction achievable in each draw when the portfolio is chosen afresh."
    ),
    "uncertainty_point": "the chosen portfolio",
    "uncertainty_best": "best achievable, re-optimised per draw",
    "uncertainty_p10": "P10",
    "uncertainty_p50": "P50",
    "uncertainty_p90": "P90",
    "uncertainty_target": "target",
    "uncertainty_target_met": "target (met in {share} of draws)",
    "uncertainty_pathway_met": "pathway target {year} met in {share} of draws",
    "uncertainty_xlabel": "Reduction (t CO2e, {measure})",
    "uncertainty_ylabel": "Draws",
    # --- robustness ---
    "robustness_title": "How robust is each choice?",
    "robustness_alt_none": "No robustness chart: the study did not re-optimise per draw.",
    "robustness_empty": "Not re-optimised per draw",
    "robustness_alt": (
        "Share of {draws} draws in which each project is part of the best portfolio: {always} project(s) "
        "are chosen in at least {high} of the draws, {uncertain} in between {p10} and {p90} (choices that "
        "depend on the uncertain figures)."
    ),
    "robustness_alt_left_out": (
        " Funded at the point estimates but chosen in under half of the draws: {projects}."
    ),
    "robustness_xlabel": "Share of draws in which it is chosen",
    "robustness_funded": "funded at the point estimates",
    "robustness_not": "not",
}

SV: dict[str, str] = {
    # --- shared ---
    "percent": "{value}" + NBSP + "%",
    "more": "… och {count} till",
    "all_years": "alla år",
    "budget_year": "Budgetår",
    "no_budget": "Ingen budget",
    "grants": "bidrag",
    "investment_msek": "Investering (miljoner kr)",
    "year": "År",
    "measure_lifetime": "under livslängden",
    "measure_annual": "per år",
    "measure_cumulative": "till och med {year}",
    # --- MACC ---
    "macc_title": "Kostnadskurva: vad varje ton minskning kostar",
    "macc_alt": (
        "Kostnadskurva för {count} projekt: en stapel per projekt, från det billigaste tonnet till det "
        "dyraste. Stapelns bredd är projektets utsläppsminskning (sammanlagt {total} ton CO2e) och dess "
        "höjd {height}"
    ),
    "macc_alt_height": "vad minskningen kostar per ton",
    "macc_alt_height_lifecycle": (
        "livscykelkostnaden per ton (investering och drift under hela livslängden, räknat till dagens "
        "värde; under noll betalar åtgärden sig själv)"
    ),
    "macc_alt_range": ", från {low} kr per ton ({low_name}) till {high} kr per ton ({high_name})",
    "macc_alt_left_out": " {count} projekt utan utsläppsminskning visas inte.",
    "macc_alt_cut": (
        " Den lodräta axeln slutar vid {top} kr per ton; staplarna för {count} dyrare projekt är kapade där."
    ),
    "macc_empty": "Inget projekt minskar utsläppen",
    "macc_off_scale": "Utanför skalan (randiga staplar):",
    "macc_off_scale_item": "{name}: {value} kr per ton",
    "macc_sector": "Sektor",
    "macc_xlabel": "Sammanlagd utsläppsminskning (ton CO2e)",
    "macc_ylabel": "Kostnad per ton (kr per ton CO2e)",
    "macc_ylabel_lifecycle": "Livscykelkostnad per ton (kr per ton CO2e)",
    # --- budget frontier ---
    "frontier_title": "Största möjliga utsläppsminskning för olika stora budgetar",
    "frontier_alt": (
        "Största möjliga utsläppsminskning i ton CO2e för olika stora budgetar (antal prövade budgetar: "
        "{count})"
    ),
    "frontier_alt_range": (
        ", från {low_t} ton med {low_msek} miljoner kr till {high_t} ton med {high_msek} miljoner kr"
    ),
    "frontier_alt_knee": (
        " Brytpunkten ligger vid {msek} miljoner kr ({t} ton): efter den ger varje extra miljon kronor "
        "betydligt mindre minskning än före."
    ),
    "frontier_alt_missing": " För {count} av budgetarna finns ingen möjlig portfölj; de visas inte.",
    "frontier_empty": "Ingen budget räcker till en portfölj",
    "frontier_line": "bästa portfölj",
    "frontier_knee_legend": "brytpunkt: {msek} miljoner kr",
    "frontier_knee": "brytpunkt",
    "frontier_xlabel": "Total budget (miljoner kr)",
    "frontier_ylabel": "Största möjliga minskning (ton CO2e)",
    # --- budget use ---
    "budget_title": "Använd budget per år (kommunens kostnad)",
    "budget_alt": "Kommunens utgifter jämfört med budgeten (antal budgetperioder: {count}). ",
    "budget_alt_part": "{period}: {spend} av {budget} miljoner kr",
    "budget_alt_none": "Ingen budget.",
    "budget_spent": "använt",
    "budget_budget": "budget",
    "budget_ylabel": "Kommunens kostnad (miljoner kr)",
    # --- who pays ---
    "funding_title": "Vem betalar: utgifterna per år",
    "funding_alt": (
        "Finansieringsplan: portföljens investering per budgetperiod, uppdelad efter vem som betalar. "
        "{parts}."
    ),
    "funding_alt_part": (
        "{period}: {total} miljoner kr, varav kommunen {municipal} (budget {budget}), bidrag {grants} och "
        "extern finansiering {pools}"
    ),
    "funding_alt_none": "Finansieringsplan: ingen portfölj.",
    "funding_municipal": "kommunens budget",
    "funding_pools": "extern finansiering",
    "funding_limit": "kommunens budgettak",
    # --- districts ---
    "district_title": "Projekt som får pengar, per område",
    "district_alt": (
        "Investering och utsläppsminskning per område, störst investering först: {projects} projekt som "
        "får pengar, i {districts} av kommunens områden. "
    ),
    "district_alt_part": "{district}: {msek} miljoner kr, {t} ton",
    "district_alt_none": "Inget projekt får pengar.",
    "district_empty": "Inga projekt får pengar",
    "district_none": "(inget område)",
    "district_municipal": "kommunens del",
    "district_label": "Område",
    "district_reduction_xlabel": "Utsläppsminskning (ton CO2e, {measure})",
    # --- emissions pathway ---
    "pathway_title": "Utsläpp per år jämfört med målet: {target}",
    "pathway_alt": (
        "Utsläpp per år {first}–{last} jämfört med målet ({target}). Utan portföljen {baseline} ton CO2e "
        "år {first}; med portföljen {emissions} ton år {year}, mot ett mål på {target_t} ton: {verdict}. "
        "{met} "
    ),
    "pathway_alt_over": (
        "Sammanlagt under perioden {total} ton mot en koldioxidbudget på {budget} ton, alltså {excess} ton "
        "över budgeten."
    ),
    "pathway_alt_under": (
        "Sammanlagt under perioden {total} ton mot en koldioxidbudget på {budget} ton, alltså {excess} ton "
        "under budgeten."
    ),
    "pathway_verdict_gap": "{t} ton per år över målet, som återstår att minska",
    "pathway_verdict_met": "{t} ton per år under målet",
    "pathway_met_from": "Från {year} ligger utsläppen på eller under målet.",
    "pathway_ends_above": "Vid periodens slut ligger utsläppen fortfarande över målet.",
    "pathway_baseline": "utan portföljen",
    "pathway_with": "med portföljen",
    "pathway_target": "mål: {target}",
    "pathway_above": "över målet",
    "pathway_gap": "kvar till målet {year}: {t} ton",
    "pathway_target_met": "målet nås {year}",
    "pathway_ylabel": "Utsläpp (ton CO2e per år)",
    "target_net_zero": "nettonoll senast {year}",
    "target_net_zero_residual": "nettonoll senast {year}, {share} kvar",
    "target_rate": "minskning med {rate} per år från {year}",
    "target_points": "{t} ton år {year}",
    "target_rate_start": "en årlig minskning från {year}",
    # --- uncertainty ---
    "uncertainty_title": "Hur säker är minskningen?",
    "uncertainty_alt_none": (
        "Inget diagram över osäkerheten: med de uppskattade värdena finns ingen portfölj att pröva."
    ),
    "uncertainty_empty": "Ingen portfölj att pröva",
    "uncertainty_alt": (
        "Hur stor portföljens utsläppsminskning blir (ton CO2e, {measure}) i {draws} dragningar av de "
        "osäkra minskningarna och kostnaderna: i 1 av 10 dragningar blir den under {p10} ton (P10), i "
        "hälften under {p50} ton (median) och i 9 av 10 under {p90} ton (P90)."
    ),
    "uncertainty_alt_within": " Den håller sig inom varje budget i {share} av dragningarna.",
    "uncertainty_alt_pathway_target": "Utsläppsmålet för {year} ({t} ton CO2e per år)",
    "uncertainty_alt_target": "Målet på {t} ton",
    "uncertainty_alt_met": " {what} nås i {share} av dragningarna.",
    "uncertainty_alt_best": (
        " Bredvid visas den största minskning som går att nå i varje dragning om portföljen väljs om från "
        "början."
    ),
    "uncertainty_point": "den valda portföljen",
    "uncertainty_best": "bästa möjliga, med portföljen vald på nytt i varje dragning",
    "uncertainty_p10": "P10",
    "uncertainty_p50": "median",
    "uncertainty_p90": "P90",
    "uncertainty_target": "mål",
    "uncertainty_target_met": "mål (nås i {share} av dragningarna)",
    "uncertainty_pathway_met": "utsläppsmålet {year} nås i {share} av dragningarna",
    "uncertainty_xlabel": "Minskning (ton CO2e, {measure})",
    "uncertainty_ylabel": "Antal dragningar",
    # --- robustness ---
    "robustness_title": "Hur säkert är varje val?",
    "robustness_alt_none": (
        "Inget diagram över valens säkerhet: analysen valde inte om portföljen i varje dragning."
    ),
    "robustness_empty": "Portföljen valdes inte om i varje dragning",
    "robustness_alt": (
        "Andelen av {draws} dragningar där varje projekt ingår i den bästa portföljen: {always} projekt "
        "väljs i minst {high} av dragningarna och {uncertain} i mellan {p10} och {p90} (val som beror på "
        "de osäkra siffrorna)."
    ),
    "robustness_alt_left_out": (
        " Får pengar med de uppskattade värdena men väljs i mindre än hälften av dragningarna: {projects}."
    ),
    "robustness_xlabel": "Andel dragningar där projektet väljs",
    "robustness_funded": "får pengar med de uppskattade värdena",
    "robustness_not": "får inte pengar",
}

TEXTS: dict[str, dict[str, str]] = {"en": EN, "sv": SV}
