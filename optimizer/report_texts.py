"""Every sentence of the HTML report (`optimizer.report`), in Swedish and in English, in one place.

Both languages have exactly the same keys (a test checks it). Templates are trusted HTML: the values
put into them (`{name}` …) are escaped by the report unless they are HTML the report built itself.
The Swedish follows the Language Council's advice for plain public text (klarspråk): short sentences,
the reader addressed through what the decision means, numbers with a space as thousands separator
and a decimal comma.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "TEXTS"]

SV: dict[str, str] = {
    # --- the document ---
    "doc_title": "Klimatinvesteringar: {name}",
    "doc_title_unnamed": "Klimatinvesteringar: rapport om ett urval av åtgärder",
    "skip": "Hoppa till sammanfattningen",
    "lead": (
        "Rapporten visar vilka klimatåtgärder som föreslås få pengar, vad de ger, vad de kostar per ton, "
        "hur pengarna fördelas mellan kommunens områden och hur säkra siffrorna är. Urvalet är beräknat "
        "med optimering: av alla kombinationer av projekt som ryms i budgeten och följer reglerna väljs den "
        "som minskar utsläppen mest."
    ),
    "generated": "Skapad {when}.",
    # --- section headings ---
    "h_summary": "Sammanfattning",
    "h_funded": "Projekt som får pengar",
    "h_effect": "Vad det ger år för år fram till 2030",
    "h_cost": "Kostnad per ton",
    "h_districts": "Fördelning per område och rättviseregler",
    "h_left": "Projekt som inte får pengar",
    "h_uncertainty": "Hur säkra är siffrorna?",
    "h_method": "Underlag och metod",
    # --- units and words used in numbers ---
    "currency": "{value} kr",
    "million": "{value} miljoner kr",
    "tonnes": "{value} ton",
    "tonnes_per_year": "{value} ton per år",
    "sek_per_t": "{value} kr per ton",
    "percent": "{value} %",
    "seconds": "{value} s",
    "none_value": "–",
    "yes": "ja",
    "no": "nej",
    # --- how tonnes are counted ---
    "measure_lifetime": "under åtgärdernas hela livslängd",
    "measure_annual": "per år när åtgärderna är i drift",
    "measure_cumulative": "sammanlagt till och med {year}",
    # --- summary ---
    "status_optimal": (
        "<strong>Bevisat bästa urval.</strong> Inget annat urval inom budgeten och reglerna ger mer "
        "(beräkningens kvarvarande marginal är {gap})."
    ),
    "status_feasible": (
        "<strong>Inte bevisat bästa urval.</strong> Urvalet följer alla regler, men beräkningen stoppades "
        "innan det var bevisat att det är det bästa. Ett annat urval kan ge upp till {gap} mer."
    ),
    "status_feasible_no_gap": (
        "<strong>Inte bevisat bästa urval.</strong> Urvalet följer alla regler, men beräkningen stoppades "
        "innan det var bevisat att det är det bästa, och hur långt från bäst det kan vara är okänt."
    ),
    "status_infeasible": (
        "<strong>Inget urval uppfyller reglerna.</strong> Det finns ingen kombination av projekt som håller "
        "budgeten och följer alla regler samtidigt, så rapporten föreslår ingen portfölj. Skälet är att "
        "dessa krav inte går att förena:"
    ),
    "status_infeasible_unknown": "Vilka krav som krockar kunde inte avgöras.",
    "status_no_solution": (
        "<strong>Inget urval hittades inom tidsgränsen.</strong> Beräkningen hann inte hitta någon portfölj, "
        "och den visade inte heller att ingen finns. Kör igen med en längre tidsgräns."
    ),
    "status_error": "<strong>Beräkningen misslyckades.</strong> Rapporten innehåller därför ingen portfölj.",
    "conflict": "{rules}: {message}",
    "summary_count": "<strong>{funded}</strong> av {total} projekt får pengar.",
    "summary_cost": (
        "Investeringen är sammanlagt <strong>{cost}</strong>. Kommunen betalar <strong>{municipal}</strong>; "
        "resten, {external}, kommer från bidrag och andra finansiärer."
    ),
    "summary_cost_all_municipal": (
        "Investeringen är sammanlagt <strong>{cost}</strong>, och kommunen betalar allt."
    ),
    "summary_budget": "Kommunens budget är {budget}; av den används {used} ({share}).",
    "summary_tonnes": (
        "När alla åtgärder är i drift minskar utsläppen med <strong>{per_year}</strong> koldioxidekvivalenter. "
        "Räknat {measure} blir det <strong>{counted}</strong>."
    ),
    "summary_cost_objective": (
        "Målet var att nå {target} till lägsta möjliga kommunala kostnad; den blev {cost}."
    ),
    "summary_target_met": "Utsläppsmålet för {year} nås: utsläppen hamnar {margin} under målet.",
    "summary_target_gap": "Utsläppsmålet för {year} nås inte: det saknas {gap}.",
    "summary_partly": "{count} av projekten finansieras delvis (se tabellen).",
    # --- funded ---
    "funded_caption": (
        "Projekt som får pengar, största utsläppsminskning först. Kostnader i kronor; kommunal kostnad är "
        "kostnaden efter bidrag. Minskningen som räknas är {measure}."
    ),
    "col_project": "Projekt",
    "col_id": "Id",
    "col_sector": "Sektor",
    "col_district": "Område",
    "col_cost": "Kostnad",
    "col_municipal": "Kommunal kostnad",
    "col_per_year": "Minskning per år (ton)",
    "col_counted": "Minskning som räknas (ton)",
    "col_start": "Startår",
    "col_total": "Totalt",
    "fraction_note": "(delvis: {share})",
    "funded_none": "Inga projekt får pengar i den här beräkningen.",
    # --- effect ---
    "effect_intro": (
        "En åtgärd börjar minska utsläppen året efter det att den är betald och byggd, och fortsätter under "
        "sin livslängd. Tabellen visar hur stor minskningen är varje år."
    ),
    "effect_caption": "Utsläppsminskning per år från de finansierade projekten (ton koldioxidekvivalenter).",
    "effect_caption_pathway": (
        "Utsläpp per år: utan åtgärderna, med åtgärderna och målet (ton koldioxidekvivalenter)."
    ),
    "col_year": "År",
    "col_reduction": "Minskning (ton per år)",
    "col_new": "Nya projekt i drift",
    "col_baseline": "Utsläpp utan åtgärderna",
    "col_emissions": "Utsläpp med åtgärderna",
    "col_target": "Mål",
    "col_gap": "Över (+) eller under (−) målet",
    "effect_2030": "År {year} minskar portföljen utsläppen med {tonnes}.",
    "effect_no_pathway": (
        "Scenariot anger inga utsläpp utan åtgärderna och inget mål, så rapporten kan inte jämföra med en "
        "utsläppsbana. Lägg till <code>[pathway]</code> i scenariot för att få den jämförelsen."
    ),
    "effect_pathway": (
        "Målet är {target}. År {year} blir utsläppen {emissions} mot målets {target_t}. "
        "Över hela perioden blir utsläppen {cumulative} mot en koldioxidbudget på {budget}."
    ),
    "effect_met_from": "Utsläppen ligger på eller under målet från {year}.",
    "effect_never_met": "Utsläppen ligger kvar över målet i periodens sista år.",
    "effect_none": "Det finns ingen portfölj, och därför ingen minskning att visa.",
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
        "Kostnad per ton är investeringen delad med den minskning som räknas ({measure}). Den visar hur mycket "
        "klimatnytta pengarna ger."
    ),
    "cost_portfolio": "Hela investeringen: <strong>{total}</strong>. Kommunens del: <strong>{municipal}</strong>.",
    "cost_none": "Det finns ingen portfölj och därför ingen kostnad per ton.",
    "cost_reference_below": (
        "Som jämförelse räknar Naturvårdsverket med omkring 200 kr per ton för Klimatklivet, medan "
        "Riksrevisionen (RiR 2019:1) uppskattade 1 000–4 000 kr per ton. Portföljens {value} är lägre än "
        "Riksrevisionens uppskattning."
    ),
    "cost_reference_within": (
        "Som jämförelse räknar Naturvårdsverket med omkring 200 kr per ton för Klimatklivet, medan "
        "Riksrevisionen (RiR 2019:1) uppskattade 1 000–4 000 kr per ton. Portföljens {value} ligger inom "
        "Riksrevisionens intervall."
    ),
    "cost_reference_above": (
        "Som jämförelse räknar Naturvårdsverket med omkring 200 kr per ton för Klimatklivet, medan "
        "Riksrevisionen (RiR 2019:1) uppskattade 1 000–4 000 kr per ton. Portföljens {value} är högre än "
        "så."
    ),
    "cost_asek_below": (
        "Trafikverket värderar utsläpp till 7 kr per kilo (ASEK 7.0), alltså 7 000 kr per ton; portföljen "
        "minskar utsläppen billigare än så."
    ),
    "cost_asek_above": (
        "Trafikverket värderar utsläpp till 7 kr per kilo (ASEK 7.0), alltså 7 000 kr per ton; portföljen "
        "kostar mer per ton än så."
    ),
    "cost_no_reference": (
        "Nationella jämförelsetal (Klimatklivet, Trafikverkets värdering) räknas per ton under åtgärdens "
        "livslängd, och passar därför inte det sätt som detta scenario räknar tonnen på."
    ),
    "chart_macc": "Kostnad per ton för varje projekt, billigaste ton först",
    "chart_macc_caption": (
        "Varje stapel är ett projekt i listan: bredden är hur mycket det minskar utsläppen och höjden vad "
        "varje ton kostar. Projekten längst till vänster ger mest klimatnytta per krona."
    ),
    # --- districts ---
    "districts_intro": "Så fördelas pengarna och utsläppsminskningen mellan kommunens områden.",
    "districts_caption": "Investering och utsläppsminskning per område.",
    "col_projects": "Antal projekt",
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
    "measure_municipal_cost": "den kommunala kostnaden",
    "measure_abatement": "minskningen",
    "measure_count": "antalet projekt",
    "measure_other": "{name}",
    "count_value": "{value} projekt",
    # --- left out ---
    "left_intro": "{count} projekt får inte pengar. För vart och ett står varför, och vad som skulle krävas.",
    "left_caption": "Projekt som inte får pengar: skäl och vad som skulle krävas för att de ska komma med.",
    "left_none": "Alla projekt i listan får pengar.",
    "left_no_portfolio": "Det finns ingen portfölj, så inget projekt får pengar i den här beräkningen.",
    "col_sek_per_t": "Kostnad per ton",
    "col_why": "Varför inte",
    "col_would_take": "Vad som skulle krävas",
    "why_excluded": "Uteslutet i scenariot.",
    "why_alternative": "Ett alternativ i samma grupp ({group}) får pengar: {ids}.",
    "why_requires": "Kräver {ids}, som inte får pengar.",
    "why_budget": "Budgeten räcker inte: {left} finns kvar, projektet kostar kommunen {cost}.",
    "why_crowded": "Andra projekt ger mer minskning för pengarna inom budgeten och reglerna.",
    "would_cost": "Skulle komma med om det kostade högst {max_cost} (i dag {cost}).",
    "would_cost_tie": "Skulle kunna komma med redan till dagens kostnad: det är lika bra som ett annat val.",
    "would_abatement": "Eller om det minskade utsläppen med minst {needed} (i dag {now}).",
    "would_never": "Skulle inte komma med till något pris över 0 kr.",
    "would_note": "Anmärkning: {note}",
    "would_unknown": "Inte beräknat.",
    "left_how": (
        "Vad som skulle krävas är inte beräknat i den här rapporten. Det räknas ut när urvalet är bevisat "
        "bäst: med <code>python -m optimizer report</code>, med <code>python -m optimizer solve --explain</code> "
        'eller i tjänsten med <code>"explain": true</code> i körningen.'
    ),
    "binding_rules": "Regler och budgetar som styr urvalet (gränsen nås): {names}.",
    # --- uncertainty ---
    "unc_none_ranges": (
        "Projektlistan anger intervall för minskning eller kostnad, men ingen osäkerhetsanalys gjordes för "
        "den här rapporten. Kör <code>python -m optimizer report</code> (som gör analysen) eller "
        "<code>python -m optimizer uncertainty</code>."
    ),
    "unc_point_estimates": (
        "Alla siffror är punktskattningar: projektlistan anger inga intervall för minskning eller kostnad, "
        "så rapporten kan inte säga hur säkra de är."
    ),
    "unc_no_portfolio": "Det finns ingen portfölj att pröva mot osäkerheten.",
    "unc_intro": (
        "Minskningar och kostnader är uppskattningar. Analysen drog {draws} möjliga utfall inom "
        "projektlistans intervall ({distribution}) och räknade om portföljen för vart och ett."
    ),
    "unc_caption": "Portföljens utfall över {draws} dragningar: P10, P50 (median) och P90.",
    "unc_quantiles_text": (
        "Minskningen blir {p50} i ett mittenfall. I 8 fall av 10 hamnar den mellan {p10} och {p90}."
    ),
    "col_quantity": "Storhet",
    "row_reduction": "Minskning ({measure}, ton)",
    "row_cost": "Kommunal kostnad (kr)",
    "row_best": "Bästa möjliga minskning per dragning (ton)",
    "unc_budget": "Portföljen håller sig inom budgeten i {share} av dragningarna.",
    "unc_target": "Målet nås i {share} av dragningarna.",
    "unc_no_target": "Scenariot har inget mål att pröva sannolikheten för.",
    "unc_steady": (
        "{steady} projekt väljs i minst 95 % av dragningarna. {shaky} projekt väljs ibland och ibland inte: "
        "de valen beror på de osäkra siffrorna."
    ),
    "unc_robust": (
        "En försiktig (robust) portfölj, som ger bäst utfall i de sämsta {alpha} av fallen, ger {cvar} i "
        "de fallen mot {point_cvar} för den föreslagna. Priset är {price} mindre minskning enligt "
        "punktskattningarna. Tillkommer: {added}. Utgår: {removed}."
    ),
    "unc_robust_none": "Någon robust portfölj kunde inte tas fram.",
    "chart_uncertainty": "Hur säker är minskningen?",
    "chart_uncertainty_caption": (
        "Hur ofta portföljen ger en viss minskning över alla dragningar, med P10, P50 och P90 markerade."
    ),
    "chart_robustness": "Hur ofta väljs varje projekt?",
    "chart_robustness_caption": (
        "Andelen dragningar där projektet ingår i den bästa portföljen. Nära 100 % är ett säkert val."
    ),
    "dist_pert": "PERT-fördelning",
    "dist_triangular": "triangelfördelning",
    "dist_uniform": "likformig fördelning",
    # --- method ---
    "method_intro": (
        "Urvalet är beräknat med heltalsoptimering och kontrollerat mot varje regel med kod som är "
        "oberoende av lösaren. Samma indata ger samma resultat; kontrollsumman nedan identifierar indata "
        "exakt."
    ),
    "m_sha": "Kontrollsumma för indata (SHA-256)",
    "m_sha_none": "inte angiven",
    "m_source": "Projektlista",
    "m_projects": "Antal projekt i listan",
    "m_scenario": "Scenario",
    "m_objective": "Vad som maximeras",
    "m_solver": "Lösare",
    "m_status": "Status",
    "m_gap": "Kvarvarande marginal till bevisat bästa",
    "m_time": "Beräkningstid",
    "m_package": "Programversion (klimatportfolj)",
    "m_python": "Python",
    "m_generated": "Rapporten skapad",
    "m_unnamed": "(utan namn)",
    "m_unknown": "okänd",
    "status_word_optimal": "bevisat bästa (optimal)",
    "status_word_feasible": "giltigt men inte bevisat bästa (feasible)",
    "status_word_infeasible": "inget urval uppfyller reglerna (infeasible)",
    "status_word_no_solution": "inget urval inom tidsgränsen (no_solution)",
    "status_word_error": "fel (error)",
    # --- lifecycle economics (investment, operating costs and savings over the life) ---
    "summary_lifecycle": (
        "Över åtgärdernas hela livslängd kostar portföljen <strong>{npc}</strong> i dagens pengar "
        "(nuvärde av investeringar och driftkostnader med {rate} diskonteringsränta per år), eller {eac} "
        "per år jämnt fördelat. Det blir <strong>{per_t}</strong> räknat över livslängden."
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
    "col_npc": "Livscykelkostnad, nuvärde",
    "col_lifecycle_per_t": "Livscykelkostnad per ton (kr)",
    "col_payback": "Återbetalningstid (år)",
    "funded_lifecycle_note": (
        "Livscykelkostnaden är investeringen plus driftkostnaderna under livslängden (besparingar dras "
        "av), i dagens pengar med {rate} diskonteringsränta. Ett minustecken betyder att åtgärden sparar mer "
        "än den kostar. Återbetalningstiden är investeringen delad med besparingen per år; – betyder att "
        "åtgärden inte sparar pengar."
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
    "budget_caption_investment": "Budget per år: kommunens investeringar, och driftkostnader utanför budgeten (kronor).",
    "budget_all_years": "hela perioden",
    "col_budget": "Budget",
    "col_investment": "Kommunens investering",
    "col_opex": "Driftkostnad (− besparing)",
    "col_used": "Räknas mot budgeten",
    "col_left": "Kvar",
    # --- overlapping measures ---
    "interactions_intro": (
        "Vissa åtgärder överlappar: gör man båda blir minskningen mindre än summan av var för sig, "
        "eftersom de delvis minskar samma utsläpp. Sådana överlapp dras av en gång för portföljen och "
        "räknas alltså inte dubbelt. Överlappen i portföljen minskar den minskning som räknas med {tonnes}."
    ),
    "interactions_intro_none_active": (
        "Vissa åtgärder överlappar: gör man båda blir minskningen mindre än summan av var för sig. "
        "Inget av scenariots överlapp ingår i portföljen, eftersom inte alla åtgärder i något av dem "
        "får pengar; inget räknas alltså dubbelt."
    ),
    "interactions_caption": "Överlappande åtgärder och hur de räknas i portföljen.",
    "col_interaction": "Överlapp",
    "col_members": "Åtgärder",
    "col_change_per_year": "Ändring per år (ton)",
    "col_active": "Ingår i portföljen",
    "col_counted_change": "Ändring som räknas (ton)",
    "row_interactions": "Överlapp mellan åtgärder (dras av en gång)",
    # --- the lifecycle MACC ---
    "cost_lifecycle": (
        "Räknat över hela livslängden, med driftkostnader och besparingar och {rate} diskonteringsränta, "
        "kostar portföljen <strong>{per_t}</strong> (nuvärdet av kostnaderna delat med nuvärdet av tonnen)."
    ),
    "chart_macc_lifecycle": "Livscykelkostnad per ton för varje projekt, billigaste ton först",
    "chart_macc_lifecycle_caption": (
        "Samma projekt, men höjden är livscykelkostnaden per ton: investering plus driftkostnader minus "
        "besparingar under livslängden, i dagens pengar. Staplar under noll är åtgärder som betalar sig "
        "själva: besparingarna är större än kostnaden, så varje ton ger dessutom pengar tillbaka."
    ),
    "m_discount": "Diskonteringsränta (real)",
    "m_basis": "Budgetens grund",
    "basis_investment": "investeringar",
    "basis_net": "netto (investeringar och driftkostnader)",
}

EN: dict[str, str] = {
    "doc_title": "Climate investments: {name}",
    "doc_title_unnamed": "Climate investments: a report on a choice of measures",
    "skip": "Skip to the summary",
    "lead": (
        "This report shows which climate measures are proposed for funding, what they achieve, what they "
        "cost per tonne, how the money is shared between the municipality's districts and how sure the "
        "figures are. The choice is computed by optimisation: of all combinations of projects that fit the "
        "budget and follow the rules, the one that cuts emissions the most is chosen."
    ),
    "generated": "Generated {when}.",
    "h_summary": "Summary",
    "h_funded": "Projects funded",
    "h_effect": "What it achieves year by year towards 2030",
    "h_cost": "Cost per tonne",
    "h_districts": "By district, and the equity rules",
    "h_left": "Projects left out",
    "h_uncertainty": "How sure are the figures?",
    "h_method": "Data and method",
    "currency": "SEK {value}",
    "million": "SEK {value} million",
    "tonnes": "{value} tonnes",
    "tonnes_per_year": "{value} tonnes a year",
    "sek_per_t": "SEK {value} per tonne",
    "percent": "{value}%",
    "seconds": "{value} s",
    "none_value": "–",
    "yes": "yes",
    "no": "no",
    "measure_lifetime": "over the measures' whole lifetimes",
    "measure_annual": "a year once the measures are in operation",
    "measure_cumulative": "in total up to and including {year}",
    "status_optimal": (
        "<strong>Proven best choice.</strong> No other choice within the budget and the rules gives more "
        "(the computation's remaining margin is {gap})."
    ),
    "status_feasible": (
        "<strong>Not proven best.</strong> The choice follows every rule, but the computation stopped before "
        "proving it the best. Another choice could give up to {gap} more."
    ),
    "status_feasible_no_gap": (
        "<strong>Not proven best.</strong> The choice follows every rule, but the computation stopped before "
        "proving it the best, and how far from best it may be is not known."
    ),
    "status_infeasible": (
        "<strong>No choice satisfies the rules.</strong> No combination of projects keeps to the budget and "
        "follows every rule at once, so this report proposes no portfolio. The reason is that these "
        "requirements cannot all be met:"
    ),
    "status_infeasible_unknown": "Which requirements clash could not be determined.",
    "status_no_solution": (
        "<strong>No choice found within the time limit.</strong> The computation found no portfolio in "
        "time, nor did it prove that none exists. Run it again with a longer time limit."
    ),
    "status_error": "<strong>The computation failed.</strong> This report therefore contains no portfolio.",
    "conflict": "{rules}: {message}",
    "summary_count": "<strong>{funded}</strong> of {total} projects are funded.",
    "summary_cost": (
        "The investment is <strong>{cost}</strong> in all. The municipality pays <strong>{municipal}</strong>; "
        "the rest, {external}, comes from grants and other funders."
    ),
    "summary_cost_all_municipal": (
        "The investment is <strong>{cost}</strong> in all, and the municipality pays all of it."
    ),
    "summary_budget": "The municipal budget is {budget}; {used} of it is used ({share}).",
    "summary_tonnes": (
        "Once every measure is in operation, emissions fall by <strong>{per_year}</strong> of CO2 "
        "equivalents. Counted {measure}, that is <strong>{counted}</strong>."
    ),
    "summary_cost_objective": (
        "The aim was to reach {target} at the least municipal cost; that cost is {cost}."
    ),
    "summary_target_met": "The emissions target for {year} is met: emissions end {margin} below it.",
    "summary_target_gap": "The emissions target for {year} is not met: {gap} are still missing.",
    "summary_partly": "{count} of the projects are funded in part (see the table).",
    "funded_caption": (
        "Projects funded, largest reduction first. Costs in SEK; the municipal cost is the cost after "
        "grants. The reduction counted is {measure}."
    ),
    "col_project": "Project",
    "col_id": "Id",
    "col_sector": "Sector",
    "col_district": "District",
    "col_cost": "Cost",
    "col_municipal": "Municipal cost",
    "col_per_year": "Reduction per year (tonnes)",
    "col_counted": "Reduction counted (tonnes)",
    "col_start": "Start year",
    "col_total": "Total",
    "fraction_note": "(in part: {share})",
    "funded_none": "No project is funded in this computation.",
    "effect_intro": (
        "A measure starts cutting emissions the year after it is paid for and built, and goes on for its "
        "lifetime. The table shows how large the reduction is each year."
    ),
    "effect_caption": "Reduction per year from the funded projects (tonnes of CO2 equivalents).",
    "effect_caption_pathway": (
        "Emissions per year: without the measures, with them, and the target (tonnes of CO2 equivalents)."
    ),
    "col_year": "Year",
    "col_reduction": "Reduction (tonnes a year)",
    "col_new": "New projects in operation",
    "col_baseline": "Emissions without the measures",
    "col_emissions": "Emissions with the measures",
    "col_target": "Target",
    "col_gap": "Above (+) or below (−) the target",
    "effect_2030": "In {year} the portfolio cuts emissions by {tonnes}.",
    "effect_no_pathway": (
        "The scenario gives no emissions without the measures and no target, so the report cannot compare "
        "with an emissions pathway. Add <code>[pathway]</code> to the scenario for that comparison."
    ),
    "effect_pathway": (
        "The target is {target}. In {year} emissions are {emissions} against the target's {target_t}. Over "
        "the whole period emissions are {cumulative} against a carbon budget of {budget}."
    ),
    "effect_met_from": "Emissions are at or below the target from {year} on.",
    "effect_never_met": "Emissions are still above the target in the period's last year.",
    "effect_none": "There is no portfolio, and so no reduction to show.",
    "target_net_zero": "net zero by {year}",
    "target_net_zero_residual": "net zero by {year} with {share} residual emissions",
    "target_rate": "to cut emissions by {rate} a year",
    "target_rate_from": "to cut emissions by {rate} a year from {year}",
    "target_points": "at most {tonnes} in {year}",
    "chart_pathway": "Emissions pathway against the target",
    "chart_pathway_caption": (
        "The chart shows emissions per year without the measures (dashed), with them, and the target. The "
        "same figures are in the table above."
    ),
    "cost_intro": (
        "Cost per tonne is the investment divided by the reduction counted ({measure}). It shows how much "
        "climate benefit the money buys."
    ),
    "cost_portfolio": "The whole investment: <strong>{total}</strong>. The municipality's part: <strong>{municipal}</strong>.",
    "cost_none": "There is no portfolio, and so no cost per tonne.",
    "cost_reference_below": (
        "For comparison, the Swedish EPA estimates about SEK 200 per tonne for Klimatklivet, while the "
        "National Audit Office (RiR 2019:1) estimated SEK 1,000–4,000 per tonne. The portfolio's {value} is "
        "below the Audit Office's estimate."
    ),
    "cost_reference_within": (
        "For comparison, the Swedish EPA estimates about SEK 200 per tonne for Klimatklivet, while the "
        "National Audit Office (RiR 2019:1) estimated SEK 1,000–4,000 per tonne. The portfolio's {value} is "
        "within the Audit Office's range."
    ),
    "cost_reference_above": (
        "For comparison, the Swedish EPA estimates about SEK 200 per tonne for Klimatklivet, while the "
        "National Audit Office (RiR 2019:1) estimated SEK 1,000–4,000 per tonne. The portfolio's {value} is "
        "above that."
    ),
    "cost_asek_below": (
        "The Swedish Transport Administration values emissions at SEK 7 per kilo (ASEK 7.0), SEK 7,000 per "
        "tonne; the portfolio cuts emissions more cheaply than that."
    ),
    "cost_asek_above": (
        "The Swedish Transport Administration values emissions at SEK 7 per kilo (ASEK 7.0), SEK 7,000 per "
        "tonne; the portfolio costs more per tonne than that."
    ),
    "cost_no_reference": (
        "National reference figures (Klimatklivet, the Transport Administration's carbon value) are per "
        "tonne over a measure's lifetime, so they do not fit the way this scenario counts tonnes."
    ),
    "chart_macc": "Cost per tonne of each project, cheapest tonne first",
    "chart_macc_caption": (
        "Each bar is a project of the list: its width is how much it cuts emissions, its height what each "
        "tonne costs. The projects on the left give the most climate benefit per krona."
    ),
    "districts_intro": "How the money and the reduction are shared between the municipality's districts.",
    "districts_caption": "Investment and reduction per district.",
    "col_projects": "Projects",
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
    "measure_municipal_cost": "the municipal cost",
    "measure_abatement": "the reduction",
    "measure_count": "the number of projects",
    "measure_other": "{name}",
    "count_value": "{value} projects",
    "left_intro": "{count} projects are not funded. For each: why not, and what it would take.",
    "left_caption": "Projects not funded: the reason, and what it would take for them to be funded.",
    "left_none": "Every project of the list is funded.",
    "left_no_portfolio": "There is no portfolio, so no project is funded in this computation.",
    "col_sek_per_t": "Cost per tonne",
    "col_why": "Why not",
    "col_would_take": "What it would take",
    "why_excluded": "Excluded by the scenario.",
    "why_alternative": "An alternative of the same group ({group}) is funded: {ids}.",
    "why_requires": "Requires {ids}, which is not funded.",
    "why_budget": "The budget is not enough: {left} is left, the project costs the municipality {cost}.",
    "why_crowded": "Other projects give more reduction for the money within the budget and the rules.",
    "would_cost": "Would be funded at a cost of at most {max_cost} (now {cost}).",
    "would_cost_tie": "Could be funded already at its current cost: it is as good as another choice.",
    "would_abatement": "Or at a reduction of at least {needed} (now {now}).",
    "would_never": "Would not be funded at any cost above SEK 0.",
    "would_note": "Note: {note}",
    "would_unknown": "Not computed.",
    "left_how": (
        "What it would take is not computed in this report. It is computed when the choice is proven best: "
        "with <code>python -m optimizer report</code>, with <code>python -m optimizer solve --explain</code>, "
        'or in the service with <code>"explain": true</code> in the run.'
    ),
    "binding_rules": "Rules and budgets that shape the choice (their limit is reached): {names}.",
    "unc_none_ranges": (
        "The project list gives ranges for reductions or costs, but no uncertainty study was made for this "
        "report. Run <code>python -m optimizer report</code> (which makes one) or "
        "<code>python -m optimizer uncertainty</code>."
    ),
    "unc_point_estimates": (
        "All figures are point estimates: the project list gives no ranges for reductions or costs, so the "
        "report cannot say how sure they are."
    ),
    "unc_no_portfolio": "There is no portfolio to test against the uncertainty.",
    "unc_intro": (
        "Reductions and costs are estimates. The study drew {draws} possible outcomes within the list's "
        "ranges ({distribution}) and recomputed the portfolio for each."
    ),
    "unc_caption": "The portfolio's outcome over {draws} draws: P10, P50 (median) and P90.",
    "unc_quantiles_text": (
        "The reduction is {p50} in a middle case. In 8 cases out of 10 it lies between {p10} and {p90}."
    ),
    "col_quantity": "Quantity",
    "row_reduction": "Reduction ({measure}, tonnes)",
    "row_cost": "Municipal cost (SEK)",
    "row_best": "Best reduction achievable per draw (tonnes)",
    "unc_budget": "The portfolio stays within the budget in {share} of the draws.",
    "unc_target": "The target is met in {share} of the draws.",
    "unc_no_target": "The scenario has no target to give a probability for.",
    "unc_steady": (
        "{steady} projects are chosen in at least 95% of the draws. {shaky} projects are chosen in some draws "
        "and not in others: those choices depend on the uncertain figures."
    ),
    "unc_robust": (
        "A cautious (robust) portfolio, the best in the worst {alpha} of the draws, gives {cvar} in those "
        "draws against {point_cvar} for the proposed one. Its price is {price} less reduction at the point "
        "estimates. Added: {added}. Removed: {removed}."
    ),
    "unc_robust_none": "No robust portfolio could be found.",
    "chart_uncertainty": "How sure is the reduction?",
    "chart_uncertainty_caption": (
        "How often the portfolio gives a given reduction over all draws, with P10, P50 and P90 marked."
    ),
    "chart_robustness": "How often is each project chosen?",
    "chart_robustness_caption": (
        "The share of draws in which the project is part of the best portfolio. Near 100% is a safe choice."
    ),
    "dist_pert": "PERT distribution",
    "dist_triangular": "triangular distribution",
    "dist_uniform": "uniform distribution",
    "method_intro": (
        "The choice is computed by integer optimisation and checked against every rule by code independent "
        "of the solver. The same input gives the same result; the checksum below identifies the input "
        "exactly."
    ),
    "m_sha": "Input checksum (SHA-256)",
    "m_sha_none": "not given",
    "m_source": "Project list",
    "m_projects": "Projects in the list",
    "m_scenario": "Scenario",
    "m_objective": "What is maximised",
    "m_solver": "Solver",
    "m_status": "Status",
    "m_gap": "Remaining margin to proven best",
    "m_time": "Computation time",
    "m_package": "Software version (klimatportfolj)",
    "m_python": "Python",
    "m_generated": "Report generated",
    "m_unnamed": "(unnamed)",
    "m_unknown": "unknown",
    "status_word_optimal": "proven best (optimal)",
    "status_word_feasible": "valid but not proven best (feasible)",
    "status_word_infeasible": "no choice satisfies the rules (infeasible)",
    "status_word_no_solution": "no choice within the time limit (no_solution)",
    "status_word_error": "error",
    # --- lifecycle economics (investment, operating costs and savings over the life) ---
    "summary_lifecycle": (
        "Over the measures' whole lives the portfolio costs <strong>{npc}</strong> in today's money "
        "(the present value of investments and operating costs at a discount rate of {rate} a year), or {eac} "
        "a year spread evenly. That is <strong>{per_t}</strong> counted over the lives."
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
        "and the operating costs of the measures already in operation. Savings from early measures so "
        "free money for later ones."
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
    "col_npc": "Lifecycle cost, present value",
    "col_lifecycle_per_t": "Lifecycle cost per tonne (SEK)",
    "col_payback": "Payback (years)",
    "funded_lifecycle_note": (
        "The lifecycle cost is the investment plus the operating costs over the life (savings subtracted), "
        "in today's money at a discount rate of {rate}. A minus sign means the measure saves more than it "
        "costs. The payback is the investment divided by the saving per year; – means the measure saves "
        "no money."
    ),
    # --- the budget per year ---
    "budget_intro_net": (
        "The budget per year with investments and operating costs. The budgets are net budgets: operating "
        "costs count against the budget, and savings (minus sign) make room for more measures."
    ),
    "budget_intro_investment": (
        "The budget per year. The budget is for the investments; operating costs and savings (minus sign) "
        "are shown but do not count against it."
    ),
    "budget_caption_net": "Net budget per year: the municipality's investments and operating costs (SEK).",
    "budget_caption_investment": "Budget per year: the municipality's investments, and operating costs outside the budget (SEK).",
    "budget_all_years": "whole period",
    "col_budget": "Budget",
    "col_investment": "Municipal investment",
    "col_opex": "Operating cost (− saving)",
    "col_used": "Counted against the budget",
    "col_left": "Left",
    # --- overlapping measures ---
    "interactions_intro": (
        "Some measures overlap: doing both cuts less than the sum of each on its own, because they partly "
        "cut the same emissions. Such overlaps are subtracted once for the portfolio, so nothing is "
        "counted twice. The overlaps in the portfolio lower the reduction counted by {tonnes}."
    ),
    "interactions_intro_none_active": (
        "Some measures overlap: doing both cuts less than the sum of each on its own. None of the "
        "scenario's overlaps is in the portfolio, because no overlap has all its measures funded; so "
        "nothing is counted twice."
    ),
    "interactions_caption": "Overlapping measures and how they count in the portfolio.",
    "col_interaction": "Overlap",
    "col_members": "Measures",
    "col_change_per_year": "Change per year (tonnes)",
    "col_active": "In the portfolio",
    "col_counted_change": "Change counted (tonnes)",
    "row_interactions": "Overlaps between measures (subtracted once)",
    # --- the lifecycle MACC ---
    "cost_lifecycle": (
        "Counted over the whole lives, with operating costs and savings and a discount rate of {rate}, the "
        "portfolio costs <strong>{per_t}</strong> (the present value of the costs divided by the present "
        "value of the tonnes)."
    ),
    "chart_macc_lifecycle": "Lifecycle cost per tonne of each project, cheapest tonne first",
    "chart_macc_lifecycle_caption": (
        "The same projects, but the height is the lifecycle cost per tonne: investment plus operating "
        "costs minus savings over the life, in today's money. Bars below zero are measures that pay for "
        "themselves: their savings exceed their cost, so every tonne also brings money back."
    ),
    "m_discount": "Discount rate (real)",
    "m_basis": "What the budget holds",
    "basis_investment": "investments",
    "basis_net": "net (investments and operating costs)",
}

TEXTS: dict[str, dict[str, str]] = {"sv": SV, "en": EN}
LANGUAGES: tuple[str, ...] = tuple(TEXTS)
