"""The project's URLs plus the test endpoints of tests/api/views.py."""

from onboarding.urls import urlpatterns as project_urlpatterns

from .views import urlpatterns as test_urlpatterns

urlpatterns = test_urlpatterns + project_urlpatterns

handler404 = "onboarding.api.handler404"
handler500 = "common.middleware.server_error"
