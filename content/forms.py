from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .importing import blocks_from_html, html_from_upload


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
                cleaned["body"] = blocks_from_html(html_from_upload(upload.read(), upload.name))
            except forms.ValidationError as error:
                self.add_error("import_file", error)
        return cleaned
