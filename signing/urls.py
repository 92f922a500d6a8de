from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("signing/crl/<str:role>.crl", views.crl, name="crl"),
    path("signing/ca/<str:role>.pem", views.ca_certificate, name="ca_certificate"),
    path("signing/tsa/", views.timestamp, name="tsa"),
]
