"""The hourly housekeeping: idempotency keys older than 24 hours and tokens expired a day ago go."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.models import IdempotencyRecord, InvestorToken
from api.tasks import api_records_purge
from api.tokens import investor_token_issue
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_old_records_are_purged_and_recent_ones_kept():
    # given
    now = timezone.now()
    for hours in (1, 25):
        IdempotencyRecord.objects.create(
            principal="key:abc",
            key=f"k{hours}",
            method="POST",
            path="/api/v1/x/",
            request_hash="0" * 64,
            created_at=now - datetime.timedelta(hours=hours),
        )
    client = ClientFactory()
    fresh = investor_token_issue(client=client, issuer=None).record
    stale = investor_token_issue(client=client, issuer=None).record
    InvestorToken.objects.filter(pk=stale.pk).update(expires_at=now - datetime.timedelta(days=2))
    # when
    purged = api_records_purge()
    # then
    assert purged == {"idempotency": 1, "investor_tokens": 1}
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k1"]
    assert list(InvestorToken.objects.values_list("pk", flat=True)) == [fresh.pk]
