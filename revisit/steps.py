from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from flows.steps import StepKind, registry

REVISIT = "revisit"


def _options() -> blocks.StructBlock:
    return blocks.StructBlock(
        [
            ("questionnaire", SnippetChooserBlock("content.Questionnaire", label=_("回访问卷"))),
        ]
    )


# Completing the revisit submits the application: nothing may come after it.
registry.register(
    StepKind(
        REVISIT,
        _("在线回访"),
        _options,
        last=True,
        icon="help",
        service="revisit.step_services.RevisitService",
        page="revisit.pages.RevisitPage",
        completion="submit",
    )
)
