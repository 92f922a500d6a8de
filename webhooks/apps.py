from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("事件推送（Webhook）")

    def ready(self) -> None:
        from .subscribers import register

        # one outbox subscriber fans each event out to the integrators' subscriptions
        register()
