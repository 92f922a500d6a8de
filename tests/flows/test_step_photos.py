"""Step 1: photos judged at once, refused with the reason, shown processed for confirmation,
photos on file used instead of asking, and the security letter agreed with its version."""

import io
import re

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from flows.models import StepRecord
from photos.models import IdPhoto
from tests.factories import published_document, published_flow
from tests.flows.step_client import post_step
from tests.flows.test_engine import log_in, start, token
from tests.photos.photos_helpers import card_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def flow():
    letter = published_document(
        "security_letter", title="数字证书安全责任书", html="<p>私钥由本人独立控制。</p>"
    )
    published_flow([("photos", {"security_letter": letter}), ("exchanges", {})])


def signature_photo() -> bytes:
    image = Image.new("RGB", (1280, 960), (235, 235, 230))
    pixels = image.load()
    for x in range(200, 1100):  # a dark stroke with some texture, like ink on paper
        for dy in range(-6, 7):
            y = 480 + int(120 * ((x % 300) / 300 - 0.5)) + dy
            pixels[x, y] = (20, 20, 30)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.jpg", data, content_type="image/jpeg")


def post(client, url, **fields):
    return post_step(client, url, {"step_token": token(client, url), **fields})


def test_a_good_upload_is_processed_and_shown_for_confirmation(client):
    log_in(client)
    application, base = start(client)
    url = f"{base}/photos/"
    response = post(client, url, front=upload("front", card_photo("front")[0]))
    assert response.status_code == 200
    photo = IdPhoto.objects.get(side="front")
    page = response.content.decode()
    assert f"/investor/photos/{photo.pk}/" in page
    assert "照片已处理，请确认" in page
    assert StepRecord.objects.get(application=application).completed_at is None
    image = client.get(f"/investor/photos/{photo.pk}/")
    assert image["Content-Type"] == "image/jpeg"
    assert (
        Image.open(io.BytesIO(image.content)).width > Image.open(io.BytesIO(image.content)).height
    )  # the card, upright and flat


def test_a_bad_photo_is_refused_with_the_reason_and_nothing_is_stored(client):
    log_in(client)
    _, base = start(client)
    response = post(client, f"{base}/photos/", front=upload("front", b"not an image at all"))
    assert response.status_code == 400
    assert re.search(r"无法识别|不是|图片", response.content.decode())
    assert not IdPhoto.objects.exists()


def test_a_refusal_names_the_photo_it_concerns_at_the_top_and_beside_that_photo(client):
    # given
    log_in(client)
    _, base = start(client)

    # when the back is refused and the front accepted
    response = post(
        client,
        f"{base}/photos/",
        front=upload("front", card_photo("front")[0]),
        back=upload("back", b"not an image at all"),
    )

    # then the summary at the top names the back and links to its control
    page = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', page, re.S)
    assert summary is not None
    assert re.search(r'<li><a href="#id_back">身份证国徽面</a>：[^<]+</li>', summary.group(1))
    assert "身份证人像面" not in summary.group(1)
    # and the reason sits in the back's own tile, which the control points to
    slots = re.findall(r"<fieldset class=\"photo-slot.*?</fieldset>", page, re.S)
    back = next(slot for slot in slots if 'name="back"' in slot)
    front = next(slot for slot in slots if 'name="front"' in slot)
    assert 'id="back-error"' in back and "身份证国徽面未通过" in back
    assert 'aria-describedby="back-hint back-error"' in back
    assert "未通过" not in front


def test_each_photo_is_a_tile_that_opens_the_camera(client):
    # given
    log_in(client)
    _, base = start(client)

    # when
    page = client.get(f"{base}/photos/").content.decode()

    # then each side's input asks for the rear camera and is labelled by its card-shaped tile
    for side in ("front", "back", "signature"):
        assert re.search(
            rf'<input type="file" class="photo-input" id="id_{side}" name="{side}" '
            rf'accept="image/\*" capture="environment"',
            page,
        )
        assert f'<label for="id_{side}" class="photo-tile photo-tile-{side}' in page
    assert "flows/photos.js" in page and "<script>" not in page


