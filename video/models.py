"""The video witness's models: the branch queue, the witness sessions and the checklist the
agent ticks.

The queue's truth is this database: a `QueueEntry` per queued application (its place is its
`queued_at`), taken under `select_for_update(skip_locked=True)`. Redis only carries the
notifications (the channel layer): a Redis restart loses no place in the queue."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WitnessConsole(models.Model):
    """No table: the holder of the witness console's permission (Django's usual way to declare
    a permission that belongs to no row)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("use_witness_console", _("使用见证坐席台"))]
        verbose_name = _("见证坐席台")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ChecklistItem(models.Model):
    """One check the agent ticks during the witness (CMS). A session copies the active items
    when it starts, so what the agent was asked to check is kept with what they ticked."""

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    label = models.CharField(_("检查项"), max_length=200)
    evidence_hint = models.CharField(
        _("证据说明"),
        max_length=200,
        blank=True,
        help_text=_("坐席勾选时应记录的证据，例如“截图”或“录像时间点”。"),
    )
    required = models.BooleanField(_("必须勾选"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("见证检查项")
        verbose_name_plural = _("见证检查项")

    def __str__(self) -> str:
        return self.label


class LivenessPrompt(models.Model):
    """A liveness prompt the agent shows the investor at random (CMS): "{digits}" in the text
    becomes four random digits each time."""

    text = models.CharField(
        _("提示内容"), max_length=200, help_text=_("可用 {digits} 表示随机生成的四位数字。")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("活体检测提示")
        verbose_name_plural = _("活体检测提示")

    def __str__(self) -> str:
        return self.text


class WitnessOutcome(models.TextChoices):
    OPEN = "open", _("进行中")
    PASSED = "passed", _("通过")
    RETURNED = "returned", _("退回修改")
    RELEASED = "released", _("中断，回到排队")


class WitnessSession(models.Model):
    """One call between an agent and an investor: from "take next" to pass, return or release."""

    application = models.ForeignKey(
        "flows.Application",
        verbose_name=_("业务申请"),
        on_delete=models.PROTECT,
        related_name="witness_sessions",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("见证坐席"),
        on_delete=models.PROTECT,
        related_name="witness_sessions",
    )
    branch = models.ForeignKey(
        "content.Branch", verbose_name=_("营业部"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=20, choices=WitnessOutcome.choices, default=WitnessOutcome.OPEN
    )
    reason = models.TextField(_("原因"), blank=True)
    returned_step = models.CharField(_("退回步骤"), max_length=40, blank=True)
    # [{"code", "label", "required", "evidence_hint"}]: the checklist as it was at the start
    checklist = models.JSONField(_("检查项"), default=list, blank=True)
    # code → {"at": ISO time, "evidence": what the agent noted}
    ticks = models.JSONField(_("已勾选"), default=dict, blank=True)
    # [{"text", "at", "second"}]: the liveness prompts shown, and their moment in the recording
    liveness = models.JSONField(_("活体提示"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("视频见证记录")
        verbose_name_plural = _("视频见证记录")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(outcome="open"),
                name="one_open_witness_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}@{self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.outcome == WitnessOutcome.OPEN

    def missing_required(self) -> list[dict]:
        """The required checks not ticked yet."""
        return [
            item for item in self.checklist if item["required"] and item["code"] not in self.ticks
        ]


class QueueEntry(models.Model):
    """An application's place in its branch's queue, from "开始视频" until the witness ends.
    While an agent talks to the investor the entry carries the session; a released call puts
    it back with its original place."""

    application = models.OneToOneField(
        "flows.Application", on_delete=models.CASCADE, related_name="witness_queue_entry"
    )
    branch = models.ForeignKey("content.Branch", on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)
    # the investor's page lost its connection at this moment: the place is kept for a while
    disconnected_at = models.DateTimeField(null=True, blank=True)
    session = models.OneToOneField(
        WitnessSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["queued_at", "pk"]
        indexes = [models.Index(fields=["branch", "queued_at"], name="video_queue_branch_order")]

    def __str__(self) -> str:
        return f"{self.branch_id}:{self.application_id}"


def evidence_name(instance: models.Model, filename: str) -> str:
    """A random, extension-less name: neither the investor nor the content can be guessed."""
    del instance, filename
    return f"witness/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.bin"


class RecordingChunk(models.Model):
    """One piece of the call's recording, as the agent's browser uploads it during the call
    (MediaRecorder, about a second each), stored encrypted. Only the first piece carries the
    WebM header: the recording is the pieces appended in order, so they are taken in order."""

    session = models.ForeignKey(
        WitnessSession, on_delete=models.PROTECT, related_name="recording_chunks"
    )
    seq = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # of the plain piece
    file = models.FileField(upload_to=evidence_name, max_length=200)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="one_recording_chunk_per_seq")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq}"


class SnapshotKind(models.TextChoices):
    FACE = "face", _("人像截图")
    ID_CARD = "id_card", _("手持身份证截图")


class WitnessSnapshot(models.Model):
    """A still of the investor's face or of the ID card held to the camera, taken by the agent
    during the call, stored encrypted; `face_found` and `face_count` are OpenCV's face-presence
    check (video.faces; both empty when it could not tell)."""

    session = models.ForeignKey(WitnessSession, on_delete=models.PROTECT, related_name="snapshots")
    kind = models.CharField(_("类型"), max_length=10, choices=SnapshotKind.choices)
    file = models.FileField(upload_to=evidence_name, max_length=200)
    sha256 = models.CharField(max_length=64)
    face_found = models.BooleanField(_("检测到人脸"), null=True)
    face_count = models.PositiveSmallIntegerField(_("人脸数量"), null=True)
    taken_at = models.DateTimeField(_("截图时间"), default=timezone.now)

    class Meta:
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.kind}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")


class Appointment(models.Model):
    """A slot of a branch's witness hours, booked by an investor: queued before its start, they
    go first while it runs (video.selectors.queue_waiting)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="witness_appointments"
    )
    branch = models.ForeignKey("content.Branch", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    created_at = models.DateTimeField(default=timezone.now)
    # the SMS reminder before the slot was recorded (video.reminders): never sent twice
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("视频见证预约")
        verbose_name_plural = _("视频见证预约")
        indexes = [models.Index(fields=["branch", "starts_at"], name="video_appointment_slot")]

    def __str__(self) -> str:
        return f"{self.branch_id}@{self.starts_at:%Y-%m-%d %H:%M}"
