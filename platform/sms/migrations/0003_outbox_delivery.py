"""SMS delivery moves onto common.outbox: the status values become the outbox's (queued →
pending, sent → delivered), sent_at and error keep their data under the outbox's names, and every
message gets a next attempt time and an empty lease.

Existing rows: a sent message is delivered (its next attempt its sending time). A queued one is
due at once, unless it is more than an hour old: the old redrive never sent those, the new
sweep must not either, so they are marked failed ("expired"). A failed one with tries left and
less than an hour old was waiting for a Celery retry of the old kind: it is due again now (the
sweep sends it, once, even if the old retry arrives too); the others stay failed."""

import datetime

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone


SEND_WITHIN = datetime.timedelta(hours=1)  # sms.services.SEND_WITHIN when this was written
MAX_ATTEMPTS = 6  # sms.services.MAX_ATTEMPTS when this was written (1 try + 5 retries)
EXPIRED = "expired: not sent within 60 min"


def forwards(apps, schema_editor):
    SmsMessage = apps.get_model("sms", "SmsMessage")
    now = timezone.now()
    recent = models.Q(created_at__gt=now - SEND_WITHIN)
    SmsMessage.objects.filter(status="sent").update(
        status="delivered", next_attempt_at=Coalesce(F("delivered_at"), F("created_at"))
    )
    queued = SmsMessage.objects.filter(status="queued")
    queued.filter(recent).update(status="pending", next_attempt_at=F("created_at"))
    queued.exclude(recent).update(
        status="failed", next_attempt_at=F("created_at"), last_error=EXPIRED
    )
    failed = SmsMessage.objects.filter(status="failed")
    failed.filter(recent, attempts__lt=MAX_ATTEMPTS).update(status="pending", next_attempt_at=now)
    failed.exclude(recent, attempts__lt=MAX_ATTEMPTS).update(next_attempt_at=F("created_at"))


def backwards(apps, schema_editor):
    SmsMessage = apps.get_model("sms", "SmsMessage")
    SmsMessage.objects.filter(status="delivered").update(status="sent")
    SmsMessage.objects.filter(status="pending").update(status="queued")


class Migration(migrations.Migration):
    dependencies = [
        ("sms", "0002_params_key_receipt"),
    ]

    operations = [
        migrations.RenameField(model_name="smsmessage", old_name="sent_at", new_name="delivered_at"),
        migrations.RenameField(model_name="smsmessage", old_name="error", new_name="last_error"),
        migrations.AlterField(
            model_name="smsmessage",
            name="last_error",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="错误"
            ),
        ),
        migrations.AddField(
            model_name="smsmessage",
            name="next_attempt_at",
            field=models.DateTimeField(
                db_index=True, default=timezone.now, verbose_name="下次尝试时间"
            ),
        ),
        migrations.AddField(
            model_name="smsmessage",
            name="leased_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="处理中至"),
        ),
        migrations.AlterField(
            model_name="smsmessage",
            name="status",
            field=models.CharField(
                choices=[("pending", "待发送"), ("delivered", "已发送"), ("failed", "发送失败")],
                db_index=True,
                default="pending",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
