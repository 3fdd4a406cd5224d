"""With moto's own code and with the local stack's patches: counts the clock reads of one SQS SendMessage into
queues of growing depth, checks whether a delete waits for the queue's lock, and compares the attributes
both answer. Prints JSON for patches.test.ts.

Clock reads, not time: the count is exact on a shared, noisy machine, and it is what grows with depth.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1]).resolve()))

import boto3  # noqa: E402
import moto.core.utils  # noqa: E402
import patches  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.sqs import models  # noqa: E402

DEPTHS = [0, 1000, 2000]
calls = 0
original_unix_time_millis = models.unix_time_millis


def counting_unix_time_millis(*args, **kwargs):
    global calls
    calls += 1
    return original_unix_time_millis(*args, **kwargs)


models.unix_time_millis = counting_unix_time_millis
moto.core.utils.unix_time_millis = counting_unix_time_millis


def clock_reads_per_send(backend, queue_name, patched):
    """The queue fills with the patch applied (quick); the measured send runs in the mode under test."""
    global calls
    queue = backend.get_queue(queue_name)
    reads = []
    for depth in DEPTHS:
        patches.apply()
        while len(queue._messages) < depth:
            backend.send_message(queue_name, "x")
        (patches.apply if patched else patches.revert)()
        calls = 0
        backend.send_message(queue_name, "x")
        reads.append(calls)
    return reads


def queue_attributes(sqs):
    """GetQueueAttributes(All) through the SDK, for queues of every kind, with messages in each state."""
    kms = {"KmsMasterKeyId": "alias/aws/sqs"}
    dlq = sqs.create_queue(QueueName="probe-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    queues = {
        "standard": sqs.create_queue(QueueName="probe-standard")["QueueUrl"],
        "fifo": sqs.create_queue(
            QueueName="probe.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
        )["QueueUrl"],
        "encrypted-with-dlq": sqs.create_queue(
            QueueName="probe-kms", Attributes={**kms, "RedrivePolicy": redrive, "Policy": policy}
        )["QueueUrl"],
    }
    answers = {}
    for name, url in queues.items():
        fifo = name == "fifo"
        group = {"MessageGroupId": "g"} if fifo else {}
        for index in range(3):
            sqs.send_message(QueueUrl=url, MessageBody=f"m{index}", **group)
        if not fifo:
            sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=60)
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        some = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "QueueArn"]
        )["Attributes"]
        for volatile in ("CreatedTimestamp", "LastModifiedTimestamp", "QueueArn"):
            attributes.pop(volatile, None)
            some.pop(volatile, None)
        answers[name] = {"all": attributes, "some": some}
    return answers


def delete_waits_for_the_queue_lock(backend, queue_name):
    """Whether a delete blocks while another thread holds the queue's lock (as a send does)."""
    import threading

    queue = backend.get_queue(queue_name)
    message = backend.send_message(queue_name, "to delete")
    received = backend.receive_message(queue_name, 10, 0, 30)
    handle = next(m.receipt_handle for m in received if m.id == message.id)
    with queue._messages_lock:
        deleting = threading.Thread(target=backend.delete_message, args=(queue_name, handle))
        deleting.start()
        deleting.join(0.3)
        waited = deleting.is_alive()
    deleting.join()
    return waited


def measure(patched):
    (patches.apply if patched else patches.revert)()
    with mock_aws():
        backend = models.sqs_backends["123456789012"]["us-east-1"]
        backend.create_queue("probe-cost")
        reads = clock_reads_per_send(backend, "probe-cost", patched)
        (patches.apply if patched else patches.revert)()
        backend.create_queue("probe-delete")
        delete_waits = delete_waits_for_the_queue_lock(backend, "probe-delete")
        attributes = queue_attributes(boto3.client("sqs", region_name="us-east-1"))
    return {
        "depths": DEPTHS,
        "clockReadsPerSend": reads,
        "attributes": attributes,
        "deleteWaitsForTheQueueLock": delete_waits,
    }


print(json.dumps({"moto": measure(patched=False), "patched": measure(patched=True)}))
