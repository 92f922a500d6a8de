from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("业务流程")

    def ready(self) -> None:
        from staff.consoles import Console, console_register, role_permissions_register
        from staff.roles import Role

        from . import subscribers
        from .steps import kinds  # noqa: F401  (registers the generic step kinds)

        console_register(
            "review",
            Console(
                role=Role.REVIEWER,
                title=_("复核台"),
                url_name="flows:review_console",
                permission="flows.use_review_console",
                order=20,
            ),
        )
        # administrators edit and publish the flow definitions
        role_permissions_register(
            "flows",
            Role.ADMINISTRATOR,
            [
                f"flows.{action}_flowdefinition"
                for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
            ],
        )
        subscribers.register()
