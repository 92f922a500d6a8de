import base64

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.blocks import StreamValue

from .blocks import DocumentBodyBlock
from .importing import blocks_from_html, html_from_upload
from .seal_images import seal_image_clean


class DocumentForm(WagtailAdminModelForm):
    import_file = forms.FileField(
        label=_("从文件导入正文"),
        required=False,
        help_text=_(
            "可选：上传 Word 文档（.docx）或 HTML 文件，保存时替换当前正文。"
            "脚本和事件属性会被清除。"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload:
            try:
                blocks = blocks_from_html(html_from_upload(upload.read(), upload.name))
            except forms.ValidationError as error:
                self.add_error("import_file", error)
            else:
                cleaned["body"] = self._keeping_block_ids(blocks)
        return cleaned

    def _keeping_block_ids(self, blocks):
        """A re-imported body keeps the ids of the blocks it replaces, position by position, so
        the revision comparison shows what changed in each rather than all removed and added."""
        previous = list(self.instance.body) if self.instance.pk else []
        kept = []
        for position, (block_type, value) in enumerate(blocks):
            old = previous[position] if position < len(previous) else None
            if old is not None and old.block_type == block_type:
                kept.append((block_type, value, old.id))
            else:
                kept.append((block_type, value))
        return StreamValue(DocumentBodyBlock(), kept)


class CompanySealForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label=_("印章图片"),
        required=False,
        help_text=_(
            "PNG（透明背景最佳）或白底扫描的 JPG，接近正方形，边长 200–3000 像素，"
            "不超过 2 MB。白色背景会自动变为透明。"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                png = seal_image_clean(upload.read())
            except forms.ValidationError as error:
                self.add_error("upload", error)
            else:
                self.instance.image_png = base64.b64encode(png).decode("ascii")
        elif not self.instance.image_png:
            self.add_error("upload", _("请上传印章图片。"))
        return cleaned
