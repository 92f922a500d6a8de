"""The recording's pieces and the snapshots: stored encrypted, taken in order only, bounded in
size, played back to the call's agent and to reviewers (audited), refused to anyone else; the
recording's length and SHA-256 and the snapshots on the witness summary."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from django.test import Client as Browser
from PIL import Image

from audit.models import AuditEvent
from flows.services import step_summaries
from staff.roles import Role
from tests.factories import staff_user
from tests.video import pictures
from video.evidence import MAX_CHUNK_BYTES
from video.models import RecordingChunk, WitnessSession, WitnessSnapshot
from video.services import witness_queue_join, witness_take_next


def as_staff(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def call(world):
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    session = witness_take_next(agent=world.agent)
    return application, session, as_staff(world.agent)


def chunk_url(session, seq: int) -> str:
    return f"/console/witness/session/{session.pk}/recording/{seq}/"


def upload(browser, session, seq: int, data: bytes):
    return browser.post(chunk_url(session, seq), data, content_type="application/octet-stream")


def jpeg(color=(200, 180, 160)) -> bytes:
    image = Image.fromarray(np.full((240, 320, 3), color, dtype=np.uint8))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def test_pieces_are_stored_encrypted_in_order_and_played_back_whole(world, call):
    application, session, agent = call
    pieces = [b"\x1aE\xdf\xa3 webm header" + b"a" * 100, b"b" * 200, b"c" * 300]
    for seq, piece in enumerate(pieces):
        response = upload(agent, session, seq, piece)
        assert (response.status_code, response.json()) == (200, {"stored": seq})
    # stored encrypted: no piece is on disk as it came
    for chunk in RecordingChunk.objects.filter(session=session):
        with chunk.file.open("rb") as stored:
            assert stored.read() not in pieces
    # played back whole, in order, to the agent; the read is audited
    response = agent.get(f"/console/witness/session/{session.pk}/recording/")
    assert response["Content-Type"] == "video/webm"
    assert b"".join(response.streaming_content) == b"".join(pieces)
    assert AuditEvent.objects.filter(action="witness.recording_viewed", actor=world.agent).exists()


def test_a_piece_out_of_order_is_refused_with_the_one_expected(call):
    _application, session, agent = call
    upload(agent, session, 0, b"first")
    for seq in (0, 2):
        response = upload(agent, session, seq, b"again")
        assert response.status_code == 409
        assert response.json()["extra"] == {"expected": 1}
        assert "应为第 1 段" in response.json()["message"]
    assert RecordingChunk.objects.filter(session=session).count() == 1


def test_a_piece_too_large_or_empty_is_refused(call):
    _application, session, agent = call
    too_large = upload(agent, session, 0, b"x" * (MAX_CHUNK_BYTES + 1))
    assert too_large.status_code == 413 and too_large.json()["code"] == "chunk_too_large"
    empty = upload(agent, session, 0, b"")
    assert empty.status_code == 400 and empty.json()["code"] == "chunk_empty"
    assert not RecordingChunk.objects.exists()


def test_another_agent_cannot_upload_or_play_back(world, call):
    _application, session, agent = call
    upload(agent, session, 0, b"piece")
    other = as_staff(world.second_agent)
    assert upload(other, session, 1, b"theirs").status_code == 404
    assert other.get(f"/console/witness/session/{session.pk}/recording/").status_code == 404
    assert Browser().get(f"/console/witness/session/{session.pk}/recording/").status_code == 404


def test_a_reviewer_plays_the_recording_back_and_is_audited(world, call):
    _application, session, agent = call
    upload(agent, session, 0, b"piece")
    reviewer = staff_user("reviewer_v", Role.REVIEWER)
    response = as_staff(reviewer).get(f"/console/witness/session/{session.pk}/recording/")
    assert b"".join(response.streaming_content) == b"piece"
    assert AuditEvent.objects.get(
        action="witness.recording_viewed", actor=reviewer
    ).actor_label == ("reviewer:reviewer_v")


def test_the_recording_is_offered_to_staff_and_not_to_the_investor(world, call):
    from flows.outputs import application_outputs

    def recordings(audience: str) -> list[str]:
        outputs = application_outputs(application=application, audience=audience)
        return [output.url for output in outputs if "录像" in output.title]

    application, session, agent = call
    assert recordings("staff") == []  # nothing recorded yet
    upload(agent, session, 0, b"piece")
    assert recordings("staff") == [f"/console/witness/session/{session.pk}/recording/"]
    assert recordings("investor") == []


def test_no_piece_is_taken_after_the_call_ends(call):
    _application, session, agent = call
    agent.post(f"/console/witness/session/{session.pk}/release/")
    response = upload(agent, session, 0, b"late")
    assert response.status_code == 400 and response.json()["code"] == "session_closed"


def test_a_snapshot_is_stored_encrypted_checked_for_a_face_and_audited(world, call):
    _application, session, agent = call
    image = jpeg()
    response = agent.post(
        f"/console/witness/session/{session.pk}/snapshot/",
        {"kind": "face", "image": io.BytesIO(image)},
    )
    assert response.status_code == 200
    shot = WitnessSnapshot.objects.get(session=session)
    # a plain picture has no face
    assert (response.json()["face_found"], response.json()["face_count"]) == (False, 0)
    assert (shot.face_found, shot.face_count) == (False, 0)
    with shot.file.open("rb") as stored:
        assert stored.read() != image
    assert shot.sha256 == hashlib.sha256(image).hexdigest()
    served = agent.get(response.json()["url"])
    assert served.content == image and served["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(action="witness.snapshot", actor=world.agent).exists()
    assert as_staff(world.second_agent).get(response.json()["url"]).status_code == 404


@pytest.mark.parametrize(
    ("posted", "code"),
    [
        ({"kind": "face", "image": io.BytesIO(b"not an image")}, "invalid_snapshot"),
        ({"kind": "selfie", "image": io.BytesIO(b"x")}, "invalid_kind"),
        ({"kind": "face"}, "invalid_snapshot"),
    ],
)
def test_a_bad_snapshot_is_refused(call, posted, code):
    _application, session, agent = call
    response = agent.post(f"/console/witness/session/{session.pk}/snapshot/", posted)
    assert response.status_code == 400 and response.json()["code"] == code
    assert not WitnessSnapshot.objects.exists()


def test_a_face_snapshot_stores_how_many_faces_and_the_audit_says_so(world, call):
    # given a frame of the call with a face in it
    _application, session, agent = call
    frame = pictures.encoded(pictures.call_frame(faces=1))
    # when the agent takes the snapshot
    response = agent.post(
        f"/console/witness/session/{session.pk}/snapshot/",
        {"kind": "face", "image": io.BytesIO(frame)},
    )
    # then the face is found, stored on the snapshot and in the audit
    assert (response.json()["face_found"], response.json()["face_count"]) == (True, 1)
    shot = WitnessSnapshot.objects.get(session=session)
    assert (shot.face_found, shot.face_count) == (True, 1)
    audit = AuditEvent.objects.get(action="witness.snapshot", actor=world.agent)
    assert (audit.data["face"], audit.data["faces"]) == (True, 1)


def test_the_console_warns_of_a_snapshot_without_a_face_or_with_two(world, call):
    # given one still with no face, one with two faces, one with one
    _application, session, agent = call
    frames = [
        pictures.plain(),
        pictures.call_frame(faces=2, width=1000),
        pictures.call_frame(faces=1),
    ]
    for frame in frames:
        agent.post(
            f"/console/witness/session/{session.pk}/snapshot/",
            {"kind": "face", "image": io.BytesIO(pictures.encoded(frame))},
        )
    # when the agent's call page is shown
    page = agent.get(f"/console/witness/session/{session.pk}/").content.decode()
    # then the stills are beside the ID photo, each with its check
    compare = page[page.index('class="witness-compare"') :]
    assert compare.index("身份证人像面") < compare.index("witness-snapshots")
    assert page.count("⚠ 未检测到人脸") == 1
    assert page.count("⚠ 检测到 2 张人脸") == 1
    assert page.count("✓ 检测到人脸") == 1


def test_the_summary_carries_the_recording_and_the_snapshots(world, call):
    application, session, agent = call
    pieces = [b"one" * 10, b"two" * 10]
    for seq, piece in enumerate(pieces):
        upload(agent, session, seq, piece)
    agent.post(
        f"/console/witness/session/{session.pk}/snapshot/",
        {"kind": "id_card", "image": io.BytesIO(jpeg())},
    )
    for item in session.checklist:
        agent.post(f"/console/witness/session/{session.pk}/tick/", {"item": item["code"]})
    agent.post(f"/console/witness/session/{session.pk}/pass/")
    summary = next(s for s in step_summaries(application=application) if s.kind == "witness")
    assert summary.recording_sha256 == hashlib.sha256(b"".join(pieces)).hexdigest()
    assert summary.snapshots == 1
    # the face check of each still is in the summary: this one shows no face
    (taken,) = summary.snapshots_taken
    assert (taken.kind, taken.face_found, taken.face_count) == ("id_card", False, 0)
    assert summary.snapshots_without_face == 1
    assert any(label == "截图" and "未检测到人脸" in value for label, value in summary.rows())
    assert any(
        label == "录像" and summary.recording_sha256 in value for label, value in summary.rows()
    )


def test_a_tick_from_the_script_answers_json_and_the_page_stays(call):
    _application, session, agent = call
    upload(agent, session, 0, b"piece")
    response = agent.post(
        f"/console/witness/session/{session.pk}/tick/",
        {"item": "consent", "evidence": "recording"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["item"] == "consent" and response.json()["evidence"] == "录像 00:00:00"
    refused = agent.post(
        f"/console/witness/session/{session.pk}/tick/",
        {"item": "nope"},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_item"


def test_a_liveness_prompt_is_chosen_from_the_cms_shown_to_the_investor_and_marked(world, call):
    from video.models import LivenessPrompt

    _application, session, agent = call
    LivenessPrompt.objects.update(active=False)
    LivenessPrompt.objects.create(text="请读出屏幕上的四位数字：{digits}")
    upload(agent, session, 0, b"piece")
    response = agent.post(f"/console/witness/session/{session.pk}/liveness/")
    shown = response.json()
    assert response.status_code == 200
    assert shown["text"].startswith("请读出屏幕上的四位数字：") and shown["text"][-4:].isdigit()
    assert shown["second"] == 0  # its moment in the recording
    assert WitnessSession.objects.get(pk=session.pk).liveness == [shown]
    assert AuditEvent.objects.filter(action="witness.liveness", actor=world.agent).exists()
    # and the summary keeps it
    for item in session.checklist:
        agent.post(f"/console/witness/session/{session.pk}/tick/", {"item": item["code"]})
    agent.post(f"/console/witness/session/{session.pk}/pass/")
    summary = next(s for s in step_summaries(application=_application) if s.kind == "witness")
    assert summary.liveness and shown["text"] in summary.liveness[0]


def test_no_active_prompt_is_said_plainly(call):
    from video.models import LivenessPrompt

    _application, session, agent = call
    LivenessPrompt.objects.update(active=False)
    response = agent.post(f"/console/witness/session/{session.pk}/liveness/")
    assert response.status_code == 400 and response.json()["code"] == "no_prompts"


def stored_photo(client, side: str, content: bytes):
    from django.core.files.base import ContentFile

    from photos.models import IdPhoto
    from privacy import crypto

    photo = IdPhoto(client=client, side=side, content_hash="0" * 64)
    photo.image.save("image", ContentFile(crypto.encrypt(content)), save=False)
    photo.original.save("original", ContentFile(crypto.encrypt(content)), save=False)
    photo.save()
    return photo


def test_the_agent_sees_the_id_photo_the_photos_step_recorded_audited(world, call):
    from flows.models import StepRecord

    # given a newer photo on file than the one the application's photos step recorded
    application, session, agent = call
    recorded = stored_photo(application.client, "front", b"\xff\xd8recorded")
    stored_photo(application.client, "front", b"\xff\xd8newer")
    StepRecord.objects.filter(application=application, kind="photos").update(
        evidence={"photos": {"front": recorded.pk}}
    )
    # when the agent's console asks for the ID photo
    response = agent.get(f"/console/witness/session/{session.pk}/id-photo/")
    # then it is the recorded one, its read audited as personal data
    assert response.status_code == 200 and response.content == b"\xff\xd8recorded"
    assert response["Cache-Control"].startswith("private")
    read = AuditEvent.objects.get(action="personal_data.read", actor=world.agent)
    assert read.data == {"what": "id_photo", "via": "witness_console"}
    assert (
        'src="/console/witness/session/'
        in agent.get(f"/console/witness/session/{session.pk}/")
        .content.decode()
        .split("witness-id-photo", 1)[1][:200]
    )


def test_the_id_photo_is_the_one_on_file_without_a_recorded_one_and_only_for_the_agent(world, call):
    application, session, agent = call
    page = agent.get(f"/console/witness/session/{session.pk}/").content.decode()
    assert "没有身份证人像面照片。" in page
    assert agent.get(f"/console/witness/session/{session.pk}/id-photo/").status_code == 404
    stored_photo(application.client, "front", b"\xff\xd8on-file")
    assert agent.get(f"/console/witness/session/{session.pk}/id-photo/").content == (
        b"\xff\xd8on-file"
    )
    other = as_staff(world.second_agent)
    assert other.get(f"/console/witness/session/{session.pk}/id-photo/").status_code == 404
    assert Browser().get(f"/console/witness/session/{session.pk}/id-photo/").status_code == 404
