from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("业务流程")

    def ready(self) -> None:
        from staff.consoles import Console, console_register, role_permissions_register
        from staff.roles import Role

        from . import subscribers
        from .apis import schema  # noqa: F401  (step names as an enum in the OpenAPI schema)
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
        # administrators edit flow definitions and submit them for review; compliance officers
        # review them (view, change); nobody publishes except through the approval (four eyes)
        role_permissions_register(
            "flows",
            Role.ADMINISTRATOR,
            [
                f"flows.{action}_flowdefinition"
                for action in ("add", "change", "delete", "view", "lock", "unlock")
            ],
        )
        role_permissions_register(
            "flows",
            Role.COMPLIANCE,
            ["flows.view_flowdefinition", "flows.change_flowdefinition"],
        )
        subscribers.register()
