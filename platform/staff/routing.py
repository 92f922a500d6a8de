from django.urls import path

from .consumers import StaffEventsConsumer

websocket_urlpatterns = [
    path("ws/staff/events/<str:role>/", StaffEventsConsumer.as_asgi()),
]
