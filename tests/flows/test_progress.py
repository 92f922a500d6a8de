"""The progress list at the top of every step page: what is done, where the investor is, what
they are looking at, and what is not open yet (linked only up to the current step)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from flows.models import StepRecord
from tests.factories import published_flow
from tests.flows.test_engine import log_in, start

pytestmark = pytest.mark.django_db


def _progress(html: str) -> list[dict]:
    items = BeautifulSoup(html, "html.parser").select("ol.progress > li")
    return [
        {
            "label": (item.find("a") or item.find("span")).contents[0].strip(),
            "classes": item.get("class", []),
            "link": item.a["href"] if item.a else None,
            "aria_current": item.get("aria-current"),
            "text": item.get_text(""),
        }
        for item in items
    ]


def test_the_progress_list_links_the_steps_up_to_the_current_one(client):
    # given a flow of four steps with the first two done
    published_flow(
        [
            ("photos", {"security_letter": None}),
            ("basic_info", {"suitability_questionnaire": None}),
            ("exchanges", {}),
            ("witness", {"script": None}),
        ]
    )
    log_in(client)
    application, base = start(client)
    for kind in ("photos", "basic_info"):
        StepRecord.objects.create(
            application=application, kind=kind, completed_at="2026-12-01T10:00:00+08:00"
        )
    # when the investor looks back at the first step
    items = _progress(client.get(f"{base}/photos/").content.decode())
    # then done steps are linked and say so, the current one is linked, the rest are closed
    assert [i["label"] for i in items] == ["上传照片", "个人基本资料", "交易所选择", "视频见证"]
    assert [i["link"] for i in items] == [
        f"{base}/photos/",
        f"{base}/basic_info/",
        f"{base}/exchanges/",
        None,
    ]
    assert [i["classes"] for i in items] == [
        ["done", "viewing"],
        ["done"],
        ["current"],
        ["later"],
    ]
    assert [i["aria_current"] for i in items] == ["step", None, None, None]
    assert "（已完成）" in items[0]["text"] and "（已完成）" not in items[2]["text"]
    assert "未开放" in items[3]["text"]
    # and on the current step, that one is both current and the one viewed
    items = _progress(client.get(f"{base}/exchanges/").content.decode())
    assert items[2]["classes"] == ["current", "viewing"]
    assert [i["aria_current"] for i in items] == [None, None, "step", None]
