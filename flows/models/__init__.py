from .application import (
    ABANDONABLE_STATES,
    BUSINESS_PREFIX,
    EDITABLE_STATES,
    PENDING_STATES,
    AcceptanceCounter,
    Application,
    ApplicationState,
    BusinessType,
)
from .definitions import FlowDefinition
from .events import DeliveryStatus, EventDelivery, OutboxEvent
from .evidence import ScoreReport
from .records import StepRecord
from .review import ReviewClaim, TradingCodeGrant
from .suitability import SuitabilityAssessment

__all__ = [
    "ABANDONABLE_STATES",
    "BUSINESS_PREFIX",
    "EDITABLE_STATES",
    "PENDING_STATES",
    "DeliveryStatus",
    "EventDelivery",
    "OutboxEvent",
    "AcceptanceCounter",
    "Application",
    "ApplicationState",
    "BusinessType",
    "FlowDefinition",
    "ReviewClaim",
    "ScoreReport",
    "StepRecord",
    "SuitabilityAssessment",
    "TradingCodeGrant",
]
