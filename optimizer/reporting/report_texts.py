"""Every sentence of the HTML report (`optimizer.reporting.report`), in Swedish and in English, in one place.

Both languages have exactly the same keys (a test checks it). Templates are trusted HTML: the values
put into them (`{name}` …) are escaped by the report unless they are HTML the report built itself.
The Swedish follows the Language Council's advice for plain public text (klarspråk): short sentences,
the reader addressed through what the decision means, no optimisation jargon, numbers with a space
as thousands separator and a decimal comma. Nothing English appears on a Swedish page: a test reads
the Swedish report of every example scenario for the English words these texts (and the charts') use.
"""

from __future__ import annotations

__all__ = ["EN", "LANGUAGES", "MONTHS", "SV", "TEXTS"]

SV: dict[str, str] = {
    # --- the document ---
    "doc_title": "Klimatinvesteringar: {name}",
    "doc_title_unnamed": "Klimatinvesteringar: rapport om ett urval av åtgärder",
    "skip": "Hoppa till sammanfattningen",
    "lead": (
        "Rapporten visar vilka klimatåtgärder som föreslås få pengar, vad de ger, vad de kostar per ton, "
        "hur pengarna fördelas mellan kommunens områden och hur säkra siffrorna är. Urvalet är beräknat "
        "med optimering: av alla kombinationer av åtgärder som ryms i budgeten och följer reglerna väljs "
        "den som minskar utsläppen mest."
    ),
    "generated": "Skapad {when}.",
    "date": "{day} {month} {year} kl. {time} (UTC)",
    # --- section headings ---
    "h_summary": "Sammanfattning",
    "h_funded": "Åtgärder som får pengar",
    "h_effect": "Vad det ger år för år fram till 2030",
    "h_cost": "Kostnad per ton",
    "h_districts": "Fördelning per område och rättviseregler",
    "h_left": "Åtgärder som inte får pengar",
    "h_uncertainty": "Hur säkra är siffrorna?",
    "h_method": "Underlag och metod",
    # --- units and words used in numbers ---
    "currency": "{value} kr",
    "million": "{value} miljoner kr",
    "tonnes": "{value} ton",
    "tonnes_per_year": "{value} ton per år",
    "sek_per_t": "{value} kr per ton",
    "percent": "{value} %",
    "seconds": "{value} sekunder",
    "none_value": "–",
    "yes": "ja",
    "no": "nej",
    "and": "och",
    # --- how tonnes are counted ---
    "measure_lifetime": "under åtgärdernas hela livslängd",
    "measure_annual": "per år när åtgärderna är i drift",
    "measure_cumulative": "sammanlagt till och med {year}",
    # --- summary ---
    "status_optimal": (
        "<strong>Bevisat bästa urval.</strong> Inget annat urval inom budgeten och reglerna minskar "
        "utsläppen mer."
    ),
    "status_optimal_margin": (
        "<strong>Bevisat bästa urval (inom {gap}).</strong> Inget annat urval inom budgeten och reglerna "
        "minskar utsläppen med mer än {gap} utöver detta."
    ),
    "status_feasible": (
        "<strong>Inte bevisat bästa urval.</strong> Urvalet följer alla regler, men beräkningen stoppades "
        "innan det var bevisat att det är det bästa. Ett annat urval kan minska utsläppen upp till {gap} mer."
    ),
    "status_feasible_no_gap": (
        "<strong>Inte bevisat bästa urval.</strong> Urvalet följer alla regler, men beräkningen stoppades "
        "innan det var bevisat att det är det bästa, och hur långt från bäst det kan vara är okänt."
    ),
    "status_infeasible": (
        "<strong>Inget urval uppfyller reglerna.</strong> Det finns ingen kombination av åtgärder som håller "
        "budgeten och följer alla regler samtidigt, så rapporten föreslår inget urval. Dessa krav går inte "
        "att förena:"
    ),
    "status_infeasible_unknown": "Vilka krav som krockar kunde inte avgöras.",
    "status_no_solution": (
        "<strong>Inget urval hittades inom tidsgränsen.</strong> Beräkningen hann inte hitta något urval, "
        "och den visade inte heller att inget finns. Kör igen med en längre tidsgräns."
    ),
    "status_error": (
        "<strong>Beräkningen misslyckades.</strong> Rapporten innehåller därför inget urval. Den som "
        "gjorde beräkningen kan se orsaken i beräkningens logg."
    ),
    "conflict": "{rules}",
    "summary_count": "<strong>{funded}</strong> av {total} åtgärder får pengar.",
    "summary_cost": (
        "Investeringen är sammanlagt <strong>{cost}</strong>. Kommunen betalar <strong>{municipal}</strong>; "
        "resten, {external}, kommer från bidrag och andra finansiärer."
    ),
    "summary_cost_all_municipal": (
        "Investeringen är sammanlagt <strong>{cost}</strong>, och kommunen betalar allt."
    ),
    "summary_budget": "Kommunens budget är {budget}; av den används {used} ({share}).",
    "summary_tonnes": (
        "När alla åtgärder är i drift minskar utsläppen med <strong>{per_year}</strong> "
        "koldioxidekvivalenter. Räknat {measure} blir det <strong>{counted}</strong>."
    ),
    "summary_cost_objective": (
        "Målet var att nå {target} till lägsta möjliga kostnad för kommunen; den blev {cost}."
    ),
    "summary_target_met": "Utsläppsmålet för {year} nås: utsläppen hamnar {margin} under målet.",
    "summary_target_gap": "Utsläppsmålet för {year} nås inte: det saknas {gap}.",
    "summary_partly": "{count} av åtgärderna får pengar till en del, som en första etapp (se tabellen).",
    "summary_min_fraction": (
        "En åtgärd som kan delas får pengar bara till minst {share} av kostnaden, eller inte alls."
    ),
    # --- funded ---
    "funded_caption": (
        "Åtgärder som får pengar, störst utsläppsminskning först. Kostnad är hela investeringen; kommunens "
        "kostnad är det som återstår efter bidrag och andra finansiärer. Minskningen som räknas är {measure}."
    ),
    "funded_detail_caption": (
        "Samma åtgärder över hela livslängden: livscykelkostnad, livscykelkostnad per ton, driftkostnad och "
        "återbetalningstid."
    ),
    "col_project": "Åtgärd",
    "col_id": "Id",
    "col_sector": "Sektor",
    "col_district": "Område",
    "col_cost": "Kostnad",
    "col_municipal": "Kommunens kostnad",
    "col_per_year": "Minskning per år (ton)",
    "col_counted": "Minskning som räknas (ton)",
    "col_start": "Start",
    "col_note": "Att notera",
    "col_total": "Totalt",
    "part_note": "Får {part} av {whole} ({share}): en första etapp.",
    "note_after_year": "I drift först {year}: minskningen räknas efter {until}.",
    "funded_none": "Inga åtgärder får pengar i den här beräkningen.",
    # --- effect ---
    "effect_intro": (
        "En åtgärd börjar minska utsläppen året efter det att den är betald och byggd, och fortsätter under "
        "sin livslängd. Tabellen visar hur stor minskningen är varje år."
    ),
    "effect_caption": "Utsläppsminskning per år från de åtgärder som får pengar (ton koldioxidekvivalenter).",
    "effect_caption_pathway": (
        "Utsläpp per år: utan åtgärderna, med åtgärderna och målet (ton koldioxidekvivalenter)."
    ),
    "col_year": "År",
    "col_reduction": "Minskning (ton per år)",
    "col_new": "Nya åtgärder i drift",
    "col_baseline": "Utsläpp utan åtgärderna",
    "col_emissions": "Utsläpp med åtgärderna",
    "col_target": "Mål",
    "col_gap": "Över (+) eller under (−) målet",
    "effect_2030": "År {year} minskar åtgärderna utsläppen med {tonnes}.",
    "effect_no_pathway": (
        "Scenariot anger inga utsläpp utan åtgärderna och inget mål, så rapporten kan inte jämföra med en "
        "utsläppsbana."
    ),
    "effect_pathway": (
        "Målet är {target}. År {year} blir utsläppen {emissions} mot målets {target_t}. "
        "Över hela perioden blir utsläppen {cumulative} mot en koldioxidbudget på {budget}."
    ),
    "effect_met_from": "Utsläppen ligger på eller under målet från {year}.",
    "effect_never_met": "Utsläppen ligger kvar över målet i periodens sista år.",
    "effect_none": "Det finns inget urval, och därför ingen minskning att visa.",
    "target_net_zero": "nettonoll år {year}",
    "target_net_zero_residual": "nettonoll år {year} med {share} kvarvarande utsläpp",
    "target_rate": "att minska utsläppen med {rate} per år",
    "target_rate_from": "att minska utsläppen med {rate} per år från {year}",
    "target_points": "högst {tonnes} år {year}",
    "chart_pathway": "Utsläppsbana mot målet",
    "chart_pathway_caption": (
        "Diagrammet visar utsläppen per år utan åtgärderna (streckad linje), med åtgärderna och målet. "
        "Samma siffror finns i tabellen ovan."
    ),
    # --- cost per tonne ---
    "cost_intro": (
        "Kostnad per ton kan räknas på tre sätt, och de ger olika tal. Tabellen säger vilket som är vilket. "
        "Alla tre gäller de åtgärder som får pengar."
    ),
    "cost_caption": "Kostnad per ton: tre sätt att räkna.",
    "col_per_t_kind": "Mått",
    "col_per_t_value": "Värde",
    "col_per_t_basis": "Hur det räknas",
    "per_t_investment": "Investering per ton",
    "per_t_investment_basis": (
        "Hela investeringen, vem som än betalar, delad med minskningen som räknas ({measure})."
    ),
    "per_t_municipal": "Kommunens kostnad per ton",
    "per_t_municipal_basis": (
        "Kommunens del av investeringen, efter bidrag och andra finansiärer, delad med samma minskning."
    ),
    "per_t_lifecycle": "Livscykelkostnad per ton",
    "per_t_lifecycle_basis": (
        "Investeringar och driftkostnader under åtgärdernas livslängd, i dagens pengar "
        "(diskonteringsränta {rate} per år), delade med minskningen under livslängden, också i dagens "
        "värde. Minus betyder att besparingarna är större än kostnaderna."
    ),
    "cost_none": "Det finns inget urval och därför ingen kostnad per ton.",
    "cost_reference_below": (
        "Som jämförelse för investering per ton räknar Naturvårdsverket med omkring 200 kr per ton för "
        "Klimatklivet, medan Riksrevisionen (rapport 2019:1) uppskattade 1 000–4 000 kr per ton. "
        "Åtgärdernas {value} är lägre än Riksrevisionens uppskattning."
    ),
    "cost_reference_within": (
        "Som jämförelse för investering per ton räknar Naturvårdsverket med omkring 200 kr per ton för "
        "Klimatklivet, medan Riksrevisionen (rapport 2019:1) uppskattade 1 000–4 000 kr per ton. "
        "Åtgärdernas {value} ligger inom Riksrevisionens intervall."
    ),
    "cost_reference_above": (
        "Som jämförelse för investering per ton räknar Naturvårdsverket med omkring 200 kr per ton för "
        "Klimatklivet, medan Riksrevisionen (rapport 2019:1) uppskattade 1 000–4 000 kr per ton. "
        "Åtgärdernas {value} är högre än så."
    ),
    "cost_asek_below": (
        "Trafikverket värderar utsläpp till 7 kr per kilo, alltså 7 000 kr per ton; åtgärderna minskar "
        "utsläppen billigare än så."
    ),
    "cost_asek_above": (
        "Trafikverket värderar utsläpp till 7 kr per kilo, alltså 7 000 kr per ton; åtgärderna kostar "
        "mer per ton än så."
    ),
    "cost_no_reference": (
        "Nationella jämförelsetal (Klimatklivet, Trafikverkets värdering) räknas per ton under åtgärdens "
        "hela livslängd. De passar därför inte det sätt som det här scenariot räknar tonnen på."
    ),
    "chart_macc": "Investering per ton för varje åtgärd, billigaste ton först",
    "chart_macc_caption": (
        "Varje stapel är en åtgärd i listan: bredden är hur mycket den minskar utsläppen och höjden vad "
        "varje ton kostar i investering. Åtgärderna längst till vänster ger mest klimatnytta per krona. "
        "Siffrorna finns i tabellen under diagrammen."
    ),
    "chart_macc_lifecycle": "Livscykelkostnad per ton för varje åtgärd, billigaste ton först",
    "chart_macc_lifecycle_caption": (
        "Samma åtgärder, men höjden är livscykelkostnaden per ton: investering plus driftkostnader minus "
        "besparingar under livslängden, i dagens pengar. Staplar under noll är åtgärder som betalar sig "
        "själva: besparingarna är större än kostnaderna."
    ),
    "macc_data": "Diagrammens siffror för varje åtgärd",
    "macc_caption": (
        "Minskning och kostnad per ton för varje åtgärd i listan, billigaste investering per ton först."
    ),
    "col_funded": "Får pengar",
    # --- districts ---
    "districts_intro": "Så fördelas pengarna och utsläppsminskningen mellan kommunens områden.",
    "districts_caption": "Investering och utsläppsminskning per område.",
    "col_projects": "Antal åtgärder",
    "col_share": "Andel av minskningen",
    "no_district": "(inget område angivet)",
    "chart_district": "Investering och utsläppsminskning per område",
    "chart_district_caption": (
        "Till vänster pengarna per område (kommunens del och bidrag), till höger utsläppsminskningen. "
        "Samma siffror finns i tabellen ovan."
    ),
    "rules_intro": "Scenariots regler för fördelning och rättvisa, och hur urvalet uppfyller dem:",
    "rules_none": "Scenariot har inga regler för fördelning eller rättvisa, bara budgeten.",
    "rules_caption": "Regler för fördelning och rättvisa: krav, utfall och om kravet uppfylls.",
    "col_rule": "Regel",
    "col_requirement": "Krav",
    "col_outcome": "Utfall",
    "col_met": "Uppfylls",
    "rule_min_share": "minst {share} av {measure}",
    "rule_max_share": "högst {share} av {measure}",
    "rule_min": "minst {value} ({measure})",
    "rule_max": "högst {value} ({measure})",
    "rule_value_share": "{value} ({share} av {measure})",
    "rule_met": "Ja",
    "rule_met_binding": "Ja, precis (regeln styr urvalet)",
    "rule_not_met": "Nej",
    "measure_cost": "kostnaden",
    "measure_municipal_cost": "kommunens kostnad",
    "measure_abatement": "minskningen",
    "measure_count": "antalet åtgärder",
    "measure_other": "{name}",
    "count_value": "{value} åtgärder",
    # --- left out ---
    "left_intro": "{count} åtgärder får inte pengar. För var och en står varför, och vad som skulle krävas.",
    "left_caption": (
        "Åtgärder som inte får pengar: skäl, och vad som skulle krävas för att de ska få pengar (allt annat "
        "lika). Investering per ton räknas på den minskning som räknas; – betyder att ingen räknas."
    ),
    "left_none": "Alla åtgärder i listan får pengar.",
    "left_no_portfolio": "Det finns inget urval, så ingen åtgärd får pengar i den här beräkningen.",
    "col_sek_per_t": "Investering per ton",
    "col_why": "Varför inte",
    "col_would_take": "Vad som skulle krävas",
    "why_excluded": "Utesluten i scenariot.",
    "why_alternative": "Ett alternativ i samma grupp ({group}) får pengar: {ids}.",
    "why_requires": "Kräver {ids}, som inte får pengar.",
    "why_budget": "Budgeten räcker inte: {left} finns kvar, åtgärden kostar kommunen {cost}.",
    "why_budget_year": (
        "Budgeten räcker inte {year}: {left} finns kvar det året, åtgärden kostar kommunen {cost} då."
    ),
    "why_no_tonnes": (
        "Räknat till och med {until} ger den ingen minskning: den kan vara i drift först {year}."
    ),
    "why_crowded": "Andra åtgärder ger mer minskning för pengarna inom budgeten och reglerna.",
    "would_cost": "Skulle få pengar om den kostade högst {max_cost} (i dag {cost}).",
    "would_cost_tie": (
        "Skulle kunna få pengar redan till dagens kostnad: den är lika bra som ett annat val."
    ),
    "would_cost_fits_only": (
        "Ryms i det som blir över av budgeten om den kostar högst {max_cost} (i dag {cost}), men ger "
        "ingen minskning som räknas."
    ),
    "would_cost_at_least": "Skulle få pengar även om den kostade {max_cost} eller mer.",
    "would_abatement": "Eller om den minskade utsläppen med minst {needed} (i dag {now}).",
    "would_abatement_never": (
        "Ingen utsläppsminskning skulle räcka till dagens kostnad: den ryms inte inom budgeten och reglerna."
    ),
    "would_abatement_instead": "Den skulle få pengar om den minskade utsläppen med minst {needed} (i dag {now}).",
    "would_never": "Skulle inte få pengar ens om den kostade 1 kr.",
    "would_excluded": "Utesluten i scenariot: inget att beräkna.",
    "would_not_in_time": "Inte beräknat i tid.",
    "would_undecided": "Inte beräknat: beräkningen blev inte klar.",
    "would_unknown": "Inte beräknat.",
    "left_how": (
        "Vad som skulle krävas är inte beräknat i den här rapporten. Det räknas ut när urvalet är bevisat "
        "bäst, när rapporten skapas eller när beräkningen görs med förklaringar."
    ),
    "binding_rules": "Regler och budgetar som styr urvalet (gränsen nås): {names}.",
    "budget_row": "budget {year}",
    "budget_row_all": "budgeten",
    # --- uncertainty ---
    "unc_none_ranges": (
        "Projektlistan anger intervall för minskning eller kostnad, men ingen osäkerhetsanalys gjordes för "
        "den här rapporten."
    ),
    "unc_point_estimates": (
        "Alla siffror är punktskattningar: projektlistan anger inga intervall för minskning eller kostnad, "
        "så rapporten kan inte säga hur säkra de är."
    ),
    "unc_no_portfolio": "Det finns inget urval att pröva mot osäkerheten.",
    "unc_intro": (
        "Minskningar och kostnader är uppskattningar. Analysen drog {draws} möjliga utfall inom "
        "projektlistans intervall ({distribution}) och prövade det föreslagna urvalet i vart och ett."
    ),
    "unc_caption": "Urvalets utfall över {draws} dragningar: P10, P50 (median) och P90.",
    "unc_quantiles_text": (
        "Minskningen blir {p50} i ett mittenfall. I 8 fall av 10 hamnar den mellan {p10} och {p90}."
    ),
    "col_quantity": "Storhet",
    "row_reduction": "Minskning ({measure}, ton)",
    "row_cost": "Kommunens kostnad (kr)",
    "row_overrun": "Pengar som fattas i budgeten (kr)",
    "row_best": "Största möjliga minskning i varje dragning (ton)",
    "unc_budget": "Urvalet håller sig inom budgeten i {share} av dragningarna.",
    "unc_budget_full": (
        "Det beror på att urvalet använder hela budgeten {years}: blir kostnaderna högre än skattningen "
        "något av de åren, räcker budgeten inte det året."
    ),
    "unc_budget_full_year": (
        "Det beror på att urvalet använder hela budgeten {years}: blir kostnaderna högre än skattningen "
        "det året, räcker budgeten inte."
    ),
    "unc_budget_full_all": (
        "Det beror på att urvalet använder nästan hela budgeten ({used} av {budget}): blir kostnaderna "
        "högre än skattningen, räcker den inte."
    ),
    "unc_overrun": (
        "Då saknas i mittenfallet (P50) {p50}, och i 9 fall av 10 högst {p90}, räknat över alla år."
    ),
    "unc_target": "Målet nås i {share} av dragningarna.",
    "unc_target_not_met": (
        "Målet för {year} nås inte ens med punktskattningarna: där saknas {gap}. Osäkerheten ändrar inte "
        "det: målet kräver fler eller större åtgärder än budgeten räcker till."
    ),
    "unc_no_target": "Scenariot har inget mål att pröva sannolikheten för.",
    "unc_not_reoptimised": (
        "Urvalet räknades inte om för varje dragning; rapporten visar därför inte hur ofta varje åtgärd "
        "skulle väljas."
    ),
    "unc_steady": (
        "{steady} åtgärder väljs i minst 95 % av dragningarna. {shaky} åtgärder väljs ibland och ibland "
        "inte: de valen beror på de osäkra siffrorna."
    ),
    "unc_robust": (
        "Ett försiktigt urval, som ger bäst utfall i de sämsta {alpha} av fallen, ger {cvar} i de fallen "
        "mot {point_cvar} för det föreslagna. Priset är {price} mindre minskning enligt "
        "punktskattningarna. Tillkommer: {added}. Utgår: {removed}."
    ),
    "unc_robust_none": "Något försiktigt urval kunde inte tas fram.",
    "chart_uncertainty": "Hur säker är minskningen?",
    "chart_uncertainty_caption": (
        "Hur ofta urvalet ger en viss minskning över alla dragningar, med P10, P50 och P90 markerade. "
        "Siffrorna finns i tabellen under diagrammet."
    ),
    "histogram_data": "Diagrammets siffror",
    "histogram_caption": "Antal dragningar per intervall av minskningen (ton).",
    "col_from_t": "Från (ton)",
    "col_to_t": "Till (ton)",
    "col_draws_point": "Det föreslagna urvalet",
    "col_draws_best": "Bästa möjliga urval",
    "chart_robustness": "Hur ofta väljs varje åtgärd?",
    "chart_robustness_caption": (
        "Andelen dragningar där åtgärden ingår i det bästa urvalet. Nära 100 % är ett säkert val. "
        "Siffrorna finns i tabellen under diagrammet."
    ),
    "robustness_data": "Diagrammets siffror",
    "robustness_caption": "Andel dragningar där varje åtgärd ingår i det bästa urvalet.",
    "col_chosen_share": "Andel dragningar",
    "col_in_proposal": "I förslaget",
    "dist_pert": "en fördelning där punktskattningen är mest trolig",
    "dist_triangular": "en triangelfördelning kring punktskattningen",
    "dist_uniform": "alla värden i intervallet lika troliga",
    # --- method ---
    "method_intro": (
        "Urvalet är beräknat med heltalsoptimering och kontrollerat mot varje regel med kod som är "
        "oberoende av beräkningen. Samma indata ger samma resultat; kontrollsumman nedan identifierar "
        "indata exakt."
    ),
    "m_sha": "Kontrollsumma för indata",
    "m_sha_none": "inte angiven",
    "m_source": "Projektlista",
    "m_projects": "Antal åtgärder i listan",
    "m_scenario": "Scenario",
    "m_objective": "Vad som maximeras",
    "m_solver": "Beräkningsprogram",
    "m_status": "Status",
    "m_gap": "Kvarvarande marginal till bevisat bästa",
    "m_time": "Beräkningstid",
    "m_package": "Programversion",
    "m_python": "Programspråk",
    "m_generated": "Rapporten skapad",
    "m_unnamed": "(utan namn)",
    "m_unknown": "okänd",
    "m_discount": "Diskonteringsränta (real)",
    "m_basis": "Vad budgeten bär",
    "basis_investment": "investeringar",
    "basis_net": "netto (investeringar och driftkostnader)",
    "m_min_fraction": "Delbara åtgärder",
    "m_min_fraction_value": "får pengar inte alls eller till minst {share}",
    "m_min_fraction_none": "får pengar till valfri andel",
    "status_word_optimal": "bevisat bästa",
    "status_word_feasible": "giltigt men inte bevisat bästa",
    "status_word_infeasible": "inget urval uppfyller reglerna",
    "status_word_no_solution": "inget urval inom tidsgränsen",
    "status_word_error": "fel i beräkningen",
    "objective_tonnes": "minskningen av utsläppen, räknad {measure}",
    "objective_tonnes_weighted": ("minskningen av utsläppen, räknad {measure}, plus sidonyttor: {weights}"),
    "objective_weight": "{weight} ton per enhet {column}",
    "objective_min_cost": "lägsta kostnad för kommunen för att nå {target}, räknat {measure}",
    "objective_net_benefit": (
        "samhällsekonomisk nettonytta: minskningen under livslängden värderad till {value} per ton, "
        "minus nuvärdet av kostnaderna (diskonteringsränta {rate})"
    ),
    # --- lifecycle economics (investment, operating costs and savings over the life) ---
    "summary_lifecycle": (
        "Över åtgärdernas hela livslängd kostar de <strong>{npc}</strong> i dagens pengar "
        "(nuvärdet av investeringar och driftkostnader med {rate} diskonteringsränta per år), eller {eac} "
        "per år jämnt fördelat. Livscykelkostnaden per ton är <strong>{per_t}</strong> (se avsnittet om "
        "kostnad per ton)."
    ),
    "summary_saving": (
        "När alla åtgärder är i drift sparar de <strong>{saving}</strong> per år i driftkostnader."
    ),
    "summary_saving_payback": (
        "När alla åtgärder är i drift sparar de <strong>{saving}</strong> per år i driftkostnader; "
        "investeringen är då återbetald efter <strong>{payback}</strong> (enkel återbetalningstid)."
    ),
    "summary_opex_cost": "När alla åtgärder är i drift kostar de <strong>{cost}</strong> per år att driva.",
    "summary_no_opex": "Projektlistan anger inga driftkostnader eller besparingar för de valda åtgärderna.",
    "summary_net_budget": (
        "Budgetarna är <strong>nettobudgetar</strong>: varje års budget bär både årets investeringar och "
        "driftkostnaderna för åtgärder som redan är i drift. Besparingar från tidiga åtgärder frigör "
        "alltså pengar till senare åtgärder."
    ),
    "summary_net_benefit": (
        "Urvalet maximerar samhällsekonomisk nettonytta: utsläppsminskningen under livslängden värderad "
        "till {value} per ton, minus nuvärdet av investeringar och driftkostnader. Nettonyttan blir "
        "<strong>{benefit}</strong>."
    ),
    "summary_net_benefit_bound_met": "Inget annat urval inom budgeten och reglerna ger mer.",
    "summary_net_benefit_bound_gap": (
        "Beräkningen har inte bevisat att det är bäst: ett annat urval kan ge upp till {bound}, "
        "alltså {gap} mer."
    ),
    "summary_net_benefit_no_bound": "Hur långt från bäst urvalet kan vara är okänt.",
    "years_value": "{value} år",
    "col_npc": "Livscykelkostnad (nuvärde)",
    "col_lifecycle_per_t": "Livscykelkostnad per ton",
    "col_opex_year": "Driftkostnad per år (− besparing)",
    "col_payback": "Återbetalningstid",
    "funded_lifecycle_note": (
        "Livscykelkostnaden är investeringen plus driftkostnaderna under livslängden (besparingar dras "
        "av), i dagens pengar med {rate} diskonteringsränta. Ett minustecken betyder att åtgärden sparar "
        "mer än den kostar. Återbetalningstiden är investeringen delad med besparingen per år; – betyder "
        "att åtgärden inte sparar pengar."
    ),
    # --- the budget per year ---
    "budget_intro_net": (
        "Budgeten per år med investeringar och driftkostnader. Budgetarna är nettobudgetar: "
        "driftkostnader räknas mot budgeten och besparingar (minustecken) ger utrymme för fler åtgärder."
    ),
    "budget_intro_investment": (
        "Budgeten per år. Budgeten gäller investeringarna; driftkostnader och besparingar (minustecken) "
        "visas men räknas inte mot budgeten."
    ),
    "budget_caption_net": "Nettobudget per år: kommunens investeringar och driftkostnader (kronor).",
    "budget_caption_investment": (
        "Budget per år: kommunens investeringar, och driftkostnader utanför budgeten (kronor)."
    ),
    "budget_all_years": "hela perioden",
    "col_budget": "Budget",
    "col_investment": "Kommunens investering",
    "col_opex": "Driftkostnad (− besparing)",
    "col_used": "Räknas mot budgeten",
    "col_left": "Kvar",
    # --- overlapping measures ---
    "interactions_intro": (
        "Vissa åtgärder överlappar: gör man båda blir minskningen mindre än summan av var för sig, "
        "eftersom de delvis minskar samma utsläpp. Sådana överlapp dras av en gång, och räknas alltså inte "
        "dubbelt. Överlappen bland åtgärderna som får pengar minskar den minskning som räknas med {tonnes}."
    ),
    "interactions_intro_none_active": (
        "Vissa åtgärder överlappar: gör man båda blir minskningen mindre än summan av var för sig. "
        "Inget av scenariots överlapp finns bland åtgärderna som får pengar, eftersom inte alla åtgärder i "
        "något av dem får pengar; inget räknas alltså dubbelt."
    ),
    "interactions_caption": "Överlappande åtgärder och hur de räknas.",
    "col_interaction": "Överlapp",
    "col_members": "Åtgärder",
    "col_change_per_year": "Ändring per år (ton)",
    "col_active": "Alla får pengar",
    "col_counted_change": "Ändring som räknas (ton)",
    "row_interactions": "Överlapp mellan åtgärder (dras av en gång)",
}

