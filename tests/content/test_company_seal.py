"""The company seal's picture in the CMS: uploaded by an administrator, checked (an image, not
too large, square-ish), refused with the reason in the admin, and stamped on signed agreements
only once a second person approved it."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageDraw

from content.models import CompanySeal
from content.seal_images import seal_image_clean
from content.selectors import seal_image_live
from signing.marks import company_seal_png
from signing.seal import seal_draw
from staff.roles import Role
from tests.content.test_four_eyes import submit, task_state_of
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
ADD_URL = "/cms/snippets/content/companyseal/add/"


def _scan(size=(600, 600), fmt="JPEG") -> bytes:
    """A red round seal scanned on white paper."""
    image = Image.new("RGB", size, (250, 250, 248))
    w, h = size
    ImageDraw.Draw(image).ellipse((20, 20, w - 20, h - 20), outline=(200, 30, 30), width=18)
    ImageDraw.Draw(image).regular_polygon((w / 2, h / 2, w / 6), 5, fill=(200, 30, 30))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def test_a_scan_on_white_paper_becomes_a_transparent_seal():
    png = Image.open(io.BytesIO(seal_image_clean(_scan())))
    assert png.mode == "RGBA"
    rgba = np.asarray(png)
    assert rgba[5, 5, 3] == 0  # the paper is gone
    ring = rgba[png.height // 2, 25]
    assert ring[3] > 200 and ring[0] > 150 and ring[1] < 80  # the red ink stays


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"%PDF-1.7 not a picture", "seal_not_image", "不是有效的图片"),
        (_scan((900, 400)), "seal_not_square", "接近正方形"),
        (_scan((3200, 3200), "PNG"), "seal_too_large", "尺寸过大"),
        (b"\xff\xd8" + bytes(2 * 1024 * 1024 + 1), "seal_too_large", "文件过大"),
        (_scan((120, 120)), "seal_too_small", "太小"),
    ],
)
def test_a_bad_seal_upload_is_refused_with_the_reason(data, code, words):
    with pytest.raises(ValidationError) as refused:
        seal_image_clean(data)
    assert refused.value.code == code
    assert words in refused.value.messages[0]


def test_a_blank_picture_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (500, 500), (255, 255, 255)).save(out, "PNG")
    with pytest.raises(ValidationError) as refused:
        seal_image_clean(out.getvalue())
    assert refused.value.code == "seal_blank"


@pytest.fixture(autouse=True)
def language_restored(settings):
    """The admin's requests activate the staff member's language in this thread; later tests
    that read messages outside a request expect the site's own."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def administrator(client):
    user = staff_user("seal-admin", Role.ADMINISTRATOR)
    client.force_login(user)
    return user


def _post(client, data: bytes, name="seal.jpg", action="action-save"):
    return client.post(
        ADD_URL, {"name": "合同专用章", "upload": SimpleUploadedFile(name, data), action: "1"}
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"MZ\x90\x00 an executable", "不是有效的图片"),
        (_scan((900, 400)), "接近正方形"),
    ],
)
def test_the_admin_refuses_a_bad_seal_with_the_reason_and_keeps_nothing(
    client, administrator, data, words
):
    response = _post(client, data)
    assert response.status_code == 200
    assert words in str(response.context["form"].errors["upload"])
    assert not CompanySeal.objects.exists()


def test_the_admin_asks_for_a_picture(client, administrator):
    response = client.post(ADD_URL, {"name": "合同专用章", "action-save": "1"})
    assert response.status_code == 200
    assert "请上传印章图片" in str(response.context["form"].errors["upload"])


def test_an_uploaded_seal_is_stamped_only_after_a_second_person_approves_it(client, administrator):
    # given an administrator's upload, saved and submitted for review
    response = _post(client, _scan())
    assert response.status_code == 302
    seal = CompanySeal.objects.get()
    assert not seal.live and seal_image_live() is None
    submit(seal, administrator)

    # then until approved, agreements get the drawn seal
    assert company_seal_png(company_name="示例期货") == seal_draw("示例期货")

    # when a compliance officer who did not upload it approves
    officer = staff_user("seal-officer", Role.COMPLIANCE)
    task_state_of(seal).task.specific.on_action(task_state_of(seal), officer, "approve")

    # then it is live and it is what agreements are sealed with
    seal = CompanySeal.objects.get()
    assert seal.live
    live = seal_image_live()
    assert live is not None and Image.open(io.BytesIO(live)).mode == "RGBA"
    assert company_seal_png(company_name="示例期货") == live


def test_the_uploader_cannot_approve_their_own_seal(client, administrator):
    from django.core.exceptions import PermissionDenied

    _post(client, _scan())
    seal = CompanySeal.objects.get()
    submit(seal, administrator)
    administrator.groups.add(*staff_user("x", Role.COMPLIANCE).groups.all())
    with pytest.raises(PermissionDenied):
        task_state_of(seal).task.specific.on_action(task_state_of(seal), administrator, "approve")
    assert seal_image_live() is None


def test_the_edit_screen_of_an_uploaded_seal_opens(client, administrator):
    _post(client, _scan())
    seal = CompanySeal.objects.get()
    response = client.get(f"/cms/snippets/content/companyseal/edit/{seal.pk}/")
    assert response.status_code == 200
