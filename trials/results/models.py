"""Results reporting of a registered trial: summary results in a registry and a publication.

A row is keyed by the trial's registry id (an NCT number or an EudraCT number), so reporting is
known for trials the portfolio does not hold (the Nordic trial-reporting sample); when a study of
the portfolio carries the same identifier, the row is linked to it.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# The published method counts a year as 365 days and two years as 730 (README_REPRODUCE.md).
SUMMARY_DEADLINE_DAYS = 365
PUBLICATION_DEADLINE_DAYS = 730


class ResultsReport(models.Model):
    class Registry(models.TextChoices):
        CTGOV = "ctgov", _("ClinicalTrials.gov")
        EUCTR = "euctr", _("EU Clinical Trials Register")

    registry_id = models.CharField(_("registernummer"), max_length=20, unique=True)
    registry = models.CharField(_("register"), max_length=8, choices=Registry.choices)
    nct_id = models.CharField(_("NCT-nummer"), max_length=11, blank=True)
    eudract_number = models.CharField(_("EudraCT-nummer"), max_length=14, blank=True)
    other_identifiers = models.JSONField(
        _("andre registernumre"),
        default=list,
        blank=True,
        help_text=_("Flere NCT- eller EudraCT-numre for samme studie, utover de to over."),
    )
    study = models.ForeignKey(
        "trials.Study",
        verbose_name=_("studie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="results_reports",
    )
    title = models.CharField(_("tittel"), max_length=700, blank=True)
    lead_institution = models.CharField(_("ledende institusjon"), max_length=120, blank=True)
    lead_country = models.CharField(_("land"), max_length=40, blank=True)
    completion_date = models.DateField(_("avsluttet"), null=True, blank=True)
    has_summary_results = models.BooleanField(_("sammendrag av resultater i register"))
    summary_results_date = models.DateField(_("resultater lagt ut"), null=True, blank=True)
    has_publication = models.BooleanField(_("publisert"))
    publication_date = models.DateField(_("publiseringsdato"), null=True, blank=True)
    publication_doi = models.CharField(_("DOI"), max_length=100, blank=True)
    publication_pmid = models.CharField(_("PMID"), max_length=10, blank=True)
    publication_url = models.URLField(_("lenke til publikasjon"), max_length=400, blank=True)
    source = models.CharField(_("kilde"), max_length=60)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    class Meta:
        verbose_name = _("resultatrapportering")
        verbose_name_plural = _("resultatrapportering")
        ordering = ["registry_id"]
        indexes = [
            # The league table groups by institution within a country.
            models.Index(fields=["lead_country", "lead_institution"], name="results_country_inst"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(has_summary_results=True)
                | models.Q(summary_results_date__isnull=True),
                name="results_summary_date_needs_results",
            ),
            models.CheckConstraint(
                condition=models.Q(has_publication=True) | models.Q(publication_date__isnull=True),
                name="results_publication_date_needs_publication",
            ),
        ]

    def __str__(self) -> str:
        return self.registry_id

    @property
    def days_to_summary(self) -> int | None:
        """Days from completion to summary results in the registry (negative: before)."""
        return days_between(self.completion_date, self.summary_results_date)

    @property
    def days_to_publication(self) -> int | None:
        return days_between(self.completion_date, self.publication_date)

    def summary_overdue(self, *, on: dt.date) -> bool:
        """Completed more than 12 months (365 days) before ``on`` with no summary results by then."""
        return _overdue(
            self.completion_date,
            self.has_summary_results,
            self.summary_results_date,
            on=on,
            days=SUMMARY_DEADLINE_DAYS,
        )

    def publication_overdue(self, *, on: dt.date) -> bool:
        """Completed more than 24 months (730 days) before ``on`` with no publication by then."""
        return _overdue(
            self.completion_date,
            self.has_publication,
            self.publication_date,
            on=on,
            days=PUBLICATION_DEADLINE_DAYS,
        )


def days_between(start: dt.date | None, end: dt.date | None) -> int | None:
    return (end - start).days if start and end else None


def _overdue(
    completed: dt.date | None,
    reported: bool,
    reported_on: dt.date | None,
    *,
    on: dt.date,
    days: int,
) -> bool:
    """Past the deadline on ``on`` and not reported by then (reported at an unknown date counts
    as reported). The same rule as ``selectors.results_overdue_q``."""
    if completed is None or (on - completed).days <= days:
        return False
    if reported_on is None:
        return not reported
    return reported_on > on
