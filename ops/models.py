from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingTask(models.Model):
    """A Celery task that could not be handed to the broker; sent again when the broker is back."""

    task_name = models.CharField(_("oppgave"), max_length=200)
    kwargs = models.JSONField(_("argumenter"), default=dict)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("forsøk"), default=0)
    last_error = models.CharField(_("siste feil"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("ventende oppgave")
        verbose_name_plural = _("ventende oppgaver")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.task_name
