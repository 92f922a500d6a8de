"""What the signing capability keeps: the company's own keys and certificates (root CA, issuing
CA, timestamp authority, seal), the certificates issued to investors, the short-lived challenges
and signature requests of the browser's two-step signing, and the signed documents."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedTextField


class CompanyRole(models.TextChoices):
    ROOT = "root", _("根 CA")
    ISSUING = "issuing", _("签发 CA")
    TSA = "tsa", _("时间戳服务")
    SEAL = "seal", _("公司电子印章")


class CompanyKey(models.Model):
    """One of the company's keys with its certificate. The private key is kept encrypted with the
    data key (`private_key`, PKCS#8 PEM) or lives in a PKCS#11 token (`token_label`); exactly one
    of the two is set. A new `init_ca --force` retires the old rows instead of deleting them, so
    that what they signed can still be traced."""

    role = models.CharField(_("用途"), max_length=10, choices=CompanyRole.choices)
    certificate_pem = models.TextField(_("证书"))
    private_key = EncryptedTextField(_("私钥（加密保存）"), blank=True)
    token_label = models.CharField(_("PKCS#11 密钥标签"), max_length=100, blank=True)
    active = models.BooleanField(_("使用中"), default=True)
    # The latest CRL this CA signed (root and issuing CAs only), reused until it nears its
    # next update or a certificate is revoked.
    crl_number = models.PositiveBigIntegerField(default=0)
    crl_der = models.BinaryField(null=True, blank=True)
    crl_next_update = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公司证书")
        verbose_name_plural = _("公司证书")
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=models.Q(active=True), name="one_active_key_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"


class RevocationReason(models.TextChoices):
    SUPERSEDED = "superseded", _("重新安装")
    KEY_COMPROMISE = "key_compromise", _("私钥泄露")
    CESSATION = "cessation_of_operation", _("停止使用")


class Certificate(models.Model):
    """A certificate the issuing CA made for an investor's browser-held key."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("客户"),
    )
    application = models.ForeignKey(
        "flows.Application",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("业务"),
    )
    serial = models.CharField(_("序列号"), max_length=40, unique=True)
    # The subject names the investor and their ID number: personal data, kept encrypted.
    certificate_pem = EncryptedTextField(_("证书"))
    public_key_sha256 = models.CharField(_("公钥 SHA-256"), max_length=64)
    not_before = models.DateTimeField(_("生效时间"))
    not_after = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("吊销原因"), max_length=30, choices=RevocationReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投资者数字证书")
        verbose_name_plural = _("投资者数字证书")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.serial

    def is_valid_at(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.revoked_at is None and self.not_before <= moment <= self.not_after


class CertificateChallenge(models.Model):
    """A one-time value the browser signs with its new key to prove it holds it."""

    application = models.ForeignKey("flows.Application", on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.application_id}:{self.nonce[:8]}"

    def message(self) -> bytes:
        """What the browser signs: bound to this application, so a proof made for one cannot be
        replayed for another."""
        return f"onboarding-certificate:{self.application.acceptance_number}:{self.nonce}".encode()


class SignatureRequest(models.Model):
    """The first half of a two-step signature: the PDF with room reserved for the signature and
    the CMS signed attributes the investor's browser must sign (they include the PDF's digest).
    The prepared PDF holds personal data, so it is kept encrypted; it is discarded once used."""

    application = models.ForeignKey("flows.Application", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("content.Document", on_delete=models.PROTECT, related_name="+")
    rendition = models.ForeignKey(
        "content.DocumentRendition", on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="+")
    prepared_pdf = models.BinaryField()  # encrypted
    unsigned_sha256 = models.CharField(max_length=64)
    document_digest = models.BinaryField()
    reserved_start = models.PositiveIntegerField()
    reserved_end = models.PositiveIntegerField()
    signed_attributes = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.application_id}:{self.document_id}:{self.pk}"


class SignedDocument(models.Model):
    """A document the investor signed and the company sealed: which revision (and the hash of
    what was shown), the hashes of the PDF before and after signing, the certificate, the times.
    The file itself is kept encrypted."""

    application = models.ForeignKey(
        "flows.Application",
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name=_("业务"),
    )
    document = models.ForeignKey(
        "content.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("文档")
    )
    rendition = models.ForeignKey(
        "content.DocumentRendition", on_delete=models.PROTECT, related_name="+"
    )
    revision_id = models.PositiveIntegerField(_("文档版本"))
    content_sha256 = models.CharField(_("文档内容哈希"), max_length=64)
    title = models.CharField(_("文档名称"), max_length=255)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="+", verbose_name=_("签署证书")
    )
    unsigned_sha256 = models.CharField(_("签署前 PDF 哈希"), max_length=64)
    signed_sha256 = models.CharField(_("签署后 PDF 哈希"), max_length=64)
    file = models.FileField(upload_to="signed/", max_length=200)  # encrypted
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    prepared_at = models.DateTimeField(_("准备时间"))
    signed_at = models.DateTimeField(_("签署时间"))
    sealed_at = models.DateTimeField(_("盖章时间"))

    class Meta:
        verbose_name = _("已签署文档")
        verbose_name_plural = _("已签署文档")
        ordering = ["application", "signed_at"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.title}"

    @property
    def filename(self) -> str:
        return f"{self.application.acceptance_number}-{self.document.code}.pdf"
