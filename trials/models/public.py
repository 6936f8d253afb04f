"""Changes to what the public sees that leave no ``updated_at`` behind (for ETag/Last-Modified)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicChange(models.Model):
    """One row per deletion of a study, study site or organisation, and per edit or deletion of a
    sponsor, region, municipality or HRCS category (named on public pages, with no change time).

    The public change stamp (``trials.selectors.search.public_change_stamp``) reads the newest change time
    of each table that feeds the public texts; a deleted row has none any more, and a sponsor or a
    place has no change time of its own. Without this a harvester's cached copy would still list a deleted
    study after a 304. Written by ``trials.signals``; pruned nightly, never the newest row
    (``services.public.public_change_prune``).
    """

    changed_at = models.DateTimeField(_("endret"), default=timezone.now, db_index=True)
    kind = models.CharField(_("hva"), max_length=60)

    class Meta:
        verbose_name = _("offentlig endring")
        verbose_name_plural = _("offentlige endringer")

    def __str__(self) -> str:
        return f"{self.kind} {self.changed_at:%Y-%m-%d %H:%M}"
