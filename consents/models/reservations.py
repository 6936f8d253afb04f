"""The reservation (opt-out) registry against secondary use of a person's health data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sites.history import AuditedManager

from .participants import Participant


class Reservation(models.Model):
    class Scope(models.TextChoices):
        ALL = "all", _("All sekundærbruk")
        REGISTER = "register", _("Rapportering til helseregistre (NPR-eksport)")
        RECRUITMENT = "recruitment", _("Å bli forespurt om å delta i studier")

    # Which scopes keep a person out of which use. ALL covers everything.
    EXPORT_SCOPES = (Scope.ALL, Scope.REGISTER)
    RECRUITMENT_SCOPES = (Scope.ALL, Scope.RECRUITMENT)

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    scope = models.CharField(_("omfang"), max_length=12, choices=Scope.choices, default=Scope.ALL)
    registered_at = models.DateTimeField(_("registrert"))
    lifted_at = models.DateTimeField(_("opphevet"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_via = models.ForeignKey(
        "consents.IntegrationClient",
        verbose_name=_("registrert via"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("historikk for reservasjon"))
    objects = AuditedManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("reservasjon")
        verbose_name_plural = _("reservasjoner")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "scope"],
                condition=Q(lifted_at__isnull=True),
                name="reservation_one_active_per_scope",
                violation_error_message=_("Personen er allerede reservert for dette omfanget."),
            ),
        ]
        indexes = [
            # Export and recruitment lists exclude persons with an active reservation.
            models.Index(
                fields=["participant", "scope"],
                name="reservation_active_idx",
                condition=Q(lifted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.get_scope_display()
