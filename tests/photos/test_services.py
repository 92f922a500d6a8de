"""Storing ID photos: encrypted at rest, bad photos refused with nothing stored."""

from __future__ import annotations

import hashlib

import pytest

from common.exceptions import BusinessError
from photos.models import IdPhoto
from photos.services import id_photo_read, id_photo_store
from tests.factories import ClientFactory

from .photos_helpers import card_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_stored_photo_is_encrypted_at_rest_and_read_back(media):
    # given
    client = ClientFactory()
    data, _ = card_photo(side="front", exif_orientation=6)

    # when
    photo = id_photo_store(client=client, side="front", upload_bytes=data)

    # then the files on disk are not images and their names say nothing
    files = _stored_files(media)
    assert len(files) == 2
    for path in files:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xff\xd8") and b"JFIF" not in raw and b"Exif" not in raw
        assert client.client_no not in str(path) and "front" not in str(path)
        assert path.suffix == ".bin" and len(path.stem) >= 32
    # and read back through the service
    assert id_photo_read(photo=photo)[:2] == b"\xff\xd8"
    assert id_photo_read(photo=photo, original=True) == data
    photo.refresh_from_db()
    assert photo.content_hash == hashlib.sha256(data).hexdigest()
    assert len(photo.corners) == 4 and photo.rotation in (0, 90, 180, 270)
    assert photo.quality["sharpness"] > 0


def test_a_bad_photo_is_refused_with_its_reason_and_nothing_is_stored(media):
    # given
    client = ClientFactory()

    # when
    with pytest.raises(BusinessError) as refused:
        id_photo_store(client=client, side="back", upload_bytes=b"not a photo")

    # then
    assert refused.value.code == "unreadable"
    assert refused.value.message
    assert not IdPhoto.objects.exists()
    assert _stored_files(media) == []


def test_an_unknown_side_is_refused(media):
    with pytest.raises(BusinessError) as refused:
        id_photo_store(client=ClientFactory(), side="left", upload_bytes=b"")
    assert refused.value.code == "invalid_side"
