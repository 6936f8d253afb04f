"""The integration API: enrolments, consent events and reservations pushed by integrating systems.

Each endpoint takes one record or a list of up to 1 000. A batch is all-or-nothing: if any record
fails, nothing is written and the answer lists every failed record (by index) with the reasons.
With an ``Idempotency-Key`` header, the same request sent again returns the stored answer and
writes nothing; the same key with a different body is refused (422); while a request with the key
is still being processed, another with the same key is answered 409 (try again) — never a 500.

No answer and no stored answer holds a national identity number: messages never repeat a value
sent, anything that passes for a number is masked in every answer (``_sanitised``), and an
``Idempotency-Key`` that holds one is refused before anything is stored.
"""

import hashlib
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import IdempotentRequest, Reservation
from ..national_id import national_id_present, national_id_redact
from ..services import (
    consent_give,
    consent_withdraw,
    enrolment_create,
    participant_register,
    reservation_lift,
    reservation_register,
)
from ..services.integration import request_fingerprint
from .auth import IntegrationTokenAuthentication, IsIntegrationClient
from .serializers import ConsentInSerializer, EnrolmentInSerializer, ReservationInSerializer

MAX_BATCH = 1000
# An opaque key chosen by the client (a UUID is typical): 1–200 visible ASCII characters.
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=(
        "Samme nøkkel og samme innhold gir samme svar, uten nye skrivinger. "
        "1–200 synlige ASCII-tegn, for eksempel en UUID."
    ),
    pattern=IDEMPOTENCY_KEY.pattern,
)


RESPONSES = {
    201: OpenApiResponse(dict, "Alle postene er lagret: `count` og `results`."),
    400: OpenApiResponse(
        dict,
        "Ingenting er lagret: `detail`, og `errors: [{index, errors}]` for hver post som feilet "
        "(også ugyldig JSON, feil Idempotency-Key, eller 0 / over 1000 poster).",
    ),
    401: OpenApiResponse(dict, "Manglende, ukjent eller deaktivert token."),
    403: OpenApiResponse(dict, "Systemet har ikke lov til dette (for eksempel reservasjoner)."),
    413: OpenApiResponse(dict, "Forespørselen er for stor; del den opp."),
    415: OpenApiResponse(dict, "Innholdet må være `application/json`."),
    409: OpenApiResponse(
        dict, "En forespørsel med samme Idempotency-Key behandles nå; prøv igjen om litt."
    ),
    422: OpenApiResponse(dict, "Idempotency-Key er brukt før for en annen forespørsel."),
}

KEY_IN_USE = "En forespørsel med samme Idempotency-Key behandles nå; prøv igjen om litt."


