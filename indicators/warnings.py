"""The warnings beside an indicator value, one template each.

They are written in Bokmål when a value is computed and stored with it (the public API and the
monthly reports show them as written); the admin shows them in the reader's language by reading
the stored text back against the same templates (``warning_shown``).
"""

import re

from django.utils.translation import gettext, gettext_noop

REFERENCE_YEAR = gettext_noop("Nevneren/tallet gjelder %(reference)s, ikke %(year)s.")
UNKNOWN_SHARE = {
    "unknown_sex_share": gettext_noop("%(share)s %% av personene har ukjent kjønn."),
    "unknown_age_share": gettext_noop("%(share)s %% av personene har ukjent alder."),
}
MUNICIPALITIES_MISSING = gettext_noop(
    "%(missing)s av %(total)s kommuner mangler folketall for %(year)s: folketallet er for lavt "
    "og raten for høy."
)
DENOMINATOR_MISSING = gettext_noop(
    "Ingen rapportert nevner for dette omfanget: andelen beregnes ikke."
)
BELOW_MIN_N = gettext_noop("Median vises ikke: %(n)s studier, minst %(min_n)s kreves.")
REPORTING_CHANGED = gettext_noop(
    "Dekningen er endret: %(now)s organisasjoner har rapportert grunnlaget mot %(before)s i "
    "%(label)s; endringen i verdien kan skyldes det."
)
UNKNOWN_SHARE_CHANGED = {
    "unknown_sex_share": gettext_noop(
        "Andelen med ukjent kjønn er endret fra %(before)s %% til %(now)s %% mot %(label)s."
    ),
    "unknown_age_share": gettext_noop(
        "Andelen med ukjent alder er endret fra %(before)s %% til %(now)s %% mot %(label)s."
    ),
}
DENOMINATOR_YEAR_CHANGED = gettext_noop(
    "Nevneren er byttet fra %(before)s-tall til %(now)s-tall mot %(label)s."
)
VALUE_JUMP = gettext_noop(
    "Verdien er endret med %(change)s %% mot %(label)s: kontroller at grunnlaget er komplett "
    "før tallet brukes."
)

TEMPLATES = (
    REFERENCE_YEAR,
    *UNKNOWN_SHARE.values(),
    MUNICIPALITIES_MISSING,
    DENOMINATOR_MISSING,
    BELOW_MIN_N,
    REPORTING_CHANGED,
    *UNKNOWN_SHARE_CHANGED.values(),
    DENOMINATOR_YEAR_CHANGED,
    VALUE_JUMP,
)


def _pattern(template: str) -> re.Pattern[str]:
    """The stored text a template gives, with each ``%(name)s`` as a named group."""
    parts = re.split(r"%\((\w+)\)s", template.replace("%%", "%"))
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$")


_PATTERNS = [(template, _pattern(template)) for template in TEMPLATES]


def warning_shown(text: str) -> str:
    """A stored warning in the active language (a text no template gave is shown as stored)."""
    for template, pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            return gettext(template) % match.groupdict()
    return text
