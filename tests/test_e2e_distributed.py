"""End to end on real parts: redis-server, moto's S3/SQS server, five Celery
worker processes (one per stage queue) and ``docpipe listen``.

Files are uploaded with boto3; the bucket notification puts the event in SQS;
the listener starts the runs; the workers hand each document from queue to
queue until it is indexed; ``docpipe search`` finds it.
"""

from __future__ import annotations

import json
import time

import pytest

from config.settings import STAGES
from tests.conftest import DATA
from tests.stack import SECRETS, LocalStack

pytestmark = pytest.mark.e2e


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def stack(tmp_path):
    with LocalStack(tmp_path / "stack", bucket="docpipe-e2e") as running:
        assert _jsonl(running.init_result)[0]["notification"] == "created"
        # Idempotent: a second init finds everything in place.
        assert _jsonl(running.docpipe("init", "--json").stdout)[0]["notification"] == "exists"
        try:
            yield running
        finally:
            print(running.log_tail())  # shown by pytest only when the test fails


def _wait_for(stack: LocalStack, keys: set[str], timeout: float = 240) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while True:
        rows = {row["key"]: row for row in _jsonl(stack.docpipe("status", "--json").stdout)}
        done = {k for k in keys if k in rows and rows[k]["state"] in
                ("indexed", "duplicate", "quarantined")}
        if len(done) == len(keys) or time.monotonic() > deadline:
            return rows
        time.sleep(0.25)


def test_uploads_flow_through_five_workers_into_the_index(stack, seed_path):
    s3 = stack.s3()
    others = sorted(DATA.glob("*.txt"))[:2]
    assert len(others) == 2, "tests/data holds GA-style test documents"
    uploads = {"inbox/" + seed_path.name: seed_path.read_bytes()}
    uploads.update({"inbox/" + p.name: p.read_bytes() for p in others})

    for key, data in uploads.items():
        s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
    rows = _wait_for(stack, set(uploads))
    for key in uploads:
        assert rows.get(key, {}).get("state") == "indexed", rows.get(key)
        assert rows[key]["stages"] == {stage: "done" for stage in STAGES}
        assert rows[key]["indexed_at"].endswith("Z")

    seed_row = rows["inbox/" + seed_path.name]
    assert seed_row["symbol"] == "A/C.2/58/L.37"
    shown = _jsonl(stack.docpipe("show", "A/C.2/58/L.37", "--json").stdout)[0]
    assert (len(shown["preamble"]), len(shown["operative"]), len(shown["footnotes"])) == \
        (11, 9, 13)

    # A phrase of each document is found, and attributed to that document.
    for key in uploads:
        symbol = rows[key]["symbol"]
        shown = _jsonl(stack.docpipe("show", symbol, "--json").stdout)[0]
        words = shown["operative"][0]["text"].replace("[^", " ").split()[:6]
        phrase = " ".join(w.strip(",;:.") for w in words[1:5])
        hits = _jsonl(stack.docpipe("search", f'"{phrase}"', "--json").stdout)
        assert any(hit["symbol"] == symbol and hit["paragraph"].startswith("O")
                   for hit in hits), (phrase, hits)

    # The same bytes under a second key: recorded as a duplicate, not indexed again.
    before = _jsonl(stack.docpipe("search", '"brain drain"', "--json").stdout)
    s3.put_object(Bucket=stack.bucket, Key="inbox/copy of seed.txt", Body=seed_path.read_bytes())
    rows = _wait_for(stack, {"inbox/copy of seed.txt"})
    assert rows["inbox/copy of seed.txt"]["state"] == "duplicate"
    after = _jsonl(stack.docpipe("search", '"brain drain"', "--json").stdout)
    assert len(after) == len(before) >= 1
    assert {hit["doc_id"] for hit in after} == {seed_row["sha256"]}


def test_secrets_never_reach_the_logs(stack, seed_path):
    s3 = stack.s3()
    s3.put_object(Bucket=stack.bucket, Key="inbox/" + seed_path.name, Body=seed_path.read_bytes())
    rows = _wait_for(stack, {"inbox/" + seed_path.name})
    assert rows["inbox/" + seed_path.name]["state"] == "indexed"
    outputs = [stack.docpipe(*args, check=False) for args in
               (("health", "--json"), ("status",), ("init", "--json"))]
    logs = [log.read_text(errors="replace") for log in stack.logs.iterdir()]
    logs += [proc.stdout + proc.stderr for proc in outputs]
    assert any("stage.done" in text for text in logs), "the workers logged the run"
    for secret in SECRETS.values():
        assert not any(secret in text for text in logs), secret
