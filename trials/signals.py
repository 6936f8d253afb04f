"""Record changes to public texts that no ``updated_at`` shows (see ``models.PublicChange``)."""

from django.db.models.signals import post_delete, post_save

from sites.models import Organisation

from .models import PublicChange, Sponsor, Study, StudySite


def _record(sender, **kwargs) -> None:
    PublicChange.objects.create(kind=sender._meta.label_lower)


def connect() -> None:
    for model in (Study, StudySite, Organisation, Sponsor):
        post_delete.connect(_record, sender=model, dispatch_uid=f"public_change_{model.__name__}")
    post_save.connect(_record, sender=Sponsor, dispatch_uid="public_change_sponsor_saved")
