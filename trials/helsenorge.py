"""helsenorge's study listing: its health categories, statuses and trust names, mapped to ours.

helsenorge.no lists clinical studies with health categories in Norwegian that follow HRCS's 21
categories, with a few names of its own. The curated table below gives, for each HRCS category,
the name helsenorge shows; ``HELSENORGE_CATEGORY_ALIASES`` lists the other names its listings use
for the same category (an importer reads them, the feed writes the main name). Names marked
"HRCS" are not seen in helsenorge's sample listings (ehelse/FNSP dummydata, 47 listings) and keep
the HRCS Norwegian label.
"""

from .models import Study

# fmt: off
HELSENORGE_CATEGORY_BY_HRCS: dict[str, str] = {
    "01": "Blod",
    "02": "Kreft",
    "03": "Hjerte og kar",
    "04": "Medfødte lidelser",
    "05": "Øre",                                # HRCS
    "06": "Øye",                                # HRCS
    "07": "Infeksjon",                          # HRCS
    "08": "Betennelse og immunsystem",
    "09": "Skader og ulykker",
    "10": "Mental helse",
    "11": "Stoffskifte og hormoner",
    "12": "Muskulatur og skjelett",
    "13": "Nevrologisk",
    "14": "Munnhule, mage og tarm",             # HRCS: "Munnhule, mage-tarm"
    "15": "Nyrer, urinveier og kjønnsorgan",
    "16": "Forplantning og fødsel",
    "17": "Lunger og luftveier",
    "18": "Hud",
    "19": "Hjerneslag",
    "20": "Generell helserelevans",
    "21": "Annet",                              # HRCS: "Andre"
}
# fmt: on
HELSENORGE_CATEGORY_ALIASES: dict[str, str] = {
    # helsenorge uses both for HRCS Neurological (14 of its 47 sample listings, 3 with both).
    "Hjernen og nervesystemet": "13",
    "Munnhule, mage-tarm": "14",
    "Andre": "21",
}

STATUS_OPEN = "Åpen for rekruttering"
STATUS_ONGOING = "Pågående"
HELSENORGE_STATUS: dict[str, str] = {
    Study.Status.OPEN: STATUS_OPEN,
    Study.Status.CLOSED: STATUS_ONGOING,
    Study.Status.SUSPENDED: STATUS_ONGOING,
}
"""The statuses helsenorge lists; a study in any other status is not in the feed."""


def helsenorge_category(hrcs_code: str) -> str:
    return HELSENORGE_CATEGORY_BY_HRCS[hrcs_code]


def hrcs_code_for_helsenorge_category(name: str) -> str | None:
    """The HRCS code of a category name in a helsenorge listing (main name or alias)."""
    name = name.strip()
    for code, main in HELSENORGE_CATEGORY_BY_HRCS.items():
        if main == name:
            return code
    return HELSENORGE_CATEGORY_ALIASES.get(name)


def helsenorge_trust_name(organisation_name: str) -> str:
    """A health trust as helsenorge names it: without the "HF" of the register name."""
    name = organisation_name.strip()
    return name[:-3] if name.endswith(" HF") else name
