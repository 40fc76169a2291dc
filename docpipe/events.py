"""S3 event notifications, in the shapes the stores really send.

AWS (via SQS), moto and MinIO/Ceph (via webhook) all post ``{"Records": [...]}``
with ``s3.bucket.name``, ``s3.object.key`` (URL-encoded: moto and MinIO turn
``/`` into ``%2F`` and spaces into ``+``), ``eTag``, ``size`` and, on AWS only,
``sequencer`` and ``versionId``. A new notification configuration first sends
an ``s3:TestEvent`` with no ``Records``; it starts nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus


class MalformedEvent(ValueError):
    """The message is not an S3 event notification we can read."""


@dataclass(frozen=True)
class ObjectCreated:
    bucket: str
    key: str  # decoded, exactly as uploaded
    etag: str | None
    size: int | None
    sequencer: str | None
    event_name: str


def parse_notification(message: str | bytes | dict[str, Any],
                       inbox_prefix: str = "inbox/") -> list[ObjectCreated]:
    """The ObjectCreated records under ``inbox_prefix`` in one notification.

    Test events, other event types and other prefixes give nothing. Records for
    the same upload repeated in one message are returned once, in sequencer order
    (the ledger makes repeats across messages harmless too).
    """
    if isinstance(message, (str, bytes)):
        try:
            message = json.loads(message)
        except ValueError as exc:
            raise MalformedEvent(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise MalformedEvent("an S3 notification is a JSON object")
    # SNS-wrapped notifications carry the S3 message as a string in "Message".
    if "Records" not in message and isinstance(message.get("Message"), str):
        return parse_notification(message["Message"], inbox_prefix)
    if message.get("Event") == "s3:TestEvent" or "Records" not in message:
        return []
    records = message["Records"]
    if not isinstance(records, list):
        raise MalformedEvent("Records is not a list")
    found: dict[tuple, ObjectCreated] = {}
    for record in records:
        event = _object_created(record)
        if event is None or not event.key.startswith(inbox_prefix):
            continue
        found.setdefault((event.bucket, event.key, event.etag), event)
    return sorted(found.values(), key=lambda e: (e.key, sequencer_order(e.sequencer)))


def _object_created(record: Any) -> ObjectCreated | None:
    if not isinstance(record, dict):
        raise MalformedEvent("a record is not an object")
    name = str(record.get("eventName", ""))
    if "ObjectCreated" not in name:
        return None
    try:
        s3 = record["s3"]
        bucket = s3["bucket"]["name"]
        obj = s3["object"]
        key = unquote_plus(obj["key"])
    except (KeyError, TypeError):
        raise MalformedEvent("an ObjectCreated record without s3.bucket.name or s3.object.key") \
            from None
    etag = obj.get("eTag") or obj.get("etag")
    size = obj.get("size")
    return ObjectCreated(bucket=bucket, key=key, etag=etag.strip('"') if etag else None,
                         size=int(size) if size is not None else None,
                         sequencer=obj.get("sequencer"), event_name=name.removeprefix("s3:"))


def sequencer_order(sequencer: str | None, width: int = 32) -> str:
    """A sortable form of an S3 sequencer: hex strings of different lengths are
    compared after right-padding the shorter with zeros (AWS's own rule)."""
    return (sequencer or "").upper().ljust(width, "0")
