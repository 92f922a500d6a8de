from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("业务流程")

    def ready(self) -> None:
        from .steps import kinds  # noqa: F401  (registers the generic step kinds)
