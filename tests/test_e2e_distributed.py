"""End to end on real parts: redis-server, moto's S3/SQS server, five Celery
worker processes (one per stage queue) and ``docpipe listen``.

Files are uploaded with boto3; the bucket notification puts the event in SQS;
the listener starts the runs; the workers hand each document from queue to
queue until it is indexed; ``docpipe search`` finds it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import boto3
import pytest

from config.settings import STAGES
from tests.conftest import BIN, DATA, ROOT, stop_process

pytestmark = pytest.mark.e2e

BUCKET = "docpipe-e2e"


def _docpipe(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "docpipe"), *args], env=env, cwd=ROOT, check=check,
                          capture_output=True, text=True, timeout=120)


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def stack(tmp_path, redis_server, moto_server, aws_env):
    env = {**os.environ,
           "DOCPIPE_BROKER_URL": redis_server,
           "DOCPIPE_STORE_URL": f"s3://{BUCKET}",
           "DOCPIPE_S3_ENDPOINT_URL": moto_server,
           "DOCPIPE_EVENTS_URL": "sqs://docpipe-e2e-events",
           "DOCPIPE_DATA_DIR": str(tmp_path / "data"),
           "OMP_THREAD_LIMIT": "1"}
    init = _jsonl(_docpipe(env, "init", "--json").stdout)[0]
    assert init["notification"] == "created"
    # Idempotent: a second init finds everything in place.
    assert _jsonl(_docpipe(env, "init", "--json").stdout)[0]["notification"] == "exists"
    procs = []
    logs = tmp_path / "logs"
    logs.mkdir()
    for stage in STAGES:
        procs.append(subprocess.Popen(
            [str(BIN / "celery"), "-A", "workers.app", "worker", "-Q", stage, "-c", "1",
             "-n", f"{stage}@e2e", "--without-gossip", "--without-mingle", "-l", "warning"],
            env=env, cwd=ROOT, start_new_session=True,
            stdout=open(logs / f"{stage}.log", "wb"), stderr=subprocess.STDOUT))
    procs.append(subprocess.Popen([str(BIN / "docpipe"), "listen"], env=env, cwd=ROOT,
                                  start_new_session=True,
                                  stdout=open(logs / "listen.log", "wb"),
                                  stderr=subprocess.STDOUT))
    try:
        yield env, boto3.client("s3", endpoint_url=moto_server)
    finally:
        for proc in procs:
            stop_process(proc)
        for log in sorted(logs.iterdir()):  # shown by pytest only when the test fails
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")


def _wait_for(env: dict, keys: set[str], timeout: float = 240) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while True:
        rows = {row["key"]: row for row in _jsonl(_docpipe(env, "status", "--json").stdout)}
        done = {k: rows[k] for k in keys if k in rows and rows[k]["state"] in
                ("indexed", "duplicate", "quarantined")}
        if len(done) == len(keys) or time.monotonic() > deadline:
            return rows
        time.sleep(0.25)


def test_uploads_flow_through_five_workers_into_the_index(stack, seed_path):
    env, s3 = stack
    others = sorted(DATA.glob("*.txt"))[:2]
    assert len(others) == 2, "tests/data holds GA-style test documents"
    uploads = {"inbox/" + seed_path.name: seed_path.read_bytes()}
    uploads.update({"inbox/" + p.name: p.read_bytes() for p in others})

    sent = {}
    for key, data in uploads.items():
        sent[key] = time.time()
        s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    rows = _wait_for(env, set(uploads))
    for key in uploads:
        assert rows.get(key, {}).get("state") == "indexed", rows.get(key)
        assert rows[key]["stages"] == {stage: "done" for stage in STAGES}
        assert rows[key]["indexed_at"].endswith("Z")

    seed_row = rows["inbox/" + seed_path.name]
    assert seed_row["symbol"] == "A/C.2/58/L.37"
    shown = _jsonl(_docpipe(env, "show", "A/C.2/58/L.37", "--json").stdout)[0]
    assert (len(shown["preamble"]), len(shown["operative"]), len(shown["footnotes"])) == \
        (11, 9, 13)

    # A phrase of each document is found, and attributed to that document.
    for key in uploads:
        symbol = rows[key]["symbol"]
        shown = _jsonl(_docpipe(env, "show", symbol, "--json").stdout)[0]
        words = shown["operative"][0]["text"].replace("[^", " ").split()[:6]
        phrase = " ".join(w.strip(",;:.") for w in words[1:5])
        hits = _jsonl(_docpipe(env, "search", f'"{phrase}"', "--json").stdout)
        assert any(hit["symbol"] == symbol and hit["paragraph"].startswith("O")
                   for hit in hits), (phrase, hits)

    # The same bytes under a second key: recorded as a duplicate, not indexed again.
    before = _jsonl(_docpipe(env, "search", '"brain drain"', "--json").stdout)
    s3.put_object(Bucket=BUCKET, Key="inbox/copy of seed.txt", Body=seed_path.read_bytes())
    rows = _wait_for(env, {"inbox/copy of seed.txt"})
    assert rows["inbox/copy of seed.txt"]["state"] == "duplicate"
    after = _jsonl(_docpipe(env, "search", '"brain drain"', "--json").stdout)
    assert len(after) == len(before) >= 1
    assert {hit["doc_id"] for hit in after} == {seed_row["sha256"]}
