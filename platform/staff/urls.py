from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff:login"), name="logout"),
    path("", views.home, name="home"),
]
