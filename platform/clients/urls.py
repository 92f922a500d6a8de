from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("sms-code/", views.sms_code, name="sms_code"),
    path("logout/", views.logout, name="logout"),
]
