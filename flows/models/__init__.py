from .application import (
    BUSINESS_PREFIX,
    PENDING_STATES,
    AcceptanceCounter,
    Application,
    ApplicationState,
    BusinessType,
)
from .definitions import FlowDefinition

__all__ = [
    "BUSINESS_PREFIX", "PENDING_STATES", "AcceptanceCounter", "Application", "ApplicationState",
    "BusinessType", "FlowDefinition",
]