def _errors(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def _sanitised(body):
    """The body with anything that passes for a national identity number masked, in keys and
    values at any depth: what is answered and what is stored for replay."""
    if isinstance(body, str):
        return national_id_redact(body)
    if isinstance(body, dict):
        return {_sanitised(k): _sanitised(v) for k, v in body.items()}
    if isinstance(body, list | tuple):
        return [_sanitised(item) for item in body]
    return body


def _key_lock_taken(client, endpoint: str, key: str) -> bool:
    """Hold the key for this transaction, or say another request holds it (PostgreSQL: a
    transaction-scoped advisory lock, taken without waiting). Other databases serialise writers
    themselves; the unique key then decides."""
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.sha256(f"idempotency:{client.pk}:{endpoint}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_id])
        return bool(cursor.fetchone()[0])


class IntegrationBatchView(APIView):
    authentication_classes = [IntegrationTokenAuthentication]
    permission_classes = [IsIntegrationClient]
    renderer_classes = [renderers.JSONRenderer]
    throttle_classes: list = []
    serializer_class: type
    endpoint: str

    def apply(self, data: dict, client) -> dict:
        raise NotImplementedError

    def check_client(self, client) -> str | None:
        return None

    def post(self, request):
        client = request.auth
        refused = self.check_client(client)
        if refused:
            return Response({"detail": refused}, status=status.HTTP_403_FORBIDDEN)
        key = request.headers.get("Idempotency-Key")
        if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
            return Response(
                {
                    "detail": "Idempotency-Key må være 1–200 synlige ASCII-tegn uten mellomrom "
                    "(for eksempel en UUID)."
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        if key is not None and national_id_present(key):
            return Response(
                {
                    "detail": "Idempotency-Key ser ut til å inneholde et fødselsnummer og er "
                    "avvist (og ikke lagret). Bruk en tilfeldig nøkkel, for eksempel en UUID."
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        records = request.data if isinstance(request.data, list) else [request.data]
        if not records or len(records) > MAX_BATCH:
            return Response(
                {"detail": f"En forespørsel må ha mellom 1 og {MAX_BATCH} poster."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not key:
            with transaction.atomic():
                code, body = self._apply_all(records, client)
                if code != status.HTTP_201_CREATED:
                    transaction.set_rollback(True)
            return Response(body, status=code)
        return self._post_once(client, key, request_fingerprint(request.data), records)

    def _post_once(self, client, key: str, fingerprint: str, records: list) -> Response:
        """One request per key: the first does the work and stores its answer in the same
        transaction; a request with the key while that runs is 409; afterwards the stored answer
        (or 422 for another body). A refused batch rolls back its writes but keeps its answer."""
        try:
            with transaction.atomic():
                if not _key_lock_taken(client, self.endpoint, key):
                    return Response({"detail": KEY_IN_USE}, status=status.HTTP_409_CONFLICT)
                stored = self._stored(client, key, fingerprint)
                if stored is not None:
                    return stored
                with transaction.atomic():
                    code, body = self._apply_all(records, client)
                    if code != status.HTTP_201_CREATED:
                        transaction.set_rollback(True)
                self._store(client, key, fingerprint, code, body)
        except IntegrityError:
            # Without the lock (or a write that collided with a concurrent request): whoever
            # stored the key first answers; otherwise the client tries again.
            stored = self._stored(client, key, fingerprint)
            if stored is not None:
                return stored
            return Response({"detail": KEY_IN_USE}, status=status.HTTP_409_CONFLICT)
        return Response(body, status=code)

    def _apply_all(self, records: list, client) -> tuple[int, dict]:
        results, errors = [], []
        for index, record in enumerate(records):
            serializer = self.serializer_class(data=record, context={"client": client})
            if not serializer.is_valid():
                errors.append({"index": index, "errors": serializer.errors})
                continue
            try:
                with transaction.atomic():
                    results.append(self.apply(serializer.validated_data, client))
            except DjangoValidationError as exc:
                errors.append({"index": index, "errors": _errors(exc)})
        if errors:
            return status.HTTP_400_BAD_REQUEST, _sanitised(
                {
                    "detail": "Ingen poster ble lagret: rett feilene og send hele forespørselen "
                    "på nytt.",
                    "failed": len(errors),
                    "errors": errors,
                }
            )
        return status.HTTP_201_CREATED, _sanitised({"count": len(results), "results": results})

    def _stored(self, client, key: str, fingerprint: str) -> Response | None:
        stored = IdempotentRequest.objects.filter(
            client=client, endpoint=self.endpoint, key=key
        ).first()
        if stored is None:
            return None
        if stored.request_hash != fingerprint:
            return Response(
                {"detail": "Idempotency-Key er allerede brukt for en annen forespørsel."},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(stored.response, status=stored.status_code)

    def _store(self, client, key, fingerprint, code, body) -> None:
        """The status and the answer as sent: built from stored values and fixed messages, with
        anything that passes for a national identity number masked (``_sanitised``)."""
        IdempotentRequest.objects.create(
            client=client,
            endpoint=self.endpoint,
            key=key,
            request_hash=fingerprint,
            status_code=code,
            response=_sanitised(body),
        )


def _participant(data: dict):
    return participant_register(
        national_id=data["national_id"],
        birth_year=data.get("birth_year"),
        sex=data.get("sex", "unknown"),
        home_municipality=data.get("home_municipality"),
    )


class EnrolmentIntegrationView(IntegrationBatchView):
    """Include participants in a study at one of the system's sites."""

    serializer_class = EnrolmentInSerializer
    endpoint = "enrolments"

    @extend_schema(
        request=EnrolmentInSerializer(many=True),
        parameters=[IDEMPOTENCY_HEADER],
        responses=RESPONSES,
    )
    def post(self, request):
        return super().post(request)

    def apply(self, data, client):
        enrolment = enrolment_create(
            participant=_participant(data), site=data["site"], included_on=data["included_on"]
        )
        return {
            "enrolment_id": enrolment.pk,
            "study": enrolment.study.public_id,
            "status": enrolment.status,
        }


class ConsentIntegrationView(IntegrationBatchView):
    """Consent given on a form version, or withdrawn with a scope."""

    serializer_class = ConsentInSerializer
    endpoint = "consents"

    @extend_schema(
        request=ConsentInSerializer(many=True),
        parameters=[IDEMPOTENCY_HEADER],
        responses=RESPONSES,
    )
    def post(self, request):
        return super().post(request)

    def apply(self, data, client):
        participant = _participant(data)
        if data["event"] == "given":
            event = consent_give(
                participant=participant,
                form=data["form"],
                channel=data["channel"],
                occurred_at=data["occurred_at"],
                client=client,
            )
        else:
            event = consent_withdraw(
                participant=participant,
                study=data["study_obj"],
                scope=data["scope"],
                reason=data["reason"],
                occurred_at=data["occurred_at"],
                client=client,
            )
        return {"event_id": event.pk, "study": data["study_obj"].public_id, "kind": event.kind}


class ReservationIntegrationView(IntegrationBatchView):
    """Reserve a person against secondary use of their data, or lift the reservation."""

    serializer_class = ReservationInSerializer
    endpoint = "reservations"

    @extend_schema(
        request=ReservationInSerializer(many=True),
        parameters=[IDEMPOTENCY_HEADER],
        responses=RESPONSES,
    )
    def post(self, request):
        return super().post(request)

    def check_client(self, client):
        if not client.may_register_reservations:
            return "Systemet har ikke tilgang til å registrere reservasjoner."
        return None

    def apply(self, data, client):
        participant = participant_register(national_id=data["national_id"])
        if data["action"] == "reserve":
            reservation = reservation_register(
                participant=participant,
                scope=data["scope"],
                registered_at=data["occurred_at"],
                client=client,
            )
            return {"reservation_id": reservation.pk, "scope": reservation.scope, "active": True}
        reservation_lift(
            participant=participant,
            scope=data["scope"],
            lifted_at=data["occurred_at"],
            client=client,
        )
        return {"scope": Reservation.Scope(data["scope"]).value, "active": False}
