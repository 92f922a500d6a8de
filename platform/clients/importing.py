"""Importing the company's clients from its back office (a CSV export, UTF-8, one row a client).

Every row is checked before anything is written; one bad row refuses the whole file with the
line numbers and reasons, so a half-imported file never exists. A client already on file (same
ID number) is updated, so a nightly export can be imported again and again."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db import transaction

from content.models import Branch, Exchange

from .idnumber import is_valid, normalise
from .models import AccountType, Client, ClientExchange, InvestorType, SuitabilityClass
from .selectors import client_by_id_number

COLUMNS = [
    "client_no",
    "name",
    "id_number",
    "id_valid_from",
    "id_valid_until",
    "id_address",
    "phone",
    "mobile",
    "education",
    "occupation",
    "investor_type",
    "suitability_class",
    "suitability_expires",
    "branch_code",
    "exchanges",
]
REQUIRED = {"client_no", "name", "id_number", "mobile", "branch_code"}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LONG_TERM = {"", "长期", "long-term"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def clients_import(*, text: str, dry_run: bool = False) -> ImportReport:
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        report.errors.append(f"缺少列：{', '.join(missing)}")
        return report
    branches = {branch.code: branch for branch in Branch.objects.all()}
    exchanges = {exchange.code: exchange for exchange in Exchange.objects.all()}
    rows, seen = [], set()
    for line, row in enumerate(reader, start=2):
        values, problems = _row(row, branches, exchanges)
        if values and values["id_number"] in seen:
            problems.append("身份证号码在文件中重复")
        if problems:
            report.errors.extend(f"第 {line} 行：{problem}" for problem in problems)
        elif values:
            seen.add(values["id_number"])
            rows.append(values)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for values in rows:
            created = _save(values)
            report.created += created
            report.updated += not created
    return report


def _row(row: dict, branches: dict, exchanges: dict) -> tuple[dict | None, list[str]]:
    values = {name: (row.get(name) or "").strip() for name in COLUMNS}
    problems = [f"{name} 不能为空" for name in sorted(REQUIRED) if not values[name]]
    values["id_number"] = normalise(values["id_number"])
    if values["id_number"] and not is_valid(values["id_number"]):
        problems.append("身份证号码不符合 GB 11643 校验")
    if values["mobile"] and not MOBILE.match(values["mobile"]):
        problems.append("手机号码应为 11 位数字")
    for name in ("id_valid_from", "id_valid_until", "suitability_expires"):
        values[name], problem = _date(values[name], name)
        problems.extend([problem] if problem else [])
    values["investor_type"] = values["investor_type"] or InvestorType.ORDINARY
    if values["investor_type"] not in InvestorType.values:
        problems.append(f"investor_type 应为 {'/'.join(InvestorType.values)}")
    if values["suitability_class"] and values["suitability_class"] not in SuitabilityClass.values:
        problems.append("suitability_class 应为 C1 至 C5")
    values["branch"] = branches.get(values.pop("branch_code"))
    if values["branch"] is None and row.get("branch_code"):
        problems.append(f"营业部编号 {row.get('branch_code')} 不存在")
    values["exchanges"], exchange_problems = _exchanges(values["exchanges"], exchanges)
    problems.extend(exchange_problems)
    return (None if problems else values), problems


def _date(raw: str, name: str) -> tuple[datetime.date | None, str]:
    if raw in LONG_TERM:
        return None, ""
    try:
        return datetime.date.fromisoformat(raw.replace("/", "-").replace(".", "-")), ""
    except ValueError:
        return None, f"{name} 日期格式应为 YYYY-MM-DD（长期有效可填“长期”）"


def _exchanges(raw: str, exchanges: dict) -> tuple[dict, list[str]]:
    """ "SHFE:81000010;DCE:82000010" → {Exchange: trading code}."""
    opened, problems = {}, []
    for item in filter(None, (part.strip() for part in raw.replace("；", ";").split(";"))):
        code, _, trading_code = item.partition(":")
        exchange = exchanges.get(code.strip().upper())
        if exchange is None:
            problems.append(f"交易所代码 {code} 不存在")
        elif not re.match(exchange.trading_code_pattern, trading_code.strip()):
            problems.append(f"{exchange.code} 交易编码 {trading_code} 格式不正确")
        else:
            opened[exchange] = trading_code.strip()
    return opened, problems


def _save(values: dict) -> bool:
    opened = values.pop("exchanges")
    client = client_by_id_number(id_number=values["id_number"])
    created = client is None
    client = client or Client(account_type=AccountType.INDIVIDUAL)
    for name, value in values.items():
        setattr(client, name, value)
    client.save()
    for exchange, trading_code in opened.items():
        ClientExchange.objects.update_or_create(
            client=client, exchange=exchange, defaults={"trading_code": trading_code}
        )
    return created
