import logging

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from clients.selectors import client_by_id_number
from privacy import crypto
from privacy.logging import RedactPersonalData
from privacy.masking import mask_mobile, redact
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def raw_row(client_pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, name, mobile, id_valid_until FROM clients_client WHERE id = %s",
            [client_pk],
        )
        return cursor.fetchone()


def test_personal_fields_are_encrypted_at_rest_and_read_back():
    client = ClientFactory(id_number="11010519491231002x", name="王小明", mobile="13912345678")
    stored = raw_row(client.pk)
    assert not any(plain in str(stored) for plain in ("110105", "王小明", "13912345678", "2040"))
    client.refresh_from_db()
    assert (client.id_number, client.name, client.mobile) == (
        "11010519491231002X",
        "王小明",
        "13912345678",
    )


def test_a_client_is_found_by_id_number_through_its_keyed_hash():
    client = ClientFactory(id_number="11010519491231002X")
    assert client_by_id_number(id_number=" 11010519491231002x ") == client
    assert client_by_id_number(id_number="110101199001010011") is None
    assert client.id_number_hash != crypto.lookup_hash("11010519491231002Y")


def test_rotated_keys_still_read_old_data(settings):
    old = settings.DATA_ENCRYPTION_KEYS[0]
    token = crypto.encrypt_text("旧数据")
    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert crypto.decrypt_text(token) == "旧数据"
    assert crypto.decrypt_text(crypto.encrypt_text("新数据")) == "新数据"


def test_data_under_an_unknown_key_is_an_error_not_garbage(settings):
    token = crypto.encrypt_text("秘密")
    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="cannot be read"):
        crypto.decrypt_text(token)


def test_missing_keys_refuse_to_store_personal_data(settings):
    settings.DATA_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="DATA_ENCRYPTION_KEY"):
        crypto.encrypt_text("x")


def test_log_lines_never_carry_id_or_mobile_numbers():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "login %s from %s",
        ("11010519491231002X", "13912345678"),
        None,
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "login 110105********002X from 139****5678"


def test_masked_mobile_shows_first_three_and_last_four():
    assert mask_mobile("13812341234") == "138****1234"
    assert redact("no numbers here") == "no numbers here"
