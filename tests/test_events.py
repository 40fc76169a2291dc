"""Event parsing on the shapes the stores really send."""

import json

import pytest

from docpipe.events import MalformedEvent, parse_notification, sequencer_order

# A real AWS record (S3 -> SQS), with sequencer and versionId; key as AWS encodes it.
AWS_RECORD = {
    "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
    "eventTime": "2026-11-02T10:15:03.412Z", "eventName": "ObjectCreated:Put",
    "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
    "requestParameters": {"sourceIPAddress": "203.0.113.7"},
    "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810",
                         "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
    "s3": {"s3SchemaVersion": "1.0", "configurationId": "docpipe-inbox",
           "bucket": {"name": "docpipe", "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                      "arn": "arn:aws:s3:::docpipe"},
           "object": {"key": "inbox/copy+of+A_C.2_58_L.37.txt", "size": 10422,
                      "eTag": "0123456789abcdef0123456789abcdef",
                      "versionId": "096fKKXTRTtl3on89fVO.nfljtsv6qko",
                      "sequencer": "0055AED6DCD90281E5"}}}

# moto's shape: no sequencer/versionId, '/' encoded as %2F.
MOTO_RECORD = {
    "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
    "eventTime": "2026-11-02T10:15:03.000Z", "eventName": "ObjectCreated:Put",
    "s3": {"s3SchemaVersion": "1.0", "configurationId": "docpipe-inbox",
           "bucket": {"name": "docpipe", "arn": "arn:aws:s3:::docpipe"},
           "object": {"key": "inbox%2FA+C.1+draft+%28rev%29.pdf", "size": 4,
                      "eTag": "\"9a0364b9e99bb480dd25e1f0284c8555\""}}}


def test_aws_record_is_decoded():
    [event] = parse_notification(json.dumps({"Records": [AWS_RECORD]}))
    assert event.bucket == "docpipe"
    assert event.key == "inbox/copy of A_C.2_58_L.37.txt"
    assert event.etag == "0123456789abcdef0123456789abcdef"
    assert event.size == 10422
    assert event.sequencer == "0055AED6DCD90281E5"
    assert event.event_name == "ObjectCreated:Put"


def test_moto_and_minio_encoded_slash_and_quoted_etag():
    [event] = parse_notification({"Records": [MOTO_RECORD]})
    assert event.key == "inbox/A C.1 draft (rev).pdf"
    assert event.etag == "9a0364b9e99bb480dd25e1f0284c8555"
    assert event.sequencer is None


def test_test_event_starts_nothing():
    body = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-02T10:00:00Z",
            "Bucket": "docpipe", "RequestId": "5582815E1AEA5ADF", "HostId": "8cLeGAmw"}
    assert parse_notification(json.dumps(body)) == []


def test_other_prefixes_and_event_types_are_ignored():
    elsewhere = json.loads(json.dumps(AWS_RECORD))
    elsewhere["s3"]["object"]["key"] = "artifacts/x.json"
    removed = json.loads(json.dumps(AWS_RECORD))
    removed["eventName"] = "ObjectRemoved:Delete"
    assert parse_notification({"Records": [elsewhere, removed]}) == []


def test_repeated_records_in_one_message_count_once():
    assert len(parse_notification({"Records": [AWS_RECORD, AWS_RECORD, MOTO_RECORD]})) == 2


def test_sns_wrapped_notification():
    wrapped = {"Type": "Notification", "Message": json.dumps({"Records": [AWS_RECORD]})}
    assert [e.key for e in parse_notification(wrapped)] == ["inbox/copy of A_C.2_58_L.37.txt"]


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"Records": "x"}',
                                  '{"Records": [{"eventName": "ObjectCreated:Put"}]}'])
def test_malformed_messages_raise_a_named_error(body):
    with pytest.raises(MalformedEvent):
        parse_notification(body)


def test_sequencers_of_different_length_order_as_aws_says():
    # AWS: right-pad the shorter with zeros, then compare as strings.
    assert sequencer_order("0055AED6DCD90281E5") < sequencer_order("0055AED6DCD90281E6")
    assert sequencer_order("0055AED6DCD90281E5") < sequencer_order("0055AED6DCD90281E500A")
    assert sequencer_order("0055AED6DCD9028") > sequencer_order("0055AED6DCD90281")[:15]
