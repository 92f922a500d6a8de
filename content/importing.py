"""Importing an agreement written elsewhere: a Word file (.docx, converted by mammoth) or an
HTML file, sanitised, and cut into the body's blocks (rich text between tables, tables as table
blocks)."""

from __future__ import annotations

import io
import zipfile

import mammoth
from bs4 import BeautifulSoup, Tag
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from .sanitize import clean_html

MAX_IMPORT_BYTES = 10 * 1024 * 1024
# Word's "Heading 1" is the document's title in our layout: headings start at h2, and each
# Word level keeps its own (Heading 1 → h2, 2 → h3, 3 and below → h4).
WORD_STYLE_MAP = "\n".join(
    [
        "p[style-name='Heading 1'] => h2:fresh",
        "p[style-name='Heading 2'] => h3:fresh",
        "p[style-name='Heading 3'] => h4:fresh",
        "p[style-name='Heading 4'] => h4:fresh",
        "p[style-name='Heading 5'] => h4:fresh",
        "p[style-name='Heading 6'] => h4:fresh",
    ]
)
# In HTML, h1 is the title too.
HEADING_MAP = {"h1": "h2", "h5": "h4", "h6": "h4", "strong": "b", "em": "i"}


def html_from_upload(data: bytes, filename: str) -> str:
    """The upload's content as HTML, judged by content (a .docx is a zip holding
    word/document.xml), not by its name."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(_("文件超过 10 MB，请拆分后导入。"))
    if data[:4] == b"PK\x03\x04":
        return _docx_to_html(data)
    if filename.lower().endswith(".docx"):
        raise ValidationError(
            _("“%(name)s”不是有效的 Word 文档（.docx），请用 Word 另存为 .docx 后重新导入。")
            % {"name": filename}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("只能导入 Word 文档（.docx）或 UTF-8 编码的 HTML 文件。")
        ) from error
    if "<" not in text:
        raise ValidationError(_("文件中没有 HTML 内容，只能导入 Word 文档（.docx）或 HTML 文件。"))
    return text


def _docx_to_html(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ValidationError(_("压缩包中没有 Word 正文，不是有效的 Word 文档（.docx）。"))
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=WORD_STYLE_MAP)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ValidationError(_("Word 文档已损坏或无法读取，请重新保存后导入。")) from error
    return result.value


def blocks_from_html(html: str) -> list[tuple[str, object]]:
    """Sanitised HTML as StreamField data for DocumentBodyBlock."""
    raw = BeautifulSoup(html, "html.parser")
    for tag in raw.find_all(list(HEADING_MAP)):  # before cleaning, which would drop <h1>
        tag.name = HEADING_MAP[tag.name]
    soup = BeautifulSoup(clean_html(str(raw)), "html.parser")
    blocks: list[tuple[str, object]] = []
    pending: list[str] = []

    def flush() -> None:
        text = "".join(pending).strip()
        if text:
            blocks.append(("rich_text", RichText(text)))
        pending.clear()

    for node in soup.contents:
        if isinstance(node, Tag) and node.name == "table":
            flush()
            blocks.append(("table", _table_value(node)))
        elif isinstance(node, Tag):
            pending.append(str(node))
        elif str(node).strip():
            pending.append(f"<p>{node}</p>")
    flush()
    if not blocks:
        raise ValidationError(_("导入的文件没有可用的正文内容。"))
    return blocks


def _table_value(table: Tag) -> dict:
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.find_all("tr")
    ]
    width = max((len(row) for row in rows), default=0)
    data = [row + [""] * (width - len(row)) for row in rows]
    first = table.find("tr")
    return {
        "data": data,
        "first_row_is_table_header": bool(first and first.find("th")),
        "first_col_is_header": False,
        "table_caption": "",
    }
