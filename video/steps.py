from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from flows.actors import ActorKind
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


# The agent compares the face with the ID photos: photos must be taken before. An agent
# completes it (their pass is the lifecycle's `pass_witness`); what was witnessed cannot change
# afterwards unless the application is sent back.
registry.register(
    StepKind(
        WITNESS,
        _("视频见证"),
        _options,
        after=("photos",),
        icon="user",
        service="video.step_services.WitnessService",
        page="video.pages.WitnessPage",
        completed_by=frozenset({ActorKind.AGENT}),
        locks_previous=True,
        completion="pass_witness",
    )
)
