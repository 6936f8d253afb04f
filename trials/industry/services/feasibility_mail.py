"""The e-mails of the feasibility process, and the XLSX of the compiled answer.

Plain-text Bokmål for the organisations; English for the sponsor, who is usually abroad. No
personal data about patients is ever in them.
"""

import datetime as dt
import io
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from sites.models import Organisation, UserScope
from sites.spreadsheet import xlsx_row

from ..models import FeasibilityInterestProfile, FeasibilityRequest, FeasibilityResponse
from ..workdays import working_days_between

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def organisation_recipients(organisations: Iterable[Organisation]) -> dict[int, list[str]]:
    """organisation id → addresses: its interest-profile address and its research support staff."""
    ids = [o.pk for o in organisations]
    recipients: dict[int, set[str]] = {pk: set() for pk in ids}
    for org_id, email in FeasibilityInterestProfile.objects.filter(
        organisation_id__in=ids, is_active=True
    ).values_list("organisation_id", "contact_email"):
        recipients[org_id].add(email)
    for org_id, email in (
        get_user_model()
        .objects.filter(
            is_active=True,
            scope__role=UserScope.Role.ORGANISATION_STAFF,
            scope__organisation_id__in=ids,
        )
        .exclude(email="")
        .values_list("scope__organisation_id", "email")
    ):
        recipients[org_id].add(email)
    return {pk: sorted(addresses) for pk, addresses in recipients.items()}


