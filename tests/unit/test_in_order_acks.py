"""Acks in offset order: an event done before an earlier one of its partition waits for it; other
partitions never wait; a partition read again from an earlier offset forgets the events after it."""

from dataclasses import dataclass

from newsmon.stream.acks import InOrderAcks


@dataclass(frozen=True)
class Position:
    tp: tuple[str, int]
    offset: int


@dataclass(frozen=True, eq=False)
class Event:
    message: Position


def events(partition: int, offsets) -> list[Event]:
    return [Event(Position(("news.alerts", partition), offset)) for offset in offsets]


def test_a_later_event_done_first_waits_for_the_earlier_one():
    acks = InOrderAcks()
    first, second, third = events(0, [10, 11, 12])
    for event in (first, second, third):
        acks.read(event)
    assert acks.finished(second) == []
    assert acks.finished(third) == []
    assert acks.finished(first) == [first, second, third]
    assert acks.in_progress() == 0


def test_partitions_do_not_wait_for_each_other():
    acks = InOrderAcks()
    [slow] = events(0, [5])
    [fast] = events(1, [7])
    acks.read(slow)
    acks.read(fast)
    assert acks.finished(fast) == [fast]
    assert acks.in_progress() == 1


def test_events_in_order_are_acked_at_once():
    acks = InOrderAcks()
    batch = events(2, range(3))
    for event in batch:
        acks.read(event)
        assert acks.finished(event) == [event]


def test_a_partition_read_again_forgets_what_came_after():
    acks = InOrderAcks()
    old = events(0, [20, 21, 22])
    for event in old:
        acks.read(event)
    again = events(0, [21, 22])
    for event in again:
        acks.read(event)
    assert acks.finished(old[2]) == [], "an event read before the seek no longer counts"
    assert acks.finished(again[0]) == []
    assert acks.finished(old[0]) == [old[0], again[0]]
    assert acks.finished(again[1]) == [again[1]]


def test_an_unknown_event_acks_nothing():
    assert InOrderAcks().finished(events(3, [1])[0]) == []


def test_faust_commits_past_one_unacked_message_at_the_head():
    """Why the acks are ordered: Faust's own check lets one unacked head message through (measured
    on the installed faust-streaming; if this fails, Faust changed and InOrderAcks may be moot)."""
    import faust
    from faust.transport.drivers.aiokafka import Consumer
    from faust.types import TP

    async def nothing(*args, **kwargs) -> None:
        return None

    app = faust.App("acks-probe", broker="kafka://127.0.0.1:1")
    consumer = Consumer(
        app.transport,
        callback=nothing,
        on_partitions_revoked=nothing,
        on_partitions_assigned=nothing,
    )
    tp = TP("news.alerts", 0)
    consumer._committed_offset[tp] = (
        10  # the next offset to read; 10 is still in progress
    )
    consumer._acked[tp].extend([11])
    assert consumer._new_offset(tp) == 12
