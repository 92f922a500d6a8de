from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("otp/", views.second_factor, name="otp"),
    path("otp/accounts/", views.second_factor_accounts, name="otp_accounts"),
    path("otp/accounts/<int:user_id>/reset/", views.second_factor_reset, name="otp_reset"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff:login"), name="logout"),
    path("", views.home, name="home"),
]
