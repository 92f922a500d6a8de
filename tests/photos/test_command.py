"""The `process_id_photo` command's output contract (other tools rely on it)."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from PIL import Image

from photos.processing import REASONS

from .photos_helpers import card_photo
from .scoring import quad_iou


def _run(*args) -> list[dict]:
    out = io.StringIO()
    call_command("process_id_photo", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_each_input_gets_one_json_line_in_order(tmp_path):
    # given a good photo, text named .jpg, and a file that does not exist
    good = tmp_path / "card.jpg"
    data, truth = card_photo(side="back", quarter=1)
    good.write_bytes(data)
    fake = tmp_path / "fake.jpg"
    fake.write_text("不是图片")
    missing = tmp_path / "missing.jpg"
    out_dir = tmp_path / "out"

    # when
    lines = _run("--side", "back", "--out-dir", str(out_dir), str(good), str(fake), str(missing))

    # then
    assert [line["input"] for line in lines] == [str(good), str(fake), str(missing)]
    accepted, text, absent = lines
    assert accepted["ok"] is True and accepted["rotation"] == 90
    assert len(accepted["corners"]) == 4 and all(len(p) == 2 for p in accepted["corners"])
    assert quad_iou(accepted["corners"], truth) >= 0.9
    output = Image.open(accepted["output"])
    assert output.format == "JPEG" and output.width > output.height
    assert str(out_dir) in accepted["output"]
    for refused in (text, absent):
        assert refused["ok"] is False and refused["reason"] in REASONS
        assert refused["reason"] == "unreadable" and refused["message"]


def test_two_inputs_with_the_same_name_do_not_overwrite_each_other(tmp_path):
    # given
    data, _ = card_photo()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "id.jpg").write_bytes(data)
    (tmp_path / "b" / "id.jpg").write_bytes(data)

    # when
    lines = _run(
        "--side",
        "front",
        "--out-dir",
        str(tmp_path / "out"),
        str(tmp_path / "a" / "id.jpg"),
        str(tmp_path / "b" / "id.jpg"),
    )

    # then
    assert lines[0]["output"] != lines[1]["output"]
