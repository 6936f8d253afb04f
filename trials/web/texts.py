"""What the study pages say about a study in words: its state, its phase and kind, its registries."""

from typing import TYPE_CHECKING, NamedTuple

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Study

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class StatusInWords(NamedTuple):
    headline: "str | StrPromise"
    explanation: "str | StrPromise"
    css: str  # status-open or status-closed


def ages_in_words(study: Study) -> str:
    """Who may take part by age: "Fra 18 til 65 år.", "Fra 18 år.", "Alle aldre."."""
    low, high = study.min_age, study.max_age
    if low and high is not None:
        return gettext("Fra %(a)s til %(b)s år.") % {"a": low, "b": high}
    if low:
        return gettext("Fra %(a)s år.") % {"a": low}
    if high is not None:
        return gettext("Opp til %(b)s år.") % {"b": high}
    return gettext("Alle aldre.")


_STATUS: "dict[str, tuple[StrPromise, StrPromise]]" = {
    Study.Status.APPROVED: (
        _("Ikke startet ennå"),
        _("Studien er godkjent, men har ikke begynt å ta inn deltakere."),
    ),
    Study.Status.AWAITING_APPROVAL: (
        _("Ikke startet ennå"),
        _("Studien venter på godkjenning og tar ikke inn deltakere ennå."),
    ),
    Study.Status.SUSPENDED: (
        _("Midlertidig stanset"),
        _("Studien har stanset opptaket av deltakere for en periode."),
    ),
    Study.Status.CLOSED: (
        _("Tar ikke inn flere deltakere"),
        _("Studien har fått de deltakerne den trenger, og følger dem opp."),
    ),
    Study.Status.COMPLETED: (
        _("Avsluttet"),
        _("Studien er ferdig. Resultatene publiseres når de er klare."),
    ),
    Study.Status.TERMINATED: (
        _("Avbrutt"),
        _("Studien ble avsluttet før planlagt."),
    ),
}


def status_in_words(study: Study, *, recruiting: bool) -> StatusInWords:
    """The state of a study as a patient needs it: can I join now, and if not, why."""
    if study.status == Study.Status.OPEN:
        if recruiting:
            return StatusInWords(
                _("Tar inn deltakere"),
                _("Studien tar inn deltakere nå på minst ett av studiestedene."),
                "status-open",
            )
        return StatusInWords(
            _("Ikke startet ennå"),
            _("Studien er åpnet, men ingen studiesteder tar inn deltakere ennå."),
            "status-closed",
        )
    headline, explanation = _STATUS.get(
        study.status, (_("Tar ikke inn deltakere nå"), _("Studien tar ikke inn deltakere nå."))
    )
    return StatusInWords(headline, explanation, "status-closed")


CATEGORY_LABELS = dict(Study.Category.choices)


class ListWords:
    """What the study list says about its studies, each phrase translated once per page (in the
    language active when it is first asked for) instead of once per study."""

    def __init__(self) -> None:
        self._ages: dict[tuple[int | None, int | None], str] = {}
        self._status: dict[tuple[str, bool], StatusInWords] = {}
        self._categories: dict[str, str] = {}
        self._distance = ""

    def ages(self, study: Study) -> str:
        """As ``ages_in_words``."""
        key = (study.min_age, study.max_age)
        said = self._ages.get(key)
        if said is None:
            said = self._ages[key] = ages_in_words(study)
        return said

    def status(self, study: Study, *, recruiting: bool) -> StatusInWords:
        """As ``status_in_words``, in words of the page's language (not translated later)."""
        key = (study.status, recruiting)
        said = self._status.get(key)
        if said is None:
            headline, explanation, css = status_in_words(study, recruiting=recruiting)
            said = self._status[key] = StatusInWords(str(headline), str(explanation), css)
        return said

    def category(self, study: Study) -> str:
        """As ``get_category_display`` (which looks through the field's choices each time)."""
        said = self._categories.get(study.category)
        if said is None:
            label = CATEGORY_LABELS.get(study.category, study.category)
            said = self._categories[study.category] = str(label)
        return said

    def distance(self, km: str) -> str:
        """How far away the nearest site is: "12 km unna"."""
        if not self._distance:
            self._distance = gettext("%(km)s km unna")
        return self._distance % {"km": km}


PHASE_EXPLAINED: "dict[str, StrPromise]" = {
    Study.Phase.EARLY_1: _("Tidlig fase 1: et nytt legemiddel prøves for første gang i svært små doser."),
    Study.Phase.PHASE_1: _("Fase 1: et nytt legemiddel prøves på et lite antall personer for å finne en trygg dose."),
    Study.Phase.PHASE_1_2: _("Fase 1/2: trygg dose og første tegn på virkning undersøkes i samme studie."),
    Study.Phase.PHASE_2: _("Fase 2: legemiddelet prøves på flere pasienter for å se om det virker og hvilke bivirkninger det gir."),
    Study.Phase.PHASE_2_3: _("Fase 2/3: virkning undersøkes og sammenlignes med vanlig behandling i samme studie."),
    Study.Phase.PHASE_3: _("Fase 3: legemiddelet sammenlignes med vanlig behandling hos mange pasienter."),
    Study.Phase.PHASE_4: _("Fase 4: et legemiddel som allerede er i bruk, undersøkes videre."),
}  # fmt: skip

CATEGORY_EXPLAINED: "dict[str, StrPromise]" = {
    Study.Category.KBS: _("En klinisk behandlingsstudie prøver ut en behandling for å finne ut om den virker bedre enn den vi har."),
    Study.Category.OTHER_INTERVENTIONAL: _("En intervensjonsstudie prøver ut et tiltak, for eksempel trening, kosthold eller en ny måte å følge opp pasienter på."),
    Study.Category.OBSERVATIONAL: _("En observasjonsstudie følger deltakerne uten å endre behandlingen de får."),
    Study.Category.REGISTRY: _("En registerstudie bruker opplysninger som allerede er samlet i helseregistre."),
    Study.Category.IMPLEMENTATION: _("Implementeringsforskning undersøker hvordan en behandling eller et tilbud best tas i bruk i helsetjenesten."),
}  # fmt: skip


class RegistryLink(NamedTuple):
    label: str
    identifier: str
    url: str  # empty when the registry has no public page per study


def registry_links(study: Study) -> list[RegistryLink]:
    """The study's identifiers, each linked to the registry's public page where there is one."""
    links = []
    if study.rek_number:
        links.append(RegistryLink("REK", study.rek_number, ""))
    if study.nct_id:
        links.append(
            RegistryLink(
                "ClinicalTrials.gov",
                study.nct_id,
                f"https://clinicaltrials.gov/study/{study.nct_id}",
            )
        )
    if study.eu_ct_number:
        links.append(
            RegistryLink(
                "EU CT (CTIS)",
                study.eu_ct_number,
                "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT="
                + study.eu_ct_number,
            )
        )
    if study.isrctn:
        links.append(RegistryLink("ISRCTN", study.isrctn, f"https://www.isrctn.com/{study.isrctn}"))
    return links
