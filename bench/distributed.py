"""Text documents through the distributed pipeline against the same stages in-process.

    .venv/bin/python -m bench.distributed [--docs 40] [--workers-per-stage 1 2]
                                          [--store s3 file] [--probe-calls 200]

For each store and each number of workers per stage this starts a stack of real
processes and measures upload-to-indexed latency (the ledger's ``indexed_at`` minus
the time the upload returned), once one document at a time (pure latency, half of
``--docs``) and once as a burst (throughput, the other half):

* ``s3``: tests.stack.LocalStack: own redis-server, moto server (S3 + SQS), ``docpipe
  init``, N Celery workers per stage queue, ``docpipe listen``; uploads with boto3.
* ``file``: own redis-server and N Celery workers per stage, store on the local disk
  (``DOCPIPE_STORE_URL=file://``); this process registers each upload and sends its first
  stage to Redis, as the listener would. No moto: separates S3 emulation from pipeline cost.

The reference: the same documents through the five stages in one in-process loop (local
folder store, SQLite; after one warm-up document), run once first and again just before
each stack; a stack's ratios use the run just before it (the machine's load drifts).
The ledger's per-stage
``started_at``/``finished_at`` split each run into: upload to registered (S3 event, SQS,
listener), registered to extract start, each stage's work, and the hops between stages
(ledger commit, Celery publish, Redis, worker pickup, ledger reads). ``--probe-calls``
also times single S3 calls on moto against the local store.

Writes ``bench/results/distributed-<date>.json`` and prints tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, machine, med, now, pct, table, write_result

SOURCES = [ROOT.parent / "shared/corpus/seed/A_C.2_58_L.37.ocr.txt",
           *sorted((ROOT / "tests/data").glob("*.txt"))]
STAGES = ("extract", "clean", "segment", "diff", "index")


def documents(n: int) -> list[tuple[str, bytes]]:
    """N distinct text documents: the test documents with their symbol's number varied,
    so that each is new content (not a duplicate) yet the same kind of work."""
    out = []
    sources = [p for p in SOURCES if p.exists()]
    for i in range(n):
        text = sources[i % len(sources)].read_text()
        # Vary the last number of the symbol everywhere it is printed.
        text = re.sub(r"(A/(?:C\.\d/)?\d+/(?:L\.)?)(\d+)",
                      lambda m: f"{m.group(1)}{int(m.group(2)) + 100 + i}", text)
        out.append((f"bench-{i:03d}.txt", text.encode()))
    return out


def _ts(value) -> float:
    return value.replace(tzinfo=dt.timezone.utc).timestamp()


def _wait_indexed(ledger, keys: set[str], timeout: float = 300) -> dict[str, dict]:
    """Poll the ledger cheaply (one indexed query, every 25 ms) until every key is done."""
    import sqlalchemy as sa
    from docpipe.ledger import originals
    query = sa.select(originals.c.id, originals.c.key, originals.c.state,
                      originals.c.created_at, originals.c.indexed_at).where(
        originals.c.key.in_(sorted(keys)))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with ledger.engine.connect() as conn:
            rows = {r["key"]: dict(r) for r in conn.execute(query).mappings()}
        if len(rows) == len(keys) and all(r["state"] in ("indexed", "quarantined", "duplicate")
                                          for r in rows.values()):
            return rows
        time.sleep(0.025)
    raise TimeoutError(f"not all of {len(keys)} documents indexed after {timeout}s")


def breakdown(ledger, rows: dict[str, dict], sent_at: dict[str, float]) -> dict[str, list]:
    """Per document: where the time between upload and indexed went (seconds)."""
    parts: dict[str, list] = {}
    for key, row in rows.items():
        stages = ledger.stage_rows(row["id"])
        if row["state"] != "indexed" or any(s not in stages for s in STAGES) or any(
                stages[s]["finished_at"] is None for s in STAGES[:-1]):
            continue
        add = lambda name, v: parts.setdefault(name, []).append(v)  # noqa: E731
        if key in sent_at:
            add("upload->registered", _ts(row["created_at"]) - sent_at[key])
        add("registered->extract", _ts(stages["extract"]["started_at"]) - _ts(row["created_at"]))
        for a, b in zip(STAGES, STAGES[1:]):
            add(f"{a}", _ts(stages[a]["finished_at"]) - _ts(stages[a]["started_at"]))
            add(f"hop {a}->{b}", _ts(stages[b]["started_at"]) - _ts(stages[a]["finished_at"]))
        # The document is indexed (mark_indexed) just before the stage's own row is closed.
        add("index", _ts(row["indexed_at"]) - _ts(stages["index"]["started_at"]))
    return parts


def _summarise_parts(parts: dict[str, list]) -> dict[str, float]:
    return {name: round(med(values) * 1000, 2) for name, values in parts.items()}


def _measure(ledger, upload, docs, prefix: str) -> dict:
    """Warm-up, then half the documents one at a time, then the other half as a burst.

    ``upload(key, data)`` returns the time the upload was done (before registration)."""
    warm = f"{prefix}warm-up.txt"
    upload(warm, docs[0][1] + b"\n")
    _wait_indexed(ledger, {warm})
    one_at_a_time, seq_sent = [], {}
    half = len(docs) // 2
    for name, data in docs[:half]:
        key = f"{prefix}seq/{name}"
        seq_sent[key] = sent = upload(key, data)
        row = _wait_indexed(ledger, {key})[key]
        one_at_a_time.append(_ts(row["indexed_at"]) - sent)
    seq_rows = _wait_indexed(ledger, set(seq_sent))
    sent_at = {}
    start = time.time()
    for name, data in docs[half:]:
        key = f"{prefix}burst/{name}"
        sent_at[key] = upload(key, data)
    rows = _wait_indexed(ledger, set(sent_at))
    elapsed = max(_ts(r["indexed_at"]) for r in rows.values()) - start
    burst = [_ts(rows[k]["indexed_at"]) - t for k, t in sent_at.items()]
    return {"one_at_a_time_s": one_at_a_time, "burst_s": burst,
            "burst_docs_per_s": len(burst) / elapsed, "burst_elapsed_s": elapsed,
            "states": sorted({r["state"] for r in rows.values()}),
            "all_latencies_s": one_at_a_time + burst,
            "parts_one_at_a_time_ms": _summarise_parts(breakdown(ledger, seq_rows, seq_sent)),
            "parts_burst_ms": _summarise_parts(breakdown(ledger, rows, sent_at))}


def run_s3(docs, workers_per_stage: int) -> dict:
    from tests.stack import LocalStack
    with tempfile.TemporaryDirectory() as tmp, \
            LocalStack(Path(tmp), bucket="docpipe-bench",
                       workers_per_stage=workers_per_stage) as stack:
        s3, ledger = stack.s3(), stack.ledger()
        time.sleep(3)  # let the workers finish starting before the clock runs
        def upload(key, data):
            s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
            return time.time()

        return _measure(ledger, upload, docs, "inbox/")


def run_file(docs, workers_per_stage: int) -> dict:
    """Redis and Celery workers, store and ledger on the local disk; no moto, no listener."""
    from celery import Celery

    from config.settings import Settings
    from docpipe.events import ObjectCreated
    from docpipe.runner import StageRunner
    from tests.stack import BIN, start_process, start_redis, stop_process

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "logs").mkdir()
        redis, broker = start_redis(tmp)
        procs = [redis]
        try:
            env = {**os.environ, "DOCPIPE_BROKER_URL": broker,
                   "DOCPIPE_DATA_DIR": str(tmp / "data"),
                   "DOCPIPE_STORE_URL": (tmp / "data" / "store").as_uri(),
                   "OMP_THREAD_LIMIT": "1"}
            for key in ("DOCPIPE_S3_ENDPOINT_URL", "DOCPIPE_EVENTS_URL"):
                env.pop(key, None)
            settings = Settings(data_dir=tmp / "data", broker_url=broker,
                                store_url=(tmp / "data" / "store").as_uri())
            runner = StageRunner.from_settings(settings)
            for stage in STAGES:
                for n in range(workers_per_stage):
                    procs.append(start_process(
                        [str(BIN / "celery"), "-A", "workers.app", "worker", "-Q", stage,
                         "-c", "1", "-n", f"{stage}{n}@bench", "--without-gossip",
                         "--without-mingle", "-l", "warning"],
                        tmp / "logs" / f"{stage}{n}.log", env))
            celery = Celery("bench", broker=broker)
            time.sleep(3)

            def start(ref):
                celery.send_task("docpipe.extract", args=[ref], queue="extract")

            def upload(key, data):
                runner.store.put(key, data)
                sent = time.time()
                runner.submit(ObjectCreated(runner.store.bucket, key,
                                            hashlib.md5(data).hexdigest(), len(data), None,
                                            "Bench"), "bench", start)
                return sent

            return _measure(runner.ledger, upload, docs, "inbox/")
        finally:
            for proc in reversed(procs):
                stop_process(proc)


def run_in_process(docs) -> dict:
    from config.settings import Settings
    from docpipe.events import ObjectCreated
    from docpipe.runner import StageRunner, run_document
    with tempfile.TemporaryDirectory() as tmp:
        runner = StageRunner.from_settings(Settings(data_dir=Path(tmp)))

        def one(key, data):
            runner.store.put(key, data)
            reg = runner.submit(ObjectCreated(runner.store.bucket, key,
                                              hashlib.md5(data).hexdigest(), len(data), None,
                                              "Bench"), "bench",
                                lambda ref: run_document(runner, ref))
            return reg.original_id

        one("inbox/warm-up.txt", docs[0][1] + b"\n")  # loads wordfreq etc., as the workers do
        times, sent = [], {}
        start = time.perf_counter()
        for name, data in docs:
            t0 = time.perf_counter()
            sent[f"inbox/{name}"] = time.time()
            one(f"inbox/{name}", data)
            times.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
        rows = _wait_indexed(runner.ledger, set(sent))
        parts = _summarise_parts(breakdown(runner.ledger, rows, sent))
    return {"per_doc_s": times, "docs_per_s": len(docs) / elapsed, "parts_ms": parts}


def probe_s3(calls: int) -> dict:
    """Median milliseconds of one put/get/head of a 10 KB object: moto server vs local folder."""
    from docpipe.store import LocalStore, S3Store
    from tests.stack import start_moto, stop_process
    data = os.urandom(10_000)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        moto, endpoint = start_moto(Path(tmp))
        try:
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
            os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
            s3 = S3Store("probe", endpoint_url=endpoint)
            s3.client.create_bucket(Bucket="probe")
            for name, store in (("moto", s3), ("local", LocalStore(Path(tmp) / "store"))):
                timings = {"put": [], "get": [], "head": []}
                for i in range(calls):
                    key = f"artifacts/{i}.json"
                    for op, fn in (("put", lambda: store.put(key, data)),
                                   ("get", lambda: store.get(key)),
                                   ("head", lambda: store.head(key))):
                        t0 = time.perf_counter()
                        fn()
                        timings[op].append(time.perf_counter() - t0)
                out[name] = {op: round(med(v) * 1000, 3) for op, v in timings.items()}
        finally:
            stop_process(moto)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--workers-per-stage", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--store", nargs="+", choices=("s3", "file"), default=["s3", "file"])
    parser.add_argument("--probe-calls", type=int, default=200)
    args = parser.parse_args()
    import logging

    from docpipe.logs import configure_logging
    configure_logging(json_lines=False, level=logging.WARNING)

    docs = documents(args.docs)
    in_process = run_in_process(docs)
    ip_rate = in_process["docs_per_s"]
    ip_med = med(in_process["per_doc_s"])
    runs, raw = [], {"in_process": in_process}
    for store in args.store:
        for wps in args.workers_per_stage:
            # The in-process reference again, just before: the machine's load drifts.
            ref = run_in_process(docs)
            result = (run_s3 if store == "s3" else run_file)(docs, wps)
            raw[f"{store}-{wps}"] = result
            raw[f"in_process_before_{store}-{wps}"] = ref
            lat = result["all_latencies_s"]
            ref_rate, ref_med = ref["docs_per_s"], med(ref["per_doc_s"])
            runs.append({
                "store": store, "workers_per_stage": wps,
                "in_process_docs_per_s": round(ref_rate, 2),
                "in_process_median_per_doc_s": round(ref_med, 4),
                "median_upload_to_indexed_s": round(med(lat), 3),
                "p95_upload_to_indexed_s": round(pct(lat, 0.95), 3),
                "median_one_at_a_time_s": round(med(result["one_at_a_time_s"]), 3),
                "p95_one_at_a_time_s": round(pct(result["one_at_a_time_s"], 0.95), 3),
                "median_burst_s": round(med(result["burst_s"]), 3),
                "p95_burst_s": round(pct(result["burst_s"], 0.95), 3),
                "burst_docs_per_s": round(result["burst_docs_per_s"], 2),
                "ratio_throughput": round(ref_rate / result["burst_docs_per_s"], 2),
                "ratio_latency": round(med(result["one_at_a_time_s"]) / ref_med, 2),
                "states": result["states"]})
    probe = probe_s3(args.probe_calls) if args.probe_calls else {}
    summary = {"date": now(), "machine": machine(), "docs": args.docs,
               "in_process_median_per_doc_s": round(ip_med, 4),
               "in_process_p95_per_doc_s": round(pct(in_process["per_doc_s"], 0.95), 4),
               "in_process_docs_per_s": round(ip_rate, 2),
               "runs": runs, "s3_call_ms": probe}
    out = write_result("distributed", summary, raw)

    print(f"in-process: median {ip_med * 1000:.1f} ms/doc, {ip_rate:.2f} docs/s")
    print(table(["store", "w/stage", "p50 s", "p95 s", "p50 seq s", "p50 burst s",
                 "burst docs/s", "in-proc docs/s", "thr. ratio", "lat. ratio"],
                [[r["store"], r["workers_per_stage"], r["median_upload_to_indexed_s"],
                  r["p95_upload_to_indexed_s"], r["median_one_at_a_time_s"],
                  r["median_burst_s"], r["burst_docs_per_s"], r["in_process_docs_per_s"],
                  r["ratio_throughput"],
                  r["ratio_latency"]] for r in runs]))
    names = list(in_process["parts_ms"])
    for r in raw:
        if not r.startswith("in_process"):
            for n in raw[r]["parts_one_at_a_time_ms"]:
                if n not in names:
                    names.insert(0, n)
    cols = [k for k in raw if not k.startswith("in_process")]
    print("\nmedian ms per part, one at a time (in-process: its loop)")
    print(table(["part", "in-process", *cols],
                [[n, in_process["parts_ms"].get(n),
                  *(raw[c]["parts_one_at_a_time_ms"].get(n) for c in cols)] for n in names]))
    if probe:
        print("\nmedian ms per store call (10 KB)")
        print(table(["store", "put", "get", "head"],
                    [[k, v["put"], v["get"], v["head"]] for k, v in probe.items()]))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
