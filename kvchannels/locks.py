"""A Redis lock store whose ticket operations are atomic across processes.

Rasa 3.6's `RedisLockStore` issues a ticket by GET → modify → SET. Inside one process that is
safe (no await in between), but two Rasa replicas (or two Sanic workers) can read the same lock
and both write it back: two messages of one conversation get the same ticket and run at once,
or a ticket is overwritten and its message waits until the lock lifetime runs out. We saw the
latter in tests/production (10 messages from one sender over two replicas: 4 of them cancelled
after 60 s). Here every read-modify-write of a lock is one Redis transaction (WATCH/MULTI/EXEC,
retried on conflict), and releasing a ticket deletes the lock only if no ticket is left, in the
same transaction. Waiting messages poll every 50 ms instead of every second.

endpoints.yml:  lock_store: {type: kvchannels.locks.AtomicRedisLockStore, url: host, port: 6379, ...}
(bot/launch.py writes this when REDIS_URL is set.)
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

POLL_SECONDS = 0.05

Mutation = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _atomic(self, conversation_id: str, mutate: Mutation) -> Any:
        """Apply `mutate` to the stored lock in one transaction; a None lock deletes the key."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = mutate(lock)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def mutate(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomic(conversation_id, mutate)
        except Exception as e:  # noqa: BLE001 - Rasa's contract: a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        def mutate(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomic(conversation_id, mutate)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release the ticket; the lock goes when no ticket is left (one transaction)."""
        def mutate(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
                lock.remove_expired_tickets()
            return lock, None

        self._atomic(conversation_id, mutate)

    def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
             wait_time_in_seconds: float = POLL_SECONDS) -> Any:
        return super().lock(conversation_id, lock_lifetime, min(wait_time_in_seconds, POLL_SECONDS))
