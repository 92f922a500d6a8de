from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from flows.steps import StepKind, registry

CERTIFICATE = "certificate"
SIGN = "sign"


def _sign_options() -> blocks.StructBlock:
    return blocks.StructBlock(
        [
            (
                "documents",
                blocks.ListBlock(
                    SnippetChooserBlock("content.Document"),
                    label=_("需签署的文档"),
                    min_num=1,
                    help_text=_("客户须知、期货经纪合同、风险揭示书等。"),
                ),
            ),
        ]
    )


# Installing a certificate needs a witnessed identity; signing needs the certificate. What was
# signed locks every earlier step (the certificate above all).
registry.register(
    StepKind(
        CERTIFICATE,
        _("安装数字证书"),
        after=("witness",),
        icon="key",
        service="signing.step_services.CertificateService",
        page="signing.pages.CertificatePage",
    )
)
registry.register(
    StepKind(
        SIGN,
        _("签署协议"),
        _sign_options,
        after=("certificate",),
        icon="edit",
        service="signing.step_services.SignService",
        page="signing.pages.SignPage",
        locks_previous=True,
    )
)
