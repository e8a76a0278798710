"""The enrich agent's batches in flight: worked on side by side, acknowledged in the order taken."""

from __future__ import annotations

import asyncio

import pytest

from newsmon.stream.in_flight import BatchesInFlight


class Batches:
    """Batches whose work ends when the test says so; what was acknowledged, in order."""

    def __init__(self) -> None:
        self.release: dict[int, asyncio.Future[bool]] = {}
        self.acked: list[int] = []
        self.working: set[int] = set()
        self.most_at_work = 0

    async def start(self, in_flight: BatchesInFlight, number: int) -> None:
        self.release[number] = asyncio.get_running_loop().create_future()

        async def work() -> bool:
            self.working.add(number)
            self.most_at_work = max(self.most_at_work, len(self.working))
            try:
                return await self.release[number]
            finally:
                self.working.discard(number)

        async def acknowledge() -> None:
            self.acked.append(number)

        await in_flight.start(work, acknowledge)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_batches_done_out_of_order_are_acknowledged_in_the_order_taken():
    async def scenario() -> list[list[int]]:
        in_flight, batches, seen = BatchesInFlight(running=3), Batches(), []
        for number in range(3):
            await batches.start(in_flight, number)
        batches.release[2].set_result(True)
        batches.release[1].set_result(True)
        await settle()
        seen.append(list(batches.acked))  # 1 and 2 are done, but wait for 0
        batches.release[0].set_result(True)
        await in_flight.join()
        seen.append(list(batches.acked))
        return seen

    assert asyncio.run(scenario()) == [[], [0, 1, 2]]


def test_no_more_batches_at_work_than_allowed_nor_more_unacknowledged():
    async def scenario() -> tuple[int, bool, bool]:
        in_flight, batches = BatchesInFlight(running=2, waiting=1), Batches()
        await batches.start(in_flight, 0)
        await batches.start(in_flight, 1)
        third = asyncio.create_task(batches.start(in_flight, 2))
        await settle()
        third_waited_for_room = not third.done()
        batches.release[1].set_result(True)  # done, but waits for 0 to be acknowledged
        await third
        fourth = asyncio.create_task(batches.start(in_flight, 3))
        batches.release[2].set_result(True)
        await settle()
        fourth_waited_for_acks = not fourth.done()  # two at work are done, but three are unacknowledged
        batches.release[0].set_result(True)
        await fourth
        batches.release[3].set_result(True)
        await in_flight.join()
        return batches.most_at_work, third_waited_for_room, fourth_waited_for_acks

    assert asyncio.run(scenario()) == (2, True, True)


def test_a_batch_that_may_not_be_acknowledged_stops_every_batch_after_it():
    async def scenario() -> tuple[list[int], bool, list[int]]:
        in_flight, batches = BatchesInFlight(running=3), Batches()
        for number in range(3):
            await batches.start(in_flight, number)
        batches.release[2].set_result(True)
        batches.release[0].set_result(True)
        batches.release[1].set_result(False)  # e.g. the NLP processes cannot start again
        await in_flight.join()
        await batches.start(in_flight, 3)  # taken after the stop: never started
        return batches.acked, in_flight.stopped, sorted(batches.working)

    assert asyncio.run(scenario()) == ([0], True, [])


def test_the_first_error_stops_the_batches_after_it_and_is_raised_by_the_next_start():
    async def scenario() -> tuple[list[int], str]:
        in_flight, batches = BatchesInFlight(running=2), Batches()
        await batches.start(in_flight, 0)
        await batches.start(in_flight, 1)
        batches.release[1].set_result(True)
        batches.release[0].set_exception(RuntimeError("the broker went away"))
        await settle()
        with pytest.raises(RuntimeError, match="the broker went away") as raised:
            await batches.start(in_flight, 2)
        return batches.acked, str(raised.value)

    acked, error = asyncio.run(scenario())
    assert acked == [] and error == "the broker went away"


def test_closing_acknowledges_nothing_still_in_flight():
    async def scenario() -> tuple[list[int], int]:
        in_flight, batches = BatchesInFlight(running=2), Batches()
        await batches.start(in_flight, 0)
        await batches.start(in_flight, 1)
        batches.release[0].set_result(True)
        await settle()
        await in_flight.close()  # a stop or rebalance: 1 is cut short
        return batches.acked, in_flight.unacknowledged

    assert asyncio.run(scenario()) == ([0], 0)


def test_limits_must_make_sense():
    with pytest.raises(ValueError, match="running must be at least 1"):
        BatchesInFlight(running=0)
