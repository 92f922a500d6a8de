from django.urls import path

from . import views

app_name = "video"
urlpatterns = [path("console/witness/", views.witness_console, name="witness_console")]
