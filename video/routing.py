from django.urls import path

from .consumers import CallConsumer, ConsoleConsumer, QueueConsumer

websocket_urlpatterns = [
    path("ws/witness/console/", ConsoleConsumer.as_asgi()),
    path("ws/witness/queue/<str:acceptance_number>/", QueueConsumer.as_asgi()),
    path("ws/witness/call/<str:acceptance_number>/", CallConsumer.as_asgi()),
]
