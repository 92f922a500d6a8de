"""The branch queue in the database: joining and leaving through the lifecycle, the waiting
count, the atomic "take next", a dropped investor's place kept for the grace period, a released
call back in its place. With DATABASE_URL set, two agents take at once on PostgreSQL."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from common.exceptions import BusinessError
from flows.actors import Actor
from flows.models import Application, ApplicationState, OutboxEvent
from flows.services import application_abandon
from video.models import QueueEntry, WitnessOutcome, WitnessSession
from video.selectors import queue_count, queue_position
from video.services import (
    queue_connection_back,
    queue_connection_lost,
    queue_sweep,
    witness_queue_join,
    witness_queue_leave,
    witness_release,
    witness_take_next,
)

S = ApplicationState


def state(application) -> str:
    return Application.objects.get(pk=application.pk).state


def test_start_video_queues_the_investor_through_the_lifecycle(world):
    # given an investor at the witness step
    investor, application = world.investor()
    # when they press 开始视频
    witness_queue_join(application=application, actor=investor)
    # then the application is queued, with its place, and the event is recorded
    assert state(application) == S.QUEUED_FOR_WITNESS
    assert QueueEntry.objects.get(application=application).branch == world.branch
    assert OutboxEvent.objects.filter(name="application.queued", application=application).exists()
    assert queue_count(branch_id=world.branch.pk) == 1


def test_an_investor_not_at_the_witness_step_cannot_queue(world):
    # given an investor whose exchanges are not chosen yet
    investor, application = world.investor()
    application.step_records.filter(kind="exchanges").delete()
    # when they ask for the video
    with pytest.raises(BusinessError) as refused:
        witness_queue_join(application=application, actor=investor)
    # then it is refused and no place is taken
    assert refused.value.code == "not_ready_for_witness"
    assert not QueueEntry.objects.exists()


def test_another_investor_cannot_queue_someone_elses_application(world):
    _investor, application = world.investor()
    stranger, _theirs = world.investor()
    with pytest.raises(BusinessError) as refused:
        witness_queue_join(application=application, actor=stranger)
    assert refused.value.code == "not_found"
    assert not QueueEntry.objects.exists()


def test_the_count_includes_everyone_waiting_in_the_branch_and_only_that_branch(world):
    # given three investors of the branch queued, and one of another branch
    apps = []
    for _ in range(3):
        investor, application = world.investor()
        witness_queue_join(application=application, actor=investor)
        apps.append(application)
    from tests.factories import BranchFactory, ClientFactory
    from tests.video.conftest import at_witness

    outsider = ClientFactory(branch=BranchFactory())
    witness_queue_join(application=at_witness(outsider), actor=Actor.investor(outsider))
    # then each sees the branch's count (self included) and their place
    assert queue_count(branch_id=world.branch.pk) == 3
    assert [queue_position(application=a) for a in apps] == [1, 2, 3]
    # when the second leaves
    witness_queue_leave(application=apps[1], actor=Actor.investor(apps[1].client))
    # then the count drops and the third moves up
    assert queue_count(branch_id=world.branch.pk) == 2
    assert queue_position(application=Application.objects.get(pk=apps[2].pk)) == 2
    assert state(apps[1]) == S.IN_PROGRESS


def test_take_next_takes_in_arrival_order_and_opens_a_session(world):
    # given two investors queued one after the other
    first_actor, first = world.investor()
    second_actor, second = world.investor()
    witness_queue_join(application=first, actor=first_actor)
    witness_queue_join(application=second, actor=second_actor)
    # when two agents take one each
    one = witness_take_next(agent=world.agent)
    two = witness_take_next(agent=world.second_agent)
    # then the first arrival went to the first agent, the second to the second
    assert (one.application_id, two.application_id) == (first.pk, second.pk)
    assert state(first) == state(second) == S.WITNESS_IN_PROGRESS
    assert one.checklist and all(item["required"] for item in one.checklist)
    assert queue_count(branch_id=world.branch.pk) == 0
    assert AuditEvent.objects.filter(action="application.start_witness").count() == 2
    # and nobody is left for a third
    with pytest.raises(BusinessError):  # the first agent still has their call open
        witness_take_next(agent=world.agent)


def test_an_agent_with_a_call_open_cannot_take_another(world):
    for _ in range(2):
        investor, application = world.investor()
        witness_queue_join(application=application, actor=investor)
    witness_take_next(agent=world.agent)
    with pytest.raises(BusinessError) as refused:
        witness_take_next(agent=world.agent)
    assert refused.value.code == "session_open"


def test_nobody_waiting_takes_nothing(world):
    assert witness_take_next(agent=world.agent) is None


def test_an_agent_of_another_branch_takes_nobody_here(world):
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    assert witness_take_next(agent=world.other_branch_agent) is None
    assert state(application) == S.QUEUED_FOR_WITNESS


def test_an_agent_without_a_branch_is_refused(world):
    with pytest.raises(BusinessError) as refused:
        witness_take_next(agent=world.agent_without_branch)
    assert refused.value.code == "no_branch"


def test_a_dropped_investor_keeps_their_place_for_the_grace_period(world, settings):
    settings.WITNESS_DROPPED_GRACE_SECONDS = 60
    first_actor, first = world.investor()
    second_actor, second = world.investor()
    witness_queue_join(application=first, actor=first_actor)
    witness_queue_join(application=second, actor=second_actor)
    # given the first investor's connection drops
    queue_connection_lost(application_id=first.pk)
    # when 59 seconds pass
    now = timezone.now()
    assert queue_sweep(now=now + datetime.timedelta(seconds=59)) == []
    # then they keep their place (and are skipped by take next while away)
    assert queue_position(application=first) == 1
    assert witness_take_next(agent=world.agent).application_id == second.pk
    # when they come back, their place is theirs again
    queue_connection_back(application_id=first.pk)
    assert queue_sweep(now=now + datetime.timedelta(seconds=300)) == []
    assert witness_take_next(agent=world.second_agent).application_id == first.pk


def test_a_dropped_investor_loses_the_place_after_the_grace_period(world):
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    queue_connection_lost(application_id=application.pk)
    removed = queue_sweep(now=timezone.now() + datetime.timedelta(seconds=61))
    assert removed == [application.pk]
    assert state(application) == S.IN_PROGRESS
    assert not QueueEntry.objects.exists()
    entry = AuditEvent.objects.get(action="application.leave_queue")
    assert entry.actor_label == "system:witness queue"


def test_a_released_call_puts_the_investor_back_in_their_place(world):
    first_actor, first = world.investor()
    second_actor, second = world.investor()
    witness_queue_join(application=first, actor=first_actor)
    witness_queue_join(application=second, actor=second_actor)
    session = witness_take_next(agent=world.agent)
    # when the agent releases the call
    witness_release(session_id=session.pk, agent=world.agent, reason="投资者网络中断")
    # then the investor is queued again, first, and the session is closed as released
    assert state(first) == S.QUEUED_FOR_WITNESS
    assert queue_position(application=first) == 1
    assert WitnessSession.objects.get(pk=session.pk).outcome == WitnessOutcome.RELEASED


def test_another_agent_cannot_end_a_call_they_did_not_take(world):
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    session = witness_take_next(agent=world.agent)
    with pytest.raises(BusinessError) as refused:
        witness_release(session_id=session.pk, agent=world.second_agent, reason="x")
    assert refused.value.code == "not_found"
    assert state(application) == S.WITNESS_IN_PROGRESS


def test_an_abandoned_application_is_not_counted_nor_taken(world):
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    application_abandon(application=application, actor=investor, reason="不办了")
    assert queue_count(branch_id=world.branch.pk) == 0
    assert witness_take_next(agent=world.agent) is None


# --- two agents at once ------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_at_once_never_get_the_same_investor(postgres_url, world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run with DATABASE_URL set")
    # given two investors queued, and two agents pressing "take next" at the same moment
    apps = []
    for _ in range(2):
        investor, application = world.investor()
        witness_queue_join(application=application, actor=investor)
        apps.append(application.pk)
    barrier, taken, errors = threading.Barrier(2), [], []

    def take(agent):
        try:
            barrier.wait()
            session = witness_take_next(agent=agent)
            taken.append(session.application_id if session else None)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(a,)) for a in (world.agent, world.second_agent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then each took a different investor, with no error and no wait for the other
    assert not errors
    assert sorted(taken) == sorted(apps)
    assert WitnessSession.objects.filter(outcome=WitnessOutcome.OPEN).count() == 2


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_agents_at_once_for_one_investor_one_gets_them(postgres_url, world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run with DATABASE_URL set")
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    barrier, taken = threading.Barrier(2), []

    def take(agent):
        try:
            barrier.wait()
            session = witness_take_next(agent=agent)
            taken.append(session.application_id if session else None)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(a,)) for a in (world.agent, world.second_agent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(taken, key=str) == sorted([application.pk, None], key=str)
    assert WitnessSession.objects.count() == 1


def test_a_session_past_the_maximum_length_is_ended_and_the_investor_queues_again(world, settings):
    from video.services import sessions_expire

    settings.WITNESS_MAX_SESSION_MINUTES = 30
    investor, application = world.investor()
    witness_queue_join(application=application, actor=investor)
    session = witness_take_next(agent=world.agent)
    now = timezone.now()
    # not yet at 29 minutes
    assert sessions_expire(now=now + datetime.timedelta(minutes=29)) == []
    # ended after 31: back in the queue, first, and the session closed
    assert sessions_expire(now=now + datetime.timedelta(minutes=31)) == [session.pk]
    assert state(application) == S.QUEUED_FOR_WITNESS
    assert queue_position(application=application) == 1
    ended = WitnessSession.objects.get(pk=session.pk)
    assert ended.outcome == WitnessOutcome.RELEASED and ended.ended_at
    assert AuditEvent.objects.get(action="application.release_witness").actor_label == (
        "system:witness time limit"
    )


@pytest.mark.parametrize(
    ("order", "application_id", "position"),
    [
        ([12, 1, 123], 12, 1),
        ([12, 1, 123], 1, 2),
        ([12, 1, 123], 123, 3),
        ([12, 1], 2, None),
        ([], 1, None),
    ],
)
def test_each_socket_finds_its_place_in_the_encoded_order(order, application_id, position):
    from video.selectors import order_encode, order_position

    # one string for every socket; "1" is not found inside "12" or "123"
    assert order_position(order_encode(order), application_id) == position
