"""Step 1: ID front, ID back and signature photo, and the certificate security letter.

Photos on file are shown instead of asking. An upload is judged at once (photos.services: found,
straightened, turned upright, quality-checked) and refused with the reason so the investor can
retake it; an accepted one is shown processed for confirmation before the step completes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from photos.models import IdPhotoSide
from photos.selectors import id_photos_on_file
from photos.services import id_photo_store

from ..selectors import application_document
from .base import StepHandler, StepResult

SIDES = [IdPhotoSide.FRONT, IdPhotoSide.BACK, IdPhotoSide.SIGNATURE]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class PhotosStep(StepHandler):
    template_name = "flows/steps/photos.html"

    def letter(self):
        document = self.options.get("security_letter") if self.options else None
        if document is None:
            return None
        return application_document(application=self.application, document=document)

    def photos(self) -> dict[str, Any]:
        """The photo of each side this business uses: chosen in this step, else on file."""
        on_file = id_photos_on_file(client=self.application.client)
        chosen = self.record.data.get("photos", {})
        by_id = {photo.pk: photo for photo in on_file.values()}
        result: dict[str, Any] = {}
        for side in SIDES:
            photo = by_id.get(chosen.get(side)) or on_file.get(side)
            result[side] = photo
        return result

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        photos = self.photos()
        return {
            "photo_slots": [
                {"side": side, "label": IdPhotoSide(side).label, "photo": photos[side]}
                for side in SIDES
            ],
            "letter": self.letter(),
            "letter_agreed": self.record.data.get("letter_agreed", False),
        }

    def submit(self, request: HttpRequest) -> StepResult:
        errors: dict[str, list[str]] = {}
        uploaded = self._store_uploads(request, errors)
        photos = self.photos()
        chosen = {side: photo.pk for side, photo in photos.items() if photo is not None}
        chosen.update(uploaded)
        agreed = request.POST.get("letter_agreed") == "on"
        data = {"photos": chosen, "letter_agreed": agreed}
        if errors:
            return StepResult(done=False, errors=errors, data=data)
        if uploaded:  # show the processed photos for confirmation before moving on
            return StepResult(
                done=False,
                data=data,
                message=_("照片已处理，请确认照片清晰、完整、方向正确后点击“下一步”。"),
            )
        missing = [IdPhotoSide(side).label for side in SIDES if side not in chosen]
        if missing:
            errors["photos"] = [_("请上传：%(sides)s。") % {"sides": "、".join(map(str, missing))}]
        letter = self.letter()
        if letter is not None and not agreed:
            errors["letter_agreed"] = [_("请阅读并同意《数字证书安全责任书》。")]
        if errors:
            return StepResult(done=False, errors=errors, data=data)
        evidence = {"photos": chosen, "agreed_at": timezone.now().isoformat()}
        if letter is not None:
            evidence["security_letter"] = {
                "rendition": letter.pk,
                "revision": letter.revision_id,
                "sha256": letter.sha256,
            }
        return StepResult(done=True, data=data, evidence=evidence)

    def _store_uploads(self, request: HttpRequest, errors: dict[str, list[str]]) -> dict[str, int]:
        stored: dict[str, int] = {}
        for side in SIDES:
            upload = request.FILES.get(side)
            if upload is None:
                continue
            if (upload.size or 0) > MAX_UPLOAD_BYTES:
                errors[side] = [_("照片超过 20 MB，请压缩或重新拍摄后上传。")]
                continue
            try:
                photo = id_photo_store(
                    client=self.application.client, side=side, upload_bytes=upload.read()
                )
            except BusinessError as refusal:
                errors[side] = [refusal.message]
                continue
            stored[side] = photo.pk
        return stored
