import pytest
from django.core.management import CommandError, call_command

from clients.models import Client
from clients.selectors import client_by_id_number
from tests.factories import BranchFactory, ExchangeFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "client_no,name,id_number,id_valid_from,id_valid_until,id_address,phone,mobile,"
    "education,occupation,investor_type,suitability_class,suitability_expires,"
    "branch_code,exchanges\n"
)
GOOD = (
    "80020001,钱多多,11010519491231002X,2015-01-01,长期,北京市示例路 1 号,,13912345678,"
    "本科,教师,ordinary,C3,2027-12-31,0001,SHFE:81000099\n"
)


@pytest.fixture(autouse=True)
def reference():
    BranchFactory(code="0001")
    ExchangeFactory(code="SHFE")


def run(tmp_path, text, *args):
    path = tmp_path / "clients.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import_clients", str(path), *args)


def test_a_good_file_imports_clients_with_their_opened_exchanges(tmp_path):
    run(tmp_path, HEADER + GOOD)
    client = client_by_id_number(id_number="11010519491231002X")
    assert client.name == "钱多多" and client.id_valid_until is None
    assert client.exchange_accounts.get().trading_code == "81000099"


def test_importing_again_updates_instead_of_duplicating(tmp_path):
    run(tmp_path, HEADER + GOOD)
    run(tmp_path, HEADER + GOOD.replace("C3", "C4"))
    assert Client.objects.count() == 1
    assert Client.objects.get().suitability_class == "C4"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("11010519491231002X", "110105194912310021"), "GB 11643"),
        (("13912345678", "1391234567"), "11 位"),
        (("2027-12-31", "2027-13-31"), "日期格式"),
        ((",0001,", ",9999,"), "营业部编号 9999 不存在"),
        (("SHFE:81000099", "XYZ:1"), "交易所代码 XYZ 不存在"),
        (("SHFE:81000099", "SHFE:81"), "交易编码 81 格式不正确"),
        ((",C3,", ",C9,"), "C1 至 C5"),
        (("钱多多", ""), "name 不能为空"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_the_line(tmp_path, change, reason):
    other = GOOD.replace("80020001", "80020002").replace("11010519491231002X", "110101199001010011")
    with pytest.raises(CommandError, match=reason) as refused:
        run(tmp_path, HEADER + other + GOOD.replace(*change))
    assert "第 3 行" in str(refused.value)
    assert not Client.objects.exists()


def test_a_file_without_the_columns_is_refused(tmp_path):
    with pytest.raises(CommandError, match="缺少列"):
        run(tmp_path, "name,mobile\n张三,13900000000\n")


def test_dry_run_writes_nothing(tmp_path):
    run(tmp_path, HEADER + GOOD, "--dry-run")
    assert not Client.objects.exists()
