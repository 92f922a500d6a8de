"""HTTP and websockets on one ASGI server (uvicorn), behind the edge: the client's address from
trusted proxies only, bounded request bodies, an access log without query strings (edge.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings.demo")
# The web server pools its PostgreSQL connections (settings/env.py: one thread per request makes
# kept connections useless); Celery's forked workers and commands keep theirs (CONN_MAX_AGE).
os.environ.setdefault("DATABASE_POOL", "true")
# Django must be set up before anything imports models (consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from staff.otp import OTPWebsocketMiddleware  # noqa: E402

from .edge import edge  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402

application = edge(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(OTPWebsocketMiddleware(URLRouter(websocket_urlpatterns)))
            ),
        }
    )
)
