from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from staff.views import cms_login

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("api/", include("onboarding.api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    # before the CMS's own: its login form would have neither limits nor a second factor
    path("cms/login/", cms_login, name="cms_login"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("staff/", include("staff.urls")),
    path("investor/", include("clients.urls")),
    path("investor/photos/", include("photos.urls")),
    path("dev/sms/", include("sms.urls")),
    path("", include("flows.urls")),
    path("", include("video.urls")),
    path("", include("signing.urls")),
]

if settings.DEMO_TOOLS and settings.MEDIA_STORAGE == "local":
    # The demo's uploaded CMS images (the theme's logo): production serves media from its
    # storage. Django's `static()` helper would add nothing with DEBUG off.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Wagtail serves the CMS pages (the landing page, education and help) from the site root.
urlpatterns += [path("", include(wagtail_urls))]

# A database outage anywhere in a request (a middleware too) is a 503 "try again", not a 500.
handler500 = "common.middleware.server_error"
# Under /api/ a URL that matches nothing is JSON in the API's error shape, not the HTML page.
handler404 = "onboarding.api.handler404"
# A bad request (a host not served, a malformed upload) gets the themed page as well.
handler400 = "common.errors.bad_request"
