"""The public verification page runs cryptographic checks for anyone: an address gets so many
per window, then a clear refusal."""

import pytest
from django.core.cache import cache

from signing.views import records

pytestmark = pytest.mark.django_db


def test_too_many_verifications_from_one_address_are_refused(client, ca, monkeypatch):
    # given
    cache.clear()
    monkeypatch.setattr(records, "VERIFY_LIMIT", 2)
    # when
    statuses = [client.post("/signing/verify/", {"file": _file()}).status_code for _ in range(3)]
    # then
    assert statuses == [400, 400, 429]
    refused = client.post("/signing/verify/", {"file": _file()})
    assert "验签次数过多" in refused.content.decode()
    other = client.post("/signing/verify/", {"file": _file()}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 400


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
