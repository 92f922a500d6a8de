"""The revisit questionnaire as a form (`QuestionnaireForm`: one field per question of the
revision shown, answers to a questionnaire that changed since the page was shown are refused and
asked again)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from flows.steps.basic_info.forms import QuestionnaireForm


class RevisitForm(QuestionnaireForm):
    stale_message = _("回访问卷内容已更新，请重新作答。")
