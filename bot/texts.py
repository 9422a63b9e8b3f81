"""Every sentence the assistant composes in code, in bokmål (nb) and nynorsk (nn).

Catalog content (measures, concepts, vocabulary labels) lives in data/catalog;
this module holds the connecting phrases around it.
"""

from __future__ import annotations

from datetime import date
from typing import Dict, Sequence

MONTHS = {
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "desember"],
    "nn": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "desember"],
}

T: Dict[str, Dict[str, str]] = {
    # --- the guided form -------------------------------------------------
    "intro": {
        "nb": "Så bra! Jeg trenger bare å vite hvor dere jobber og hva behovet gjelder, så kommer forslagene.",
        "nn": "Så bra! Eg treng berre å vite kvar de jobbar og kva behovet gjeld, så kjem forslaga.",
    },
    # --- answer first: unknowns, skips, refinements -----------------------------
    "unknown_value": {"nb": "vet ikke", "nn": "veit ikkje"},
    "btn_dont_know": {"nb": "Vet ikke", "nn": "Veit ikkje"},
    "btn_show_now": {"nb": "Vis forslag nå", "nn": "Vis forslag no"},
    "skipped": {"nb": "Greit, da hopper jeg over det.", "nn": "Greitt, då hoppar eg over det."},
    "moved_on": {"nb": "Det fikk jeg ikke helt tak i, så jeg går videre uten det.",
                 "nn": "Det fekk eg ikkje heilt tak i, så eg går vidare utan det."},
    "assumed_sector": {"nb": "Jeg vet ikke hvor dere jobber ennå, så jeg viser tiltak for alle sektorer.",
                       "nn": "Eg veit ikkje kvar de jobbar enno, så eg viser tiltak for alle sektorar."},
    "assumed_theme": {"nb": "Uten et bestemt tema viser jeg tiltak der dere velger tema selv.",
                      "nn": "Utan eit bestemt tema viser eg tiltak der de vel tema sjølve."},
    "summary_nothing_known": {"nb": "alle sektorer og tema", "nn": "alle sektorar og tema"},
    "updated": {"nb": "Oppdatert med {changes}.", "nn": "Oppdatert med {changes}."},
    "change_pair": {"nb": "{what}: {value}", "nn": "{what}: {value}"},
    "guess": {"nb": "Jeg forstod det som {value} – stemmer det?",
              "nn": "Eg forstod det som {value} – stemmer det?"},
    "btn_guess_yes": {"nb": "Ja, {value}", "nn": "Ja, {value}"},
    "read_as": {"nb": "Jeg forstod behovet som {value}.", "nn": "Eg forstod behovet som {value}."},
    "btn_refine_audience": {"nb": "Hvem gjelder det?", "nn": "Kven gjeld det?"},
    "btn_refine_role": {"nb": "Din rolle", "nn": "Rolla di"},
    "btn_refine_anchoring": {"nb": "Er det forankret?", "nn": "Er det forankra?"},
    "btn_refine_duration": {"nb": "Hvor lenge?", "nn": "Kor lenge?"},
    "btn_refine_theme": {"nb": "Velg tema", "nn": "Vel tema"},
    "btn_refine_sector": {"nb": "Velg sektor", "nn": "Vel sektor"},
    "why_ask_sector": {"nb": "Hvor jobber dere? Velg under, så tilpasser jeg forslagene.",
                       "nn": "Kvar jobbar de? Vel under, så tilpassar eg forslaga."},
    "sector_barnehage": {"nb": "Barnehage", "nn": "Barnehage"},
    "sector_grunnskole": {"nb": "Skole", "nn": "Skule"},
    "sector_sfo": {"nb": "SFO", "nn": "SFO"},
    "sector_videregaende": {"nb": "Videregående", "nn": "Vidaregåande"},
    "sector_ppt": {"nb": "PP-tjenesten", "nn": "PP-tenesta"},
    "sector_fagopplaering": {"nb": "Lærebedrift", "nn": "Lærebedrift"},
    "why_ask_anchoring": {
        "nb": "Tiltak virker best når ledelse og eier står bak – si gjerne hvor godt behovet er forankret, så tilpasser jeg rådene.",
        "nn": "Tiltak verkar best når leiing og eigar står bak – sei gjerne kor godt behovet er forankra, så tilpassar eg råda.",
    },
    "why_ask_duration": {
        "nb": "Kompetanseutvikling over tid virker bedre enn enkeltkurs – si gjerne hvor lenge dere ser for dere.",
        "nn": "Kompetanseutvikling over tid verkar betre enn enkeltkurs – sei gjerne kor lenge de ser for dykk.",
    },
    "funded_via": {"nb": "gjennom {names}", "nn": "gjennom {names}"},
    "see_uncertain": {"nb": "(noe er ikke bekreftet – se «Fortell mer»)",
                      "nn": "(noko er ikkje stadfesta – sjå «Fortel meir»)"},
    "see_read_more": {"nb": "(noe er ikke bekreftet – se «Les mer»)", "nn": "(noko er ikkje stadfesta – sjå «Les meir»)"},
    "noted_other": {"nb": "Notert: {values}.", "nn": "Notert: {values}."},
    "noted": {"nb": "Du skrev {values} – det har jeg notert.",
              "nn": "Du skreiv {values} – det har eg notert."},
    "ask_sector": {
        "nb": "Hvor jobber dere? Barnehage, skole, SFO, videregående, PP-tjenesten eller fag- og yrkesopplæring?",
        "nn": "Kvar jobbar de? Barnehage, skule, SFO, vidaregåande, PP-tenesta eller fag- og yrkesopplæring?",
    },
    "ask_theme": {
        "nb": "Hva handler behovet om? Velg et tema under, eller skriv med egne ord.",
        "nn": "Kva handlar behovet om? Vel eit tema under, eller skriv med eigne ord.",
    },
    "ask_audience": {"nb": "Hvem gjelder det?", "nn": "Kven gjeld det?"},
    "ask_role": {
        "nb": "Hvilken rolle har de (eller du) det gjelder? For eksempel lærer, barnehagelærer, assistent, fagarbeider, leder eller PP-rådgiver.",
        "nn": "Kva rolle har dei (eller du) det gjeld? Til dømes lærar, barnehagelærar, assistent, fagarbeidar, leiar eller PP-rådgjevar.",
    },
    "ask_anchoring": {
        "nb": "Hvor godt er behovet forankret? Er eier og ledelse med, og har de ansatte vært med på å peke ut behovet?",
        "nn": "Kor godt er behovet forankra? Er eigar og leiing med, og har dei tilsette vore med på å peike ut behovet?",
    },
    "ask_duration": {"nb": "Hvor lang tid ser dere for dere?", "nn": "Kor lang tid ser de for dykk?"},
    "not_understood_slot": {
        "nb": "Det fikk jeg ikke helt med meg.",
        "nn": "Det fekk eg ikkje heilt med meg.",
    },
    "choose_below": {"nb": "Velg ett av alternativene under, eller skriv med egne ord.",
                     "nn": "Vel eitt av alternativa under, eller skriv med eigne ord."},
    "changed": {"nb": "Da endrer jeg {what} til {value}.", "nn": "Då endrar eg {what} til {value}."},
    "role_reset": {"nb": "Rollen du nevnte, finnes ikke i den sektoren, så jeg ser bort fra den – trykk «Din rolle» om du vil gi den på nytt.",
                   "nn": "Rolla du nemnde, finst ikkje i den sektoren, så eg ser bort frå henne – trykk «Rolla di» om du vil gi henne på nytt."},
    "invalid_value": {"nb": "«{value}» kjenner jeg ikke igjen som {what}.",
                      "nn": "«{value}» kjenner eg ikkje att som {what}."},
    "resume": {"nb": "Da fortsetter vi der vi var.", "nn": "Då held vi fram der vi var."},
    # --- criteria names --------------------------------------------------
    "crit_sector": {"nb": "sektor", "nn": "sektor"},
    "crit_theme": {"nb": "tema", "nn": "tema"},
    "crit_audience": {"nb": "hvem det gjelder", "nn": "kven det gjeld"},
    "crit_role": {"nb": "rolle", "nn": "rolle"},
    "crit_anchoring": {"nb": "forankring", "nn": "forankring"},
    "crit_duration": {"nb": "varighet", "nn": "varigheit"},
    "crit_form": {"nb": "form (individuelt/kollektivt)", "nn": "form (individuelt/kollektivt)"},
    # --- results ---------------------------------------------------------
    "results_header": {"nb": "{count} tiltak som passer ({summary}):",
                       "nn": "{count} tiltak som passar ({summary}):"},
    "results_partial_header": {
        "nb": "Jeg fant {full} tiltak som passer alle svarene dine, og tar med de nærmeste ({summary}):",
        "nn": "Eg fann {full} tiltak som passar alle svara dine, og tek med dei næraste ({summary}):",
    },
    "more_header": {"nb": "Flere forslag ({summary}):", "nn": "Fleire forslag ({summary}):"},
    "next_step": {"nb": "Hva vil du gjøre nå?", "nn": "Kva vil du gjere no?"},
    "feedback_thanks": {"nb": "Takk for tilbakemeldingen!", "nn": "Takk for tilbakemeldinga!"},
    "feedback_how": {
        "nb": "Takk! Gi gjerne tilbakemelding med tommel opp eller ned («Nyttig forslag» / «Ikke nyttig forslag») under hvert forslag, eller svar på «Fikk du svar?» etter forslagene.",
        "nn": "Takk! Gje gjerne tilbakemelding med tommel opp eller ned («Nyttig forslag» / «Ikkje nyttig forslag») under kvart forslag, eller svar på «Fekk du svar?» etter forslaga."},
    "no_more": {"nb": "Det var alle forslagene jeg har for disse svarene.",
                "nn": "Det var alle forslaga eg har for desse svara."},
    "no_match": {
        "nb": "Jeg fant ingen tiltak som passer alle svarene ({summary}). Det som stopper, er {blocking}.",
        "nn": "Eg fann ingen tiltak som passar alle svara ({summary}). Det som stoppar, er {blocking}.",
    },
    "relax_question": {"nb": "Vil du se tiltak om jeg endrer på noe av dette?",
                       "nn": "Vil du sjå tiltak om eg endrar på noko av dette?"},
    "closest": {"nb": "Det nærmeste jeg har:", "nn": "Det næraste eg har:"},
    "fits_because": {"nb": "Passer fordi", "nn": "Passar fordi"},
    "does_not_fit": {"nb": "Passer ikke helt", "nn": "Passar ikkje heilt"},
    "funding": {"nb": "Finansiering", "nn": "Finansiering"},
    "apply": {"nb": "Hvem søker", "nn": "Kven søkjer"},
    "deadlines": {"nb": "Frister", "nn": "Fristar"},
    "source": {"nb": "Kilde", "nn": "Kjelde"},
    "last_checked": {"nb": "sist kontrollert {date}", "nn": "sist kontrollert {date}"},
    "uncertain": {"nb": "Usikkert", "nn": "Usikkert"},
    "period_from": {"nb": "fra {date}", "nn": "frå {date}"},
    "period_until": {"nb": "gjaldt til {date}", "nn": "galdt til {date}"},
    "period_between": {"nb": "{start}–{end}", "nn": "{start}–{end}"},
    "replaced_by": {"nb": "Erstattet av: {names}.", "nn": "Erstatta av: {names}."},
    "source_of_first": {"nb": "Nr. {n} – {source}", "nn": "Nr. {n} – {source}"},
    "search_candidates": {"nb": "Den finner jeg ikke under det navnet. Mente du en av disse?",
                          "nn": "Den finn eg ikkje under det namnet. Meinte du ei av desse?"},
    "replaces": {"nb": "Erstatter {names}.", "nn": "Erstattar {names}."},
    "credits_line": {"nb": "Omfang: {n} studiepoeng.", "nn": "Omfang: {n} studiepoeng."},
    # why-text parts
    "why_theme": {"nb": "handler om {theme}", "nn": "handlar om {theme}"},
    "why_theme_any": {"nb": "dere velger temaet selv ({theme} går fint)",
                      "nn": "de vel temaet sjølve ({theme} går fint)"},
    "why_role_all": {"nb": "for hele personalet", "nn": "for heile personalet"},
    "why_role": {"nb": "for {role}", "nn": "for {role}"},
    "why_form_kollektiv": {"nb": "kollektivt", "nn": "kollektivt"},
    "why_form_individuell": {"nb": "individuelt", "nn": "individuelt"},
    "why_form_begge": {"nb": "både individuelt og kollektivt", "nn": "både individuelt og kollektivt"},
    "why_duration": {"nb": "varighet: {duration}", "nn": "varigheit: {duration}"},
    "unmet_theme": {"nb": "tar ikke for seg {theme}", "nn": "tek ikkje for seg {theme}"},
    "unmet_role": {"nb": "er ikke laget for {role}", "nn": "er ikkje laga for {role}"},
    "unmet_form": {"nb": "er {form}, ikke {wanted}", "nn": "er {form}, ikkje {wanted}"},
    "unmet_duration": {"nb": "varer {actual}, ikke {wanted}", "nn": "varer {actual}, ikkje {wanted}"},
    "form_individuell": {"nb": "individuelt", "nn": "individuelt"},
    "form_kollektiv": {"nb": "kollektivt", "nn": "kollektivt"},
    "form_begge": {"nb": "både individuelt og kollektivt", "nn": "både individuelt og kollektivt"},
    "duration_kort": {"nb": "kort tid", "nn": "kort tid"},
    "duration_aar": {"nb": "omtrent et år", "nn": "omtrent eitt år"},
    "duration_flerarig": {"nb": "flere år", "nn": "fleire år"},
    # advice (Udir's success factors)
    "advice_anchor_first": {
        "nb": "Råd: Forankring er en av de viktigste suksessfaktorene. Ta behovet med til eier og ledelse, og la de ansatte være med på å beskrive det, før dere velger tiltak eller melder behov.",
        "nn": "Råd: Forankring er ein av dei viktigaste suksessfaktorane. Ta behovet med til eigar og leiing, og la dei tilsette vere med på å skildre det, før de vel tiltak eller melder behov.",
    },
    "advice_anchor_first_individual": {
        "nb": "Råd: Snakk med leder og eier om behovet før du søker. Når det også er et behov for arbeidsplassen, er det lettere å få fri og støtte, og det du lærer, kommer flere til gode.",
        "nn": "Råd: Snakk med leiaren og eigar om behovet før du søkjer. Når det òg er eit behov for arbeidsplassen, er det lettare å få fri og støtte, og det du lærer, kjem fleire til gode.",
    },
    "advice_anchor_more_individual": {
        "nb": "Råd: Behovet er delvis forankret. Avklar med leder og eier at det også er et behov for arbeidsplassen – da er det lettere å få fri og støtte.",
        "nn": "Råd: Behovet er delvis forankra. Avklar med leiaren og eigar at det òg er eit behov for arbeidsplassen – då er det lettare å få fri og støtte.",
    },
    "advice_anchor_more": {
        "nb": "Råd: Behovet er delvis forankret. Få med eier (og de ansatte) før dere melder behov – det gjør tiltaket mer varig.",
        "nn": "Råd: Behovet er delvis forankra. Få med eigar (og dei tilsette) før de melder behov – det gjer tiltaket meir varig.",
    },
    "advice_over_time": {
        "nb": "Råd: Kompetanseutvikling virker best over tid, med utprøving og refleksjon i fellesskapet. Et kurs kan være en god start – planlegg gjerne hvordan dere følger det opp.",
        "nn": "Råd: Kompetanseutvikling verkar best over tid, med utprøving og refleksjon i fellesskapet. Eit kurs kan vere ein god start – planlegg gjerne korleis de følgjer det opp.",
    },
    "advice_individual_for_collective": {
        "nb": "Merk: Noen av forslagene er individuelle tiltak. For et felles behov bør de kombineres med noe hele personalet gjør sammen.",
        "nn": "Merk: Nokre av forslaga er individuelle tiltak. For eit felles behov bør dei kombinerast med noko heile personalet gjer saman.",
    },
    "advice_share_individual": {
        "nb": "Tips: Individuell kompetanseutvikling bør også komme fellesskapet til gode – avtal med leder hvordan det dere lærer, deles.",
        "nn": "Tips: Individuell kompetanseutvikling bør òg kome fellesskapet til gode – avtal med leiaren korleis det de lærer, blir delt.",
    },
    # buttons
    "btn_more_about": {"nb": "Fortell mer om {n}", "nn": "Fortel meir om {n}"},
    "btn_about": {"nb": "Om {name}", "nn": "Om {name}"},
    "btn_apply": {"nb": "Hvordan søker vi?", "nn": "Korleis søkjer vi?"},
    "btn_show_more": {"nb": "Vis flere", "nn": "Vis fleire"},
    "btn_change": {"nb": "Endre et svar", "nn": "Endre eit svar"},
    "btn_summary": {"nb": "Lag oppsummering", "nn": "Lag samandrag"},
    "btn_restart": {"nb": "Start på nytt", "nn": "Start på nytt"},
    "btn_funding": {"nb": "Hvordan finansieres det?", "nn": "Korleis blir det finansiert?"},
    "btn_deadline": {"nb": "Frister", "nn": "Fristar"},
    "btn_back": {"nb": "Tilbake til forslagene", "nn": "Tilbake til forslaga"},
    "btn_relax": {"nb": "Vis tiltak: {value}", "nn": "Vis tiltak: {value}"},
    "relax_for": {"nb": "for {value}", "nn": "for {value}"},
    "btn_find_measures": {"nb": "Forslag til tiltak", "nn": "Forslag til tiltak"},
    "change_which": {"nb": "Hvilket svar vil du endre?", "nn": "Kva svar vil du endre?"},
    # details and knowledge
    "which_measure": {
        "nb": "Hvilket tiltak tenker du på? Skriv navnet, eller velg nummeret fra forslagene.",
        "nn": "Kva tiltak tenkjer du på? Skriv namnet, eller vel nummeret frå forslaga.",
    },
    "no_suggestions_yet": {
        "nb": "Jeg har ikke foreslått noe ennå. Vil du at jeg skal finne tiltak som passer?",
        "nn": "Eg har ikkje føreslått noko enno. Vil du at eg skal finne tiltak som passar?",
    },
    # yes/no answers from the catalog's facts (bot.knowledge.verdicts)
    "fact_yes": {"nb": "Ja.", "nn": "Ja."},
    "fact_no": {"nb": "Nei.", "nn": "Nei."},
    "fact_unsure": {"nb": "Det er usikkert.", "nn": "Det er usikkert."},
    "uncertain_count": {"nb": "Noe er ikke bekreftet: {n} forbehold står under «Les mer».",
                        "nn": "Noko er ikkje stadfesta: {n} atterhald står under «Les meir»."},
    "more_uncertain": {"nb": "({n} forbehold til står under «Les mer».)", "nn": "({n} atterhald til står under «Les meir».)"},
    "btn_read_more": {"nb": "Les mer om {name}", "nn": "Les meir om {name}"},
    "outside_offer": {
        "nb": "Det jeg kan hjelpe med, er å finne kompetansetiltak og forklare tilskuddsordningene – for eksempel hva videreutdanningsordningen fra 2026 dekker.",
        "nn": "Det eg kan hjelpe med, er å finne kompetansetiltak og forklare tilskotsordningane – til dømes kva vidareutdanningsordninga frå 2026 dekkjer.",
    },
    "unknown_measure": {
        "nb": "Det tiltaket eller den ordningen finner jeg ikke i katalogen min.",
        "nn": "Det tiltaket eller den ordninga finn eg ikkje i katalogen min.",
    },
    "apply_intro": {"nb": "Slik søker dere:", "nn": "Slik søkjer de:"},
    "funding_intro": {"nb": "Slik finansieres det:", "nn": "Slik blir det finansiert:"},
    "deadlines_intro": {"nb": "Frister:", "nn": "Fristar:"},
    "no_deadline": {
        "nb": "{name}: Jeg kjenner ikke til noen fast frist. Sjekk kilden eller spør statsforvalteren.",
        "nn": "{name}: Eg kjenner ikkje til nokon fast frist. Sjekk kjelda eller spør statsforvaltaren.",
    },
    "funded_by": {"nb": "Kan finansieres gjennom: {names}.", "nn": "Kan finansierast gjennom: {names}."},
    # A route the reference does not confirm (or through a scheme whose 2026 status is not confirmed),
    # and a route through a scheme that has ended.
    "funded_by_uncertain": {"nb": "Mulig finansiering, ikke bekreftet: {names}.",
                            "nn": "Mogleg finansiering, ikkje stadfesta: {names}."},
    "funded_by_past": {"nb": "Tidligere finansiert gjennom: {names}.",
                       "nn": "Tidlegare finansiert gjennom: {names}."},
    "applies_to": {"nb": "Gjelder", "nn": "Gjeld"},
    "requires": {"nb": "Krav for å delta", "nn": "Krav for å delta"},
    "for_roles": {"nb": "for {roles}", "nn": "for {roles}"},
    # direct answers to "gjelder det for SFO også?" (bot.knowledge.eligibility)
    "verb_applies": {"nb": "gjelder", "nn": "gjeld"},
    "verb_applied": {"nb": "gjaldt", "nn": "galdt"},
    "elig_yes": {"nb": "Ja, {name} {verb} også {who}.", "nn": "Ja, {name} {verb} òg {who}."},
    "elig_no": {"nb": "Nei, {name} {verb} {covered}, ikke {who}.",
                "nn": "Nei, {name} {verb} {covered}, ikkje {who}."},
    "elig_other": {"nb": "For {who} kan du se på {name}.", "nn": "For {who} kan du sjå på {name}."},
    "elig_unsure_yes": {
        "nb": "Etter det vi vet, {verb} {name} også {who}, men ikke alt om dette er avklart – se «Usikkert» under og sjekk kilden.",
        "nn": "Etter det vi veit, {verb} {name} òg {who}, men ikkje alt om dette er avklart – sjå «Usikkert» under og sjekk kjelda.",
    },
    "elig_unsure_no": {
        "nb": "Etter det vi vet, {verb} {name} ikke {who}, men ikke alt om dette er avklart – se «Usikkert» under og sjekk kilden.",
        "nn": "Etter det vi veit, {verb} {name} ikkje {who}, men ikkje alt om dette er avklart – sjå «Usikkert» under og sjekk kjelda.",
    },
    "elig_described": {
        "nb": "Beskrivelsen av {name} nevner {who}, men {who} står ikke i målgruppen, så svaret er ikke sikkert – sjekk kilden.",
        "nn": "Skildringa av {name} nemner {who}, men {who} står ikkje i målgruppa, så svaret er ikkje sikkert – sjekk kjelda.",
    },
    "current_now": {"nb": "Dette gjelder nå ({period}).", "nn": "Dette gjeld no ({period})."},
    "in_force": {"nb": "gjeldende", "nn": "gjeldande"},
    "in_doubt": {"nb": "Om dette fortsatt gjelder etter endringene 1. januar 2026, er ikke bekreftet – se «Usikkert» under.",
                 "nn": "Om dette framleis gjeld etter endringane 1. januar 2026, er ikkje stadfesta – sjå «Usikkert» under."},
    "no_deadline_short": {"nb": "Jeg kjenner ikke til noen fast frist for dette. Sjekk kilden eller spør statsforvalteren.",
                          "nn": "Eg kjenner ikkje til nokon fast frist for dette. Sjekk kjelda eller spør statsforvaltaren."},
    "historic_ended": {"nb": "Dette er en tidligere ordning som ikke lenger gjelder ({period}).",
                       "nn": "Dette er ei tidlegare ordning som ikkje lenger gjeld ({period})."},
    "historic_ended_undated": {
        "nb": "Dette er en tidligere ordning som ikke er blant ordningene som gjelder nå; når den ble avsluttet, står ikke i kildene.",
        "nn": "Dette er ei tidlegare ordning som ikkje er blant ordningane som gjeld no; når ho vart avslutta, står ikkje i kjeldene."},
    "not_yet": {"nb": "Dette gjelder først fra {date}.", "nn": "Dette gjeld først frå {date}."},
    "historic_now": {"nb": "Dette er en tidligere ordning som ikke lenger gjelder; den er erstattet av {names}.",
                     "nn": "Dette er ei tidlegare ordning som ikkje lenger gjeld; ho er erstatta av {names}."},
    # «finnes rekomp fortsatt?» answered from the declared status (bot.knowledge.verdicts)
    "status_ended": {"nb": "{name} gjaldt til {end} og gjelder ikke lenger.", "nn": "{name} galdt til {end} og gjeld ikkje lenger."},
    "status_ended_undated": {"nb": "{name} gjelder ikke lenger.", "nn": "{name} gjeld ikkje lenger."},
    "status_replaced": {"nb": "Den er erstattet av {names}.", "nn": "Ho er erstatta av {names}."},
    "status_current": {"nb": "{name} gjelder nå ({period}).", "nn": "{name} gjeld no ({period})."},
    "status_current_undated": {"nb": "{name} gjelder nå.", "nn": "{name} gjeld no."},
    "status_unsure": {"nb": "Om {name} fortsatt gjelder etter endringene 1. januar 2026, er ikke bekreftet.",
                      "nn": "Om {name} framleis gjeld etter endringane 1. januar 2026, er ikkje stadfesta."},
    "concept_unknown": {
        "nb": "Det kan jeg forklare: velg et tema under.",
        "nn": "Det kan eg forklare: vel eit tema under.",
    },
    "db_down": {
        "nb": "Beklager, jeg får ikke kontakt med tiltaksdatabasen akkurat nå. Prøv igjen om litt – svarene dine er tatt vare på.",
        "nn": "Orsak, eg får ikkje kontakt med tiltaksdatabasen akkurat no. Prøv igjen om litt – svara dine er tekne vare på.",
    },
    "clarify": {"nb": "Mente du noe av dette?", "nn": "Meinte du noko av dette?"},
    "clarify_hint": {
        "nb": "Beklager, det forstod jeg ikke. Prøv å skrive kort hva du trenger, for eksempel «forslag til tiltak om språk i barnehage» eller «hva er rekomp?».",
        "nn": "Orsak, det forstod eg ikkje. Prøv å skrive kort kva du treng, til dømes «forslag til tiltak om språk i barnehage» eller «kva er rekomp?».",
    },
    "clarify_help": {
        "nb": "Jeg klarer dessverre ikke å svare på dette. Statsforvalteren i fylket ditt og Udir kan hjelpe: https://www.statsforvalteren.no og https://www.udir.no/kvalitet-og-kompetanse/",
        "nn": "Eg klarer dessverre ikkje å svare på dette. Statsforvaltaren i fylket ditt og Udir kan hjelpe: https://www.statsforvalteren.no og https://www.udir.no/kvalitet-og-kompetanse/",
    },
    "too_long": {
        "nb": "Meldingen er veldig lang. Kan du skrive kort hva du trenger (under {limit} tegn)?",
        "nn": "Meldinga er svært lang. Kan du skrive kort kva du treng (under {limit} teikn)?",
    },
}

INTENT_LABELS = {
    "request_measures": {"nb": "Forslag til tiltak", "nn": "Forslag til tiltak"},
    "ask_measure": {"nb": "Om en ordning eller et tiltak", "nn": "Om ei ordning eller eit tiltak"},
    "ask_concept": {"nb": "Forklaring av et begrep", "nn": "Forklaring av eit omgrep"},
    "ask_deadline": {"nb": "Frister", "nn": "Fristar"},
    "ask_apply": {"nb": "Hvem kan søke, og hvordan", "nn": "Kven kan søkje, og korleis"},
    "ask_funding": {"nb": "Finansiering", "nn": "Finansiering"},
    "ask_help": {"nb": "Hva kan du hjelpe med?", "nn": "Kva kan du hjelpe med?"},
}


def t(key: str, lang: str, **kwargs: object) -> str:
    entry = T[key]
    text = entry.get(lang) or entry["nb"]
    return text.format(**kwargs) if kwargs else text


def join_and(items: Sequence[str]) -> str:
    """'a, b og c' (the same word in bokmål and nynorsk)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def format_date(d: date, lang: str) -> str:
    return f"{d.day}. {MONTHS.get(lang, MONTHS['nb'])[d.month - 1]} {d.year}"
