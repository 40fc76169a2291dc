"""Quarantine and retry, in the embedded mode (local folder store, SQLite ledger)."""

from __future__ import annotations

import json
import os

import pytest

from config.settings import Settings
from docpipe.events import ObjectCreated
from docpipe.runner import StageRunner, run_document
from docpipe.service import status_rows
from docpipe.store import ObjectMissing
from docpipe.sweep import RetryRefused, retry_original
from pipeline.errors import TransientError
from tests.conftest import DATA
from tests.test_cli_embedded import docpipe  # noqa: F401  (fixture)


@pytest.fixture
def runner(tmp_path):
    return StageRunner.from_settings(Settings(data_dir=tmp_path / "data", max_deliveries=3))


def put_and_run(runner: StageRunner, key: str, data: bytes, **kwargs) -> int:
    import hashlib
    runner.store.put(key, data)
    event = ObjectCreated(runner.store.bucket, key, hashlib.md5(data).hexdigest(), len(data),
                          None, "Test")
    reg = runner.submit(event, "test", lambda ref: run_document(runner, ref, **kwargs))
    return reg.original_id


def good_text() -> bytes:
    return sorted(DATA.glob("*.txt"))[0].read_bytes()


def test_a_permanent_failure_moves_the_original_with_its_reason(runner):
    data = os.urandom(2048)
    oid = put_and_run(runner, "inbox/sub/dir/bad one.pdf", data)
    store = runner.store
    assert not store.exists("inbox/sub/dir/bad one.pdf")
    assert store.get("quarantine/sub/dir/bad one.pdf") == data
    reason = json.loads(store.get("quarantine/sub/dir/bad one.pdf.reason.json"))
    assert reason["key"] == "inbox/sub/dir/bad one.pdf"
    assert reason["stage"] == "extract" and reason["attempts"] == 1
    assert "binary" in reason["reason"] and reason["time"].endswith("Z")
    assert reason["transient"] is False
    [row] = status_rows(runner)
    assert row["key"] == "inbox/sub/dir/bad one.pdf"
    assert row["location"] == "quarantine/sub/dir/bad one.pdf"
    assert row["state"] == "quarantined" and "binary" in row["error"]
    assert runner.ledger.original(oid)["location"] == "quarantine/sub/dir/bad one.pdf"


def test_a_poison_message_is_quarantined_after_max_deliveries(runner):
    data = good_text()
    runner.store.put("inbox/poison.txt", data)
    reg = runner.ledger.register(runner.store.bucket, "inbox/poison.txt", "e", len(data), "test")
    ref = {"original_id": reg.original_id, "key": "inbox/poison.txt", "sha256": None}
    for n in range(3):  # a worker died three times on it
        runner.ledger.stage_started(reg.original_id, "extract", f"t{n}")
    assert runner.run("extract", ref, task_id="t4") is None
    row = runner.ledger.original(reg.original_id)
    assert row["state"] == "quarantined" and "delivered 4 times" in row["error"]
    assert runner.store.exists("quarantine/poison.txt")
    assert not runner.store.exists("inbox/poison.txt")
    reason = json.loads(runner.store.get("quarantine/poison.txt.reason.json"))
    assert reason["attempts"] == 4
    # A late redelivery of the quarantined run does nothing.
    assert runner.run("extract", ref, task_id="t5") is None
    assert runner.ledger.original(reg.original_id)["state"] == "quarantined"


def test_retry_moves_it_back_and_starts_a_new_run(runner, monkeypatch):
    def flaky(ref):
        raise TransientError("S3 unreachable (simulated)")
    monkeypatch.setattr(runner, "_clean", flaky)
    oid = put_and_run(runner, "inbox/flaky.txt", good_text(), retries=0)
    row = runner.ledger.original(oid)
    assert row["state"] == "quarantined" and row["error_transient"] is True
    assert runner.store.exists("quarantine/flaky.txt")
    monkeypatch.undo()

    # By the original's inbox key (the quarantine key works too, below).
    result = retry_original(runner, "inbox/flaky.txt", lambda ref: run_document(runner, ref))
    assert result["from"] == "quarantine/flaky.txt"
    row = runner.ledger.original(oid)
    assert row["state"] == "indexed" and row["location"] is None
    assert runner.store.exists("inbox/flaky.txt")
    assert not runner.store.exists("quarantine/flaky.txt")
    assert not runner.store.exists("quarantine/flaky.txt.reason.json")
    runs = runner.ledger.runs_of(oid)
    assert [(r["trigger"], r["outcome"]) for r in runs] == [("test", "quarantined"),
                                                           ("retry", "indexed")]
    assert "simulated" in runs[0]["error"]
    assert len(runner.index.search('"General Assembly"', limit=1000)) >= 1
    with pytest.raises(RetryRefused, match="indexed, not quarantined"):
        retry_original(runner, "inbox/flaky.txt", lambda ref: None)
    with pytest.raises(RetryRefused, match="no original"):
        retry_original(runner, "inbox/never.txt", lambda ref: None)


def test_retry_by_quarantine_key_and_refusal_when_the_inbox_key_was_reused(runner):
    oid = put_and_run(runner, "inbox/x.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    assert runner.ledger.original(oid)["location"] == "quarantine/x.pdf"
    runner.store.put("inbox/x.pdf", b"another upload")
    with pytest.raises(RetryRefused, match="another upload"):
        retry_original(runner, "quarantine/x.pdf", lambda ref: None)
    runner.store.delete("inbox/x.pdf")
    started = []
    retry_original(runner, "quarantine/x.pdf", started.append)
    assert started == [{"original_id": oid, "key": "inbox/x.pdf", "sha256": None}]
    assert runner.store.exists("inbox/x.pdf")
    assert runner.ledger.original(oid)["state"] == "queued"


def test_an_original_that_vanished_is_quarantined_without_a_move(runner):
    reg = runner.ledger.register(runner.store.bucket, "inbox/gone.txt", "e", 1, "test")
    run_document(runner, {"original_id": reg.original_id, "key": "inbox/gone.txt",
                          "sha256": None})
    row = runner.ledger.original(reg.original_id)
    assert row["state"] == "quarantined" and row["location"] is None
    assert json.loads(runner.store.get("quarantine/gone.txt.reason.json"))["stage"] == "extract"
    with pytest.raises(ObjectMissing):
        runner.store.get("quarantine/gone.txt")


def test_cli_status_and_retry(docpipe, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(os.urandom(1000))
    docpipe("ingest", str(bad), "--json", ok=False)
    [row] = docpipe("status", "--json")
    assert row["key"] == "inbox/bad.pdf" and row["state"] == "quarantined"
    assert row["location"] == "quarantine/bad.pdf" and "binary" in row["error"]
    assert docpipe("status").returncode == 0  # the table has a reason column
    [again] = docpipe("retry", "quarantine/bad.pdf", "--json")
    assert again["from"] == "quarantine/bad.pdf" and again["state"] == "quarantined"
    [row] = docpipe("status", "--json")
    assert row["key"] == "inbox/bad.pdf" and row["location"] == "quarantine/bad.pdf"
    refused = docpipe("retry", "inbox/unknown.txt")
    assert refused.returncode == 1 and "no original" in refused.stderr
