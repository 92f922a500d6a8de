from rest_framework.permissions import BasePermission

from .roles import Role
from .selectors import user_has_role


class IsIntegrator(BasePermission):
    message = "需要接口对接权限 / the integrator role is required."

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, Role.INTEGRATOR)
