"""Fault runs on real processes: kill a stage worker, restart Redis, triple and shuffled
events, a listener that was down (with lost events) followed by a sweep.

    .venv/bin/python -m chaos.run_chaos [kill redis triple listener kill-clean ...] [--docs 40]

Each scenario starts its own ChaosStack (redis-server with AOF, moto, one worker per
stage, a maintenance worker, beat with a short recovery interval, the listener), feeds
it N distinct small text documents and checks that every document ends indexed exactly
once: one ledger document per original, the index's doc_ids equal to the ledger's, no
original lost. It prints one JSON line of figures per scenario.
"""

from __future__ import annotations

import functools
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.stack import (BIN, STAGES, LocalStack, free_port, start_moto,  # noqa: E402
                         start_process, stop_process, wait_for_port)

DATA = ROOT / "tests" / "data"
SEED = ROOT.parent / "shared" / "corpus" / "seed" / "A_C.2_58_L.37.ocr.txt"

# Short thresholds so that a lost task is dispatched again within a minute.
CHAOS_ENV = {"DOCPIPE_STUCK_AFTER_SECONDS": "30", "DOCPIPE_RECOVER_INTERVAL_SECONDS": "10"}


def documents(n: int, tag: str) -> dict[str, bytes]:
    """N distinct small GA texts: the test documents and the seed, each with its own
    page-furniture line (a job number), so every one has its own sha256."""
    sources = sorted(DATA.glob("*.txt")) + ([SEED] if SEED.exists() else [])
    out = {}
    for i in range(n):
        src = sources[i % len(sources)]
        body = src.read_bytes() + f"\n\n{i:02d}-{abs(hash(tag)) % 90000 + 10000} (E)\n".encode()
        out[f"inbox/{tag}/{i:03d} {src.stem}.txt"] = body
    return out


class ChaosStack(LocalStack):
    """LocalStack plus: Redis with AOF on a port it keeps across restarts, a maintenance
    worker and beat (recovery every 10 s), and handles to stop/start each part."""

    def __enter__(self) -> "ChaosStack":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.logs = self.workdir / "logs"
        self.logs.mkdir(exist_ok=True)
        self.named: dict[str, object] = {}
        try:
            self.redis_port = free_port()
            self.start_redis()
            moto, self.endpoint = start_moto(self.workdir)
            self.processes.append(moto)
            self.env = {**os.environ, **CHAOS_ENV,
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1",
                        "DOCPIPE_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                        "DOCPIPE_STORE_URL": f"s3://{self.bucket}",
                        "DOCPIPE_S3_ENDPOINT_URL": self.endpoint,
                        "DOCPIPE_EVENTS_URL": f"sqs://{self.bucket}-events",
                        "DOCPIPE_DATA_DIR": str(self.workdir / "data"),
                        "OMP_THREAD_LIMIT": "1"}
            (self.workdir / "data").mkdir(exist_ok=True)
            self.init_result = self.docpipe("init", "--json").stdout
            for queue in (*STAGES, "maintenance"):
                self.start_worker(queue)
            self.named["beat"] = self._start(
                "beat", [str(BIN / "celery"), "-A", "workers.app", "beat", "-l", "warning",
                         "--schedule", str(self.workdir / "beat-schedule")])
            self.start_listener()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self, name: str, args: list[str]):
        proc = start_process(args, self.logs / f"{name}-{time.monotonic_ns()}.log", self.env)
        self.processes.append(proc)
        return proc

    def start_redis(self) -> None:
        exe = shutil.which("redis-server")
        self.named["redis"] = proc = start_process(
            [exe, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(self.workdir),
             "--maxmemory-policy", "noeviction"], self.workdir / "redis.log")
        self.processes.append(proc)
        wait_for_port(self.redis_port)

    def start_worker(self, queue: str, n: int = 0):
        self.named[f"worker-{queue}"] = self._start(
            f"{queue}{n}", [str(BIN / "celery"), "-A", "workers.app", "worker", "-Q", queue,
                            "-c", "1", "-n", f"{queue}{n}@chaos", "--without-gossip",
                            "--without-mingle", "-l", "warning"])
        return self.named[f"worker-{queue}"]

    def start_listener(self):
        self.named["listener"] = self._start("listen", [str(BIN / "docpipe"), "listen"])

    def stop(self, name: str, sig=signal.SIGTERM) -> None:
        proc = self.named[name]
        if sig == signal.SIGKILL:  # the whole group: main process and pool children
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        else:
            stop_process(proc)

    def upload(self, docs: dict[str, bytes]) -> None:
        s3 = self.s3()
        for key, data in docs.items():
            s3.put_object(Bucket=self.bucket, Key=key, Body=data)

    def wait_indexed(self, keys: set[str], timeout: float) -> tuple[float, dict]:
        started = time.monotonic()
        ledger = self.ledger()
        while True:
            rows = {}
            for key in keys:
                found = ledger.originals_by_key(key)
                if found:
                    rows[key] = found
            done = sum(1 for k in keys if any(r["state"] in ("indexed", "quarantined")
                                              for r in rows.get(k, [])))
            if done == len(keys) or time.monotonic() - started > timeout:
                return time.monotonic() - started, rows
            time.sleep(0.5)

    def verify(self, docs: dict[str, bytes]) -> dict:
        """Each document indexed exactly once, nothing lost, nothing duplicated."""
        import hashlib
        ledger = self.ledger()
        want = {key: hashlib.sha256(data).hexdigest() for key, data in docs.items()}
        indexed = lost = quarantined = extra_originals = 0
        for key, sha in want.items():
            rows = ledger.originals_by_key(key)
            extra_originals += max(0, len(rows) - 1)
            if any(r["state"] == "indexed" and r["sha256"] == sha for r in rows):
                indexed += 1
            elif any(r["state"] == "quarantined" for r in rows):
                quarantined += 1
            else:
                lost += 1
        docs_rows = {sha: ledger.document(sha) for sha in want.values()}
        index_db = sqlite3.connect(self.workdir / "data" / "index.db")
        # (no index table yet: nothing reached the index stage; the counts say so, not a crash)
        has_index = index_db.execute("SELECT 1 FROM sqlite_master WHERE name = 'paragraphs'").fetchone()
        per_doc = dict(index_db.execute(
            "SELECT doc_id, count(*) FROM paragraphs GROUP BY doc_id").fetchall()) if has_index else {}
        dup_rows = index_db.execute(
            "SELECT count(*) FROM (SELECT doc_id, paragraph FROM paragraphs "
            "GROUP BY doc_id, paragraph HAVING count(*) > 1)").fetchone()[0] if has_index else 0
        runs = [len(ledger.runs_of(r["id"])) for key in want
                for r in ledger.originals_by_key(key)]
        return {"documents_in": len(docs), "indexed": indexed, "quarantined": quarantined,
                "lost": lost, "duplicate_originals": extra_originals,
                "ledger_documents": sum(1 for d in docs_rows.values() if d),
                "index_doc_ids": sum(1 for sha in want.values() if per_doc.get(sha)),
                "index_foreign_doc_ids": len(set(per_doc) - set(want.values())),
                "duplicate_index_rows": dup_rows, "max_runs_per_original": max(runs or [0])}