def test_the_step_needs_all_three_photos_and_the_letter(client):
    log_in(client)
    _, base = start(client)
    response = post(client, f"{base}/photos/")
    page = response.content.decode()
    assert "请上传：" in page and "请阅读并同意《数字证书安全责任书》" in page


def test_photos_on_file_are_used_and_the_letter_version_is_recorded(client):
    investor = log_in(client)
    application, base = start(client)
    url = f"{base}/photos/"
    post(
        client,
        url,
        front=upload("f", card_photo("front")[0]),
        back=upload("b", card_photo("back")[0]),
        signature=upload("s", signature_photo()),
    )
    assert IdPhoto.objects.filter(client=investor).count() == 3
    response = post(client, url, letter_agreed="on")
    assert response.status_code == 302
    record = StepRecord.objects.get(application=application, kind="photos")
    assert record.completed_at is not None
    assert set(record.evidence["photos"]) == {"front", "back", "signature"}
    assert len(record.evidence["security_letter"]["sha256"]) == 64


def test_another_investors_photo_is_not_found(client):
    log_in(client)
    _, base = start(client)
    post(client, f"{base}/photos/", front=upload("front", card_photo("front")[0]))
    photo = IdPhoto.objects.get()
    log_in(client)  # someone else
    assert client.get(f"/investor/photos/{photo.pk}/").status_code == 404


def test_photos_already_on_file_are_shown_instead_of_asking(client):
    from photos.services import id_photo_store

    # given a client whose photos the company already has
    investor = log_in(client)
    for side, data in (
        ("front", card_photo("front")[0]),
        ("back", card_photo("back")[0]),
        ("signature", signature_photo()),
    ):
        id_photo_store(client=investor, side=side, upload_bytes=data)
    application, base = start(client)
    # when they open the step, then the photos are there and agreeing completes it
    page = client.get(f"{base}/photos/").content.decode()
    assert page.count("/investor/photos/") == 4  # three photos and the lifted signature
    assert post(client, f"{base}/photos/", letter_agreed="on").status_code == 302
    assert StepRecord.objects.get(application=application, kind="photos").completed_at


def test_a_signature_photo_without_ink_is_refused_so_the_investor_retakes_it(client):
    # given a photo of a blank sheet (with a phone's sensor noise) sent as the signature photo
    log_in(client)
    application, base = start(client)
    noise = np.random.default_rng(1).normal(0, 3, (1200, 1600, 3))
    blank = Image.fromarray(np.clip(230 + noise, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    blank.save(buffer, "JPEG", quality=90)

    # when
    response = post(client, f"{base}/photos/", signature=upload("s", buffer.getvalue()))

    # then the step says why and stays open; nothing is kept
    assert response.status_code == 400
    assert "照片中没有找到签名笔迹" in response.content.decode()
    assert not IdPhoto.objects.exists()
    assert StepRecord.objects.get(application=application).completed_at is None


def test_the_signature_lifted_from_the_photo_is_shown_for_confirmation(client):
    from signing.demo import signature_photo_demo

    # given a signature photo just taken
    log_in(client)
    _, base = start(client)
    response = post(client, f"{base}/photos/", signature=upload("s", signature_photo_demo("李明")))

    # then the step shows the signature as the signed PDFs will, to this investor only
    photo = IdPhoto.objects.get(side="signature")
    assert f"/investor/photos/{photo.pk}/signature/" in response.content.decode()
    lifted = client.get(f"/investor/photos/{photo.pk}/signature/")
    assert lifted["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(lifted.content)).mode == "LA"
    log_in(client)  # someone else
    assert client.get(f"/investor/photos/{photo.pk}/signature/").status_code == 404
