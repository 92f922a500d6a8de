"""Parts stopping in the middle of a witness call: Redis (the Channels layer every push of the
queue and the call goes through) stopped while an investor queues, an agent takes them and
passes them; the database connection cut as the agent passes, and as a piece of the recording
is stored. The queue's truth is the database: the call goes on while Redis is away, the pushes
wait in the outbox and are delivered, with the count read again from the database, once it is
back; a cut leaves nothing half done and the same action completes once.

Redis is one of the test's own (broker.py), stopped and started again; the shared one is never
touched."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from django.db import OperationalError
from django.utils import timezone

from flows.actors import Actor
from flows.events import deliveries_due, delivery_attempt
from flows.models import Application, ApplicationState, DeliveryStatus, EventDelivery, StepRecord
from flows.services import lifecycle
from staff.roles import Role
from tests.factories import BranchFactory, ClientFactory, published_flow, staff_user
from tests.video.conftest import STEPS, at_witness
from video import groups
from video.evidence import recording_chunk_store, recording_read
from video.models import QueueEntry, RecordingChunk, WitnessOutcome, WitnessSession
from video.services import witness_pass, witness_queue_join, witness_take_next, witness_tick

from .broker import PrivateRedis

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def layer_on(redis, settings):
    """The Channels layer on the test's own Redis."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis.url]},
        }
    }
    channel_layers.backends.clear()
    yield redis
    channel_layers.backends.clear()


@pytest.fixture
def branch(db):
    from staff.services import roles_sync

    published_flow(STEPS)
    roles_sync()
    branch = BranchFactory()
    return branch, staff_user("agent_a", Role.WITNESS_AGENT, branch)


def _investor(branch) -> tuple[Actor, Application]:
    client = ClientFactory(branch=branch)
    return Actor.investor(client), at_witness(client)


def _tick_all(session: WitnessSession, agent) -> None:
    for item in session.checklist:
        witness_tick(session_id=session.pk, agent=agent, code=item["code"], evidence="")


def _listening(group: str):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return lambda: async_to_sync(layer.receive)(channel)


