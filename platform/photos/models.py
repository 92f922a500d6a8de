"""Photos of a client's identity documents, kept encrypted for the review.

Both the flattened upright card (what the flow and the review show) and the original upload (the
evidence) are stored encrypted in the default storage under random names: a leaked bucket listing
tells nothing, and a leaked file is unreadable without the data key.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdPhotoSide(models.TextChoices):
    FRONT = "front", _("身份证人像面")
    BACK = "back", _("身份证国徽面")
    SIGNATURE = "signature", _("签名照")


def encrypted_photo_name(instance: IdPhoto, filename: str) -> str:
    """A random, extension-less name: neither the client nor the content can be guessed."""
    del instance, filename
    return f"id-photos/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.bin"


class IdPhoto(models.Model):
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("客户"),
        on_delete=models.CASCADE,
        related_name="id_photos",
    )
    side = models.CharField(_("照片类型"), max_length=10, choices=IdPhotoSide.choices)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    image = models.FileField(
        _("处理后图片（加密）"), upload_to=encrypted_photo_name, max_length=200
    )
    original = models.FileField(
        _("原始上传（加密）"), upload_to=encrypted_photo_name, max_length=200
    )
    ink = models.FileField(
        _("签名笔迹（加密）"),
        upload_to=encrypted_photo_name,
        max_length=200,
        blank=True,
        help_text=_("签名照中提取的签名：去除纸张背景、裁剪到笔迹的透明 PNG。"),
    )
    content_hash = models.CharField(
        _("原始文件 SHA-256"),
        max_length=64,
        db_index=True,
        help_text=_("原始上传文件的 SHA-256，用于核对证据未被改动。"),
    )
    corners = models.JSONField(_("证件四角坐标"), null=True, blank=True)
    rotation = models.PositiveSmallIntegerField(_("旋转角度"), default=0)
    quality = models.JSONField(_("质量指标"), default=dict, blank=True)

    class Meta:
        verbose_name = _("证件照片")
        verbose_name_plural = _("证件照片")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("client", "side", "-created_at"))]

    def __str__(self) -> str:
        return f"{self.get_side_display()} #{self.pk}"
