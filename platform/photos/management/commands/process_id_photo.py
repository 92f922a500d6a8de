"""Judge ID-card photos from the command line (other tools rely on this output contract).

    manage.py process_id_photo --side {front,back} --out-dir DIR IN [IN ...]

For each input, in order, one JSON object per line on stdout:
- accepted: {"input", "ok": true, "corners": [[x, y] × 4], "rotation", "output", ...}
  with corners in the input's pixels (after EXIF orientation), top-left, top-right,
  bottom-right, bottom-left of the card as it reads upright, and `rotation` the clockwise turn
  (0/90/180/270) that makes the card in the input upright;
- refused: {"input", "ok": false, "reason", "message", ...}.
Exit status 0 when every input was judged (refusals included).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from photos.processing import PhotoResult, photo_judge


class Command(BaseCommand):
    help = "判定身份证照片：裁边、摆正、质量检查，输出每张照片一行 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("--side", required=True, choices=("front", "back"))
        parser.add_argument("--out-dir", required=True, type=Path)
        parser.add_argument("inputs", nargs="+", type=Path, metavar="IN")

    def handle(self, *args, side: str, out_dir: Path, inputs: list[Path], **options):
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot create the output folder {out_dir}: {error}") from error
        used: set[str] = set()
        for path in inputs:
            line = self._judge(path, side, out_dir, used)
            self.stdout.write(json.dumps(line, ensure_ascii=False))
            self.stdout.flush()

    def _judge(self, path: Path, side: str, out_dir: Path, used: set[str]) -> dict:
        try:
            data = path.read_bytes()
        except OSError:
            result = PhotoResult.refused("unreadable", detail="not_an_image")
        else:
            result = photo_judge(data=data, side=side)
        if not result.ok:
            return {
                "input": str(path),
                "ok": False,
                "reason": result.reason,
                "message": result.message,
                "detail": result.detail,
                "metrics": result.metrics,
            }
        output = out_dir / _output_name(path, side, used)
        output.write_bytes(result.image or b"")
        return {
            "input": str(path),
            "ok": True,
            "corners": result.corners,
            "rotation": result.rotation,
            "output": str(output),
            "side": side,
            "metrics": result.metrics,
        }


def _output_name(path: Path, side: str, used: set[str]) -> str:
    """`<stem>.<side>.jpg`, numbered when two inputs share a stem."""
    name, n = f"{path.stem}.{side}.jpg", 1
    while name in used:
        n += 1
        name = f"{path.stem}-{n}.{side}.jpg"
    used.add(name)
    return name
