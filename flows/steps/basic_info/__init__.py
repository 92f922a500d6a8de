"""Step 2, basic information (个人基本资料), with the suitability assessment it may need first."""

from .handler import BasicInfoStep

__all__ = ["BasicInfoStep"]
