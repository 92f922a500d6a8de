from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey


class StaffProfile(models.Model):
    """What a staff account needs beyond Django's user: the branch an agent serves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    branch = models.ForeignKey(
        "content.Branch",
        verbose_name=_("所属营业部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("见证坐席只接待本营业部的投资者。"),
    )

    class Meta:
        verbose_name = _("员工资料")
        verbose_name_plural = _("员工资料")
        permissions = [
            ("administer_platform", _("管理平台（管理员角色）")),
            ("use_api", _("调用对接接口")),
            ("approve_content", _("审核对客文档与问卷（合规审核）")),
        ]

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


def _no_scopes() -> list[str]:
    return []


class IntegratorKey(AbstractAPIKey):
    """An API key of an integrator: only its hash is stored (djangorestframework-api-key); every
    call made with it acts as its owner, so roles and audit apply as for a person. Its scopes
    (`api.scopes.Scope` values) bound what the key may call whatever its owner's roles; keys are
    issued, rotated and revoked by administrators in the CMS (Settings → 接口密钥)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("所属账号"),
    )
    scopes = models.JSONField(_("权限范围"), default=_no_scopes, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("轮换后的新密钥"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")