def _ok(figures: dict) -> bool:
    n = figures["documents_in"]
    return (figures["indexed"] == n and figures["lost"] == 0 and figures["ledger_documents"] == n
            and figures["index_doc_ids"] == n and figures["duplicate_index_rows"] == 0
            and figures["duplicate_originals"] == 0)


# --- the scenarios ------------------------------------------------------------------

def scenario_kill(stack: ChaosStack, n: int, stage_name: str = "extract") -> dict:
    """(a) kill -9 a stage worker's process group while it holds a task; replace it."""
    docs = documents(n, "kill" if stage_name == "extract" else f"kill-{stage_name}")
    stack.upload(docs)
    ledger = stack.ledger()
    deadline = time.monotonic() + 60
    victim = None
    while time.monotonic() < deadline and victim is None:
        for row in ledger.originals_in_state("running", "queued"):
            stage = ledger.stage_rows(row["id"]).get(stage_name)
            if stage and stage["state"] == "running":
                victim = (row["id"], row["key"], stage["task_id"])
                break
        time.sleep(0.02)
    stack.stop(f"worker-{stage_name}", signal.SIGKILL)
    killed_at = time.monotonic()
    held = ledger.stage_rows(victim[0])[stage_name] if victim else None
    still_running = bool(held and held["state"] == "running" and held["task_id"] == victim[2])
    stack.start_worker(stage_name, n=1)
    recovered_after = None
    while victim and time.monotonic() - killed_at < 300:
        stage = ledger.stage_rows(victim[0]).get(stage_name)
        if stage and stage["state"] == "done":
            recovered_after = round(time.monotonic() - killed_at, 1)
            break
        time.sleep(0.5)
    elapsed, _ = stack.wait_indexed(set(docs), timeout=240)
    figures = stack.verify(docs)
    figures.update(scenario=f"kill -9 {stage_name} worker", killed_task_in_progress=still_running,
                   victim=victim and victim[1], victim_rerun_after_s=recovered_after,
                   all_indexed_after_s=round(time.monotonic() - killed_at, 1))
    return figures


