from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisitConfig(AppConfig):
    name = "revisit"
    verbose_name = _("回访")
