"""The review console shows each business's signature photo beside the signature lifted from it
(what the signed agreements show), to reviewers only, and only for businesses under review."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from flows.models import Application, ApplicationState, StepRecord
from flows.services import application_start
from photos.services import id_photo_store
from signing.demo import signature_photo_demo
from staff.roles import Role
from tests.factories import ClientFactory, published_flow, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(settings, tmp_path) -> tuple[Application, int]:
    settings.MEDIA_ROOT = tmp_path
    published_flow([("photos", {"security_letter": None}), ("exchanges", {})])
    application = application_start(client=ClientFactory(name="李明"))
    photo = id_photo_store(
        client=application.client, side="signature", upload_bytes=signature_photo_demo("李明")
    )
    StepRecord.objects.create(
        application=application,
        kind="photos",
        completed_at=timezone.now(),
        version=1,
        evidence={"photos": {"signature": photo.pk}},
    )
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED)
    return application, photo.pk


def _urls(application, photo_id) -> tuple[str, str]:
    args = [application.acceptance_number, photo_id]
    return reverse("flows:review_photo", args=args), reverse("flows:review_ink", args=args)


def test_the_console_shows_the_photo_beside_the_lifted_signature(client, submitted):
    # given
    application, photo_id = submitted
    client.force_login(staff_user("reviewer", Role.REVIEWER))
    photo_url, ink_url = _urls(application, photo_id)

    # when
    page = client.get(
        reverse("flows:review_application", args=[application.acceptance_number])
    ).content.decode()
    photo, ink = client.get(photo_url), client.get(ink_url)

    # then both are on the page, and both are served
    assert photo_url in page and ink_url in page
    assert photo["Content-Type"] == "image/jpeg" and "no-store" in photo["Cache-Control"]
    assert Image.open(io.BytesIO(photo.content)).size == (1600, 1200)
    assert ink["Content-Type"] == "image/png" and "no-store" in ink["Cache-Control"]
    assert Image.open(io.BytesIO(ink.content)).mode == "LA"


def test_someone_without_the_reviewer_role_gets_no_photo(client, submitted):
    application, photo_id = submitted
    client.force_login(staff_user("agent", Role.WITNESS_AGENT))
    for url in _urls(application, photo_id):
        assert client.get(url).status_code == 403


def test_a_photo_the_business_did_not_record_is_not_found(client, submitted):
    application, photo_id = submitted
    other = id_photo_store(
        client=ClientFactory(), side="signature", upload_bytes=signature_photo_demo("王芳")
    )
    client.force_login(staff_user("reviewer", Role.REVIEWER))
    for url in _urls(application, other.pk):
        assert client.get(url).status_code == 404
