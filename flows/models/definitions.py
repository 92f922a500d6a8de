"""Flow definitions: for each business type, the ordered step kinds with their options. An
application pins the live revision when it starts, so later edits never change its flow. Like
documents, a definition goes live or offline only through the "合规审核" review."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from content.models import BusinessType, ReviewedPublishingMixin

from ..fields import StepsField
from ..forms import FlowDefinitionForm
from ..steps.rules import flow_steps_problems


class FlowDefinition(
    ReviewedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    index.Indexed,
    models.Model,
):
    business_type = models.CharField(
        _("业务类型"),
        max_length=30,
        choices=BusinessType.choices,
        unique=True,
        error_messages={"unique": _("该业务已有流程定义，请编辑已有的定义。")},
    )
    name = models.CharField(_("名称"), max_length=100)
    steps = StepsField(verbose_name=_("步骤"), blank=True)

    search_fields = [index.SearchField("name")]
    base_form_class = FlowDefinitionForm
    defer_flow_rules = False  # set by the admin form while a draft is saved

    class Meta:
        verbose_name = _("业务流程")
        verbose_name_plural = _("业务流程")

    def __str__(self) -> str:
        return self.name

    def step_names(self) -> list[str]:
        """The kinds in order, including any the registry no longer knows (from raw data)."""
        return [item["type"] for item in self.steps.raw_data]

    def clean(self) -> None:
        super().clean()
        if self.defer_flow_rules:
            return
        problems = flow_steps_problems(self.step_names())
        if problems:
            raise ValidationError({"steps": problems})

    def draft_problems(self) -> list[str]:
        """Why the draft (autosaved mid-reorder, or a refused submission) could not go live:
        the editor then offers to discard it. Empty when there is no draft or it is fine."""
        if not self.has_unpublished_changes:
            return []
        return flow_steps_problems(self.get_latest_revision_as_object().step_names())
