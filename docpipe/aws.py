"""The AWS way in: the bucket notifies an SQS queue; ``docpipe listen`` drains it.

``init`` creates the bucket, the queue and the notification idempotently at
the configured endpoint (AWS, MinIO, moto). ``SqsListener`` long-polls the
queue and deletes a message only after every record in it is in the ledger,
so a listener killed mid-message loses nothing: SQS shows the message again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlparse

import boto3
import structlog

from config.settings import Settings
from docpipe.events import MalformedEvent, ObjectCreated, parse_notification

log = structlog.get_logger("docpipe.listen")


def _client(name: str, settings: Settings):
    return boto3.client(name, endpoint_url=settings.s3_endpoint_url)


def bucket_and_prefix(settings: Settings) -> tuple[str, str]:
    parsed = urlparse(settings.store_url)
    if parsed.scheme != "s3":
        raise ValueError("docpipe init and listen need DOCPIPE_STORE_URL=s3://bucket[/prefix]")
    return parsed.netloc, parsed.path.strip("/")


def queue_url(settings: Settings, sqs=None) -> str:
    """``sqs://name`` is looked up at the configured endpoint; a full URL is used as is."""
    if not settings.events_url:
        raise ValueError("DOCPIPE_EVENTS_URL is not set (sqs://queue-name or a queue URL)")
    if settings.events_url.startswith("sqs://"):
        sqs = sqs or _client("sqs", settings)
        name = settings.events_url.removeprefix("sqs://").strip("/")
        return sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return settings.events_url


def init(settings: Settings) -> dict:
    """Create bucket, queue and notification; running it again changes nothing."""
    s3, sqs = _client("s3", settings), _client("sqs", settings)
    bucket, prefix = bucket_and_prefix(settings)
    created_bucket = False
    try:
        s3.head_bucket(Bucket=bucket)
    except s3.exceptions.ClientError:
        region = s3.meta.region_name
        kwargs = {} if region in (None, "us-east-1") else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, **kwargs)
        created_bucket = True
    if not settings.events_url:
        # Webhook mode (MinIO, Ceph RGW): the store posts events itself; no queue to make.
        return {"bucket": bucket, "created_bucket": created_bucket, "queue_url": None,
                "queue_arn": None, "notification": "webhook", "prefix": None}
    name = settings.events_url.removeprefix("sqs://").strip("/")
    if not settings.events_url.startswith("sqs://"):
        url = settings.events_url
    else:
        # 256 KB messages (S3 events need at least 64 KB); visibility above a listener's pass.
        url = sqs.create_queue(QueueName=name, Attributes={
            "MaximumMessageSize": "262144", "VisibilityTimeout": "120",
            "ReceiveMessageWaitTimeSeconds": "20"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    inbox = (prefix + "/" if prefix else "") + settings.inbox_prefix
    wanted = {"QueueConfigurations": [{
        "Id": "docpipe-inbox", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": inbox}]}}}]}
    current = s3.get_bucket_notification_configuration(Bucket=bucket)
    configured = any(q.get("QueueArn") == arn for q in current.get("QueueConfigurations", []))
    if not configured:
        s3.put_bucket_notification_configuration(Bucket=bucket,
                                                 NotificationConfiguration=wanted)
    return {"bucket": bucket, "created_bucket": created_bucket, "queue_url": url,
            "queue_arn": arn, "notification": "exists" if configured else "created",
            "prefix": inbox}


@dataclass
class SqsListener:
    settings: Settings
    submit: Callable[[ObjectCreated, str], object]  # registers one upload and starts its run
    wait_seconds: int = 20

    def __post_init__(self):
        self.sqs = _client("sqs", self.settings)
        self.url = queue_url(self.settings, self.sqs)
        self._bucket, self._prefix = bucket_and_prefix(self.settings)

    def poll_once(self) -> int:
        """One long poll; returns how many messages were handled (and deleted)."""
        reply = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10,
                                         WaitTimeSeconds=self.wait_seconds,
                                         AttributeNames=["ApproximateReceiveCount"])
        handled = 0
        for message in reply.get("Messages", []):
            if self._handle(message):
                self.sqs.delete_message(QueueUrl=self.url,
                                        ReceiptHandle=message["ReceiptHandle"])
                handled += 1
        return handled

    def _handle(self, message: dict) -> bool:
        """True when the message may be deleted: all its records are in the ledger."""
        inbox = (self._prefix + "/" if self._prefix else "") + self.settings.inbox_prefix
        try:
            events = parse_notification(message["Body"], inbox_prefix=inbox)
        except MalformedEvent as exc:
            # Not ours to retry: keeping it would redeliver it forever. Log it whole.
            log.error("event.malformed", error=str(exc), body=message["Body"][:2000])
            return True
        for event in events:
            if event.bucket != self._bucket:
                log.info("event.other_bucket", bucket=event.bucket, key=event.key)
                continue
            if self._prefix:
                event = ObjectCreated(**{**event.__dict__,
                                         "key": event.key[len(self._prefix) + 1:]})
            try:
                self.submit(event, "sqs")
            except Exception:
                # Leave the message: SQS redelivers it after the visibility timeout.
                log.exception("event.submit_failed", key=event.key)
                return False
        return True

    def run_forever(self, stop: Callable[[], bool] = lambda: False) -> None:
        log.info("listen.started", queue=self.url)
        while not stop():
            try:
                self.poll_once()
            except Exception:
                log.exception("listen.poll_failed")
                time.sleep(5)


def reconcile(runner, start, prefix: str | None = None) -> dict:
    """Start runs for objects in the inbox that the ledger does not know (lost events)."""
    prefix = prefix or runner.settings.inbox_prefix
    seen = started = 0
    for info in runner.store.list(prefix):
        seen += 1
        if runner.ledger.knows(runner.store.bucket, info.key, info.etag):
            continue
        reg = runner.submit(ObjectCreated(runner.store.bucket, info.key, info.etag, info.size,
                                          None, "Reconcile"), "reconcile", start)
        started += int(reg.new)
    log.info("reconcile.done", seen=seen, started=started)
    return {"seen": seen, "started": started}


