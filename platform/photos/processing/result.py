"""What judging a photo returns, and the reasons a photo is refused (with what to do about it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The refusal reasons of the `process_id_photo` contract. The finer `detail` (why a file is
# unreadable, whether the image or the card is too small) is extra and may grow.
REASONS = (
    "blurred",
    "too_dark",
    "too_bright",
    "too_small",
    "low_contrast",
    "no_card",
    "unreadable",
    # a signature photo's own
    "no_ink",
    "signature_too_small",
    "not_a_signature",
)

MESSAGES = {
    "blurred": "照片模糊，请保持手机稳定、对焦清晰后重新拍摄。",
    "too_dark": "照片太暗，请在光线充足的地方重新拍摄。",
    "too_bright": "照片过亮或有反光，请避开强光和灯光直射，调整角度后重新拍摄。",
    "too_small": "证件在照片中太小，请靠近证件，让证件占满取景框的大部分后重新拍摄。",
    "low_contrast": "证件与背景颜色太接近，请把证件放在颜色较深的纯色桌面上重新拍摄。",
    "no_card": "未识别到完整的身份证，请将证件完整放入取景框内、避免遮挡后重新拍摄。",
    "unreadable": "无法读取该图片，请重新拍摄后上传。",
    "no_ink": "照片中没有找到签名笔迹，请用黑色或深色笔在白纸上签名后重新拍摄。",
    "signature_too_small": "签名在照片中太小（照片大部分是空白背景），"
    "请靠近签名、让签名占满取景框的大部分后重新拍摄。",
    "not_a_signature": "照片中深色内容过多，不像白纸上的签名，"
    "请在干净的白纸上签名，只拍摄签名部分后重新拍摄。",
}

DETAIL_MESSAGES = {
    "image_too_small": "照片分辨率太低，请使用手机后置摄像头重新拍摄（不要上传截图或缩略图）。",
    "file_too_large": "文件超过 {max_mb} MB，请重新拍摄或压缩后上传。",
    "too_many_pixels": "图片像素过多（超过 {max_mp} 百万像素），"
    "请使用手机相机的常规分辨率重新拍摄。",
    "not_an_image": "文件不是有效的图片，请上传 JPG、PNG、WebP 或 HEIC 格式的照片。",
    "unsupported_format": "不支持该图片格式，请上传 JPG、PNG、WebP 或 HEIC 格式的照片。",
    "truncated": "图片文件不完整（可能上传中断），请重新上传。",
    "empty": "文件为空，请重新选择照片上传。",
    "patterned_surface": "未能从桌面的花纹中分辨出身份证，请将证件放在纯色的桌面上重新拍摄。",
}


@dataclass(frozen=True)
class PhotoResult:
    """The verdict on one upload.

    `corners` are pixel coordinates of the photo as displayed (after EXIF orientation), ordered
    top-left, top-right, bottom-right, bottom-left of the card as it reads upright. `rotation` is
    the clockwise quarter-turn (0, 90, 180, 270) that brings the card in the photo upright, i.e.
    the card lies turned that many degrees counter-clockwise. `image` is the flat upright card as
    JPEG bytes without any metadata. `ink`, for a signature photo only, is the signature lifted
    from the paper (photos/processing/signature.py).
    """

    ok: bool
    reason: str = ""
    message: str = ""
    detail: str = ""
    corners: list[list[float]] | None = None
    rotation: int = 0
    image: bytes | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    ink: bytes | None = None  # a signature photo's: the transparent signature (PNG)

    @classmethod
    def refused(
        cls, reason: str, *, detail: str = "", metrics: dict[str, Any] | None = None, **fmt: Any
    ) -> PhotoResult:
        message = DETAIL_MESSAGES.get(detail, MESSAGES[reason]).format(**fmt)
        return cls(ok=False, reason=reason, message=message, detail=detail, metrics=metrics or {})


class PhotoRefused(Exception):
    """Raised inside the pipeline to stop at the first failed check."""

    def __init__(self, reason: str, *, detail: str = "", **fmt: Any):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.fmt = fmt
