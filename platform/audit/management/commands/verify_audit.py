"""Check the audit log's hash chain: any changed, removed or inserted event is named. Exit
status 1 when the chain is broken (for cron and monitoring). Keep the printed head somewhere
else (a ticket, the monitoring system): a chain rewritten whole from the start would otherwise
verify too."""

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_check
from audit.services import audit_seal


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (append-only, no change, no gap)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal", action="store_true", help="first chain events left unsealed (a crash)"
        )

    def handle(self, *args, seal: bool, **options):
        if seal:
            self.stdout.write(f"sealed {audit_seal()} events")
        report = audit_chain_check()
        if not report.intact:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"审计链已被破坏 / the audit chain is broken ({len(report.problems)} problems)"
            )
        self.stdout.write(
            f"审计链完整 / the audit chain is intact: {report.events} events, head "
            f"{report.head_sequence} {report.head_hash}"
        )
