"""The admin screens of integrator keys (Settings → 接口密钥), for administrators: the list (name,
owner, prefix, scopes, expiry, last use, state), issuing a key, rotating and revoking one. A new
key is shown once, on the page that answers its creation or rotation, and never again: only its
hash is kept."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateTimeInput

from api.scopes import KEY_OWNER_ROLES, Scope
from common.exceptions import BusinessError

from .keys import integrator_key_issue, integrator_key_revoke, integrator_key_rotate
from .models import IntegratorKey
from .roles import GROUP_NAMES, Role
from .selectors import user_has_role


class IntegratorKeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=50,
                           help_text=gettext_lazy("用途，如“手机 App”“CRM”。"))  # fmt: skip
    owner = forms.ModelChoiceField(
        label=gettext_lazy("所属账号"),
        queryset=get_user_model().objects.none(),
        help_text=gettext_lazy(
            "以该账号身份调用。复核须选复核员，视频见证须选见证坐席，其余范围须选“接口对接”账号。"
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("权限范围"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expiry_date = forms.DateTimeField(
        label=gettext_lazy("过期时间"),
        required=False,
        widget=AdminDateTimeInput,
        help_text=gettext_lazy("留空表示不过期；建议设置并定期轮换。"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in=[GROUP_NAMES[role] for role in KEY_OWNER_ROLES]
            )
            .distinct()
            .order_by("username")
        )


class KeyAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "key"
    breadcrumbs_items: list = []

    def dispatch(self, request, *args, **kwargs):
        if not user_has_role(request.user, Role.ADMINISTRATOR):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class KeyListView(KeyAdminView):
    page_title = gettext_lazy("接口密钥")
    template_name = "staff/admin/api_keys.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["keys"] = IntegratorKey.objects.select_related("owner", "replaced_by").order_by(
            "revoked", "-created"
        )
        context["scope_labels"] = dict(Scope.choices)
        return context


class KeyCreateView(KeyAdminView):
    page_title = gettext_lazy("新建接口密钥")
    template_name = "staff/admin/api_key_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", IntegratorKeyForm())
        return context

    def post(self, request, *args, **kwargs):
        form = IntegratorKeyForm(request.POST)
        if form.is_valid():
            try:
                issued = integrator_key_issue(**form.cleaned_data, by=request.user)
            except BusinessError as error:
                field = "scopes" if error.code == "scope_not_for_owner" else "owner"
                form.add_error(field, error.message)
            else:
                return KeyShownView.as_view()(request, issued=issued)
        return self.render_to_response(self.get_context_data(form=form))


class KeyShownView(KeyAdminView):
    """The one page that shows the key: answered to the POST that made it, never cached."""

    page_title = gettext_lazy("接口密钥已生成")
    template_name = "staff/admin/api_key_shown.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        response = self.render_to_response(self.get_context_data(issued=kwargs["issued"]))
        response["Cache-Control"] = "no-store"
        return response


class KeyRotateView(KeyAdminView):
    http_method_names = ["post"]

    def post(self, request, prefix: str, *args, **kwargs):
        key = get_object_or_404(IntegratorKey, prefix=prefix)
        try:
            issued = integrator_key_rotate(key=key, by=request.user)
        except BusinessError as error:
            messages.error(request, error.message)
            return redirect("staff_api_keys")
        return KeyShownView.as_view()(request, issued=issued)


class KeyRevokeView(KeyAdminView):
    http_method_names = ["post"]

    def post(self, request, prefix: str, *args, **kwargs):
        key = get_object_or_404(IntegratorKey, prefix=prefix)
        integrator_key_revoke(key=key, by=request.user)
        messages.success(request, _("密钥 %(prefix)s 已吊销，立即失效。") % {"prefix": key.prefix})
        return redirect("staff_api_keys")
