"""The company seal's picture stamped on every signed agreement: uploaded by an administrator and
live only once a compliance officer who did not upload it approves it, like any document."""

from __future__ import annotations

import base64

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from ..forms import CompanySealForm
from .workflows import ReviewedPublishingMixin


class CompanySeal(
    ReviewedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    models.Model,
):
    name = models.CharField(_("名称"), max_length=60, default=_("合同专用章"))
    # The checked, transparent PNG, base64: kept in the row and in each revision, so a revision
    # is the picture it approved (content/seal_images.py makes it from the upload).
    image_png = models.TextField(_("印章图片"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    base_form_class = CompanySealForm  # the upload, checked and made transparent

    class Meta:
        verbose_name = _("电子印章图片")
        verbose_name_plural = _("电子印章图片")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return str(self.name)

    def get_preview_template(self, request, mode_name):
        return "content/seal_preview.html"

    @property
    def png(self) -> bytes:
        return base64.b64decode(self.image_png) if self.image_png else b""
