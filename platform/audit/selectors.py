from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .models import AuditEvent, AuditHead
from .services import GENESIS, event_hash

UNSEALED_GRACE = datetime.timedelta(minutes=10)


@dataclass
class ChainReport:
    events: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def audit_chain_check(*, now: datetime.datetime | None = None) -> ChainReport:
    """Walk the chain from the first event: every sequence number present once, each event's
    hash recomputed from its content and the hash before it, the head where the chain ends, and
    no event left unsealed for long (sealing runs right after each commit)."""
    report = ChainReport()
    expected, previous = 1, GENESIS
    sealed = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    for event in sealed.iterator(chunk_size=2000):
        sequence = int(event.sequence or 0)
        if sequence != expected:
            report.problems.append(
                f"缺少第 {expected}–{sequence - 1} 条 / events {expected}"
                f"–{sequence - 1} are missing (removed)"
            )
            previous = event.previous_hash  # go on from here, to report every break
        if event.previous_hash != previous:
            report.problems.append(
                f"第 {event.sequence} 条与前一条不相连 / event {event.sequence} does not follow "
                f"the one before it"
            )
        if event_hash(event, event.previous_hash) != event.hash:
            report.problems.append(
                f"第 {event.sequence} 条（{event.action}，id {event.pk}）已被改动 / event "
                f"{event.sequence} was changed after it was sealed"
            )
        report.events += 1
        expected, previous = sequence + 1, event.hash
    head = AuditHead.objects.filter(pk=1).first()
    head_sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS)
    if (head_sequence, head_hash) != (expected - 1, previous):
        report.problems.append(
            f"链头为第 {head_sequence} 条，链实际止于第 {expected - 1} 条 / the head says "
            f"{head_sequence}, the chain ends at {expected - 1} (events removed from the end)"
        )
    stale = AuditEvent.objects.filter(
        sequence__isnull=True, at__lt=(now or timezone.now()) - UNSEALED_GRACE
    ).count()
    if stale:
        report.problems.append(
            f"{stale} 条事件超过 10 分钟未入链 / {stale} events were not sealed "
            f"(run `manage.py verify_audit --seal`)"
        )
    report.head_sequence, report.head_hash = head_sequence, head_hash
    return report
