"""Contact people at a sponsor (business contacts, not patients)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from trials.models import Sponsor


class SponsorContact(models.Model):
    sponsor = models.ForeignKey(
        Sponsor, verbose_name=_("sponsor"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-post"))
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    role = models.CharField(_("rolle"), max_length=120, blank=True)

    class Meta:
        db_table = "trials_sponsorcontact"  # kept from before industry was an app of its own
        verbose_name = _("kontaktperson hos sponsor")
        verbose_name_plural = _("kontaktpersoner hos sponsor")
        ordering = ["sponsor_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "email"], name="sponsorcontact_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name
