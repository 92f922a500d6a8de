from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("数字证书与签署")

    def ready(self) -> None:
        from flows.events import event_declare
        from flows.outputs import provider_register

        from . import steps  # noqa: F401  (registers this app's step kinds)
        from .outputs import signed_outputs

        # "my business" and the review console list the signed documents
        provider_register("signing", signed_outputs)
        # recorded by signing.services (webhooks publish them to integrators)
        event_declare("certificate.issued", "数字证书已签发")
        event_declare("document.signed", "协议已签署并加盖公司印章")
