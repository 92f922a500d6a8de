from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = _("主题")

    def ready(self) -> None:
        from django.core.signals import request_started

        from common.translation import catalogues_flatten

        request_started.connect(catalogues_flatten, dispatch_uid="catalogues_flatten")
