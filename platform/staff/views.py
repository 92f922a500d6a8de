from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .consoles import consoles
from .selectors import user_roles


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """The consoles this person may use."""
    roles = user_roles(request.user)
    return render(
        request,
        "staff/home.html",
        {"roles": roles, "consoles": [c for c in consoles() if c.role in roles]},
    )
