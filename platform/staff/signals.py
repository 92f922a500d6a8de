from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .services import roles_sync


@receiver(post_migrate)
def sync_roles_after_migrate(sender, **kwargs) -> None:
    # post_migrate is sent once per app that has models; the last one comes after every
    # permission exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        roles_sync()
