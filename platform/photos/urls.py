from django.urls import path

from . import views

app_name = "photos"
urlpatterns = [
    path("<int:pk>/", views.investor_photo, name="investor_photo"),
    path("<int:pk>/signature/", views.investor_signature, name="investor_signature"),
]
