"""The notice a project manager gets in the admin when they log in during an open period."""

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import ngettext

from . import selectors


def kbs_notice_text(notice: selectors.KbsNotice) -> str:
    parts = []
    if notice.candidates:
        parts.append(
            ngettext(
                "%(n)s KBS-kandidat å ta stilling til",
                "%(n)s KBS-kandidater å ta stilling til",
                notice.candidates,
            )
            % {"n": notice.candidates}
        )
    if notice.open_reports:
        parts.append(
            ngettext(
                "%(n)s KBS-prosjekt med tall som ikke er bekreftet",
                "%(n)s KBS-prosjekter med tall som ikke er bekreftet",
                notice.open_reports,
            )
            % {"n": notice.open_reports}
        )
    return f"KBS-rapportering {notice.year}: " + " og ".join(parts) + "."


def notify_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a read, shown as a message on the first page after login."""
    notice = selectors.kbs_notice_for(user=user, today=timezone.localdate())
    if notice is not None and notice.any and hasattr(request, "_messages"):
        messages.info(request, kbs_notice_text(notice))
