"""Workaround: Rasa 3.6's Redis lock store changes a lock in three steps.

Rasa 3.6 reads a lock, changes it and writes it back. Two replicas doing that at once
can hand out the same ticket or drop each other's, and then both process one
conversation and one of them overwrites the other's turn (seen in
tests/test_scale_out.py). Here each change runs in a Redis WATCH/MULTI transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

from helpdesk.rasa_server.rasa_version import written_for

written_for("3.6", __name__)


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with every change to a lock made atomically."""

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: list[int] = []

        def issue(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            issued.append(lock.issue_ticket(lock_lifetime))
            return lock

        self._change(conversation_id, issue)
        return issued[-1]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, _without_ticket(ticket_number, keep_when_idle=True))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, _without_ticket(ticket_number, keep_when_idle=False))

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]
    ) -> None:
        """Applies `change` to the stored lock, retrying when another replica got there first."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    changed = change(lock)
                    pipe.multi()
                    if changed is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue


def _without_ticket(
    ticket_number: int, keep_when_idle: bool
) -> Callable[[TicketLock | None], TicketLock | None]:
    def remove(lock: TicketLock | None) -> TicketLock | None:
        if lock is None:
            return None
        lock.remove_ticket_for(ticket_number)
        return lock if keep_when_idle or lock.is_someone_waiting() else None

    return remove
