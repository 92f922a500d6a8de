from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from flows.steps import StepKind, registry

WITNESS = "witness"


def _options() -> blocks.StructBlock:
    return blocks.StructBlock(
        [
            (
                "script",
                SnippetChooserBlock(
                    "content.Questionnaire",
                    label=_("见证话术"),
                    help_text=_("坐席在视频中向投资者提问的知识问答。"),
                ),
            ),
        ]
    )


# The agent compares the face with the ID photos: photos must be taken before.
registry.register(StepKind(WITNESS, _("视频见证"), _options, after=("photos",), icon="user"))
