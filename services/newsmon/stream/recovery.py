"""Table recovery that resumes the source partitions only after the step that empties the stream queues.

At the end of a rebalance with tables, Faust's Recovery.on_recovery_completed (faust-streaming
0.15.3) resumes the source partitions, awaits the seek to their committed offsets, and then calls
`app.flow_control.resume()`, which empties every stream's queue. The flow is already running by then
(recovery resumed it to read the changelogs), so the fetcher delivers source messages into those queues
while the seek is awaited, and the resume drops them. Their fetch position has already moved past them,
so they are never fetched again in this worker's life:
- a partition that receives nothing more stalls (the worker reads the message again only after a restart);
- a partition that receives more loses the message: Faust takes the jump in offsets for a gap in the log
  (as compaction leaves) and commits past it.
Seen as a restarted alert worker that never counted the article sent while it joined
(tests/agents/test_spikes_worker.py), with the fetch position one past the committed offset.

RecoveryResumingSourcesLast does the same steps in a safe order: seek while the source partitions are
still paused, empty the queues, and only then resume the partitions, so nothing is delivered before
the queues are emptied.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery


class RecoveryResumingSourcesLast(Recovery):
    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        consumer = self.app.consumer
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
