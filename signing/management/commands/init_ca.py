"""`manage.py init_ca`: create the company CA (root, issuing CA, TSA and seal certificates)."""

from django.core.management.base import BaseCommand, CommandError

from common.exceptions import BusinessError
from themes.models import Theme

from ...authority import ca_init, certificate_of
from ...models import CompanyRole


class Command(BaseCommand):
    help = "创建公司 CA：根证书、签发 CA、时间戳服务证书与电子印章证书。"

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="证书上的机构名称（默认：主题设置中的公司名称）")
        parser.add_argument(
            "--force", action="store_true", help="已有 CA 时重新创建（旧证书停用但保留记录）"
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="已有 CA 时什么也不做（部署脚本用）"
        )

    def handle(self, *args, organisation=None, force=False, if_missing=False, **options):
        organisation = (
            organisation
            or Theme.objects.values_list("company_name", flat=True).first()
            or "示例期货"
        ).strip()
        if not organisation:
            raise CommandError("机构名称不能为空。")
        try:
            created = ca_init(organisation=organisation, force=force)
        except BusinessError as error:
            if if_missing and error.code == "ca_exists":
                self.stdout.write("CA 已存在，未做改动。")
                return
            raise CommandError(error.message) from error
        for role in CompanyRole.values:
            certificate = certificate_of(created[role])
            self.stdout.write(
                f"{CompanyRole(role).label}: {certificate.subject.rfc4514_string()}"
                f"  serial={certificate.serial_number:x}"
                f"  until={certificate.not_valid_after_utc:%Y-%m-%d}"
            )
