from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "video"
    verbose_name = _("视频见证")

    def ready(self) -> None:
        from flows.outputs import provider_register
        from staff.consoles import Console, console_register
        from staff.roles import Role

        from . import steps  # noqa: F401  (registers this app's step kinds)
        from .outputs import recording_outputs
        from .subscribers import register

        register()
        # the review console plays the witness calls' recordings
        provider_register("video", recording_outputs)

        console_register(
            "witness",
            Console(
                role=Role.WITNESS_AGENT,
                title=_("见证坐席台"),
                url_name="video:witness_console",
                permission="video.use_witness_console",
                order=10,
            ),
        )
