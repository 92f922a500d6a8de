"""Storing ID photos: encrypted at rest, bad photos refused with nothing stored."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image, UnidentifiedImageError

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


def _opens_as_image(raw: bytes) -> bool:
    try:
        Image.open(io.BytesIO(raw))
    except UnidentifiedImageError:
        return False
    return True


def test_a_stored_photo_is_encrypted_at_rest_and_read_back(media):
    # given
    client = ClientFactory()
    data, _ = card_photo(side="front", exif_orientation=6)

    # when
    photo = id_photo_store(client=client, side="front", upload_bytes=data)

    # then the files on disk are not images, hold no stretch of either photo in the clear, and
    # their names say nothing (not "no b'JFIF' in them": the files are base64 tokens, in which
    # any four letters turn up by chance, here about once in twenty runs)
    image = id_photo_read(photo=photo)
    files = _stored_files(media)
    assert len(files) == 2
    for path in files:
        raw = path.read_bytes()
        assert not _opens_as_image(raw)
        for clear in (data, image):
            assert clear[:64] not in raw and clear[len(clear) // 2 :][:64] not in raw
        assert client.client_no not in str(path) and "front" not in str(path)
        assert path.suffix == ".bin" and len(path.stem) >= 32
    # and read back through the service
    assert image[:2] == b"\xff\xd8"
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


def test_no_more_photos_are_judged_at_once_than_the_bound(media, monkeypatch):
    # given judging that takes a while, and six uploads posted at once
    import threading
    import time

    from photos import services

    monkeypatch.setattr(services, "JUDGING_TURNS", threading.BoundedSemaphore(2))
    running, most = [0], [0]
    lock = threading.Lock()
    real_judge = services.photo_judge

    def slow_judge(**kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        return real_judge(**kwargs)

    monkeypatch.setattr(services, "photo_judge", slow_judge)
    data, _ = card_photo(side="front")

    # when
    results: list = []
    threads = [
        threading.Thread(
            target=lambda: results.append(services.photo_judge_in_turn(data=data, side="front"))
        )
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then never more than two at a time, and every one was judged
    assert most[0] == 2
    assert len(results) == 6 and all(result.ok for result in results)


def test_an_upload_that_waits_too_long_for_a_turn_is_told_the_system_is_busy(
    media, monkeypatch, settings
):
    # given every turn taken (a long judgement elsewhere) and a short wait
    import threading

    from photos import services

    turns = threading.BoundedSemaphore(1)
    turns.acquire()
    monkeypatch.setattr(services, "JUDGING_TURNS", turns)
    settings.PHOTO_JUDGING_WAIT_SECONDS = 0.2
    client = ClientFactory()
    data, _ = card_photo(side="front")

    # when / then a clear "busy" refusal, nothing judged or stored
    with pytest.raises(BusinessError) as refusal:
        id_photo_store(client=client, side="front", upload_bytes=data)
    assert refusal.value.code == "busy" and refusal.value.status == 503  # the API: try again
    assert "系统繁忙" in refusal.value.message
    assert not IdPhoto.objects.exists() and not _stored_files(media)
    # and once the turn is free, the same upload is judged and kept
    turns.release()
    assert id_photo_store(client=client, side="front", upload_bytes=data).pk
