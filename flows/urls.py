from django.urls import path

from . import views

app_name = "flows"
urlpatterns = [path("console/review/", views.review_console, name="review_console")]
