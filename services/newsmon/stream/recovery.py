"""Table recovery that seeks with the flow stopped and resumes the source partitions last.

At the end of a rebalance with tables, Faust's Recovery.on_recovery_completed (faust-streaming
0.15.3) resumes the source partitions, awaits the seek to their committed offsets, and then calls
`app.flow_control.resume()`, which empties every stream's queue. The flow is already running then
(recovery resumed it to read the changelogs), and a fetch still in flight holds Faust's set of active
partitions, which aiokafka reads as "every partition" once pausing has emptied it. So source messages
are taken from aiokafka during the seek and then dropped, by the emptying or as not active, while their
fetch position has moved past them. They are never fetched again in this worker's life:
- a partition that receives nothing more stalls (the worker reads the message again only after a restart);
- a partition that receives more loses the message: Faust takes the jump in offsets for a gap in the log
  (as compaction leaves) and commits past it.
Seen as a restarted alert worker that never counted the article sent while it joined
(tests/agents/test_spikes_worker.py), with the fetch position one past the committed offset.

RecoveryResumingSourcesLast stops the flow first: a fetch that comes back while it is stopped is
thrown away by Faust, which then seeks back to the committed offsets itself. It seeks, empties the
queues, and only then resumes the source partitions and the flow, so no message is taken before the
seek that it would not deliver.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery


class RecoveryResumingSourcesLast(Recovery):
    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        consumer.stop_flow()  # from here a fetch that returns is thrown away and sought back
        self.log.info("Restore complete!")
        await self.app.on_rebalance_complete.send()
        self._set_recovery_ended()
        callbacks = [
            asyncio.ensure_future(
                table.on_recovery_completed(self.actives_for_table[table], self.standbys_for_table[table])
            )
            for table in self.tables.values()
        ]
        if callbacks:
            await asyncio.wait(callbacks)
        assignment = consumer.assignment()
        if self.app.consumer_generation_id != generation_id:
            self.log.warning(
                "Recovery rebalancing again (generation %s, was %s)", self.app.consumer_generation_id, generation_id
            )
            return
        if assignment:
            self.log.info("Seek stream partitions to committed offsets.")
            await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
        self.completed.set()
        self.app.flow_control.resume()  # empties the stream queues: before any source message can reach them
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        consumer.resume_flow()
        await cast(Any, self.app)._fetcher.maybe_start()
        self.tables.on_actives_ready()
        if not self.app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        self.app.on_rebalance_end()
        self.log.info("Worker ready")


class TableManagerResumingSourcesLast(TableManager):
    """Faust's TableManager with the recovery above (set as the app's `TableManager`)."""

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = RecoveryResumingSourcesLast(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery
