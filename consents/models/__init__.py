from .consent import ConsentEvent, ConsentForm
from .integration import IdempotentRequest, IntegrationClient
from .participants import Participant
from .reservations import Reservation

__all__ = [
    "ConsentEvent",
    "ConsentForm",
    "IdempotentRequest",
    "IntegrationClient",
    "Participant",
    "Reservation",
]