def _admin_url(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


def outcome_url(request: FeasibilityRequest) -> str:
    return _admin_url(reverse("feasibility-outcome", args=[request.outcome_token]))


def _request_lines(request: FeasibilityRequest) -> list[str]:
    return [
        f"Referanse: {request.public_id}",
        f"Tittel: {request.title}",
        f"Sponsor: {request.sponsor.name}",
        f"Tilstand: {request.condition}",
        f"HRCS: {request.hrcs_category.code} {request.hrcs_category.label_nb}",
        f"Fase: {request.get_phase_display()}  Studietype: {request.get_study_category_display()}",
        f"Pasienter ønsket: {request.patients_wanted}",
        f"Svarfrist: {request.deadline:%d.%m.%Y}",
        "",
        "Design:",
        request.design_summary,
        "",
        "Viktigste inklusjonskriterier:",
        request.key_inclusion_criteria,
    ]


def send_confirmation(*, request: FeasibilityRequest, connection=None) -> None:
    body = "\n".join(
        [
            f"Dear {request.contact_name},",
            "",
            f"NorTrials has received your feasibility request {request.public_id} "
            f"“{request.title}”.",
            f"It has been sent to {request.responses.count()} Norwegian sites. You will receive "
            f"a compiled national answer no later than {request.deadline:%d %B %Y} "
            "(five Norwegian working days).",
            "",
            "NorTrials – one way in to clinical trials in Norway",
        ]
    )
    EmailMessage(
        subject=f"NorTrials: feasibility request {request.public_id} received",
        body=body,
        to=[request.contact_email],
        cc=[settings.NORTRIALS_EMAIL],
        connection=connection,
    ).send()


def send_routed(*, request: FeasibilityRequest, responses: list[FeasibilityResponse]) -> int:
    """One e-mail per organisation asked; returns how many were sent."""
    recipients = organisation_recipients([r.organisation for r in responses])
    sent = 0
    with get_connection() as connection:
        for response in responses:
            to = recipients.get(response.organisation_id) or []
            if not to:
                continue
            link = _admin_url(
                reverse("admin:industry_feasibilityresponse_change", args=[response.pk])
            )
            body = "\n".join(
                [
                    f"{response.organisation.name} er bedt om å vurdere en mulighetsstudie.",
                    "",
                    *_request_lines(request),
                    "",
                    f"Svar (ja / nei / kanskje) innen {request.deadline:%d.%m.%Y}: {link}",
                ]
            )
            EmailMessage(
                subject=f"Mulighetsstudie {request.public_id}: svar innen "
                f"{request.deadline:%d.%m.%Y}",
                body=body,
                to=to,
                connection=connection,
            ).send()
            sent += 1
    return sent


def send_reminder(*, response: FeasibilityResponse, today: dt.date) -> None:
    request = response.request
    to = organisation_recipients([response.organisation]).get(response.organisation_id)
    if not to:
        return
    left = working_days_between(today, request.deadline)
    link = _admin_url(reverse("admin:industry_feasibilityresponse_change", args=[response.pk]))
    when = "i dag" if left == 0 else f"om {left} virkedag" + ("er" if left > 1 else "")
    EmailMessage(
        subject=f"Påminnelse: mulighetsstudie {request.public_id} har svarfrist {when}",
        body="\n".join(
            [
                f"{response.organisation.name} har ikke svart på mulighetsstudien "
                f"{request.public_id} «{request.title}».",
                f"Svarfristen er {request.deadline:%d.%m.%Y} ({when}).",
                "",
                f"Svar her: {link}",
            ]
        ),
        to=to,
    ).send()


ANSWER_EN = {"yes": "Yes", "maybe": "Maybe", "no": "No", "pending": "No answer"}


def compiled_xlsx(*, request: FeasibilityRequest) -> bytes:
    """One row per organisation asked, in name order."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Feasibility"
    header = [
        "Organisation",
        "Region",
        "Answer",
        "Eligible patients per year",
        "Proposed investigator",
        "Earliest start",
        "Reason (if no)",
        "Answered",
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    responses = request.responses.select_related("organisation__region").order_by(
        "organisation__name", "pk"
    )
    for r in responses:
        sheet.append(
            xlsx_row(
                sheet,
                [
                    r.organisation.name,
                    r.organisation.region.name if r.organisation.region else "",
                    ANSWER_EN[r.answer],
                    r.eligible_patients_per_year,
                    r.proposed_investigator,
                    r.earliest_start,
                    r.reason_no,
                    timezone.localdate(r.answered_at) if r.answered_at else None,
                ],
            )
        )
    for column, width in zip("ABCDEFGH", [44, 22, 10, 14, 28, 14, 40, 12], strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def compiled_summary(*, request: FeasibilityRequest) -> dict:
    responses = list(request.responses.all())
    counts = {a: sum(1 for r in responses if r.answer == a) for a in ANSWER_EN}
    patients = sum(
        r.eligible_patients_per_year or 0 for r in responses if r.answer in ("yes", "maybe")
    )
    return {"asked": len(responses), "counts": counts, "eligible_patients_per_year": patients}


def send_compiled(*, request: FeasibilityRequest) -> None:
    summary = compiled_summary(request=request)
    c = summary["counts"]
    received_on = timezone.localdate(request.received_at)
    taken = working_days_between(received_on, timezone.localdate(request.compiled_sent_at))
    body = "\n".join(
        [
            f"Dear {request.contact_name},",
            "",
            f"Here is the national answer to your feasibility request {request.public_id} "
            f"“{request.title}”, compiled after {taken} working days.",
            "",
            f"Sites asked: {summary['asked']}",
            f"Yes: {c['yes']}   Maybe: {c['maybe']}   No: {c['no']}   No answer: {c['pending']}",
            f"Eligible patients per year at sites answering yes or maybe: "
            f"{summary['eligible_patients_per_year']} (you asked for {request.patients_wanted}).",
            "",
            "The attached spreadsheet has each site's answer.",
            "",
            "When you have decided, please tell us which sites you select and rate the process "
            f"(1–5), no login needed: {outcome_url(request)}",
            "",
            "NorTrials – one way in to clinical trials in Norway",
        ]
    )
    message = EmailMessage(
        subject=f"NorTrials: national feasibility answer {request.public_id}",
        body=body,
        to=[request.contact_email],
        cc=[settings.NORTRIALS_EMAIL],
    )
    message.attach(
        f"feasibility-{request.public_id}.xlsx", compiled_xlsx(request=request), XLSX_MIME
    )
    message.send()


def send_outcome(*, request: FeasibilityRequest) -> int:
    """Tell each organisation that answered yes/maybe whether it was chosen or released."""
    responses = list(
        request.responses.select_related("organisation").filter(answer__in=["yes", "maybe"])
    )
    recipients = organisation_recipients([r.organisation for r in responses])
    sent = 0
    with get_connection() as connection:
        for r in responses:
            to = recipients.get(r.organisation_id)
            if not to:
                continue
            if r.selected:
                subject = f"Mulighetsstudie {request.public_id}: dere er valgt som studiested"
                text = "Sponsor har valgt dere som studiested. NorTrials tar kontakt om avtale."
            else:
                subject = f"Mulighetsstudie {request.public_id}: dere er frigitt"
                text = "Sponsor valgte ikke dere denne gangen. Dere er frigitt fra forespørselen."
            EmailMessage(
                subject=subject,
                body=f"{r.organisation.name}\n\n{text}\n\n«{request.title}»",
                to=to,
                connection=connection,
            ).send()
            sent += 1
    return sent