def scenario_redis(stack: ChaosStack, n: int) -> dict:
    """(b) restart redis-server (same port, AOF on) in the middle of a run."""
    docs = documents(n, "redis")
    stack.upload(docs)
    ledger = stack.ledger()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(ledger.originals_in_state("indexed")) < n // 4:
        time.sleep(0.1)
    before = len(ledger.originals_in_state("indexed"))
    stack.stop("redis")
    down_at = time.monotonic()
    time.sleep(3)
    stack.start_redis()
    elapsed, _ = stack.wait_indexed(set(docs), timeout=240)
    figures = stack.verify(docs)
    figures.update(scenario="restart redis-server", indexed_before_restart=before,
                   redis_down_s=3, all_indexed_after_s=round(time.monotonic() - down_at, 1))
    return figures


def _event_body(bucket: str, key: str, etag: str, size: int) -> str:
    from urllib.parse import quote_plus
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "eventTime": "2025-01-01T00:00:00.000Z",
        "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": quote_plus(key), "size": size, "eTag": etag}}}]})


def scenario_triple(stack: ChaosStack, n: int) -> dict:
    """(c) every event delivered three times, out of order (listener down meanwhile)."""
    import boto3
    docs = documents(n, "triple")
    stack.stop("listener")
    stack.upload(docs)  # one event each, from the bucket notification
    s3 = stack.s3()
    sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    url = sqs.get_queue_url(QueueName=f"{stack.bucket}-events")["QueueUrl"]
    extra = []
    for key in docs:
        head = s3.head_object(Bucket=stack.bucket, Key=key)
        body = _event_body(stack.bucket, key, head["ETag"].strip('"'), head["ContentLength"])
        extra += [body, body]
    random.Random(7).shuffle(extra)
    for body in extra:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    started = time.monotonic()
    stack.start_listener()
    stack.wait_indexed(set(docs), timeout=240)
    figures = stack.verify(docs)
    figures.update(scenario="each event 3 times, shuffled", events_sent=3 * n,
                   all_indexed_after_s=round(time.monotonic() - started, 1))
    return figures


def scenario_listener(stack: ChaosStack, n: int = 50) -> dict:
    """(d) listener down, N files dropped, half their events lost; listener back; sweep."""
    import boto3
    docs = documents(n, "listener")
    stack.stop("listener")
    stack.upload(docs)
    sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    url = sqs.get_queue_url(QueueName=f"{stack.bucket}-events")["QueueUrl"]
    dropped = 0
    while dropped < n // 2:  # lose half of the events
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in reply.get("Messages", [])[: n // 2 - dropped]:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            dropped += 1
        if not reply.get("Messages"):
            break
    started = time.monotonic()
    stack.start_listener()
    time.sleep(25)  # the other half's messages become visible again and are handled
    sweep = json.loads(stack.docpipe("sweep", "--json").stdout.splitlines()[0])
    stack.wait_indexed(set(docs), timeout=240)
    figures = stack.verify(docs)
    figures.update(scenario="listener down, half the events lost, then sweep",
                   events_lost=dropped,
                   sweep_reconcile_started=sweep["steps"]["reconcile"]["started"],
                   all_indexed_after_s=round(time.monotonic() - started, 1))
    return figures


SCENARIOS = {"kill": scenario_kill, "redis": scenario_redis, "triple": scenario_triple,
             "listener": scenario_listener,
             # The same kill for every stage's worker: kill-clean, kill-segment, ...
             **{f"kill-{stage}": functools.partial(scenario_kill, stage_name=stage)
                for stage in STAGES if stage != "extract"}}


def run(name: str, n: int, workdir: Path) -> dict:
    with ChaosStack(workdir / name, bucket=f"chaos-{name}") as stack:
        started = time.monotonic()
        try:
            figures = SCENARIOS[name](stack, n)
        except Exception:
            print(stack.log_tail(), file=sys.stderr)
            raise
        figures["ok"] = _ok(figures)
        figures["scenario_seconds"] = round(time.monotonic() - started, 1)
        if not figures["ok"]:
            print(stack.log_tail(), file=sys.stderr)
        return figures


def main(argv: list[str]) -> int:
    n = 40
    if "--docs" in argv:
        n = int(argv[argv.index("--docs") + 1])
        argv = [a for a in argv if a not in ("--docs", str(n))]
    names = argv or list(SCENARIOS)
    workdir = Path(tempfile.mkdtemp(prefix="docpipe-chaos-"))
    ok = True
    try:
        for name in names:
            figures = run(name, 50 if name == "listener" else n, workdir)
            print(json.dumps(figures), flush=True)
            ok &= figures["ok"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
