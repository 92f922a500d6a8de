"""The ordering rules of a flow definition, as a matrix."""

import pytest

from flows.steps.rules import flow_steps_problems

DEFAULT = [
    "photos",
    "basic_info",
    "exchanges",
    "agreements",
    "witness",
    "certificate",
    "sign",
    "revisit",
]


def test_the_default_order_is_valid():
    assert flow_steps_problems(DEFAULT) == []


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        (
            ["photos", "witness", "sign", "certificate", "revisit"],
            "“签署协议”必须在“安装数字证书”之后",
        ),
        (
            ["photos", "certificate", "witness", "sign", "revisit"],
            "“安装数字证书”必须在“视频见证”之后",
        ),
        (["photos", "witness", "certificate", "revisit", "sign"], "“在线回访”必须是最后一步"),
        (["witness", "photos", "certificate", "sign", "revisit"], "“视频见证”必须在“上传照片”之后"),
        (["photos", "teleport", "revisit"], "步骤类型“teleport”没有任何应用提供"),
        (["photos", "exchanges", "exchanges", "revisit"], "“交易所选择”出现了多次"),
        (["sign", "revisit"], "“签署协议”必须在“安装数字证书”之后"),
        ([], "流程至少需要一个步骤"),
    ],
)
def test_a_broken_order_is_refused_with_the_reason(steps, reason):
    problems = flow_steps_problems(steps)
    assert any(reason in problem for problem in problems), problems


@pytest.mark.parametrize(
    "steps",
    [
        ["exchanges"],
        ["photos", "basic_info", "exchanges", "agreements", "revisit"],
        ["exchanges", "photos", "agreements", "witness", "certificate", "sign", "revisit"],
    ],
)
def test_reorderings_within_the_rules_are_accepted(steps):
    assert flow_steps_problems(steps) == []
