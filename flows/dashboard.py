from django.db.models import Count
from django.utils import timezone
from wagtail.admin.ui.components import Component

from content.models import Branch

from .models import Application, ApplicationState


class ApplicationsPanel(Component):
    """Today's applications by status, and how many investors wait in each branch's queue."""

    name = "applications_today"
    order = 400  # after Wagtail's "awaiting your review" and locked pages panels
    template_name = "flows/dashboard_panel.html"

    def get_context_data(self, parent_context=None):
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        counts = dict(
            Application.objects.filter(created_at__gte=start)
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        waiting = dict(
            Application.objects.filter(state=ApplicationState.QUEUED_FOR_WITNESS)
            .values_list("client__branch")
            .annotate(n=Count("pk"))
            .values_list("client__branch", "n")
        )
        return {
            "states": [(label, counts.get(value, 0)) for value, label in ApplicationState.choices],
            "branches": [(branch, waiting.get(branch.pk, 0)) for branch in Branch.objects.all()],
        }
