from .application import (
    BUSINESS_PREFIX,
    PENDING_STATES,
    AcceptanceCounter,
    Application,
    ApplicationState,
    BusinessType,
)
from .definitions import FlowDefinition
from .evidence import ScoreReport
from .records import StepRecord
from .suitability import SuitabilityAssessment

__all__ = [
    "BUSINESS_PREFIX",
    "PENDING_STATES",
    "AcceptanceCounter",
    "Application",
    "ApplicationState",
    "BusinessType",
    "FlowDefinition",
    "ScoreReport",
    "StepRecord",
    "SuitabilityAssessment",
]
