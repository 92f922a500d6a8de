"""`manage.py demo_sign [--client ID] --out DIR`: sign every signing-step document for a client
with a key made in Python, by the browser's two-step path, and write the PDFs and CA chain."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clients.idnumber import is_valid, normalise
from clients.models import Client
from clients.selectors import client_by_id_number
from common.exceptions import BusinessError

from ...demo import demo_sign


class Command(BaseCommand):
    help = (
        "为一位客户签发数字证书并签署“签署协议”步骤的全部文档"
        "（用 Python 生成的密钥代替浏览器），把签署后的 PDF 与 CA 证书链写到 --out 目录，"
        "供任何验签工具检查。会吊销该客户原有的证书。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--client",
            metavar="ID_NUMBER",
            help="客户证件号码（默认：第一位客户，即 seed_demo 的第一位演示客户）",
        )
        parser.add_argument("--out", required=True, type=Path, help="输出目录")

    def handle(self, *args, client=None, out=None, **options):
        investor = self._client(client)
        try:
            result = demo_sign(client=investor, out_dir=out)
        except BusinessError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"受理单号 {result.application.acceptance_number}，证书序列号 {result.serial}"
        )
        for path in result.files:
            self.stdout.write(str(path))

    @staticmethod
    def _client(id_number: str | None) -> Client:
        if id_number is None:
            first = Client.objects.order_by("pk").first()
            if first is None:
                raise CommandError("没有客户：先运行 manage.py seed_demo 或 import_clients。")
            return first
        number = normalise(id_number)
        if not is_valid(number):
            raise CommandError("证件号码无效（18 位，末位校验码须正确）。")
        found = client_by_id_number(id_number=number)
        if found is None:
            raise CommandError("没有这位客户。")
        return found
