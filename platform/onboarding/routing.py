"""Every app's websocket routes, gathered in one list for asgi.py."""

from staff.routing import websocket_urlpatterns as staff_routes
from video.routing import websocket_urlpatterns as video_routes

websocket_urlpatterns = [*staff_routes, *video_routes]
