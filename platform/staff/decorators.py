from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import Role
from .selectors import user_has_role


def role_required(role: Role):
    """Staff pages: anonymous users go to the staff login, users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_role(request.user, role):
                raise PermissionDenied("role required: " + role)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
