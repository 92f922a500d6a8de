"""Step 2, basic information (个人基本资料), with the suitability assessment it may need first."""

from .service import BasicInfoService

__all__ = ["BasicInfoService"]
