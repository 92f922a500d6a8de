"""The admin's reports: applications with their timings and the per-branch counts, on screen
and exported as CSV and Excel, for administrators and compliance officers only."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from flows.models import Application
from flows.services.review import review_approve, review_claim
from staff.roles import Role
from tests.factories import staff_user
from tests.flows.test_review import CODES, journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(people, questionnaire):
    application = journey(people, questionnaire)
    review_claim(application=application, actor=people["reviewer"])
    review_approve(application=application, actor=people["reviewer"], codes=CODES)
    # started 90 minutes before it was submitted; decided 30 minutes after
    submitted = Application.objects.get(pk=application.pk).submitted_at
    Application.objects.filter(pk=application.pk).update(
        created_at=submitted - datetime.timedelta(minutes=90),
        decided_at=submitted + datetime.timedelta(minutes=30),
    )
    return Application.objects.select_related("client__branch").get(pk=application.pk)


def test_the_applications_report_exports_csv_and_excel(client, decided):
    client.force_login(staff_user("compliance-r", Role.COMPLIANCE))
    page = client.get("/cms/reports/flows/applications/")
    assert page.status_code == 200
    assert decided.acceptance_number in page.content.decode()
    # CSV
    exported = client.get("/cms/reports/flows/applications/?export=csv")
    assert exported.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(exported.streaming_content).decode()
                if exported.streaming
                else exported.content.decode()
            )
        )
    )
    assert rows[0][:4] == ["受理单号", "业务类型", "营业部", "状态"]
    row = next(r for r in rows if r[0] == decided.acceptance_number)
    assert row[2] == decided.client.branch.name and row[3] == "已办结"
    assert row[7:9] == ["90", "30"]
    # Excel
    exported = client.get("/cms/reports/flows/applications/?export=xlsx")
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "受理单号"
    excel_row = next(r for r in values if r[0] == decided.acceptance_number)
    assert excel_row[7:9] == [90, 30]


def test_the_applications_report_filters_by_state(client, decided):
    client.force_login(staff_user("admin-r", Role.ADMINISTRATOR))
    kept = client.get("/cms/reports/flows/applications/?state=approved").content.decode()
    assert decided.acceptance_number in kept
    left = client.get("/cms/reports/flows/applications/?state=submitted").content.decode()
    assert decided.acceptance_number not in left


def test_the_branch_counts(client, decided):
    client.force_login(staff_user("admin-b", Role.ADMINISTRATOR))
    exported = client.get("/cms/reports/flows/branches/?export=csv")
    text = (
        b"".join(exported.streaming_content).decode()
        if exported.streaming
        else (exported.content.decode())
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "营业部编号",
        "营业部",
        "全部",
        "办理中",
        "待复核",
        "已办结",
        "复核驳回",
        "已放弃",
    ]
    row = next(r for r in rows if r[0] == decided.client.branch.code)
    assert row[2:] == ["1", "0", "0", "1", "0", "0"]
    disposition = exported["Content-Disposition"]
    assert f"branches-{timezone.localdate():%Y-%m-%d}.csv" in disposition


def test_reviewers_and_agents_cannot_read_reports(client, decided):
    client.force_login(staff_user("reviewer-r", Role.REVIEWER))
    for url in ("/cms/reports/flows/applications/", "/cms/reports/flows/branches/?export=csv"):
        assert client.get(url).status_code in (302, 403)
