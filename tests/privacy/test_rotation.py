"""`manage.py rotate_data_key`: personal data re-encrypted under a new key while the old one
still reads whatever is not done yet; afterwards the old key can go and everything still reads
(columns, files, binary values, tokens inside JSON, the ID-number lookup hashes)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.selectors import client_by_id_number
from photos.models import IdPhoto
from privacy import crypto
from privacy.rotation import data_key_rotate
from sms.models import SmsMessage
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings):
    old = settings.DATA_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    return old, new


def personal_data():
    client = ClientFactory(id_number="11010519491231002X", name="王小明", mobile="13912345678")
    sms = SmsMessage.objects.create(mobile="13912345678", text="验证码 123456", purpose="t")
    photo = IdPhoto(client=client, side="front", content_hash="0" * 64)
    photo.image.save("image", ContentFile(crypto.encrypt(b"jpeg bytes")), save=False)
    photo.original.save("original", ContentFile(crypto.encrypt(b"original")), save=False)
    photo.save()
    return client, sms, photo


def readable_with(settings, keys_now: list[str], client, sms, photo) -> None:
    settings.DATA_ENCRYPTION_KEYS = keys_now
    fresh = type(client).objects.get(pk=client.pk)
    assert (fresh.id_number, fresh.name, fresh.mobile) == (
        "11010519491231002X",
        "王小明",
        "13912345678",
    )
    assert SmsMessage.objects.get(pk=sms.pk).text == "验证码 123456"
    stored = IdPhoto.objects.get(pk=photo.pk)
    with stored.image.open("rb") as handle:
        assert crypto.decrypt(handle.read()) == b"jpeg bytes"
    assert client_by_id_number(id_number="11010519491231002X") == fresh


def test_after_rotation_the_old_key_can_go(settings, keys):
    # given data under the old key, and the new key put first
    old, new = keys
    client, sms, photo = personal_data()
    settings.DATA_ENCRYPTION_KEYS = [new, old]
    # when
    report = data_key_rotate()
    # then everything was re-encrypted, and reads with the new key alone
    assert report.rotated["clients.Client.id_number"] == 1
    assert report.rotated["clients.Client.name"] == 1
    assert report.rotated["sms.SmsMessage.text"] == 1
    assert report.rotated["photos.IdPhoto.image"] == 1
    assert report.rotated["clients.Client.id_number_hash"] == 1
    assert not report.unreadable
    readable_with(settings, [new], client, sms, photo)


def test_while_rotating_both_keys_read_everything(settings, keys):
    # given the new key first, nothing re-encrypted yet
    old, new = keys
    client, sms, photo = personal_data()
    # then the site works as before: reads, and finds the client by ID number
    readable_with(settings, [new, old], client, sms, photo)
    # and a row written now is under the new key already
    settings.DATA_ENCRYPTION_KEYS = [new, old]
    later = ClientFactory(name="李四")
    settings.DATA_ENCRYPTION_KEYS = [new]
    assert type(later).objects.get(pk=later.pk).name == "李四"


def test_tokens_inside_json_are_rotated(settings, keys):
    from flows.models import StepRecord
    from flows.services import application_start
    from tests.factories import published_flow

    old, new = keys
    published_flow()
    application = application_start(client=ClientFactory())
    record = StepRecord.objects.create(
        application=application,
        kind="basic_info",
        version=1,
        data={"personal": crypto.encrypt_text('{"email": "a@b.cn"}'), "answers": {"x": 1}},
    )
    settings.DATA_ENCRYPTION_KEYS = [new, old]
    data_key_rotate()
    settings.DATA_ENCRYPTION_KEYS = [new]
    data = StepRecord.objects.get(pk=record.pk).data
    assert crypto.decrypt_text(data["personal"]) == '{"email": "a@b.cn"}'
    assert data["answers"] == {"x": 1}


def test_a_second_run_finds_nothing_left(settings, keys):
    old, new = keys
    personal_data()
    settings.DATA_ENCRYPTION_KEYS = [new, old]
    data_key_rotate()
    assert data_key_rotate().total == 0


def test_a_dry_run_changes_nothing(settings, keys):
    old, new = keys
    client, sms, photo = personal_data()
    settings.DATA_ENCRYPTION_KEYS = [new, old]
    assert data_key_rotate(dry_run=True).total > 0
    readable_with(settings, [old], client, sms, photo)


def test_data_under_a_key_no_longer_configured_is_reported_not_lost(settings, keys, capsys):
    old, new = keys
    client = ClientFactory(name="王小明")
    settings.DATA_ENCRYPTION_KEYS = [new]  # the old key forgotten too early
    with pytest.raises(CommandError, match="unreadable"):
        call_command("rotate_data_key")
    assert "clients.Client.name" in capsys.readouterr().err
    settings.DATA_ENCRYPTION_KEYS = [old]
    assert type(client).objects.get(pk=client.pk).name == "王小明"


def test_the_command_reports_what_it_did(settings, keys, capsys):
    old, new = keys
    personal_data()
    settings.DATA_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_data_key")
    out = capsys.readouterr().out
    assert "re-encrypted" in out and "clients.Client.mobile" in out
