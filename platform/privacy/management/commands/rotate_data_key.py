"""Re-encrypt personal data under the first key of DATA_ENCRYPTION_KEY, without downtime.

    1. DATA_ENCRYPTION_KEY=<new>,<old>   then restart (every process reads both)
    2. manage.py rotate_data_key          (again until it reports nothing left)
    3. DATA_ENCRYPTION_KEY=<new>          then restart

Until step 3 every key decrypts, so nothing is unreadable at any moment."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacy.rotation import data_key_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value under the current data key (the first one)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, dry_run: bool, **options):
        if len(settings.DATA_ENCRYPTION_KEYS) < 2:
            self.stdout.write(
                "只配置了一个密钥，无需轮换 / one key only: put the new key first "
                "(DATA_ENCRYPTION_KEY=<new>,<old>), restart, then run this."
            )
        report = data_key_rotate(dry_run=dry_run)
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        for where, count in sorted(report.rotated.items()):
            self.stdout.write(f"{verb} {count:>7}  {where}")
        self.stdout.write(f"{verb} {report.total} values in all")
        if report.unreadable:
            for where in report.unreadable[:50]:
                self.stderr.write(f"unreadable with the configured keys: {where}")
            raise CommandError(
                f"{len(report.unreadable)} 个值无法用已配置的密钥解密 / values unreadable with "
                "the configured keys: keep the key that wrote them."
            )
        if not dry_run and report.total == 0:
            self.stdout.write("一切已在当前密钥下 / everything is under the current key.")
