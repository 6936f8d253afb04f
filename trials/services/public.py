"""Upkeep of what the public change stamp reads."""

import datetime as dt

from django.db import transaction

from ..models import PublicChange

# Rows this young are kept, for an operator who wants to see what changed lately.
PUBLIC_CHANGES_KEPT = dt.timedelta(days=90)


@transaction.atomic
def public_change_prune(*, now: dt.datetime, keep: dt.timedelta = PUBLIC_CHANGES_KEPT) -> int:
    """Delete ``PublicChange`` rows older than ``keep``, never the newest one; returns how many.

    The change stamp reads only the newest row, so pruning leaves every ``ETag`` and
    ``Last-Modified`` as it was. Deleting the newest would move ``Last-Modified`` back before a
    deletion, and a harvester could then get a 304 for a copy that still lists what was deleted.
    """
    newest = PublicChange.objects.order_by("-changed_at", "-id").values_list("id", flat=True)
    newest_id = newest.first()
    if newest_id is None:
        return 0
    deleted, _ = (
        PublicChange.objects.filter(changed_at__lt=now - keep).exclude(pk=newest_id).delete()
    )
    return deleted
