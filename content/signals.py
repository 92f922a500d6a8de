from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from wagtail.signals import published

from .models import Document
from .services import compliance_workflow_ensure, document_rendition_ensure


@receiver(published, sender=Document)
def render_published_document(sender, instance, revision, **kwargs) -> None:
    """Freeze what investors will see from now on, at the moment it goes live."""
    if revision is not None:
        document_rendition_ensure(revision=revision)


@receiver(post_migrate)
def ensure_compliance_workflow(sender, **kwargs) -> None:
    # Once, after the last app with models has migrated (Wagtail's tables and ours exist).
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        compliance_workflow_ensure()
