"""Record changes to public texts that no ``updated_at`` shows (see ``models.PublicChange``)."""

from django.db.models.signals import post_delete, post_save

from sites.models import Municipality, Organisation, Region

from .models import HealthCategory, PublicChange, Sponsor, Study, StudySite

# Named on public pages (a site's region and municipality, a study's categories) without an
# ``updated_at`` the public change stamp reads.
PUBLIC_REFERENCE_MODELS = (Sponsor, Region, Municipality, HealthCategory)


def _record(sender, created: bool = False, **kwargs) -> None:
    # A new sponsor or place is on no page until a study names it, and that moves the study's time.
    if not created:
        PublicChange.objects.create(kind=sender._meta.label_lower)


def connect() -> None:
    for model in (Study, StudySite, Organisation, *PUBLIC_REFERENCE_MODELS):
        post_delete.connect(_record, sender=model, dispatch_uid=f"public_change_{model.__name__}")
    for model in PUBLIC_REFERENCE_MODELS:
        post_save.connect(
            _record, sender=model, dispatch_uid=f"public_change_{model.__name__}_saved"
        )
    connect_response_cache()


def _forget_public_stamp(sender, **kwargs) -> None:
    """A row the public change stamp reads has changed: cached public responses are out of date
    (now, and again once the transaction commits, so no request in between keeps the old one)."""
    from django.db import transaction

    from sites.operations.response_cache import stamp_forget

    from .selectors.search import public_change_stamp, public_study_stamp

    def forget() -> None:
        stamp_forget(public_change_stamp)
        stamp_forget(public_study_stamp)

    forget()
    transaction.on_commit(forget)


def connect_response_cache() -> None:
    from consents.models import Enrolment  # the public "n of N"; consents depends on trials

    for model in (Study, StudySite, Organisation, Sponsor, PublicChange, Enrolment):
        for signal in (post_save, post_delete):
            signal.connect(
                _forget_public_stamp,
                sender=model,
                dispatch_uid=f"public_stamp_forget_{model.__name__}",
            )
