from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from themes.qr import qr_svg

from . import otp, throttles
from .consoles import consoles
from .decorators import role_required
from .forms import StaffAuthenticationForm, TokenForm
from .roles import Role
from .selectors import user_roles


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


def cms_login(request: HttpRequest) -> HttpResponse:
    """The CMS has no login of its own: Wagtail's form would have neither the limits nor the
    second factor. Its address leads to the staff login, which returns to the CMS."""
    next_url = request.GET.get("next") or reverse("wagtailadmin_home")
    return redirect(f"{reverse('staff:login')}?{urlencode({'next': next_url})}")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("staff:home")


@never_cache
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """After the password: the code of the person's authenticator, or, the first time, enrolling
    one (a QR code of a new secret, confirmed by a code from it)."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    device = otp.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = otp.enrolment_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            blocked = throttles.code_attempts_blocked(user_id=user.pk)
        except throttles.ThrottleUnavailable:
            blocked = True
        if blocked:
            form.add_error("token", _("动态验证码错误次数过多，请 15 分钟后再试。"))
        elif device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                otp.enrolment_confirm(device=device)
            otp_login(request, device)
            request.session.cycle_key()
            return redirect(_next_url(request))
        else:
            try:
                throttles.code_failed(user_id=user.pk)
            except throttles.ThrottleUnavailable:
                pass  # refused already; the next attempt meets the outage above
            form.add_error("token", _("动态验证码错误，请查看身份验证器后重新输入。"))
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        context.update(qr=qr_svg(device.config_url), secret=_base32(device.bin_key))
    return render(request, "staff/otp.html", context, status=400 if form.errors else 200)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _account_manager_required(view):
    """Administrators who manage staff accounts (Django's auth.change_user): compliance
    officers also enter the CMS, but do not manage accounts."""

    @role_required(Role.ADMINISTRATOR)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("auth.change_user"):
            raise PermissionDenied("managing staff accounts")
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@_account_manager_required
def second_factor_accounts(request: HttpRequest) -> HttpResponse:
    """Administrators: who has enrolled an authenticator; reset one (a lost phone)."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    enrolled = set(otp.TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [{"user": u, "enrolled": u.pk in enrolled} for u in users]
    return render(request, "staff/otp_accounts.html", {"rows": rows})


@require_POST
@_account_manager_required
def second_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=user_id)
    otp.devices_reset(user=person, by=request.user, reason=request.POST.get("reason", ""))
    throttles.staff_unlock(username=person.get_username(), user_id=person.pk)
    messages.success(
        request,
        _("已重置 %(name)s 的两步验证：其下次登录时重新绑定身份验证器。")
        % {"name": person.get_username()},
    )
    return redirect("staff:otp_accounts")


@login_required
def home(request):
    """The consoles this person may use."""
    roles = user_roles(request.user)
    return render(
        request,
        "staff/home.html",
        {"roles": roles, "consoles": [c for c in consoles() if c.role in roles]},
    )
