"""The sweep's steps in the embedded mode, and the beat schedule."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from config.settings import Settings
from docpipe import ledger as ledger_mod
from docpipe.runner import StageRunner, artifact_key, run_document
from docpipe.service import status_rows
from docpipe.sweep import (SweepContext, archive_indexed, embedded_dispatch, maintenance_lock,
                           prune_artifacts, recover_stuck, run_sweep)
from pipeline.errors import TransientError
from tests.conftest import DATA
from tests.test_cli_embedded import docpipe  # noqa: F401  (fixture)
from tests.test_quarantine import put_and_run


@pytest.fixture
def runner(tmp_path):
    return StageRunner.from_settings(Settings(data_dir=tmp_path / "data", sweep_retry_cap=1))


def texts() -> list:
    return sorted(DATA.glob("*.txt"))


def test_archive_moves_indexed_originals_by_session(runner):
    oid = put_and_run(runner, "inbox/a/" + texts()[1].name, texts()[1].read_bytes())
    row = runner.ledger.original(oid)
    assert row["state"] == "indexed"
    ctx = SweepContext(runner, embedded_dispatch(runner), dry_run=True)
    assert archive_indexed(ctx)["archived"] == 1
    assert runner.store.exists(row["key"])  # a dry run moves nothing
    result = archive_indexed(SweepContext(runner, embedded_dispatch(runner)))
    session = runner.ledger.document(row["sha256"])["session"]
    dst = f"archive/{session}/a/{texts()[1].name}"
    assert result["moves"] == [{"from": row["key"], "to": dst}]
    assert not runner.store.exists(row["key"]) and runner.store.exists(dst)
    assert runner.ledger.original(oid)["location"] == dst
    assert [(r["key"], r["location"]) for r in status_rows(runner)] == [(row["key"], dst)]
    assert archive_indexed(SweepContext(runner, embedded_dispatch(runner)))["archived"] == 0
    # A later event for the same upload is still recognised: no second run.
    assert runner.ledger.knows(runner.store.bucket, row["key"], row["etag"])


def test_archive_refuses_an_original_whose_bytes_changed(runner):
    oid = put_and_run(runner, "inbox/c.txt", texts()[0].read_bytes())
    runner.store.put("inbox/c.txt", b"overwritten since")
    result = archive_indexed(SweepContext(runner, embedded_dispatch(runner)))
    assert result["archived"] == 0 and "sha256" in result["failures"][0]["error"]
    assert runner.store.get("inbox/c.txt") == b"overwritten since"
    assert runner.ledger.original(oid)["location"] is None


def _age(runner, original_id, seconds):
    """Make a run look idle for ``seconds``."""
    old = ledger_mod.utcnow() - dt.timedelta(seconds=seconds)
    with runner.ledger.engine.begin() as conn:
        conn.execute(ledger_mod.originals.update().where(
            ledger_mod.originals.c.id == original_id).values(updated_at=old))
        conn.execute(ledger_mod.stages.update().where(
            ledger_mod.stages.c.original_id == original_id).values(started_at=old,
                                                                 finished_at=old))


def test_recover_redispatches_a_stage_whose_task_died(runner):
    data = texts()[0].read_bytes()
    runner.store.put("inbox/stuck.txt", data)
    reg = runner.ledger.register(runner.store.bucket, "inbox/stuck.txt", "e", len(data), "sqs")
    ref = {"original_id": reg.original_id, "key": "inbox/stuck.txt", "sha256": None}
    ref = runner.run("extract", ref)
    runner.ledger.stage_started(reg.original_id, "clean", "dead-task")  # worker killed here
    sent = []
    ctx = SweepContext(runner, lambda stage, r: sent.append((stage, r)), live=set())
    assert recover_stuck(ctx)["not_yet_stuck"] == 1 and sent == []
    _age(runner, reg.original_id, 600)
    ctx.live = {reg.original_id}  # a worker still holds it: leave it alone
    assert recover_stuck(ctx)["live"] == 1 and sent == []
    ctx.live = set()
    assert recover_stuck(ctx)["recovered"] == 1
    assert sent == [("clean", {"original_id": reg.original_id, "key": "inbox/stuck.txt",
                               "sha256": ref["sha256"]})]
    # A lost hand-over (clean done, segment never started) with an empty queue.
    sent.clear()
    runner.run("clean", ref)
    _age(runner, reg.original_id, 600)
    ctx.queue_length = lambda stage: 1
    assert recover_stuck(ctx)["waiting_in_queue"] == 1 and sent == []
    ctx.queue_length = lambda stage: 0
    recover_stuck(ctx)
    assert [s for s, _ in sent] == ["segment"]
    # Embedded: resumed in-process from that stage, to the end.
    run_document(runner, sent[0][1], first="segment")
    assert runner.ledger.original(reg.original_id)["state"] == "indexed"


def test_without_live_information_recovery_waits_for_the_hard_limit(runner):
    reg = runner.ledger.register(runner.store.bucket, "inbox/s.txt", "e", 1, "sqs")
    runner.ledger.stage_started(reg.original_id, "extract", "t")
    _age(runner, reg.original_id, 1000)
    sent = []
    ctx = SweepContext(runner, lambda stage, r: sent.append(stage))  # live=None
    assert recover_stuck(ctx)["not_yet_stuck"] == 1  # extract's hard limit is 2100 s
    _age(runner, reg.original_id, 2200)
    assert recover_stuck(ctx)["recovered"] == 1 and sent == ["extract"]


def test_prune_keeps_current_and_referenced_artifacts(runner):
    oid = put_and_run(runner, "inbox/p.txt", texts()[0].read_bytes())
    sha = runner.ledger.original(oid)["sha256"]
    old_clean = f"artifacts/{sha}/clean-v0.0.json"
    old_segment = f"artifacts/{sha}/segment-v0.0.0.json"
    runner.store.put(old_clean, b"{}")
    runner.store.put(old_segment, b"{}")
    with runner.ledger.engine.begin() as conn:  # indexed under an older segment version
        conn.execute(ledger_mod.documents.update().values(document_artifact=old_segment))
    result = prune_artifacts(SweepContext(runner, embedded_dispatch(runner)))
    assert result["keys"] == [old_clean] and result["kept_referenced"] == 1
    assert not runner.store.exists(old_clean) and runner.store.exists(old_segment)
    assert runner.store.exists(artifact_key(sha, "clean"))


def test_whole_sweep_reconciles_retries_archives_and_reports(runner, monkeypatch):
    # An object nobody announced, and a document quarantined for a transient failure.
    runner.store.put("inbox/unannounced.txt", texts()[0].read_bytes())
    monkeypatch.setattr(runner, "_segment", lambda ref: (_ for _ in ()).throw(
        TransientError("network down (simulated)")))
    flaky = put_and_run(runner, "inbox/flaky.txt", texts()[1].read_bytes(), retries=0)
    assert runner.ledger.original(flaky)["state"] == "quarantined"
    monkeypatch.undo()
    bad = put_and_run(runner, "inbox/bad.pdf", b"\x00\x01 not a pdf")

    dry = run_sweep(runner, embedded_dispatch(runner), dry_run=True)
    assert dry["steps"]["reconcile"]["unknown"] == 1 and dry["steps"]["retry"]["retried"] == 1
    assert dry["report_key"] is None and not list(runner.store.list("reports/"))

    report = run_sweep(runner, embedded_dispatch(runner))
    steps = report["steps"]
    assert steps["reconcile"]["started"] == 1
    assert steps["retry"]["retried"] == 1  # the permanent failure is not retried
    assert runner.ledger.original(bad)["state"] == "quarantined"
    assert runner.ledger.original(flaky)["state"] == "indexed"
    # Retried in this sweep, so archived by the next one (archive runs before retry).
    assert steps["archive"]["archived"] == 1
    stored = json.loads(runner.store.get(report["report_key"]))
    assert report["report_key"].startswith("reports/sweep-") and stored["durations_ms"]
    assert set(stored["steps"]) == {"reconcile", "recover", "archive", "retry", "prune"}
    second = run_sweep(runner, embedded_dispatch(runner))
    assert second["steps"]["archive"]["archived"] == 1
    states = {r["location"].split("/")[0]: r["state"] for r in status_rows(runner)}
    assert states == {"archive": "indexed", "quarantine": "quarantined"}


def test_transient_retries_are_capped(runner, monkeypatch):
    monkeypatch.setattr(runner, "_clean", lambda ref: (_ for _ in ()).throw(
        TransientError("still down")))
    oid = put_and_run(runner, "inbox/f.txt", texts()[0].read_bytes(), retries=0)
    dispatch = lambda stage, ref: run_document(runner, ref, retries=0, first=stage)  # noqa
    assert run_sweep(runner, dispatch, steps=["retry"])["steps"]["retry"]["retried"] == 1
    assert runner.ledger.original(oid)["auto_retries"] == 1
    assert run_sweep(runner, dispatch, steps=["retry"])["steps"]["retry"]["capped"] == 1
    assert [r["trigger"] for r in runner.ledger.runs_of(oid)] == ["test", "sweep-retry"]


def test_one_sweep_at_a_time(runner):
    with maintenance_lock(runner, "sweep", 60) as first:
        assert first
        report = run_sweep(runner, embedded_dispatch(runner))
        assert report["skipped"]
    with maintenance_lock(runner, "sweep", 60) as again:
        assert again
    # An expired lock (its holder died) is taken over.
    assert runner.ledger.acquire_lock("x", "dead", ttl_seconds=-1)
    assert runner.ledger.acquire_lock("x", "alive", ttl_seconds=60)
    assert not runner.ledger.acquire_lock("x", "third", ttl_seconds=60)


def test_old_ledgers_gain_the_new_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE originals (id INTEGER PRIMARY KEY, bucket TEXT, "
                             "key TEXT, etag TEXT, size BIGINT, sequencer TEXT, sha256 TEXT, "
                             "state TEXT, duplicate_of INTEGER, symbol TEXT, error TEXT, "
                             "created_at DATETIME, updated_at DATETIME, indexed_at DATETIME)"))
        conn.execute(sa.text("CREATE TABLE runs (id INTEGER PRIMARY KEY, original_id INTEGER, "
                             "trigger TEXT, started_at DATETIME, finished_at DATETIME, "
                             "outcome TEXT)"))
    ledger = ledger_mod.Ledger(url)
    oid = ledger.register("b", "inbox/a", "e", 1, "sqs").original_id
    ledger.mark_quarantined(oid, "x", transient=True)
    assert ledger.original(oid)["error_transient"] is True


def test_cli_sweep(docpipe, tmp_path):  # noqa: F811
    source = texts()[0]
    docpipe("ingest", str(source), "--json")
    [dry] = docpipe("sweep", "--dry-run", "--json")
    assert dry["steps"]["archive"]["archived"] == 1 and dry["report_key"] is None
    [report] = docpipe("sweep", "--json")
    assert report["steps"]["archive"]["archived"] == 1
    assert report["report_key"].startswith("reports/sweep-")
    [row] = docpipe("status", "--json")
    assert row["location"].startswith("archive/") and row["state"] == "indexed"
    assert row["key"].startswith("inbox/")  # still known by the key it was uploaded under
    [shown] = docpipe("show", row["symbol"], "--json")
    assert shown["symbol"] == row["symbol"]


def test_beat_schedule_from_settings():
    from workers.app import beat_schedule
    nightly = beat_schedule(Settings(sweep_hour_utc=4))
    assert nightly["nightly-sweep"]["schedule"].hour == {4}
    assert nightly["nightly-sweep"]["options"]["expires"] < 24 * 3600
    custom = beat_schedule(Settings(sweep_cron="30 1 * * 0", recover_interval_seconds=0))
    assert custom["nightly-sweep"]["schedule"].minute == {30}
    assert "recover-stuck-runs" not in custom
    every = beat_schedule(Settings(recover_interval_seconds=20))["recover-stuck-runs"]
    assert every["options"]["expires"] < 20 and every["options"]["queue"] == "maintenance"
