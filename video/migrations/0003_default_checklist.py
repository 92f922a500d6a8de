"""The witness checklist a new deployment starts with (edited in the CMS afterwards)."""

from django.db import migrations

DEFAULTS = [
    ("face_matches", "人像与身份证照片一致", "截图（人像）"),
    ("original_card", "投资者手持的是身份证原件", "截图（身份证）"),
    ("alone_unprompted", "投资者本人独立作答，无他人提示", "录像时间点"),
    ("knowledge", "知识问答回答正确", "录像时间点"),
    ("consent", "投资者口头确认自愿办理", "录像时间点"),
]


def add(apps, schema_editor):
    ChecklistItem = apps.get_model("video", "ChecklistItem")
    for order, (code, label, hint) in enumerate(DEFAULTS):
        ChecklistItem.objects.get_or_create(
            code=code,
            defaults={"label": label, "evidence_hint": hint, "required": True, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("video", "0002_witness_queue_sessions_checklist")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
