from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

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

    def error_fields(self) -> dict[str, tuple[str, str]]:
        fields = {str(side): (str(IdPhotoSide(side).label), f"id_{side}") for side in SIDES}
        return {**fields, "letter_agreed": (_("数字证书安全责任书"), "id_letter_agreed")}
