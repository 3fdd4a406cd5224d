"""Narrow fixes of moto's hot paths, applied where the local moto server starts (`server.py`).

Each fix keeps moto's behaviour and answers; `test/integration/local/moto/patches.test.ts` checks that, and
tells when upstream has fixed the cost so that the fix can go.

SQS send cost (moto 5.2.5): `SQSBackend.send_message` reads `queue.attributes.get("ContentBasedDeduplication")`,
and `Queue.attributes` computes every attribute, among them the three ApproximateNumberOfMessages* counts,
each of which walks every message in the queue reading the clock once or twice per message. A send into a
queue holding N messages therefore costs O(N): 2.4 ms into an empty queue, 104 ms with 3,000 waiting, and
every Publish to a topic with a queue that keeps its messages (the 14-day replay queue) slows down with it.

The fix: `Queue.attributes` answers a read-only mapping with the same keys and values, in which the three
counts are computed only when read (GetQueueAttributes still gets exact counts). moto's own property runs
unchanged, on a view of the queue that defers those three.
"""

import functools
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from moto import backends
from moto.core import responses, utils
from moto.dynamodb.models import DynamoDBBackend
from moto.sqs.models import Queue

# The attributes whose value walks the whole queue, and the Queue property that computes each.
DEFERRED = {
    "ApproximateNumberOfMessages": "approximate_number_of_messages",
    "ApproximateNumberOfMessagesDelayed": "approximate_number_of_messages_delayed",
    "ApproximateNumberOfMessagesNotVisible": "approximate_number_of_messages_not_visible",
}

_original_attributes = Queue.attributes


class _Deferred:
    """Stands for a deferred attribute's value inside moto's own `attributes` computation."""

    def __init__(self, property_name: str) -> None:
        self.property_name = property_name


class _QueueWithDeferredCounts:
    """The queue as moto's `attributes` property reads it, except that the walking counts are deferred."""

    def __init__(self, queue: Queue) -> None:
        object.__setattr__(self, "_queue", queue)

    def __getattr__(self, name: str) -> Any:
        if name in DEFERRED.values():
            return _Deferred(name)
        return getattr(object.__getattribute__(self, "_queue"), name)


class QueueAttributes(Mapping):
    """A queue's attributes, as moto computes them, with the walking counts computed on first read."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue
        self._values: dict[str, Any] = _original_attributes.fget(_QueueWithDeferredCounts(queue))

    def __getitem__(self, name: str) -> Any:
        value = self._values[name]
        if isinstance(value, _Deferred):
            value = getattr(self._queue, value.property_name)
            self._values[name] = value
        return value

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _attributes_with_deferred_counts(self: Queue) -> QueueAttributes:
    return QueueAttributes(self)


# Request dispatch (moto 5.2.5): every request lists moto's package folder and stats each entry
# (`backends.list_of_moto_modules`, about 57 stat calls) to recognise a service name, and inspects the
# response class for its method names (`utils.method_names_from_class`). Neither answer changes while the
# server runs, so each is computed once.
_original_list_of_moto_modules = backends.list_of_moto_modules
_original_method_names_from_class = utils.method_names_from_class


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_original_list_of_moto_modules())


def _cached_list_of_moto_modules() -> tuple[str, ...]:
    return _moto_modules()


_cached_method_names_from_class = functools.cache(_original_method_names_from_class)


# SQS delete race (moto 5.2.5): `Queue.add_message` appends to the queue's list under `_messages_lock`, but
# `Queue.delete_message` builds a new list without the deleted message and assigns it without the lock. A
# message sent while a delete of the same queue runs is appended to the old list and lost. Under load (the
# event source deletes a batch while SNS delivers the next order) this lost orders. The fix: a delete holds
# the lock (a reentrant Condition) too.
_original_delete_message = Queue.delete_message


def _delete_message_holding_lock(self: Queue, receipt_handle: str) -> None:
    with self._messages_lock:
        return _original_delete_message(self, receipt_handle)


# DynamoDB conditional writes (moto 5.2.5): a write reads the current item, evaluates its condition, then
# stores the new item, with no lock. The local server answers requests on several threads, so two
# conditional writes of the same item can both pass their condition: two `attribute_not_exists` puts both
# succeed, two optimistic-version updates both win. DynamoDB itself never allows that; the circuit breaker,
# the replay state and idempotent order writes rely on it. The fix: every write of the DynamoDB backend
# holds one lock (reads do not).
DYNAMODB_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_dynamodb_write_lock = threading.RLock()
_original_dynamodb_writes = {name: getattr(DynamoDBBackend, name) for name in DYNAMODB_WRITES}


def _holding_the_write_lock(write: Any) -> Any:
    @functools.wraps(write)
    def locked(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with _dynamodb_write_lock:
            return write(self, *args, **kwargs)

    return locked


def apply() -> None:
    """Installs the fixes; idempotent."""
    for name, write in _original_dynamodb_writes.items():
        setattr(DynamoDBBackend, name, _holding_the_write_lock(write))
    Queue.attributes = property(_attributes_with_deferred_counts)
    Queue.delete_message = _delete_message_holding_lock
    backends.list_of_moto_modules = _cached_list_of_moto_modules
    responses.method_names_from_class = _cached_method_names_from_class


def revert() -> None:
    """Restores moto's own code (for the test that compares both)."""
    for name, write in _original_dynamodb_writes.items():
        setattr(DynamoDBBackend, name, write)
    Queue.attributes = _original_attributes
    Queue.delete_message = _original_delete_message
    backends.list_of_moto_modules = _original_list_of_moto_modules
    responses.method_names_from_class = _original_method_names_from_class
