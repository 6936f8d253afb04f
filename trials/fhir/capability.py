"""The CapabilityStatement (``GET /fhir/metadata``): what this FHIR server does, for clients
that read it before they search."""

from django.utils.translation import gettext

FHIR_VERSION = "4.3.0"  # R4B
# When the capabilities last changed; a client may compare it with the copy it has.
CAPABILITY_DATE = "2026-11-30"

SEARCH_PARAMS = [
    ("_id", "token", "Studiens id (KS…), flere med komma."),
    ("identifier", "token", "system|verdi eller verdi: NCT, EU CT, EudraCT, REK, ISRCTN."),
    ("title", "string", "Vitenskapelig tittel: begynner med (:contains, :exact)."),
    ("status", "token", "Status i research-study-status, flere med komma."),
    ("condition", "token", "Tilstand slik den er skrevet (:text for del av teksten)."),
    ("keyword", "string", "Fritekst i titler, sammendrag og tilstander."),
    ("_lastUpdated", "date", "Sist endret, med prefiks (ge2024-01-01, lt…)."),
]


def capability_statement(*, base: str) -> dict:
    search_params = [
        {"name": name, "type": kind, "documentation": doc} for name, kind, doc in SEARCH_PARAMS
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "Kliniske studier i Norge",
        "kind": "instance",
        "software": {"name": "Kliniske studier i Norge"},
        "implementation": {
            "description": gettext("Publiserte kliniske studier i Norge (les-tilgang)."),
            "url": base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": gettext(
                    "Ukjente søkeparametere ignoreres, med mindre Prefer: handling=strict er satt."
                ),
                "resource": [
                    {
                        "type": "ResearchStudy",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": search_params,
                    }
                ],
            }
        ],
    }
