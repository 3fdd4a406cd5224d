"""With moto's own code and with the local stack's patches: two threads put the same new item with the
condition `attribute_not_exists`, their condition checks made to overlap (each waits a moment after it is
parsed). DynamoDB lets exactly one succeed. Prints JSON for patches.test.ts: how many succeeded in each mode.
"""

import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1]).resolve()))

import patches  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.dynamodb.exceptions import ConditionalCheckFailed  # noqa: E402
from moto.dynamodb.models import dynamodb_backends, table  # noqa: E402

original_get_filter_expression = table.get_filter_expression


def slow_get_filter_expression(*args, **kwargs):
    """The condition is parsed after the current item was read: widen the gap to its evaluation."""
    expression = original_get_filter_expression(*args, **kwargs)
    time.sleep(0.1)
    return expression


table.get_filter_expression = slow_get_filter_expression


def conditional_puts_that_succeed(patched, attempt):
    (patches.apply if patched else patches.revert)()
    backend = dynamodb_backends["123456789012"]["us-east-1"]
    name = f"race-{'patched' if patched else 'moto'}-{attempt}"
    backend.create_table(
        name,
        schema=[{"AttributeName": "id", "KeyType": "HASH"}],
        throughput=None,
        attr=[{"AttributeName": "id", "AttributeType": "S"}],
        global_indexes=None,
        indexes=None,
        streams=None,
        billing_mode="PAY_PER_REQUEST",
        sse_specification=None,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    results = []

    def put(writer):
        try:
            backend.put_item(
                name,
                {"id": {"S": "the-item"}, "writer": {"S": writer}},
                condition_expression="attribute_not_exists(id)",
            )
            results.append(writer)
        except ConditionalCheckFailed:
            pass

    threads = [threading.Thread(target=put, args=(writer,)) for writer in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(results)


with mock_aws():
    print(
        json.dumps(
            {
                "moto": conditional_puts_that_succeed(False, 1),
                "patched": conditional_puts_that_succeed(True, 1),
            }
        )
    )
