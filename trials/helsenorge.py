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

# What kind of study a listing describes, read from its title and summary (helsenorge gives no
# study type: ``kategorier`` are health categories). The first group whose wording the text holds
# decides, in this order: a registry study, an observational study (following, interviewing or
# measuring participants without changing their treatment), implementation research (improving
# how care is given), a study of a method, instrument or tool (other interventional), and a
# clinical treatment study (a treatment given to find out whether it works). A listing with none
# of these is "other interventional": a study patients take part in, not counted as a KBS
# without a sign that it tries out a treatment. Matched as parts of words (Norwegian compounds:
# "luktetrening", "ultralydmetode"), in lower case.
C = Study.Category
HELSENORGE_STUDY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (C.REGISTRY, ("registerstudie", "registerdata", "data fra registre", "helseregistre",
                  "kvalitetsregister")),
    (C.OBSERVATIONAL, ("intervju", "følge opp", "oppfølging av", "hvordan det går",
                       "hvordan går", "kartlegge", "kartlegger", "spørreskjema", "spørre om",
                       "måling av", "observasjon")),
    (C.IMPLEMENTATION, ("implementer", "ta i bruk", "tas i bruk", "forbedre behandlingen",
                        "kvaliteten på")),
    (C.OTHER_INTERVENTIONAL, ("metode for", "instrument", "skåringsverktøy", "skåringssystem",
                              "navigasjon", "påliteligheten")),
    (C.KBS, ("effekt", "placebo", "sammenlign", "sammenlikn", "legemid", "medikament",
             "cellegift", "stråle", "behandling", "behandles", "nytte av", "overlevelse",
             "trening", "botox", "injeksjon", "stimulering", "tilskudd", "intervensjon",
             "rehabilitering")),
)  # fmt: skip


def study_category_for_listing(*texts: str) -> str:
    """The study category a helsenorge listing's title and summary describe (see above)."""
    text = " ".join(t for t in texts if t).lower()
    for category, words in HELSENORGE_STUDY_WORDS:
        if any(word in text for word in words):
            return category
    return C.OTHER_INTERVENTIONAL


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
