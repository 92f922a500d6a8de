"""Posting a step as a browser does: the POST is always answered with a redirect (post/redirect/
get); when it leads back to the same step, the browser shows that page, with the errors of a
refused post. `post_step` returns that page as `Shown`, with the status the step's outcome
deserves (400: refused with errors shown; 200: the step shown again without errors, e.g. the
next stage), or the redirect itself when the flow moved on (302, .url)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Shown:
    status_code: int
    content: bytes
    url: str


def post_step(client, url: str, data=None, **kwargs):
    response = client.post(url, data or {}, **kwargs)
    if response.status_code != 302:
        return response
    assert response.status_code == 302, "a POST is never answered with a page"
    if urlsplit(response.url).path != urlsplit(url).path:
        return response
    page = client.get(url)
    refused = 'class="errorlist"' in page.content.decode()
    return Shown(400 if refused else page.status_code, page.content, url)
