"""Company groups: the names one pharmaceutical group sponsors its trials under.

Registries name the sponsor as whoever applied. CTIS often names the subsidiary or affiliate that
holds the application ("Genzyme Corp.", "Janssen-Cilag International NV") where
ClinicalTrials.gov names the group ("Sanofi", "Johnson & Johnson"), and two unrelated companies
may share a word (Merck KGaA in Darmstadt and Merck Sharp & Dohme, "Merck & Co." in the USA).
This curated table lists, for each group, the names that mean it, as whole words in the form
``normalise_name`` gives (lower case, "&" and punctuation as spaces). Only ownership that holds
today is listed: a company sold or spun off (Organon, Sandoz) is not a member.
"""

import re

from .sitematch import normalise_name

# fmt: off
SPONSOR_GROUPS: dict[str, tuple[str, ...]] = {
    "Sanofi": ("sanofi", "genzyme"),
    "Johnson & Johnson": ("johnson johnson", "janssen", "actelion"),
    "Merck Sharp & Dohme": ("merck sharp dohme", "msd", "merck co"),
    "Merck KGaA": ("merck kgaa", "merck healthcare kgaa", "emd serono", "ares trading"),
    "Roche": ("roche", "genentech"),                # "F. Hoffmann-La Roche AG"
    "GlaxoSmithKline": ("glaxosmithkline", "gsk"),
    "AstraZeneca": ("astrazeneca", "medimmune", "alexion"),
    "Pfizer": ("pfizer", "wyeth"),
    "Bristol-Myers Squibb": ("bristol myers squibb", "celgene"),
    "AbbVie": ("abbvie", "allergan"),
    "Takeda": ("takeda", "shire"),
}
# fmt: on
_PATTERNS = {
    group: re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    for group, names in SPONSOR_GROUPS.items()
}


def sponsor_groups(name: str) -> frozenset[str]:
    """The company groups a sponsor's name belongs to ("Genzyme Corp." → Sanofi); none for a
    name the table does not know."""
    text = normalise_name(name or "")
    return frozenset(group for group, pattern in _PATTERNS.items() if pattern.search(text))
