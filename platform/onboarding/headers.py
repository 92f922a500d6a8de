"""Response headers that protect the pages: the Content-Security-Policy (django-csp), and
`Cache-Control: no-store` on anything shown to someone logged in.

The policy lets pages run only the project's own script files: no inline script, no event
handler attribute, no `javascript:` URL, nothing from another origin. Styles may be inline (the
theme's colours are one `<style>` block; the CMS writes style attributes); scripts never are on
the investor pages, the consoles and the staff pages. Two places run third-party code that needs
inline scripts: the Wagtail admin (its date pickers and inline panels in Wagtail 8) and ReDoc;
they get a policy that allows inline script but nothing from another origin. Swagger UI is served
split (its starting script from a URL), under the strict policy."""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponse

from clients.auth import SESSION_KEY as INVESTOR_SESSION_KEY

STRICT = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "media-src": [SELF, "blob:", "mediastream:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
# Third-party admin tools that cannot run without inline scripts: still nothing from elsewhere.
TOOLS = {
    **STRICT,
    "script-src": [SELF, UNSAFE_INLINE],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],  # the CMS previews pages in a frame of its own
}
TOOLS_PREFIXES = ("/cms/", "/api/redoc/")


def policy_for(path: str) -> dict[str, list[str]]:
    return TOOLS if path.startswith(TOOLS_PREFIXES) else STRICT


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(
            request=request, response=response, report_only=report_only
        )
        if not report_only and parts.config is None:
            parts.config = policy_for(request.path)
        return parts


class NoStoreForPeopleMiddleware:
    """A page for a logged-in investor or staff member, or one that depends on the session
    (it varies on the cookie), is never kept by a browser or a proxy: a shared computer's back
    button or cache shows nobody's ID data. Responses that chose their own caching (a CRL, a
    public certificate) keep it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if request.method not in ("GET", "HEAD"):
            # The page a POST answered (a form shown again with its errors, photos to confirm)
            # is kept out of shared caches but stays in the browser's history: with no-store,
            # the back button would fail on it (ERR_CACHE_MISS, "confirm form resubmission").
            # Post/redirect/get keeps such pages rare (issue 16, item 8).
            if self._personal(request, response):
                response["Cache-Control"] = "private, no-cache"
            return response
        if self._personal(request, response):
            response["Cache-Control"] = "no-store, private"
        return response

    @staticmethod
    def _personal(request: HttpRequest, response: HttpResponse) -> bool:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        return (
            (user is not None and user.is_authenticated)
            or (session is not None and INVESTOR_SESSION_KEY in session)
            or "cookie" in response.get("Vary", "").lower()
        )
