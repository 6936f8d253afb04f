"""Integrating systems (EHR, the digital-consent channel) and their idempotent requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.models import Organisation


class IntegrationClient(models.Model):
    """A system that pushes enrolments and consent events; the token is stored only as a hash."""

    name = models.CharField(_("navn"), max_length=120, unique=True)
    token_prefix = models.CharField(_("token-prefiks"), max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisasjoner"), related_name="+"
    )
    may_register_reservations = models.BooleanField(
        _("kan registrere reservasjoner"), default=False
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("integrert system")
        verbose_name_plural = _("integrerte systemer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IdempotentRequest(models.Model):
    """The stored answer to a request with an Idempotency-Key, replayed when the key comes again.

    ``request_hash`` is a keyed HMAC of the body, so it cannot be reversed to the numbers inside it.
    """

    client = models.ForeignKey(
        IntegrationClient, on_delete=models.CASCADE, related_name="idempotent_requests"
    )
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=60)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent forespørsel")
        verbose_name_plural = _("idempotente forespørsler")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "endpoint", "key"], name="idempotentrequest_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
