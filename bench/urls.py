"""The project's URLs, and a bare Django view: a template of a given size rendered from the same
process, through the same middleware, with no database work of its own."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

BARE = engines["django"].from_string(
    '<!DOCTYPE html><html lang="zh-CN"><body><main>{{ filler }}</main></body></html>'
)


def bare(request, size: int) -> HttpResponse:
    return HttpResponse(BARE.render({"filler": "x" * max(0, size - 70)}, request))


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("", include("onboarding.urls")),
]
