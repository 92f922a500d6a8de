"""Everything an investor reads, acknowledges or signs: one revisioned snippet with a kind.

Changes go through the "合规审核" workflow before they go live; investors only ever see the live
row (a draft is kept in a revision and never touches it). Each published revision is rendered
once into a `DocumentRendition`, whose id and SHA-256 are what records of reading, acknowledging
and signing keep, so that any record can be shown again exactly as it was."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from ..blocks import DocumentBodyBlock
from ..forms import DocumentForm
from .reference import BusinessType
from .workflows import ReviewedPublishingMixin


class DocumentKind(models.TextChoices):
    PRIVACY_POLICY = "privacy_policy", _("隐私政策")
    SECURITY_LETTER = "security_letter", _("数字证书安全责任书")
    AGREEMENT = "agreement", _("阅读协议")
    CUSTOMER_NOTICE = "customer_notice", _("客户须知")
    CONTRACT = "contract", _("期货经纪合同")
    RISK_DISCLOSURE = "risk_disclosure", _("风险揭示书")
    NOTICE_C1_C2 = "notice_c1_c2", _("适当性告知书（C1/C2 选择交易所前）")
    NOTICE_C3 = "notice_c3", _("适当性告知书（C3 选择金融、原油期货）")
    WARNING_C1_C2 = "warning_c1_c2", _("适当性提示（C1/C2 选择金融、原油期货）")
    SMS_TEMPLATE = "sms_template", _("短信模板")


# What the investor signs on step 7: rendered to PDF and signed.
SIGNED_KINDS = {DocumentKind.CUSTOMER_NOTICE, DocumentKind.CONTRACT, DocumentKind.RISK_DISCLOSURE}


class Document(
    ReviewedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    kind = models.CharField(_("类型"), max_length=30, choices=DocumentKind.choices)
    code = models.SlugField(
        _("编号"),
        max_length=60,
        unique=True,
        allow_unicode=False,
        help_text=_("英文编号，流程配置和记录中引用，如 risk-disclosure-general。"),
        error_messages={"unique": _("该编号已被另一份文档使用。")},
    )
    title = models.CharField(_("标题"), max_length=200)
    body = StreamField(DocumentBodyBlock(), verbose_name=_("正文"), blank=True)
    sms_text = models.TextField(
        _("短信内容"),
        blank=True,
        help_text=_(
            "仅短信模板使用。可用占位符：{code} 验证码，{acceptance_number} 受理单号，"
            "{company} 公司名称，{exchanges} 新开交易所（复核通过短信）。"
            "业务短信的编号：sms-submitted（提交复核）、sms-approved（复核通过）、"
            "sms-rejected（复核驳回）。"
        ),
    )
    business_type = models.CharField(
        _("适用业务"),
        max_length=30,
        choices=BusinessType.choices,
        blank=True,
        help_text=_("留空表示适用于所有业务。"),
    )
    exchanges = ParentalManyToManyField(
        "content.Exchange",
        verbose_name=_("适用交易所"),
        blank=True,
        related_name="+",
        help_text=_("留空表示适用于所有交易所。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]
    base_form_class = DocumentForm  # adds the .docx / HTML import

    class Meta:
        verbose_name = _("文档与协议")
        verbose_name_plural = _("文档与协议")
        ordering = ["kind", "sort_order", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.kind == DocumentKind.SMS_TEMPLATE:
            if not self.sms_text.strip():
                raise ValidationError({"sms_text": _("短信模板需要填写短信内容。")})
        elif not self.body:
            raise ValidationError({"body": _("请填写正文，或导入 Word / HTML 文件。")})

    # --- what the investor sees -------------------------------------------------------------
    def render_html(self) -> str:
        return render_to_string("content/document_body.html", {"document": self})

    preview_modes = [("phone", _("手机预览")), ("pdf", _("PDF 预览"))]

    def get_preview_template(self, request, mode_name):
        return "content/preview_phone.html"

    def serve_preview(self, request, mode_name):
        if mode_name == "pdf":
            from django.http import HttpResponse

            from ..pdf import document_pdf

            return HttpResponse(document_pdf(self), content_type="application/pdf")
        return super().serve_preview(request, mode_name)


class DocumentRendition(models.Model):
    """The investor-facing HTML of one published revision, rendered once and never changed."""

    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.PROTECT, related_name="document_rendition"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="renditions")
    title = models.CharField(max_length=200)
    html = models.TextField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文档发布版本")
        verbose_name_plural = _("文档发布版本")

    def __str__(self) -> str:
        return f"{self.title} @ {self.revision_id}"

    @staticmethod
    def hash(html: str) -> str:
        return hashlib.sha256(html.encode()).hexdigest()
