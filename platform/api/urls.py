"""The API's own endpoints (investor login); included under /api/v1/ by the wiring."""

from django.urls import path

from .views import SmsCodeApi, TokenApi

urlpatterns = [
    path("auth/sms-code/", SmsCodeApi.as_view(), name="api-auth-sms-code"),
    path("auth/token/", TokenApi.as_view(), name="api-auth-token"),
]
