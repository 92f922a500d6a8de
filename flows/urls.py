from django.urls import path

from .views import investor, review

app_name = "flows"
urlpatterns = [
    path("console/review/", review.review_console, name="review_console"),
    path(
        "console/review/<str:acceptance_number>/",
        review.review_application,
        name="review_application",
    ),
    path("console/review/<str:acceptance_number>/take/", review.review_take, name="review_take"),
    path(
        "console/review/<str:acceptance_number>/photos/<int:pk>.jpg",
        review.review_photo,
        name="review_photo",
    ),
    path(
        "console/review/<str:acceptance_number>/photos/<int:pk>/ink.png",
        review.review_photo,
        {"variant": "ink"},
        name="review_ink",
    ),
    path("console/review/<str:acceptance_number>/leave/", review.review_leave, name="review_leave"),
    path(
        "console/review/<str:acceptance_number>/approve/",
        review.review_approve_view,
        name="review_approve",
    ),
    path(
        "console/review/<str:acceptance_number>/reject/",
        review.review_reject_view,
        name="review_reject",
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
