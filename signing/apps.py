from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("数字证书与签署")

    def ready(self) -> None:
        from . import steps  # noqa: F401  (registers this app's step kinds)
