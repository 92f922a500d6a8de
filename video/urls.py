from django.urls import path

from . import evidence_views, views

app_name = "video"
urlpatterns = [
    path("console/witness/", views.witness_console, name="witness_console"),
    path("console/witness/take/", views.take_next, name="take_next"),
    path("console/witness/session/<int:pk>/", views.session_detail, name="session"),
    path("console/witness/session/<int:pk>/tick/", views.session_tick, name="session_tick"),
    path("console/witness/session/<int:pk>/pass/", views.session_pass, name="session_pass"),
    path("console/witness/session/<int:pk>/return/", views.session_return, name="session_return"),
    path(
        "console/witness/session/<int:pk>/release/", views.session_release, name="session_release"
    ),
    path(
        "console/witness/session/<int:pk>/recording/<int:seq>/",
        evidence_views.recording_chunk,
        name="recording_chunk",
    ),
    path(
        "console/witness/session/<int:pk>/recording/",
        evidence_views.recording_play,
        name="recording",
    ),
    path("console/witness/session/<int:pk>/snapshot/", evidence_views.snapshot, name="snapshot"),
    path("console/witness/session/<int:pk>/liveness/", evidence_views.liveness, name="liveness"),
    path("console/witness/session/<int:pk>/id-photo/", evidence_views.id_photo, name="id_photo"),
    path(
        "console/witness/session/<int:pk>/snapshot/<int:snapshot_id>/",
        evidence_views.snapshot_image,
        name="snapshot_image",
    ),
    path("business/<str:acceptance_number>/video/queue/", views.queue_join, name="queue_join"),
    path("business/<str:acceptance_number>/video/leave/", views.queue_leave, name="queue_leave"),
    path(
        "business/<str:acceptance_number>/video/appointment/",
        views.appointment_book,
        name="appointment_book",
    ),
    path(
        "business/<str:acceptance_number>/video/appointment/cancel/",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
]
