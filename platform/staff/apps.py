from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("员工与角色")

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401
