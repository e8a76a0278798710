"""Exactly once (stream/transactions.py): who may send while a commit drains, and how far a
partition may be committed when transaction markers leave holes in its offsets."""

from dataclasses import dataclass

from newsmon.stream.transactions import Gate, MessagesInOrder

RAW0 = ("news.articles.raw", 0)
RAW1 = ("news.articles.raw", 1)


@dataclass(eq=False)
class Message:
    tp: tuple[str, int]
    offset: int
    generation_id: int = 1
    acked: bool = False


def test_everyone_enters_while_no_commit_runs():
    gate = Gate()
    assert gate.may_enter([(RAW0, 7)])
    gate.enter([(RAW0, 7), (RAW0, 9), (RAW1, 3)])
    assert gate.highest_entered == {RAW0: 9, RAW1: 3}


def test_a_drain_lets_in_only_events_that_sent_or_were_read_before_one_that_did():
    gate = Gate()
    gate.enter([(RAW0, 9)])
    gate.draining = True
    assert gate.may_enter([(RAW0, 9)])  # it sent before: its next send
    assert gate.may_enter([(RAW0, 8)])  # read earlier: the commit waits for it anyway
    assert not gate.may_enter([(RAW0, 10)])  # new work waits for the commit
    assert not gate.may_enter([(RAW1, 0)])  # a partition nothing sent for
    assert not gate.may_enter([(RAW0, 8), (RAW0, 10)])  # a batch enters whole or not at all


def test_nobody_enters_while_the_transaction_commits():
    gate = Gate()
    gate.enter([(RAW0, 9)])
    gate.committing = True
    assert not gate.may_enter([(RAW0, 9)])


def test_a_commit_is_covered_once_every_partition_commits_past_its_highest_sender():
    gate = Gate()
    gate.enter([(RAW0, 9), (RAW1, 3)])
    assert not gate.covered({RAW0: 10})  # raw/1's sender is not done
    assert not gate.covered({RAW0: 9, RAW1: 4})  # offset 9 itself is not done
    assert gate.covered({RAW0: 10, RAW1: 4})
    gate.committed()
    assert gate.covered({}) and not gate.entered and not gate.wrote


def test_the_commit_offset_is_the_first_message_not_acked_whatever_the_holes():
    messages = MessagesInOrder()
    # 12 and 13 are transaction markers: never read, never acked
    read = [Message(RAW0, offset) for offset in (10, 11, 14, 15)]
    for message in read:
        messages.add(message)
    assert messages.done_offset(RAW0, 1) is None  # nothing acked yet
    read[0].acked = read[1].acked = True
    assert messages.done_offset(RAW0, 1) == 14  # past the markers, to the first not acked
    read[2].acked = read[3].acked = True
    assert messages.done_offset(RAW0, 1) == 16
    assert messages.done_offset(RAW1, 1) is None


def test_an_ack_out_of_order_does_not_move_the_commit_past_the_message_before_it():
    messages = MessagesInOrder()
    first, second = Message(RAW0, 20), Message(RAW0, 21)
    messages.add(first)
    messages.add(second)
    second.acked = True
    assert messages.done_offset(RAW0, 1) is None
    first.acked = True
    assert messages.done_offset(RAW0, 1) == 22


def test_messages_read_before_a_rebalance_count_for_nothing():
    messages = MessagesInOrder()
    old = Message(RAW0, 30, generation_id=1, acked=True)
    messages.add(old)
    again = Message(RAW0, 28, generation_id=2)
    messages.add(again)
    assert messages.done_offset(RAW0, 2) is None  # the old ack does not count in generation 2
    again.acked = True
    assert messages.done_offset(RAW0, 2) == 29
