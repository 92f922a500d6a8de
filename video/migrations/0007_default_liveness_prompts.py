"""The liveness prompts a new deployment starts with (edited in the CMS afterwards)."""

from django.db import migrations

DEFAULTS = [
    "请缓慢向左转头，再缓慢向右转头。",
    "请读出屏幕上的四位数字：{digits}",
    "请眨眨眼，然后张嘴。",
]


def add(apps, schema_editor):
    LivenessPrompt = apps.get_model("video", "LivenessPrompt")
    if not LivenessPrompt.objects.exists():
        LivenessPrompt.objects.bulk_create(LivenessPrompt(text=text) for text in DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("video", "0006_liveness_prompts")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
