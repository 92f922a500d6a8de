from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Page,
    Revision,
    Task,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from .models import Document, DocumentRendition, FourEyesApprovalTask, Questionnaire


def document_rendition_ensure(*, revision: Revision) -> DocumentRendition:
    """The frozen HTML of a published revision (made once; later calls return it)."""
    existing = DocumentRendition.objects.filter(revision=revision).first()
    if existing is not None:
        return existing
    document: Document = revision.as_object()
    html = document.render_html()
    with transaction.atomic():
        rendition, _ = DocumentRendition.objects.get_or_create(
            revision=revision,
            defaults={
                "document_id": revision.object_id,
                "title": document.title,
                "html": html,
                "sha256": DocumentRendition.hash(html),
            },
        )
    return rendition


COMPLIANCE_WORKFLOW = "合规审核"


def compliance_workflow_ensure() -> Workflow:
    """The "合规审核" workflow: every change to what investors see (documents, questionnaires,
    flow definitions), and every withdrawal, is approved by a compliance officer who did not
    make it. Idempotent (run after every migrate); it also moves a deployment from Wagtail's
    plain group approval to the four-eyes task, cancelling nothing already approved."""
    from staff.roles import GROUP_NAMES, Role

    from .approval import reviewed_models

    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[Role.COMPLIANCE])
    task = FourEyesApprovalTask.objects.filter(name=COMPLIANCE_WORKFLOW).first()
    if task is None:
        task = FourEyesApprovalTask.objects.create(name=COMPLIANCE_WORKFLOW)
    task.groups.add(group)
    workflow, _ = Workflow.objects.get_or_create(name=COMPLIANCE_WORKFLOW)
    for old in Task.objects.filter(workflow_tasks__workflow=workflow).exclude(pk=task.pk):
        WorkflowTask.objects.filter(workflow=workflow, task=old).delete()
        old.specific.deactivate()
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for model in reviewed_models():
        WorkflowContentType.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(model),
            defaults={"workflow": workflow},
        )
    # The landing, education and help pages too: the whole page tree.
    root = Page.get_first_root_node()
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def questionnaire_score(
    *, questionnaire: Questionnaire, answers: dict[int, int | list[int]]
) -> tuple[int, str]:
    """The total score of a suitability assessment and the class its band gives.

    `answers` maps a question's position to the chosen option's position (a list of them for a
    multiple-choice question). An unanswered required question, or an answer outside the
    choices, is an error: a class must never come from a partial or forged answer sheet."""
    total = 0
    for position, block in enumerate(questionnaire.questions):
        question = block.value
        chosen = answers.get(position)
        if chosen is None:
            if question["required"]:
                raise ValueError(f"question {position + 1} is required")
            continue
        picks = chosen if isinstance(chosen, list) else [chosen]
        options = list(question["options"])
        if not picks or any(not 0 <= pick < len(options) for pick in picks):
            raise ValueError(f"answer to question {position + 1} is not one of its options")
        total += sum(options[pick]["score"] or 0 for pick in picks)
    for band in questionnaire.score_bands():
        if band["min_score"] <= total <= band["max_score"]:
            return total, band["suitability_class"]
    raise ValueError(f"score {total} falls in no band of {questionnaire.code}")
