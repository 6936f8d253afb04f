"""E-mail to project managers through the outbox (``task_enqueue``: after commit, kept as pending
work while the broker is down): candidates to decide on and figures to confirm, and the alert when
a KBS project stops qualifying. Payloads are ids and years, never personal data."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from sites.access import User
from sites.models import UserScope
from sites.operations.services import task_enqueue
from trials.models import Study

from .. import selectors
from ..access import studies_managed_by
from ..models import ReportingPeriod
from .guards import require_admin

REMINDER_TASK = "kbs.tasks.send_kbs_reminder"
PROJECT_ROLES = (UserScope.Role.REGIONAL_COORDINATOR, UserScope.Role.ORGANISATION_STAFF)


def _project_people() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, scope__role__in=PROJECT_ROLES)
        .exclude(email="")
        .order_by("pk")
    )


def kbs_reminders_queue(*, user: User, today: dt.date) -> int:
    """The administrator sends the open period's reminders: one e-mail to every project manager
    with candidates to decide on or figures to confirm. Returns how many were queued."""
    require_admin(user)
    queued = 0
    for person in _project_people():
        notice = selectors.kbs_notice_for(user=person, today=today)
        if notice is not None and notice.any:
            task_enqueue(
                task_name=REMINDER_TASK, kwargs={"user_id": person.pk, "year": notice.year}
            )
            queued += 1
    return queued


def _link(name: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse(name)}"


def kbs_reminder_send(*, user_id: int, year: int, today: dt.date) -> int:
    """The reminder itself, with what is still to do now (nothing left: nothing sent)."""
    person = get_user_model().objects.get(pk=user_id)
    notice = selectors.kbs_notice_for(user=person, today=today)
    if notice is None or not notice.any or notice.year != year:
        return 0
    body = "\n".join(
        [
            _("KBS-rapporteringen for %(year)s er åpen.") % {"year": year},
            "",
            _("KBS-kandidater du skal ta stilling til: %(n)s") % {"n": notice.candidates},
            _("KBS-prosjekter med tall som ikke er bekreftet: %(n)s") % {"n": notice.open_reports},
            "",
            _("Tallene er fylt ut fra inklusjonene som er registrert; kontroller og bekreft dem."),
            _link("admin:kbs_kbsproject_candidates"),
        ]
    )
    return send_mail(
        _("KBS-rapportering %(year)s: du har saker som venter") % {"year": year},
        body,
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )


def kbs_revoked_alert_send(*, study_id: int, year: int) -> int:
    """Tell the study's project managers that it is no longer a KBS project for the year."""
    study = Study.objects.get(pk=study_id)
    to = [
        person.email
        for person in _project_people()
        if studies_managed_by(user=person).filter(pk=study_id).exists()
    ]
    if not to or not ReportingPeriod.objects.filter(year=year).exists():
        return 0
    body = _(
        "Studien «%(study)s» (%(id)s) oppfyller ikke lenger kravene til KBS-rapportering for "
        "%(year)s (studietype eller godkjenning fra REK/CTIS er endret). Den er derfor ikke lenger "
        "et KBS-prosjekt, og de rapporterte KBS-tallene for året er slettet.\n"
        "Endringen er loggført. Kontakt KBS-administratoren hvis dette er feil."
    ) % {"study": study.scientific_title, "id": study.public_id, "year": year}
    return send_mail(
        _("%(id)s er ikke lenger KBS-prosjekt for %(year)s")
        % {"id": study.public_id, "year": year},
        body,
        settings.DEFAULT_FROM_EMAIL,
        to,
    )
