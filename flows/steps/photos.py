"""Step 1: ID front, ID back and signature photo, and the certificate security letter.

Photos on file are shown instead of asking. An upload is judged at once (photos.services: found,
straightened, turned upright, quality-checked) and refused with the reason so the investor can
retake it; an accepted one is shown processed for confirmation before the step completes.
Judging takes a second or so: it is done before the application's lock (`prepare`), and a photo
stored for a post that is then not taken (an old page posted again) is removed (`discard`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from common.exceptions import BusinessError
from photos.models import IdPhoto, IdPhotoSide
from photos.selectors import id_photos_on_file
from photos.services import id_photo_discard, id_photo_store

from ..actors import Actor
from ..models import StepRecord
from ..selectors import application_document, renditions
from .base import (
    Data,
    DocumentVersion,
    Files,
    StepOutcome,
    StepService,
    StepSummary,
    now_iso,
    uploads,
    value,
)

SIDES = [IdPhotoSide.FRONT, IdPhotoSide.BACK, IdPhotoSide.SIGNATURE]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class Uploaded:
    """What `prepare` did with the files: photos stored, refusals by side."""

    stored: dict[str, IdPhoto] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PhotosSummary(StepSummary):
    photos: dict[str, int]  # side → IdPhoto id
    security_letter: DocumentVersion | None
    agreed_at: str | None

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            (str(IdPhotoSide(side).label), _("照片 #%(id)s") % {"id": self.photos[side]})
            for side in SIDES
            if side in self.photos
        ]
        if self.security_letter is not None:
            agreed = _("已同意 %(letter)s") % {"letter": self.security_letter}
            rows.append((_("数字证书安全责任书"), agreed))
        return rows


class PhotosService(StepService):
    def letter(self):
        chosen = self.stored_option("security_letter")
        pinned = self.application.pinned_documents.get(str(chosen)) if chosen else None
        if pinned is not None:  # the version pinned at the start, without reading the document
            found = renditions([pinned]).get(pinned)
            if found is not None:
                return found
        document = self.options.get("security_letter")
        if document is None:
            return None
        return application_document(application=self.application, document=document)

    def photos(self) -> dict[str, IdPhoto | None]:
        """The photo of each side this business uses: chosen in this step, else on file."""
        on_file = id_photos_on_file(client=self.application.client)
        chosen = (self.record.data or {}).get("photos", {})
        by_id = {photo.pk: photo for photo in on_file.values()}
        return {side: by_id.get(chosen.get(side)) or on_file.get(side) for side in SIDES}

    def state(self) -> dict[str, Any]:
        letter = self.letter()
        return {
            "photos": {side: photo.pk if photo else None for side, photo in self.photos().items()},
            "security_letter": {"title": letter.title, "rendition": letter.pk} if letter else None,
            "letter_agreed": bool((self.record.data or {}).get("letter_agreed")),
        }

    # --- a submission ---------------------------------------------------------------------
    def prepare(self, *, actor: Actor, data: Data, files: Files) -> Uploaded:
        uploaded = Uploaded()
        for side in SIDES:
            for upload in uploads(files, side)[:1]:
                if (upload.size or 0) > MAX_UPLOAD_BYTES:
                    uploaded.errors[side] = [_("照片超过 20 MB，请压缩或重新拍摄后上传。")]
                    continue
                try:
                    uploaded.stored[side] = id_photo_store(
                        client=self.application.client, side=side, upload_bytes=upload.read()
                    )
                except BusinessError as refusal:
                    uploaded.errors[side] = [refusal.message]
        return uploaded

    def discard(self, prepared: Uploaded | None) -> None:
        for photo in (prepared.stored if prepared else {}).values():
            id_photo_discard(photo=photo)

    def submit(self, *, actor: Actor, data: Data, prepared: Uploaded) -> StepOutcome:
        chosen = {side: photo.pk for side, photo in self.photos().items() if photo is not None}
        chosen.update({side: photo.pk for side, photo in prepared.stored.items()})
        agreed = value(data, "letter_agreed") in ("on", "true", "1")
        entered = {"photos": chosen, "letter_agreed": agreed}
        if prepared.errors:
            return StepOutcome(done=False, errors=prepared.errors, data=entered)
        if prepared.stored:  # shown processed for confirmation before moving on
            return StepOutcome(
                done=False,
                data=entered,
                message=_("照片已处理，请确认照片清晰、完整、方向正确后点击“下一步”。"),
            )
        errors: dict[str, list[str]] = {}
        missing = [str(IdPhotoSide(side).label) for side in SIDES if side not in chosen]
        if missing:
            errors["photos"] = [_("请上传：%(sides)s。") % {"sides": "、".join(missing)}]
        letter = self.letter()
        if letter is not None and not agreed:
            errors["letter_agreed"] = [_("请阅读并同意《数字证书安全责任书》。")]
        if errors:
            return StepOutcome(done=False, errors=errors, data=entered)
        evidence: dict[str, Any] = {"photos": chosen, "agreed_at": now_iso()}
        if letter is not None:
            evidence["security_letter"] = {
                "title": letter.title,
                "rendition": letter.pk,
                "revision": letter.revision_id,
                "sha256": letter.sha256,
            }
        return StepOutcome(done=True, data=entered, evidence=evidence)

    @classmethod
    def summarize(cls, record: StepRecord) -> PhotosSummary:
        evidence = record.evidence or {}
        photos = evidence.get("photos") or (record.data or {}).get("photos", {})
        return PhotosSummary(
            kind=record.kind,
            completed_at=record.completed_at,
            photos={side: int(pk) for side, pk in photos.items()},
            security_letter=DocumentVersion.of(evidence.get("security_letter")),
            agreed_at=evidence.get("agreed_at"),
        )
