from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("内容配置")

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from . import signals  # noqa: F401
        from .approval import reviewed_models
        from .models.workflows import ReviewedPermissionPolicy

        # Before any admin view asks: nobody holds "publish" on reviewed content.
        for model in reviewed_models():
            register_permission_policy(model, ReviewedPermissionPolicy(model))
