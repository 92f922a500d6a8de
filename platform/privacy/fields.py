"""Model fields whose values are encrypted at rest (see crypto.py)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Not searchable: pair it with a lookup hash when the value
    must be found (an ID number), and never put it in an index or a log."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value)


class EncryptedDateField(models.TextField):
    """A date kept encrypted (ID validity): stored as an ISO date inside the token."""

    _pyi_private_set_type: datetime.date | str | None  # for django-stubs: what it holds
    _pyi_private_get_type: datetime.date | None

    def from_db_value(self, value, expression, connection):
        if not value:
            return None
        return datetime.date.fromisoformat(crypto.decrypt_text(value))

    def to_python(self, value):
        if value in (None, "") or isinstance(value, datetime.date):
            return value or None
        return datetime.date.fromisoformat(str(value))

    def get_prep_value(self, value):
        value = self.to_python(value)
        return crypto.encrypt_text(value.isoformat()) if value else None


class EncryptedJSONField(models.TextField):
    """A JSON value (what an investor entered in a step: addresses, the ID numbers of an actual
    controller or a beneficiary) kept as a Fernet token. Not queryable inside: read it whole."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None if value is None else {}
        return json.loads(crypto.decrypt_text(value))

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt_text(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder, ensure_ascii=False)
