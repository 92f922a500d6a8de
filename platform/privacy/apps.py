from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("个人信息保护")

    def ready(self) -> None:
        # Refuse to start with missing or malformed keys, rather than fail on the first record.
        from .crypto import check_keys

        check_keys()
