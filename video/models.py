"""The video witness's models. For now only the permission of its console: what makes a staff
member a witness agent (the queue, appointments and sessions come with the witness issue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WitnessConsole(models.Model):
    """No table: the holder of the witness console's permission (Django's usual way to declare
    a permission that belongs to no row)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("use_witness_console", _("使用见证坐席台"))]
        verbose_name = _("见证坐席台")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
