from .consent import ConsentEvent, ConsentForm
from .enrolments import Enrolment
from .export import ExportBatch
from .integration import IdempotentRequest, IntegrationClient
from .participants import Participant
from .reservations import Reservation

__all__ = [
    "ConsentEvent",
    "ConsentForm",
    "Enrolment",
    "ExportBatch",
    "IdempotentRequest",
    "IntegrationClient",
    "Participant",
    "Reservation",
]
