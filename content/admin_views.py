"""Admin screens of the four-eyes review that Wagtail has no screen for: asking to take an item
offline (with what that does to businesses in flight), and throwing a draft away."""

from __future__ import annotations

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import WorkflowActionView

from common.exceptions import BusinessError

from .approval import draft_discard, reviewed_models, usage_by_applications, withdrawal_submit


def reviewed_object(app_label: str, model_name: str, pk: str):
    for model in reviewed_models():
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
            return get_object_or_404(model, pk=pk)
    raise Http404


def edit_url(obj) -> tuple[str, tuple]:
    return obj.snippet_viewset.get_url_name("edit"), (quote(obj.pk),)


class ReviewedObjectView(WagtailAdminTemplateMixin, TemplateView):
    permission = "change"

    def setup(self, request, app_label, model_name, pk, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = reviewed_object(app_label, model_name, pk)

    def dispatch(self, request, *args, **kwargs):
        policy = self.object.snippet_viewset.permission_policy
        if not policy.user_has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return []  # the header then names the action and the item (like Wagtail's unpublish)

    def back(self):
        name, args = edit_url(self.object)
        return redirect(name, *args)

    def get_context_data(self, **kwargs):
        from django.urls import reverse

        context = super().get_context_data(**kwargs)
        name, args = edit_url(self.object)
        context.update(
            object=self.object,
            model_name=self.object._meta.verbose_name,
            edit_url=reverse(name, args=args),
        )
        return context


class WithdrawView(ReviewedObjectView):
    """申请下线: the confirm page says how many businesses are in flight and what happens to
    them; sending it starts the same review as a publication."""

    page_title = gettext_lazy("申请下线")
    header_icon = "download"
    template_name = "content/admin/withdraw.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["usage"] = usage_by_applications(self.object)
        return context

    def post(self, request, *args, **kwargs):
        try:
            withdrawal_submit(
                obj=self.object, user=request.user, reason=request.POST.get("reason", "")
            )
        except BusinessError as error:
            context = self.get_context_data(
                error=error.message, reason=request.POST.get("reason", "")
            )
            return self.render_to_response(context)
        messages.success(
            request,
            _("“%(object)s”的下线申请已提交合规审核：批准后才会下线。") % {"object": self.object},
        )
        return self.back()


class DiscardDraftView(ReviewedObjectView):
    """放弃草稿: one action back to what is live, when a draft cannot (or should not) go on."""

    page_title = gettext_lazy("放弃草稿")
    header_icon = "undo"
    template_name = "content/admin/discard_draft.html"

    def post(self, request, *args, **kwargs):
        try:
            draft_discard(obj=self.object, user=request.user)
        except BusinessError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("已放弃草稿，“%(object)s”恢复为线上版本。") % {"object": self.object}
            )
        return self.back()


class ReviewedWorkflowActionView(WorkflowActionView):
    """Wagtail's approve / request-changes action, saying what happened (it says nothing) and
    turning a refusal of the four-eyes rule into a message instead of a bare 403."""

    def dispatch(self, request, *args, **kwargs):
        try:
            response = super().dispatch(request, *args, **kwargs)
        except PermissionDenied as refusal:
            messages.error(
                request,
                str(refusal) or _("您不能审批这次变更：提交或修改了它的人不能审批它。"),
            )
            return redirect(self.redirect_url)
        if request.method == "POST":
            self.object.refresh_from_db()
            messages.success(request, self.outcome())
        return response

    def outcome(self) -> str:
        names = {"object": self.object}
        if self.action_name == "reject":
            return _("已退回“%(object)s”，提交人修改后可重新提交。") % names
        if self.object.workflow_in_progress:
            return _("已批准“%(object)s”，进入下一审批环节。") % names
        if self.object.live:
            return _("已批准，“%(object)s”的新版本已发布。") % names
        return _("已批准，“%(object)s”已下线。") % names


class AdminGuideView(WagtailAdminTemplateMixin, TemplateView):
    """管理员指南, reached from the help menu: this product's tasks, not Wagtail's."""

    page_title = gettext_lazy("管理员指南")
    header_icon = "help"
    template_name = "content/admin/guide.html"
    breadcrumbs_items: list = []
