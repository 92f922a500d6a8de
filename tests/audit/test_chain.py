"""The audit log as a hash chain: append-only (the ORM and, on PostgreSQL, the database refuse
changes), each event chained to the one before, and `verify_audit` names any change, removal,
insertion or gap."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent, AuditHead
from audit.selectors import audit_chain_check
from audit.services import GENESIS, audit_record, audit_seal

pytestmark = pytest.mark.django_db


def record(n: int) -> list[AuditEvent]:
    events = [audit_record(action=f"test.event{i}", data={"i": i}) for i in range(n)]
    audit_seal()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def tamper(sql: str, params: list) -> None:
    """What an intruder with database access does: on PostgreSQL, with triggers switched off."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def problems() -> list[str]:
    return audit_chain_check().problems


def test_events_are_chained_in_order_from_the_genesis():
    # when
    events = record(5)
    # then
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == GENESIS
    assert all(b.previous_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    head = AuditHead.objects.get()
    assert (head.sequence, head.hash) == (5, events[-1].hash)
    report = audit_chain_check()
    assert report.intact and report.events == 5


def test_an_event_is_sealed_once_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            event = audit_record(action="test.committed")
            assert AuditEvent.objects.get(pk=event.pk).sequence is None
    assert AuditEvent.objects.get(pk=event.pk).sequence == 1


def test_a_rolled_back_event_leaves_no_gap():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.rolled_back")
        raise RuntimeError
    record(2)
    assert audit_chain_check().intact


def test_the_orm_refuses_to_change_or_delete_an_event():
    (event,) = record(1)
    event.reason = "改过"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(reason="改过")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_or_delete_a_sealed_event():
    (event,) = record(1)
    for sql in (
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "UPDATE audit_auditevent SET sequence = NULL WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert audit_chain_check().intact


def test_a_changed_event_is_found():
    events = record(4)
    tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', events[1].pk])
    assert any("第 2 条" in p and "已被改动" in p for p in problems())


def test_a_removed_event_is_found():
    events = record(4)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    assert any("缺少第 3–3 条" in p for p in problems())


def test_events_removed_from_the_end_are_found():
    events = record(4)
    tamper("DELETE FROM audit_auditevent WHERE id >= %s", [events[2].pk])
    assert any("链头为第 4 条" in p for p in problems())


def test_a_forged_event_slipped_into_the_chain_is_found():
    events = record(3)
    tamper("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    found = problems()
    assert any("第 2 条" in p for p in found)
    assert any("第 3 条与前一条不相连" in p for p in found)


def test_verify_audit_exits_with_the_problems(capsys):
    events = record(3)
    call_command("verify_audit")
    assert "3 events" in capsys.readouterr().out
    tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["forged", events[0].pk])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    assert "第 1 条" in capsys.readouterr().err


def test_events_left_unsealed_by_a_crash_are_reported_then_sealed(capsys):
    import datetime

    from django.utils import timezone

    audit_record(action="test.crashed_before_sealing")
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert any("未入链" in p for p in audit_chain_check(now=later).problems)
    call_command("verify_audit", "--seal")
    assert audit_chain_check(now=later).intact