@pytest.mark.django_db(transaction=True)  # commits as in production: pushes run after them
def test_redis_stopped_during_a_call_holds_the_queue_in_the_database_and_pushes_it_once_back(
    branch, layer_on
):
    # given Redis (the Channels layer) stopped, two investors of the branch, an agent
    branch, agent = branch
    (first, first_app), (second, second_app) = _investor(branch), _investor(branch)
    layer_on.stop()

    # when both queue, the agent takes the first, and passes them: no step fails
    witness_queue_join(application=first_app, actor=first)
    witness_queue_join(application=second_app, actor=second)
    session = witness_take_next(agent=agent)
    _tick_all(session, agent)
    assert witness_pass(session_id=session.pk, agent=agent, remarks="好").outcome.done

    # then the call went on: the database holds the truth
    assert Application.objects.get(pk=first_app.pk).state == ApplicationState.IN_PROGRESS
    assert StepRecord.objects.get(application=first_app, kind="witness").is_complete
    assert WitnessSession.objects.get(pk=session.pk).outcome == WitnessOutcome.PASSED
    assert list(QueueEntry.objects.values_list("application_id", flat=True)) == [second_app.pk]
    # and the pushes that could not go out wait in the outbox, to be tried again
    pushes = EventDelivery.objects.filter(subscriber="witness_queue")
    assert pushes.count() == 4  # queued ×2, witness started, passed
    assert {
        (status, bool(error)) for status, error in pushes.values_list("status", "last_error")
    } == {(DeliveryStatus.PENDING, True)}

    # when Redis is back, with the second investor's page listening again
    layer_on.start()
    hear = _listening(groups.queue_investors(branch.pk))
    later = timezone.now() + datetime.timedelta(minutes=5)
    results = [delivery_attempt(delivery_id=pk, now=later) for pk in deliveries_due(now=later)]

    # then every push is delivered once, each with the count as the database has it now
    assert set(results) == {"delivered"}
    assert set(pushes.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    heard = [hear() for _ in range(pushes.count())]
    assert {(message["type"], message["waiting"]) for message in heard} == {("queue.count", 1)}
    assert deliveries_due(now=later + datetime.timedelta(hours=2)) == []


def test_the_database_cut_as_the_agent_passes_leaves_the_call_open_and_it_passes_once(
    branch, monkeypatch, django_capture_on_commit_callbacks
):
    # given a call taken, every check ticked, and the connection dropping as the pass's event
    # is written
    branch, agent = branch
    investor, application = _investor(branch)
    with django_capture_on_commit_callbacks(execute=True):
        witness_queue_join(application=application, actor=investor)
        session = witness_take_next(agent=agent)
    _tick_all(session, agent)
    real_event_record = lifecycle.event_record

    def connection_lost(**kwargs):
        if kwargs["name"] == "application.witness_passed":
            raise OperationalError("server closed the connection unexpectedly")
        return real_event_record(**kwargs)

    monkeypatch.setattr(lifecycle, "event_record", connection_lost)

    # when the agent passes
    with pytest.raises(OperationalError), django_capture_on_commit_callbacks(execute=True):
        witness_pass(session_id=session.pk, agent=agent, remarks="好")

    # then nothing of the pass stayed: the call is open, the investor still in it
    assert Application.objects.get(pk=application.pk).state == ApplicationState.WITNESS_IN_PROGRESS
    assert WitnessSession.objects.get(pk=session.pk).outcome == WitnessOutcome.OPEN
    assert not StepRecord.objects.filter(application=application, kind="witness").exists()
    assert QueueEntry.objects.filter(application=application, session=session).exists()

    # and when the database is back the same pass goes through, once
    monkeypatch.setattr(lifecycle, "event_record", real_event_record)
    with django_capture_on_commit_callbacks(execute=True):
        assert witness_pass(session_id=session.pk, agent=agent, remarks="好").outcome.done
    assert Application.objects.get(pk=application.pk).state == ApplicationState.IN_PROGRESS
    assert WitnessSession.objects.get(pk=session.pk).outcome == WitnessOutcome.PASSED
    passed = EventDelivery.objects.filter(event__name="application.witness_passed")
    assert passed.exists() and passed.values("event").distinct().count() == 1


def _stored_files(media) -> set[str]:
    return {str(path) for path in media.rglob("*") if path.is_file()}


def test_the_database_cut_as_a_recording_piece_is_stored_loses_no_piece(
    branch, monkeypatch, settings, tmp_path
):
    # given a call with the first piece of its recording stored
    settings.MEDIA_ROOT = tmp_path / "media"
    branch, agent = branch
    investor, application = _investor(branch)
    witness_queue_join(application=application, actor=investor)
    session = witness_take_next(agent=agent)
    recording_chunk_store(session_id=session.pk, agent=agent, seq=0, data=b"webm-header+1s")
    files_before = _stored_files(settings.MEDIA_ROOT)
    real_save = RecordingChunk.save

    def connection_lost(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(RecordingChunk, "save", connection_lost)

    # when the next piece is sent as the connection drops
    with pytest.raises(OperationalError):
        recording_chunk_store(session_id=session.pk, agent=agent, seq=1, data=b"second")

    # then it is not recorded, and no file of it is left behind
    assert list(session.recording_chunks.values_list("seq", flat=True)) == [0]
    assert _stored_files(settings.MEDIA_ROOT) == files_before
    # and the browser's retry of the same piece is stored in its place, the recording whole
    monkeypatch.setattr(RecordingChunk, "save", real_save)
    recording_chunk_store(session_id=session.pk, agent=agent, seq=1, data=b"second")
    assert b"".join(recording_read(session=session)) == b"webm-header+1ssecond"