EN: dict[str, str] = {
    "doc_title": "Climate investments: {name}",
    "doc_title_unnamed": "Climate investments: report on a choice of measures",
    "skip": "Skip to the summary",
    "lead": (
        "This report shows which climate measures are proposed for funding, what they achieve, what they "
        "cost per tonne, how the money is shared between the municipality's districts and how sure the "
        "figures are. The choice is computed by optimisation: of all combinations of measures that fit the "
        "budget and follow the rules, the one that cuts emissions the most is chosen."
    ),
    "generated": "Generated {when}.",
    "date": "{day} {month} {year}, {time} UTC",
    "h_summary": "Summary",
    "h_funded": "Measures funded",
    "h_effect": "What it achieves year by year to 2030",
    "h_cost": "Cost per tonne",
    "h_districts": "Distribution per district and equity rules",
    "h_left": "Measures not funded",
    "h_uncertainty": "How sure are the figures?",
    "h_method": "Data and method",
    "currency": "SEK {value}",
    "million": "SEK {value} million",
    "tonnes": "{value} tonnes",
    "tonnes_per_year": "{value} tonnes a year",
    "sek_per_t": "SEK {value} per tonne",
    "percent": "{value}%",
    "seconds": "{value} seconds",
    "none_value": "–",
    "yes": "yes",
    "no": "no",
    "and": "and",
    "measure_lifetime": "over the measures' whole lifetimes",
    "measure_annual": "per year once the measures are in operation",
    "measure_cumulative": "in total up to and including {year}",
    "status_optimal": (
        "<strong>Proven best choice.</strong> No other choice within the budget and the rules cuts "
        "emissions more."
    ),
    "status_optimal_margin": (
        "<strong>Proven best choice (within {gap}).</strong> No other choice within the budget and the rules "
        "cuts emissions by more than {gap} beyond this one."
    ),
    "status_feasible": (
        "<strong>Not proven best.</strong> The choice follows every rule, but the computation stopped before "
        "it was proven to be the best. Another choice may cut emissions by up to {gap} more."
    ),
    "status_feasible_no_gap": (
        "<strong>Not proven best.</strong> The choice follows every rule, but the computation stopped before "
        "it was proven to be the best, and how far from the best it may be is unknown."
    ),
    "status_infeasible": (
        "<strong>No choice satisfies the rules.</strong> No combination of measures keeps to the budget and "
        "follows every rule at once, so the report proposes no choice. These requirements cannot all be met:"
    ),
    "status_infeasible_unknown": "Which requirements clash could not be determined.",
    "status_no_solution": (
        "<strong>No choice was found within the time limit.</strong> The computation found no choice, and "
        "did not show that none exists either. Run it again with a longer time limit."
    ),
    "status_error": (
        "<strong>The computation failed.</strong> The report therefore contains no choice. Whoever ran the "
        "computation can see why in its log."
    ),
    "conflict": "{rules}: {message}",
    "summary_count": "<strong>{funded}</strong> of {total} measures are funded.",
    "summary_cost": (
        "The investment is <strong>{cost}</strong> in all. The municipality pays <strong>{municipal}</strong>; "
        "the rest, {external}, comes from grants and other funders."
    ),
    "summary_cost_all_municipal": (
        "The investment is <strong>{cost}</strong> in all, and the municipality pays all of it."
    ),
    "summary_budget": "The municipality's budget is {budget}; {used} of it is used ({share}).",
    "summary_tonnes": (
        "Once every measure is in operation, emissions fall by <strong>{per_year}</strong> of CO2 "
        "equivalents. Counted {measure}, that is <strong>{counted}</strong>."
    ),
    "summary_cost_objective": (
        "The aim was to reach {target} at the lowest possible cost to the municipality; it is {cost}."
    ),
    "summary_target_met": "The emissions target for {year} is met: emissions end {margin} below it.",
    "summary_target_gap": "The emissions target for {year} is not met: {gap} are missing.",
    "summary_partly": "{count} of the measures are funded in part, as a first stage (see the table).",
    "summary_min_fraction": (
        "A measure that can be divided is funded at {share} of its cost or more, or not at all."
    ),
    "funded_caption": (
        "Measures funded, largest reduction first. Cost is the whole investment; the municipality's cost is "
        "what is left after grants and other funders. The reduction counted is {measure}."
    ),
    "funded_detail_caption": (
        "The same measures over their whole lives: lifecycle cost, lifecycle cost per tonne, operating cost "
        "and payback time."
    ),
    "col_project": "Measure",
    "col_id": "Id",
    "col_sector": "Sector",
    "col_district": "District",
    "col_cost": "Cost",
    "col_municipal": "Municipality's cost",
    "col_per_year": "Reduction a year (tonnes)",
    "col_counted": "Reduction counted (tonnes)",
    "col_start": "Start",
    "col_note": "Note",
    "col_total": "Total",
    "part_note": "Gets {part} of {whole} ({share}): a first stage.",
    "note_after_year": "In operation from {year}: its reduction counts after {until}.",
    "funded_none": "No measures are funded in this computation.",
    "effect_intro": (
        "A measure starts to cut emissions the year after it has been paid for and built, and goes on for "
        "its lifetime. The table shows the reduction in each year."
    ),
    "effect_caption": "Reduction per year from the measures funded (tonnes of CO2 equivalents).",
    "effect_caption_pathway": (
        "Emissions per year: without the measures, with them, and the target (tonnes of CO2 equivalents)."
    ),
    "col_year": "Year",
    "col_reduction": "Reduction (tonnes a year)",
    "col_new": "New measures in operation",
    "col_baseline": "Emissions without the measures",
    "col_emissions": "Emissions with the measures",
    "col_target": "Target",
    "col_gap": "Above (+) or below (−) the target",
    "effect_2030": "In {year} the measures cut emissions by {tonnes}.",
    "effect_no_pathway": (
        "The scenario gives no emissions without the measures and no target, so the report cannot compare "
        "with an emissions pathway."
    ),
    "effect_pathway": (
        "The target is {target}. In {year} emissions are {emissions} against the target's {target_t}. Over "
        "the whole period emissions are {cumulative} against a carbon budget of {budget}."
    ),
    "effect_met_from": "Emissions are at or below the target from {year}.",
    "effect_never_met": "Emissions stay above the target in the last year of the period.",
    "effect_none": "There is no choice, and so no reduction to show.",
    "target_net_zero": "net zero in {year}",
    "target_net_zero_residual": "net zero in {year} with {share} residual emissions",
    "target_rate": "to cut emissions by {rate} a year",
    "target_rate_from": "to cut emissions by {rate} a year from {year}",
    "target_points": "at most {tonnes} in {year}",
    "chart_pathway": "Emissions pathway against the target",
    "chart_pathway_caption": (
        "The chart shows emissions per year without the measures (dashed), with them, and the target. The "
        "same figures are in the table above."
    ),
    "cost_intro": (
        "Cost per tonne can be counted in three ways, and they give different figures. The table says which "
        "is which. All three are of the measures funded."
    ),
    "cost_caption": "Cost per tonne: three ways to count it.",
    "col_per_t_kind": "Measure",
    "col_per_t_value": "Value",
    "col_per_t_basis": "How it is counted",
    "per_t_investment": "Investment per tonne",
    "per_t_investment_basis": (
        "The whole investment, whoever pays, divided by the reduction counted ({measure})."
    ),
    "per_t_municipal": "Municipal cost per tonne",
    "per_t_municipal_basis": (
        "The municipality's part of the investment, after grants and other funders, divided by the same "
        "reduction."
    ),
    "per_t_lifecycle": "Lifecycle cost per tonne",
    "per_t_lifecycle_basis": (
        "Investments and operating costs over the measures' lives, in today's money (discount rate {rate} a "
        "year), divided by the reduction over the lives, also in today's value. A minus sign means the "
        "savings exceed the costs."
    ),
    "cost_none": "There is no choice, and so no cost per tonne.",
    "cost_reference_below": (
        "For comparison with the investment per tonne, the Swedish EPA estimates about SEK 200 per tonne for "
        "Klimatklivet, while the National Audit Office (report 2019:1) estimated SEK 1,000–4,000 per tonne. "
        "The measures' {value} is below the Audit Office's estimate."
    ),
    "cost_reference_within": (
        "For comparison with the investment per tonne, the Swedish EPA estimates about SEK 200 per tonne for "
        "Klimatklivet, while the National Audit Office (report 2019:1) estimated SEK 1,000–4,000 per tonne. "
        "The measures' {value} is within the Audit Office's range."
    ),
    "cost_reference_above": (
        "For comparison with the investment per tonne, the Swedish EPA estimates about SEK 200 per tonne for "
        "Klimatklivet, while the National Audit Office (report 2019:1) estimated SEK 1,000–4,000 per tonne. "
        "The measures' {value} is above that."
    ),
    "cost_asek_below": (
        "The Swedish Transport Administration values emissions at SEK 7 per kilo (ASEK 7.0), SEK 7,000 per "
        "tonne; the measures cut emissions more cheaply than that."
    ),
    "cost_asek_above": (
        "The Swedish Transport Administration values emissions at SEK 7 per kilo (ASEK 7.0), SEK 7,000 per "
        "tonne; the measures cost more per tonne than that."
    ),
    "cost_no_reference": (
        "National reference figures (Klimatklivet, the Transport Administration's carbon value) are per tonne "
        "over a measure's whole lifetime, so they do not fit the way this scenario counts tonnes."
    ),
    "chart_macc": "Investment per tonne of each measure, cheapest tonne first",
    "chart_macc_caption": (
        "Each bar is a measure of the list: its width is how much it cuts emissions, its height what each "
        "tonne costs in investment. The measures on the left give the most climate benefit per krona. The "
        "figures are in the table below the charts."
    ),
    "chart_macc_lifecycle": "Lifecycle cost per tonne of each measure, cheapest tonne first",
    "chart_macc_lifecycle_caption": (
        "The same measures, but the height is the lifecycle cost per tonne: investment plus operating costs "
        "minus savings over the life, in today's money. Bars below zero are measures that pay for "
        "themselves: their savings exceed their costs."
    ),
    "macc_data": "The charts' figures for each measure",
    "macc_caption": "Reduction and cost per tonne of each measure of the list, cheapest investment per tonne first.",
    "col_funded": "Funded",
    "districts_intro": "How the money and the reduction are shared between the municipality's districts.",
    "districts_caption": "Investment and reduction per district.",
    "col_projects": "Measures",
    "col_share": "Share of the reduction",
    "no_district": "(no district given)",
    "chart_district": "Investment and reduction per district",
    "chart_district_caption": (
        "Left, the money per district (the municipality's part and grants); right, the reduction. The same "
        "figures are in the table above."
    ),
    "rules_intro": "The scenario's rules on distribution and equity, and how the choice meets them:",
    "rules_none": "The scenario has no rules on distribution or equity, only the budget.",
    "rules_caption": "Rules on distribution and equity: requirement, outcome and whether it is met.",
    "col_rule": "Rule",
    "col_requirement": "Requirement",
    "col_outcome": "Outcome",
    "col_met": "Met",
    "rule_min_share": "at least {share} of {measure}",
    "rule_max_share": "at most {share} of {measure}",
    "rule_min": "at least {value} ({measure})",
    "rule_max": "at most {value} ({measure})",
    "rule_value_share": "{value} ({share} of {measure})",
    "rule_met": "Yes",
    "rule_met_binding": "Yes, exactly (the rule shapes the choice)",
    "rule_not_met": "No",
    "measure_cost": "the cost",
    "measure_municipal_cost": "the municipality's cost",
    "measure_abatement": "the reduction",
    "measure_count": "the number of measures",
    "measure_other": "{name}",
    "count_value": "{value} measures",
    "left_intro": "{count} measures are not funded. For each: why not, and what it would take.",
    "left_caption": (
        "Measures not funded: the reason, and what it would take for them to be funded (everything else "
        "unchanged). Investment per tonne is of the reduction counted; – means none is counted."
    ),
    "left_none": "Every measure of the list is funded.",
    "left_no_portfolio": "There is no choice, so no measure is funded in this computation.",
    "col_sek_per_t": "Investment per tonne",
    "col_why": "Why not",
    "col_would_take": "What it would take",
    "why_excluded": "Excluded by the scenario.",
    "why_alternative": "An alternative of the same group ({group}) is funded: {ids}.",
    "why_requires": "Requires {ids}, which is not funded.",
    "why_budget": "The budget is not enough: {left} is left, the measure costs the municipality {cost}.",
    "why_budget_year": (
        "The {year} budget is not enough: {left} is left that year, the measure costs the municipality {cost} then."
    ),
    "why_no_tonnes": "Counted up to {until} it gives no reduction: it can be in operation from {year} at the earliest.",
    "why_crowded": "Other measures give more reduction for the money within the budget and the rules.",
    "would_cost": "Would be funded at a cost of at most {max_cost} (now {cost}).",
    "would_cost_tie": "Could be funded already at its current cost: it is as good as another choice.",
    "would_cost_fits_only": (
        "Fits in what is left of the budget at a cost of at most {max_cost} (now {cost}), but gives no "
        "reduction that is counted."
    ),
    "would_cost_at_least": "Would be funded even at a cost of {max_cost} or more.",
    "would_abatement": "Or at a reduction of at least {needed} (now {now}).",
    "would_abatement_never": (
        "No reduction would do at its current cost: it does not fit within the budget and the rules."
    ),
    "would_abatement_instead": "It would be funded if it cut emissions by at least {needed} (now {now}).",
    "would_never": "Would not be funded even at a cost of SEK 1.",
    "would_excluded": "Excluded by the scenario: nothing to compute.",
    "would_not_in_time": "Not computed in time.",
    "would_undecided": "Not computed: the computation did not finish.",
    "would_unknown": "Not computed.",
    "left_how": (
        "What it would take is not computed in this report. It is computed when the choice is proven best, "
        "when the report is made or when the computation is run with explanations."
    ),
    "binding_rules": "Rules and budgets that shape the choice (their limit is reached): {names}.",
    "budget_row": "budget {year}",
    "budget_row_all": "the budget",
    "unc_none_ranges": (
        "The project list gives ranges for reductions or costs, but no uncertainty study was made for this "
        "report."
    ),
    "unc_point_estimates": (
        "All figures are point estimates: the project list gives no ranges for reductions or costs, so the "
        "report cannot say how sure they are."
    ),
    "unc_no_portfolio": "There is no choice to test against the uncertainty.",
    "unc_intro": (
        "Reductions and costs are estimates. The study drew {draws} possible outcomes within the list's "
        "ranges ({distribution}) and tested the proposed choice in each."
    ),
    "unc_caption": "The choice's outcome over {draws} draws: P10, P50 (median) and P90.",
    "unc_quantiles_text": (
        "The reduction is {p50} in a middle case. In 8 cases out of 10 it lies between {p10} and {p90}."
    ),
    "col_quantity": "Quantity",
    "row_reduction": "Reduction ({measure}, tonnes)",
    "row_cost": "Municipality's cost (SEK)",
    "row_overrun": "Money the budget lacks (SEK)",
    "row_best": "Largest reduction possible in each draw (tonnes)",
    "unc_budget": "The choice stays within the budget in {share} of the draws.",
    "unc_budget_full": (
        "That is because the choice uses the whole budget of {years}: where costs turn out above the "
        "estimate in any of those years, that year's budget is not enough."
    ),
    "unc_budget_full_year": (
        "That is because the choice uses the whole budget of {years}: where costs turn out above the "
        "estimate that year, the budget is not enough."
    ),
    "unc_budget_full_all": (
        "That is because the choice uses nearly all of the budget ({used} of {budget}): where costs turn out "
        "above the estimate, it is not enough."
    ),
    "unc_overrun": (
        "Then {p50} is missing in a middle case (P50), and at most {p90} in 9 cases out of 10, over all years."
    ),
    "unc_target": "The target is met in {share} of the draws.",
    "unc_target_not_met": (
        "The target for {year} is not met even at the point estimates: {gap} are missing there. The "
        "uncertainty does not change that: the target needs more or larger measures than the budget allows."
    ),
    "unc_no_target": "The scenario has no target to give a probability for.",
    "unc_not_reoptimised": (
        "The choice was not recomputed for each draw, so the report does not show how often each measure "
        "would be chosen."
    ),
    "unc_steady": (
        "{steady} measures are chosen in at least 95% of the draws. {shaky} measures are chosen in some "
        "draws and not in others: those choices depend on the uncertain figures."
    ),
    "unc_robust": (
        "A cautious choice, the best in the worst {alpha} of the draws, gives {cvar} in those draws against "
        "{point_cvar} for the proposed one. Its price is {price} less reduction at the point estimates. "
        "Added: {added}. Removed: {removed}."
    ),
    "unc_robust_none": "No cautious choice could be found.",
    "chart_uncertainty": "How sure is the reduction?",
    "chart_uncertainty_caption": (
        "How often the choice gives a given reduction over all draws, with P10, P50 and P90 marked. The "
        "figures are in the table below the chart."
    ),
    "histogram_data": "The chart's figures",
    "histogram_caption": "Draws per interval of the reduction (tonnes).",
    "col_from_t": "From (tonnes)",
    "col_to_t": "To (tonnes)",
    "col_draws_point": "The proposed choice",
    "col_draws_best": "Best possible choice",
    "chart_robustness": "How often is each measure chosen?",
    "chart_robustness_caption": (
        "The share of draws in which the measure is part of the best choice. Near 100% is a safe choice. "
        "The figures are in the table below the chart."
    ),
    "robustness_data": "The chart's figures",
    "robustness_caption": "Share of draws in which each measure is part of the best choice.",
    "col_chosen_share": "Share of draws",
    "col_in_proposal": "In the proposal",
    "dist_pert": "a distribution in which the point estimate is the most likely value",
    "dist_triangular": "a triangular distribution around the point estimate",
    "dist_uniform": "every value in the range equally likely",
    "method_intro": (
        "The choice is computed by integer optimisation and checked against every rule by code independent "
        "of the computation. The same input gives the same result; the checksum below identifies the input "
        "exactly."
    ),
    "m_sha": "Input checksum",
    "m_sha_none": "not given",
    "m_source": "Project list",
    "m_projects": "Measures in the list",
    "m_scenario": "Scenario",
    "m_objective": "What is maximised",
    "m_solver": "Solver",
    "m_status": "Status",
    "m_gap": "Remaining margin to proven best",
    "m_time": "Computation time",
    "m_package": "Software version",
    "m_python": "Programming language",
    "m_generated": "Report generated",
    "m_unnamed": "(unnamed)",
    "m_unknown": "unknown",
    "m_discount": "Discount rate (real)",
    "m_basis": "What the budget holds",
    "basis_investment": "investments",
    "basis_net": "net (investments and operating costs)",
    "m_min_fraction": "Divisible measures",
    "m_min_fraction_value": "funded not at all or at {share} or more",
    "m_min_fraction_none": "funded at any share",
    "status_word_optimal": "proven best (optimal)",
    "status_word_feasible": "valid but not proven best (feasible)",
    "status_word_infeasible": "no choice satisfies the rules (infeasible)",
    "status_word_no_solution": "no choice within the time limit (no_solution)",
    "status_word_error": "error",
    "objective_tonnes": "the emissions reduction, counted {measure}",
    "objective_tonnes_weighted": "the emissions reduction, counted {measure}, plus co-benefits: {weights}",
    "objective_weight": "{weight} tonnes per unit of {column}",
    "objective_min_cost": "the lowest cost to the municipality of reaching {target}, counted {measure}",
    "objective_net_benefit": (
        "the net benefit to society: the reduction over the lives valued at {value} per tonne, minus the "
        "present value of the costs (discount rate {rate})"
    ),
    "summary_lifecycle": (
        "Over the measures' whole lives they cost <strong>{npc}</strong> in today's money (the present value "
        "of investments and operating costs at a discount rate of {rate} a year), or {eac} a year spread "
        "evenly. The lifecycle cost per tonne is <strong>{per_t}</strong> (see the section on cost per tonne)."
    ),
    "summary_saving": (
        "Once every measure is in operation they save <strong>{saving}</strong> a year in operating costs."
    ),
    "summary_saving_payback": (
        "Once every measure is in operation they save <strong>{saving}</strong> a year in operating costs; "
        "the investment is paid back after <strong>{payback}</strong> (simple payback)."
    ),
    "summary_opex_cost": "Once every measure is in operation they cost <strong>{cost}</strong> a year to run.",
    "summary_no_opex": "The project list gives no operating costs or savings for the measures chosen.",
    "summary_net_budget": (
        "The budgets are <strong>net budgets</strong>: each year's budget holds both that year's investments "
        "and the operating costs of the measures already in operation. Savings from early measures so free "
        "money for later ones."
    ),
    "summary_net_benefit": (
        "The choice maximises the net benefit to society: the reduction over the measures' lives valued at "
        "{value} per tonne, minus the present value of investments and operating costs. The net benefit is "
        "<strong>{benefit}</strong>."
    ),
    "summary_net_benefit_bound_met": "No other choice within the budget and the rules gives more.",
    "summary_net_benefit_bound_gap": (
        "The computation has not proven it best: another choice could give up to {bound}, that is {gap} more."
    ),
    "summary_net_benefit_no_bound": "How far from best the choice may be is unknown.",
    "years_value": "{value} years",
    "col_npc": "Lifecycle cost (present value)",
    "col_lifecycle_per_t": "Lifecycle cost per tonne",
    "col_opex_year": "Operating cost a year (− saving)",
    "col_payback": "Payback time",
    "funded_lifecycle_note": (
        "The lifecycle cost is the investment plus the operating costs over the life (savings subtracted), "
        "in today's money at a discount rate of {rate}. A minus sign means the measure saves more than it "
        "costs. The payback time is the investment divided by the saving per year; – means the measure saves "
        "no money."
    ),
    "budget_intro_net": (
        "The budget per year with investments and operating costs. The budgets are net budgets: operating "
        "costs count against the budget, and savings (minus sign) make room for more measures."
    ),
    "budget_intro_investment": (
        "The budget per year. The budget is for the investments; operating costs and savings (minus sign) "
        "are shown but do not count against it."
    ),
    "budget_caption_net": "Net budget per year: the municipality's investments and operating costs (SEK).",
    "budget_caption_investment": (
        "Budget per year: the municipality's investments, and operating costs outside the budget (SEK)."
    ),
    "budget_all_years": "whole period",
    "col_budget": "Budget",
    "col_investment": "Municipal investment",
    "col_opex": "Operating cost (− saving)",
    "col_used": "Counted against the budget",
    "col_left": "Left",
    "interactions_intro": (
        "Some measures overlap: doing both cuts less than the sum of each on its own, because they partly cut "
        "the same emissions. Such overlaps are subtracted once, so nothing is counted twice. The overlaps "
        "among the measures funded lower the reduction counted by {tonnes}."
    ),
    "interactions_intro_none_active": (
        "Some measures overlap: doing both cuts less than the sum of each on its own. None of the scenario's "
        "overlaps is among the measures funded, because no overlap has all its measures funded; so nothing is "
        "counted twice."
    ),
    "interactions_caption": "Overlapping measures and how they count.",
    "col_interaction": "Overlap",
    "col_members": "Measures",
    "col_change_per_year": "Change a year (tonnes)",
    "col_active": "All funded",
    "col_counted_change": "Change counted (tonnes)",
    "row_interactions": "Overlaps between measures (subtracted once)",
}

MONTHS: dict[str, tuple[str, ...]] = {
    "sv": (
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

TEXTS: dict[str, dict[str, str]] = {"sv": SV, "en": EN}
LANGUAGES: tuple[str, ...] = tuple(TEXTS)
