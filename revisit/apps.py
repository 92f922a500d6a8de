from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisitConfig(AppConfig):
    name = "revisit"
    verbose_name = _("回访")

    def ready(self) -> None:
        from . import steps  # noqa: F401  (registers this app's step kinds)
