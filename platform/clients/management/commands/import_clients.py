from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clients.importing import COLUMNS, clients_import


class Command(BaseCommand):
    help = (
        "Import or update the company's clients from a UTF-8 CSV file with the columns: "
        + ", ".join(COLUMNS)
        + ". exchanges: SHFE:81000010;DCE:82000010. A file with any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, csv_file: Path, dry_run: bool, **options):
        try:
            text = csv_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取 {csv_file}（需要 UTF-8 编码的 CSV）：{error}") from error
        report = clients_import(text=text, dry_run=dry_run)
        if report.errors:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(report.errors))
        verb = "检查通过（未写入）" if dry_run else "导入完成"
        self.stdout.write(f"{verb}：新增 {report.created}，更新 {report.updated}")
