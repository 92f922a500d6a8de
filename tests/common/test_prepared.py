"""A prepared read gives what its queryset gives, for every value, with its SQL built once; a
shape it cannot keep safely is simply built each time."""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
from django.db import connection, connections
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from clients.models import Client, ClientExchange, LoginCode
from common.prepared import PreparedRead
from content.models import CalendarDay, CalendarDayKind, Exchange
from flows.steps.exchanges import _catalogue_of
from tests.factories import BranchFactory, ClientFactory, ExchangeFactory

pytestmark = pytest.mark.django_db


class Counting:
    """A build function that counts how often it is asked for a queryset."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, **values):
        self.calls += 1
        return self.build(**values)


def _client_with_branch(client_id, client_no):
    return Client.objects.select_related("branch").filter(pk=client_id, client_no=client_no)


def test_a_read_gives_the_querysets_rows_for_each_value_and_builds_its_sql_once():
    # given two clients in two branches
    first, second = ClientFactory(branch=BranchFactory()), ClientFactory(branch=BranchFactory())
    build = Counting(_client_with_branch)
    read = PreparedRead(build)
    # when each is read twice
    found = [read(client_id=c.pk, client_no=c.client_no) for c in (first, second, first, second)]
    # then each read gave that client, with its branch loaded in the same query
    assert [rows[0].pk for rows in found] == [first.pk, second.pk, first.pk, second.pk]
    with CaptureQueriesContext(connection) as queries:
        rows = read(client_id=second.pk, client_no=second.client_no)
        assert rows[0].branch.name == second.branch.name
        assert rows[0].name == second.name  # fields decrypted as the queryset's are
    assert len(queries) == 1
    # and the SQL was built from the two probes only, never again
    assert build.calls == 2


def test_a_value_that_matches_nothing_gives_nothing():
    client = ClientFactory()
    read = PreparedRead(_client_with_branch)
    assert read(client_id=client.pk, client_no=client.client_no)
    assert read(client_id=client.pk, client_no="90000000x") == []
    assert read(client_id=client.pk + 1000, client_no=client.client_no) == []


def test_a_string_value_is_a_parameter_never_sql():
    client = ClientFactory()
    read = PreparedRead(_client_with_branch)
    assert read(client_id=client.pk, client_no=client.client_no)
    assert read(client_id=client.pk, client_no="x' OR '1'='1") == []
    assert Client.objects.filter(pk=client.pk).exists()


def test_annotations_subqueries_and_a_value_used_twice_come_out_as_the_querysets():
    # given the exchanges with one client's trading codes (the client's id appears twice)
    shfe, dce = ExchangeFactory(code="SHFE"), ExchangeFactory(code="DCE")
    hidden = ExchangeFactory(code="OLD", active=False)
    first, second = ClientFactory(), ClientFactory()
    ClientExchange.objects.create(client=first, exchange=shfe, trading_code="81000001")
    ClientExchange.objects.create(client=first, exchange=hidden, trading_code="81000002")
    ClientExchange.objects.create(client=second, exchange=dce, trading_code="82000001")

    def catalogue(client_id):  # the exchanges step's catalogue, with an expression besides
        return _catalogue_of(client_id).annotate(doubled=F("sort_order") * 2)

    read = PreparedRead(catalogue)
    for client in (first, second, first):
        # when read prepared, then as the plain queryset reads it
        expected = [
            (e.code, e.client_trading_code, e.doubled) for e in catalogue(client_id=client.pk)
        ]
        got = [(e.code, e.client_trading_code, e.doubled) for e in read(client_id=client.pk)]
        assert got == expected
    assert ("OLD", "81000002", hidden.sort_order * 2) in got


def test_dates_and_aware_datetimes_are_kept_as_the_backend_adapts_them():
    # given a holiday, and login codes sent at two times
    CalendarDay.objects.create(date=datetime.date(2030, 1, 1), kind=CalendarDayKind.HOLIDAY)
    client = ClientFactory()
    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    sent = [datetime.datetime(2026, 12, 1, 9, m, tzinfo=zone) for m in (0, 30)]
    for at in sent:
        LoginCode.objects.create(client=client, created_at=at, expires_at=at, code_hash="x")
    days = Counting(lambda first, last: CalendarDay.objects.filter(date__range=(first, last)))
    codes = Counting(
        lambda client_id, since: (
            LoginCode.objects.filter(client_id=client_id, created_at__gte=since)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
    )
    read_days, read_codes = PreparedRead(days), PreparedRead(codes)
    # when read with several values
    found_days = [
        len(read_days(first=datetime.date(*first), last=datetime.date(*last)))
        for first, last in (((2029, 12, 1), (2030, 1, 1)), ((2030, 1, 1), (2030, 2, 1)))
    ]
    found_days.append(
        len(read_days(first=datetime.date(2030, 1, 2), last=datetime.date(2031, 1, 1)))
    )
    found_codes = [
        read_codes(client_id=client.pk, since=at - datetime.timedelta(seconds=1)) for at in sent
    ]
    # then each answer is the queryset's, from SQL built once per read
    assert found_days == [1, 1, 0]
    assert found_codes == [sent, sent[1:]]
    assert (days.calls, codes.calls) == (2, 2)


def test_a_value_django_would_transform_is_not_kept_and_still_read_right():
    # given a read by a naive datetime (Django makes it aware first, with a warning)
    build = Counting(lambda since: LoginCode.objects.filter(created_at__gte=since))
    read = PreparedRead(build)
    # when read with a naive value, then an aware one
    with pytest.warns(RuntimeWarning):
        assert read(since=datetime.datetime(2026, 12, 1)) == []  # noqa: DTZ001 (the case)
    assert read(since=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)) == []
    # then the naive one was built as a plain queryset (1), the aware one kept (2 probes)
    assert build.calls == 1 + 2


def test_a_value_of_another_kind_is_not_kept_and_still_read_right():
    build = Counting(lambda codes: Exchange.objects.filter(code__in=codes))
    read = PreparedRead(build)
    ExchangeFactory(code="SHFE")
    assert [e.code for e in read(codes=["SHFE", "DCE"])] == ["SHFE"]
    assert read(codes=["INE"]) == []
    assert build.calls == 2


def test_a_shape_whose_sql_changes_with_its_values_is_built_each_time():
    def branching(client_id):
        query = Client.objects.filter(pk=client_id)
        return query.order_by("-pk") if client_id % 2 else query

    build = Counting(branching)
    read = PreparedRead(build)
    client = ClientFactory()
    assert [c.pk for c in read(client_id=client.pk)] == [client.pk]
    assert [c.pk for c in read(client_id=client.pk)] == [client.pk]
    # the probes gave two different SQLs: nothing kept, each call builds its queryset
    assert build.calls == 2 + 2


def test_a_related_managers_queryset_is_not_kept():
    # it carries the object it came from: rows read for another would point at the wrong one
    client = ClientFactory()
    read = PreparedRead(
        lambda exchange_id: client.exchange_accounts.filter(exchange_id=exchange_id)
    )
    assert read(exchange_id=1) == []
    assert read._compiled and set(read._compiled.values()) == {None}


@pytest.mark.django_db(transaction=True)
def test_a_read_kept_on_one_thread_runs_on_another_threads_connection():
    # given a read whose SQL was kept on this thread
    first, second = ClientFactory(), ClientFactory()
    read = PreparedRead(_client_with_branch)
    assert read(client_id=first.pk, client_no=first.client_no)
    found: list = []

    def elsewhere():
        try:
            with CaptureQueriesContext(connections["default"]) as queries:
                found.extend(read(client_id=second.pk, client_no=second.client_no))
            found.append(len(queries))
        finally:
            connections.close_all()

    # when another thread reads with its own connection
    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    # then it got its row, through its own connection (where its queries were counted)
    assert [found[0].pk, found[1]] == [second.pk, 1]


def test_a_shape_django_answers_without_sql_is_built_each_time():
    client = ClientFactory()
    read = PreparedRead(lambda client_id: Client.objects.filter(pk=client_id, pk__in=[]))
    assert read(client_id=client.pk) == []


def test_a_small_integer_column_is_kept_whatever_its_range():
    # given exchanges ordered by a small positive integer
    ExchangeFactory(code="SHFE", sort_order=3)
    ExchangeFactory(code="DCE", sort_order=5)
    build = Counting(lambda position: Exchange.objects.filter(sort_order=position))
    read = PreparedRead(build)
    # when read by position
    found = [[e.code for e in read(position=p)] for p in (3, 5, 7)]
    # then each is right, from SQL built once
    assert found == [["SHFE"], ["DCE"], []]
    assert build.calls == 2


def test_a_lookup_that_escapes_its_value_is_not_kept():
    # given a client, and a read by a case-insensitive number (SQLite escapes LIKE's wildcards
    # in the value itself)
    client = ClientFactory(client_no="90000123")
    read = PreparedRead(lambda number: Client.objects.filter(client_no__iexact=number))
    # when read with its number, then with wildcards that would match it unescaped
    assert [c.pk for c in read(number="90000123")] == [client.pk]
    # then a wildcard is a character, never a pattern
    assert read(number="9000012_") == []
    assert read(number="%") == []
