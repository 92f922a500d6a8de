from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "video"
    verbose_name = _("视频见证")

    def ready(self) -> None:
        from . import steps  # noqa: F401  (registers this app's step kinds)
