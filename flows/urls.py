from django.urls import path

from .views import investor, review

app_name = "flows"
urlpatterns = [
    path("console/review/", review.review_console, name="review_console"),
    path(
        "console/review/photos/<int:pk>/<str:variant>/",
        review.review_photo,
        name="review_photo",
    ),
    path("business/", investor.my_business, name="my_business"),
    path("business/enter/", investor.enter, name="enter"),
    path("business/<str:acceptance_number>/", investor.resume, name="resume"),
    path("business/<str:acceptance_number>/abandon/", investor.abandon, name="abandon"),
    path("business/<str:acceptance_number>/<str:step>/", investor.step, name="step"),
    path(
        "business/<str:acceptance_number>/<str:step>/previous/", investor.previous, name="previous"
    ),
    path(
        "business/<str:acceptance_number>/<str:step>/action/<slug:action>/",
        investor.step_action,
        name="step_action",
    ),
]
