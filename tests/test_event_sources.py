"""The three ways a run starts: the webhook, the SQS listener and reconcile.

The stages are not run here (``start`` records the references it is given);
what is checked is that every upload starts exactly one run, whatever the
event source repeats or loses.
"""

from __future__ import annotations

import json

import boto3
import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from docpipe.api import create_app
from docpipe.aws import SqsListener, init, reconcile
from docpipe.runner import StageRunner
from tests.test_events import AWS_RECORD, MOTO_RECORD

TOKEN = "s3cr3t-webhook-token"


@pytest.fixture
def local_runner(tmp_path):
    settings = Settings(data_dir=tmp_path, webhook_token=TOKEN)
    return StageRunner.from_settings(settings)


def minio_event(key: str, etag: str) -> dict:
    record = json.loads(json.dumps(MOTO_RECORD))
    record["s3"]["bucket"]["name"] = "docpipe"
    record["s3"]["object"].update(key=key, eTag=etag)
    return {"EventName": "s3:ObjectCreated:Put", "Key": "docpipe/" + key, "Records": [record]}


def test_webhook_requires_the_token_and_starts_each_upload_once(local_runner):
    started = []
    client = TestClient(create_app(local_runner.settings, local_runner, started.append))
    body = minio_event("inbox%2Fcopy+of+A.txt", "e1")
    assert client.post("/events", json=body).status_code == 401
    assert client.post("/events", json=body,
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.post("/events", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json() == {"records": 1, "started": 1}
    # MinIO can send the bare token; the same event again starts nothing.
    again = client.post("/events", json=body, headers={"Authorization": TOKEN})
    assert again.json() == {"records": 1, "started": 0}
    assert [ref["key"] for ref in started] == ["inbox/copy of A.txt"]
    bad = client.post("/events", content=b"{oops", headers={"Authorization": TOKEN})
    assert bad.status_code == 400 and "not an S3 event" in bad.json()["detail"]


def test_webhook_is_closed_without_a_configured_token(tmp_path):
    runner = StageRunner.from_settings(Settings(data_dir=tmp_path))
    client = TestClient(create_app(runner.settings, runner, lambda ref: None))
    assert client.post("/events", json=minio_event("inbox/a.txt", "e")).status_code == 503


def test_reconcile_starts_only_what_the_ledger_does_not_know(local_runner):
    store = local_runner.store
    for name in ("a.txt", "b.txt", "c.txt"):
        store.put(f"inbox/{name}", name.encode())
    store.put("artifacts/zzz/extract-v1.json", b"{}")
    started = []
    assert reconcile(local_runner, started.append) == {"seen": 3, "started": 3}
    assert reconcile(local_runner, started.append) == {"seen": 3, "started": 0}
    store.put("inbox/b.txt", b"b, new version")  # an overwrite is a new upload
    assert reconcile(local_runner, started.append) == {"seen": 3, "started": 1}
    assert sorted(ref["key"] for ref in started) == ["inbox/a.txt", "inbox/b.txt",
                                                     "inbox/b.txt", "inbox/c.txt"]


def test_sqs_listener_on_moto(tmp_path, moto_server, aws_env):
    settings = Settings(data_dir=tmp_path, store_url="s3://docpipe-listen",
                        s3_endpoint_url=moto_server, events_url="sqs://docpipe-listen-events")
    result = init(settings)
    assert init(settings)["notification"] == "exists"
    runner = StageRunner.from_settings(settings)
    started = []
    listener = SqsListener(settings, lambda event, trigger: runner.submit(
        event, trigger, started.append), wait_seconds=1)
    s3 = boto3.client("s3", endpoint_url=moto_server)
    sqs = boto3.client("sqs", endpoint_url=moto_server)
    s3.put_object(Bucket="docpipe-listen", Key="inbox/copy of A.txt", Body=b"hello")
    s3.put_object(Bucket="docpipe-listen", Key="elsewhere/B.txt", Body=b"ignored")
    # The same event delivered twice more (at-least-once), and a hand-made AWS record.
    aws = json.loads(json.dumps(AWS_RECORD))
    aws["s3"]["bucket"]["name"] = "docpipe-listen"
    aws["s3"]["object"].update(key="inbox/copy+of+A.txt", eTag="5d41402abc4b2a76b9719d911017c592")
    for _ in range(2):
        sqs.send_message(QueueUrl=result["queue_url"], MessageBody=json.dumps({"Records": [aws]}))
    sqs.send_message(QueueUrl=result["queue_url"], MessageBody="garbage, not an event")
    for _ in range(5):
        listener.poll_once()
    assert [ref["key"] for ref in started] == ["inbox/copy of A.txt"]
    attrs = sqs.get_queue_attributes(QueueUrl=result["queue_url"], AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert attrs == {"ApproximateNumberOfMessages": "0",
                     "ApproximateNumberOfMessagesNotVisible": "0"}


def test_listener_keeps_the_message_when_the_ledger_cannot_record_it(tmp_path, moto_server,
                                                                     aws_env):
    settings = Settings(data_dir=tmp_path, store_url="s3://docpipe-keep",
                        s3_endpoint_url=moto_server, events_url="sqs://docpipe-keep-events")
    result = init(settings)

    def broken_submit(event, trigger):
        raise ConnectionError("ledger database is down")

    listener = SqsListener(settings, broken_submit, wait_seconds=1)
    boto3.client("s3", endpoint_url=moto_server).put_object(
        Bucket="docpipe-keep", Key="inbox/A.txt", Body=b"x")
    listener.poll_once()
    attrs = boto3.client("sqs", endpoint_url=moto_server).get_queue_attributes(
        QueueUrl=result["queue_url"], AttributeNames=["All"])["Attributes"]
    # Not deleted: in flight now, visible again after the visibility timeout.
    assert int(attrs["ApproximateNumberOfMessages"]) + \
        int(attrs["ApproximateNumberOfMessagesNotVisible"]) >= 1
