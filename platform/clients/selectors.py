from __future__ import annotations

from privacy import crypto

from .idnumber import normalise
from .models import Client


def client_by_id_number(*, id_number: str) -> Client | None:
    return Client.objects.filter(id_number_hash=crypto.lookup_hash(normalise(id_number))).first()
