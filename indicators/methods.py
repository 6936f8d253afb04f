"""The method text of every indicator: how the value is worked out, what is counted (numerator) and
what it is divided by (denominator), in the words the admin, the API and the reports show.

Kept beside the catalogue (``catalogue.CATALOGUE`` merges them into each ``Definition``) so that an
analyst can read every method in one place. Change the text and the catalogue's ``method_version``
together when a method changes.
"""

_CAPACITY = "Kapasitetstall som organisasjonene rapporterer for året"
_PERIOD_YEAR = (
    " Beregnes for året og for hittil i år (foreløpig), aldri for en måned, og sammenlignes med "
    "samme periode året før."
)

METHODS: dict[str, dict[str, str]] = {
    "participants-included": {
        "description": "Ulike personer med en inklusjon i en klinisk studie med inklusjonsdato i "
        "perioden, uansett tjenestenivå. En person telles én gang per omfang.",
        "numerator": "Ulike deltakere inkludert i perioden",
    },
    "participants-growth": {
        "description": "Prosentvis endring i antall nye deltakere fra samme periode året før."
        + _PERIOD_YEAR,
        "numerator": "Nye deltakere i perioden minus nye deltakere i samme periode året før",
        "denominator": "Nye deltakere i samme periode året før",
    },
    "kbs-reported-projects": {
        "description": "Antall kliniske behandlingsstudier (KBS) som prosjektlederne har meldt som "
        "rapporterbare for året i årsrapporteringen til Nasjonalt vitenarkiv (NVA), når "
        "rapporteringsperioden er ferdigstilt. En studie telles ved hvert helseforetak der et "
        "studiested rapporterte rekrutterte (uten lokale tall: ved helseforetaket som leder den), "
        "og én gang i regionen og nasjonalt. Bare for hele år.",
        "numerator": "KBS rapportert for året i den ferdigstilte rapporten",
    },
    "kbs-reported-recruited": {
        "description": "Antall pasienter rekruttert til kliniske behandlingsstudier i året slik "
        "prosjektlederne og de lokale prosjektlederne bekreftet dem i årsrapporteringen til NVA "
        "(forhåndsutfylt fra de registrerte inklusjonene), når rapporteringsperioden er "
        "ferdigstilt. Bare for hele år.",
        "numerator": "Rekrutterte pasienter rapportert for året, per studiested eller studie",
    },
    "kbs-share-specialist": {
        "description": "Den offisielle målemetoden (fra 2021): andelen av alle nye pasienter som "
        "ble utredet eller behandlet i spesialisthelsetjenesten i året, som ble rekruttert til en "
        "klinisk behandlingsstudie (KBS) samme år. Sykehus telles i helseforetaket de hører til; "
        "en person telles én gang per omfang. Nevneren er et dokumentert, manuelt rapportert tall "
        "(nasjonalt, per region eller per helseforetak) med kilde — aldri summen av "
        "kapasitetsskjemaer. Omfang uten rapportert nevner får antall rekrutterte, men ingen "
        "andel. Hittil i år er foreløpig og bruker siste rapporterte årstall som nevner."
        + _PERIOD_YEAR,
        "numerator": "Ulike pasienter rekruttert (inkludert) til KBS i perioden ved "
        "spesialisthelsetjenesten",
        "denominator": "Nye pasienter utredet eller behandlet i spesialisthelsetjenesten i året "
        "(manuelt rapportert, med kilde)",
    },
    "kbs-count": {
        "description": "Kliniske behandlingsstudier med minst ett studiested åpent for inklusjon "
        "en gang i perioden. En studie telles én gang per omfang.",
        "numerator": "Ulike KBS med åpent studiested i perioden",
    },
    "kbs-growth": {
        "description": "Prosentvis endring i antall KBS åpne for inklusjon fra samme periode året "
        "før." + _PERIOD_YEAR,
        "numerator": "KBS åpne i perioden minus KBS åpne i samme periode året før",
        "denominator": "KBS åpne i samme periode året før",
    },
    "studies-digital-share": {
        "description": "Andelen åpne studier som er registerstudier eller har desentraliserte "
        "elementer (på studien eller et studiested).",
        "numerator": "Åpne studier som er registerstudier eller desentraliserte",
        "denominator": "Alle studier med åpent studiested i perioden",
    },
    "industry-rd-investment": {
        "description": "Næringslivets FoU-investeringer i helse, rapportert manuelt for året.",
    },
    "participants-active": {
        "description": "Ulike personer med en inklusjon som løp en gang i perioden (inkludert før "
        "periodens slutt og ikke avsluttet før periodens start), i hele helsetjenesten.",
        "numerator": "Ulike deltakere med løpende inklusjon i perioden",
    },
    "participants-per-100k": {
        "description": "Nye deltakere i perioden per 100 000 innbyggere. Folketallet for en "
        "region er regionens kommuner, for et helseforetak kommunene i opptaksområdet "
        "(kommune → opptaksområde-tabellen), hvis ikke et tall er rapportert for omfanget selv. "
        "Deltakere telles der de er inkludert.",
        "numerator": "Ulike deltakere inkludert i perioden ved omfangets studiesteder",
        "denominator": "Folketall 1. januar (rapportert, med kilde) / 100 000",
    },
    "consents-digital": {
        "description": "Samtykker gitt eller gitt på nytt gjennom digital kanal, fra "
        "samtykkeloggen; omfanget er studiens ansvarlige organisasjon.",
        "numerator": "Samtykkehendelser (gitt/gitt på nytt) med kanal digital",
    },
    "studies-open-public": {
        "description": "Publiserte studier med minst ett studiested åpent for inklusjon i "
        "perioden.",
        "numerator": "Ulike publiserte studier med åpent studiested",
    },
    "approval-to-first-patient-days": {
        "description": "Median antall dager fra godkjenning til første registrerte inklusjon, for "
        "studier der den første inklusjonen var i perioden. Legemiddelutprøvinger (studier med "
        "DMP-godkjenning) regnes fra DMP-godkjenningen, andre studier fra REK-godkjenningen. "
        "Første pasient er den tidligste registrerte inklusjonen, ikke feltet «første pasient "
        "inkludert». Medianen vises først når minst 5 studier inngår.",
        "numerator": "Median dager fra godkjenning til første inklusjon",
        "denominator": "Studier med første inklusjon i perioden (n, minst 5)",
    },
    "enrolment-activity": {
        "description": "Inklusjoner som løp en gang i perioden (en person i to studier teller to "
        "ganger): volum av aktivitet knyttet til kliniske studier.",
        "numerator": "Løpende inklusjoner i perioden",
    },
    "phd-coverage": {
        "description": "Ansatte med doktorgrad per helseprofesjon, summert fra organisasjonenes "
        "kapasitetstall for året. Planen ber om «god dekning … innenfor ulike helseprofesjoner»; "
        "kapasitetsskjemaet har ikke antall ansatte per profesjon, så tallet er et antall per "
        "profesjon (ikke en andel). Dekningen viser hvor mange organisasjoner som har rapportert.",
        "numerator": "Ansatte med doktorgrad (per profesjon)",
    },
    "shared-positions": {
        "description": "Delte stillinger mellom forskning og klinikk, summert fra "
        "kapasitetstallene for året.",
        "numerator": "Delte stillinger forskning/klinikk",
    },
    "shared-university-positions": {
        "description": "Delte stillinger mellom universiteter og kommuner, summert fra "
        "kapasitetstallene for året (planens andre del av indikatoren om delte stillinger).",
        "numerator": "Delte stillinger universitet/kommune",
    },
    "research-person-years": {
        "description": "Forskningsårsverk i klinisk forskning, summert fra kapasitetstallene for "
        "året. Målet er dobling innen 2036 fra basisåret 2025.",
        "numerator": "Forskningsårsverk",
    },
    "industry-studies": {
        "description": "Studier med industrisponsor og minst ett åpent studiested i perioden.",
        "numerator": "Ulike studier med industrisponsor",
    },
    "industry-growth": {
        "description": "Prosentvis endring i antall studier med industrisponsor fra samme "
        "periode året før." + _PERIOD_YEAR,
        "numerator": "Industristudier i perioden minus samme periode året før",
        "denominator": "Industristudier i samme periode året før",
    },
    "agreements-cancelled": {
        "description": "Avtaler med sponsor kansellert i perioden, etter årsak.",
        "numerator": "Kansellerte avtaler",
    },
    "industry-delivered": {
        "description": "Antall studier med industrisponsor som avsluttet rekrutteringen i "
        "perioden og ble gjennomført i henhold til avtalen: ingen av studiens avtaler er "
        "kansellert, og alle milepæler (unntatt bortfalte) med planlagt dato før periodens slutt "
        "er nådd senest planlagt dato. Studien telles ved hver organisasjon den har avtale med.",
        "numerator": "Industristudier gjennomført i henhold til avtale",
    },
    "industry-delivered-share": {
        "description": "Studiene i «gjennomført i henhold til avtale» som andel av alle "
        "industristudier som avsluttet rekrutteringen i perioden.",
        "numerator": "Industristudier gjennomført i henhold til avtale",
        "denominator": "Industristudier som avsluttet rekrutteringen i perioden",
    },
    "feasibility-days": {
        "description": "Median dager fra en mulighetsvurdering ble mottatt til samlet svar ble "
        "sendt, for svar sendt i perioden.",
        "numerator": "Median dager fra mottatt til svar sendt",
        "denominator": "Mulighetsvurderinger besvart i perioden",
    },
    "feasibility-satisfaction": {
        "description": "Gjennomsnittlig tilfredshet (1–5) sponsorene oppga for "
        "mulighetsvurderinger med utfall rapportert i perioden.",
        "numerator": "Sum av skårer",
        "denominator": "Svar med skår",
    },
    "feasibility-portal-requests": {
        "description": "Antall henvendelser fra industrisponsor mottatt gjennom den nasjonale "
        "portalen for mulighetsvurdering i perioden.",
        "numerator": "Henvendelser mottatt via portalen",
    },
    "feasibility-portal-share": {
        "description": "Henvendelser via portalen som andel av alle henvendelser om "
        "mulighetsvurdering mottatt i perioden.",
        "numerator": "Henvendelser via portalen",
        "denominator": "Alle henvendelser om mulighetsvurdering",
    },
    "dmp-case-days-phase-1-2": {
        "description": "Gjennomsnittlig saksbehandlingstid for søknader om fase I- og II-studier, "
        "rapportert av DMP for året.",
    },
    "dmp-guidance-sessions": {
        "description": "Antall veiledninger knyttet til klinisk utprøving, rapportert av DMP.",
    },
    "dmp-faster-than-required": {
        "description": "Antall søknader behandlet med kortere tidsfrister enn regelverket krever, "
        "rapportert av DMP for året (et antall, ikke en andel).",
        "numerator": "Søknader behandlet raskere enn fristen",
    },
    "hds-tailored-deliveries": {
        "description": "Antall utleveringer av skreddersydd statistikk fra Helsedataservice.",
    },
    "hds-delivery-median-days": {
        "description": "Median leveringstid for data fra Helsedataservice, rapportert for året.",
    },
    "commercial-fpi-150-days": {
        "description": "Andelen industristudier med første pasient (feltet «første pasient "
        "inkludert») i perioden der første pasient kom innen 150 dager etter søknad.",
        "numerator": "Industristudier med første pasient innen 150 dager",
        "denominator": "Industristudier med første pasient i perioden og søknadsdato",
    },
    "open-within-60-days": {
        "description": "Studiesteder aktivert i perioden: andel aktivert innen 60 dager etter "
        "godkjenning (DMP for legemiddelutprøvinger, ellers REK).",
        "numerator": "Studiesteder aktivert innen 60 dager",
        "denominator": "Studiesteder aktivert i perioden",
    },
    "fpi-within-30-days": {
        "description": "Studier med første pasient i perioden: andel der første pasient kom innen "
        "30 dager etter at studien åpnet.",
        "numerator": "Studier med første pasient innen 30 dager",
        "denominator": "Studier med første pasient i perioden og åpningsdato",
    },
    "delivering-to-time-and-target": {
        "description": "Studier som avsluttet rekrutteringen i perioden: andel som gjorde det "
        "innen planlagt dato og med rekrutteringsmålet nådd.",
        "numerator": "Studier levert i tide og med målet nådd",
        "denominator": "Studier med rekrutteringsslutt i perioden og rekrutteringsmål",
    },
    "studies-per-million": {
        "description": "Intervensjonsstudier (kliniske behandlingsstudier og andre "
        "intervensjonsstudier) med åpent studiested i perioden, per million innbyggere. "
        "Europeiske registersammenligninger teller intervensjonsstudier, så observasjons- og "
        "registerstudier er holdt utenfor. Det manuelt rapporterte tallet for tredje beste land i "
        "Europa vises ved siden av (dekning).",
        "numerator": "Ulike intervensjonsstudier med åpent studiested",
        "denominator": "Folketall 1. januar / 1 000 000",
    },
    "population": {
        "description": "Folketall 1. januar for hele landet (SSB tabell 07459).",
    },
    "europe-studies-per-million-top3": {
        "description": "Studier per million innbyggere i landet som er nummer tre i Europa, "
        "rapportert manuelt fra europeiske registre (intervensjonsstudier).",
    },
    "eu-programme-return-share": {
        "description": "Norsk returandel innenfor den tematiske helsesatsningen i EUs "
        "rammeprogram, rapportert av Forskningsrådet.",
    },
    "eu-projects-norwegian-coordinator": {
        "description": "Prosjekter i EUs helsesatsning med norsk koordinator, rapportert av "
        "Forskningsrådet.",
    },
}
