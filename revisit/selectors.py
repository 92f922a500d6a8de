from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from content.blocks import QuestionType
from content.models import Questionnaire, QuestionnaireKind
from flows.steps.basic_info.suitability import QuestionnaireShown


def revisit_questionnaire(*, configured: Questionnaire | None) -> QuestionnaireShown | None:
    """The questionnaire of the step's options as it is live (never an unpublished draft), or
    else the live questionnaire of kind "revisit"; None when there is none."""
    questionnaire = None
    if configured is not None:
        questionnaire = Questionnaire.objects.filter(pk=configured.pk, live=True).first()
    if questionnaire is None:
        questionnaire = (
            Questionnaire.objects.filter(kind=QuestionnaireKind.REVISIT, live=True)
            .order_by("title", "pk")
            .first()
        )
    if questionnaire is None or questionnaire.live_revision_id is None:
        return None
    revision = questionnaire.live_revision
    return QuestionnaireShown(questionnaire, revision.pk, revision.as_object())


def _answer_label(question: dict[str, Any], answer: Any) -> str:
    kind = question["kind"]
    options = list(question["options"])
    if kind == QuestionType.MULTIPLE:
        return "、".join(options[i]["label"] for i in answer)
    if kind == QuestionType.SINGLE:
        return str(options[answer]["label"])
    if kind == QuestionType.YES_NO:
        return str(_("是") if answer == "yes" else _("否"))
    return str(answer)


def _alerts(question: dict[str, Any], answer: Any) -> bool:
    kind = question["kind"]
    if kind in QuestionType.WITH_OPTIONS:
        picks = answer if isinstance(answer, list) else [answer]
        return any(question["options"][i]["alert"] for i in picks)
    if kind == QuestionType.YES_NO:
        return bool(question["yes_alerts"] if answer == "yes" else question["no_alerts"])
    return False


def revisit_readable(
    *, questionnaire: Questionnaire, answers: dict[int, Any]
) -> tuple[list[tuple[str, str]], list[str]]:
    """(question, answer) lines as the investor saw them, and the lines whose answer is
    configured to alert the reviewer ("3. 是否本人操作？：否")."""
    lines: list[tuple[str, str]] = []
    alerts: list[str] = []
    for position, block in enumerate(questionnaire.questions):
        if position not in answers:
            continue
        question = block.value
        text = f"{position + 1}. {question['text']}"
        label = _answer_label(question, answers[position])
        lines.append((text, label))
        if _alerts(question, answers[position]):
            alerts.append(f"{text}：{label}")
    return lines, alerts
