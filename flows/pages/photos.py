from __future__ import annotations

from typing import Any

from photos.models import IdPhotoSide

from ..steps.photos import SIDES, PhotosService
from .base import StepPage


class PhotosPage(StepPage):
    template_name = "flows/steps/photos.html"
    service: PhotosService

    def context(self) -> dict[str, Any]:
        photos = self.service.photos()
        data = self.service.record.data or {}
        return {
            "photo_slots": [
                {"side": side, "label": IdPhotoSide(side).label, "photo": photos[side]}
                for side in SIDES
            ],
            "letter": self.service.letter(),
            "letter_agreed": data.get("letter_agreed", False),
        }
