"""Text documents through the distributed pipeline against the same stages in-process.

    .venv/bin/python -m bench.distributed [--docs 20] [--workers-per-stage 1]

Starts a LocalStack (own redis-server, moto server, one Celery worker per stage
queue, ``docpipe listen``), uploads N distinct text documents with boto3 and
measures upload-to-indexed latency (the ledger's ``indexed_at`` minus the time
``put_object`` returned), once one document at a time (pure latency) and once
as a burst (throughput). Then runs the same documents through the five stages
in one in-process loop (local folder store, SQLite) for the overhead ratio.
Writes ``bench/results/distributed-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT.parent / "shared/corpus/seed/A_C.2_58_L.37.ocr.txt",
           *sorted((ROOT / "tests/data").glob("*.txt"))]


def documents(n: int) -> list[tuple[str, bytes]]:
    """N distinct text documents: the test documents with their symbol's number varied,
    so that each is new content (not a duplicate) yet the same kind of work."""
    import re
    out = []
    sources = [p for p in SOURCES if p.exists()]
    for i in range(n):
        text = sources[i % len(sources)].read_text()
        # Vary the last number of the symbol everywhere it is printed.
        text = re.sub(r"(A/(?:C\.\d/)?\d+/(?:L\.)?)(\d+)",
                      lambda m: f"{m.group(1)}{int(m.group(2)) + 100 + i}", text)
        out.append((f"bench-{i:03d}.txt", text.encode()))
    return out


def _wait_indexed(ledger, keys: set[str], timeout: float = 300) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = {r["key"]: r for r in ledger.status() if r["key"] in keys}
        if len(rows) == len(keys) and all(r["state"] in ("indexed", "quarantined", "duplicate")
                                          for r in rows.values()):
            return rows
        time.sleep(0.02)
    raise TimeoutError(f"not all of {len(keys)} documents indexed after {timeout}s")


def _latency(row: dict, sent: float) -> float:
    indexed = row["indexed_at"].replace(tzinfo=dt.timezone.utc).timestamp()
    return indexed - sent


def run_distributed(docs, workers_per_stage: int) -> dict:
    from tests.stack import LocalStack
    with tempfile.TemporaryDirectory() as tmp, \
            LocalStack(Path(tmp), bucket="docpipe-bench",
                       workers_per_stage=workers_per_stage) as stack:
        s3, ledger = stack.s3(), stack.ledger()
        time.sleep(3)  # let the workers finish starting before the clock runs
        warm = "inbox/warm-up.txt"
        s3.put_object(Bucket=stack.bucket, Key=warm, Body=docs[0][1] + b"\n")
        _wait_indexed(ledger, {warm})

        one_at_a_time = []
        half = len(docs) // 2
        for name, data in docs[:half]:
            key = f"inbox/seq/{name}"
            s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
            sent = time.time()
            row = _wait_indexed(ledger, {key})[key]
            one_at_a_time.append(_latency(row, sent))

        sent_at = {}
        start = time.time()
        for name, data in docs[half:]:
            key = f"inbox/burst/{name}"
            s3.put_object(Bucket=stack.bucket, Key=key, Body=data)
            sent_at[key] = time.time()
        rows = _wait_indexed(ledger, set(sent_at))
        elapsed = max(r["indexed_at"].replace(tzinfo=dt.timezone.utc).timestamp()
                      for r in rows.values()) - start
        burst = [_latency(rows[k], t) for k, t in sent_at.items()]
        states = [r["state"] for r in rows.values()]
    return {"one_at_a_time_s": one_at_a_time, "burst_s": burst,
            "burst_docs_per_s": len(burst) / elapsed, "burst_states": states,
            "all_latencies_s": one_at_a_time + burst}


def run_in_process(docs) -> dict:
    from config.settings import Settings
    from docpipe.events import ObjectCreated
    from docpipe.runner import StageRunner, run_document
    import hashlib
    with tempfile.TemporaryDirectory() as tmp:
        runner = StageRunner.from_settings(Settings(data_dir=Path(tmp)))
        times = []
        start = time.perf_counter()
        for name, data in docs:
            t0 = time.perf_counter()
            key = f"inbox/{name}"
            runner.store.put(key, data)
            runner.submit(ObjectCreated(runner.store.bucket, key, hashlib.md5(data).hexdigest(),
                                        len(data), None, "Bench"), "bench",
                          lambda ref: run_document(runner, ref))
            times.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
    return {"per_doc_s": times, "docs_per_s": len(docs) / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--workers-per-stage", type=int, default=1)
    args = parser.parse_args()
    from docpipe.logs import configure_logging
    import logging
    configure_logging(json_lines=False, level=logging.WARNING)

    docs = documents(args.docs)
    distributed = run_distributed(docs, args.workers_per_stage)
    in_process = run_in_process(docs)
    med = statistics.median
    lat = sorted(distributed["all_latencies_s"])
    summary = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
        "docs": args.docs, "workers_per_stage": args.workers_per_stage,
        "median_upload_to_indexed_s": round(med(lat), 3),
        "p95_upload_to_indexed_s": round(lat[int(0.95 * (len(lat) - 1))], 3),
        "median_one_at_a_time_s": round(med(distributed["one_at_a_time_s"]), 3),
        "median_burst_s": round(med(distributed["burst_s"]), 3),
        "burst_docs_per_s": round(distributed["burst_docs_per_s"], 2),
        "in_process_median_per_doc_s": round(med(in_process["per_doc_s"]), 4),
        "in_process_docs_per_s": round(in_process["docs_per_s"], 2),
        "overhead_ratio_latency": round(med(distributed["one_at_a_time_s"])
                                        / med(in_process["per_doc_s"]), 2),
        "overhead_ratio_throughput": round(in_process["docs_per_s"]
                                           / distributed["burst_docs_per_s"], 2),
        "states": sorted(set(distributed["burst_states"])),
    }
    out = ROOT / "bench" / "results" / f"distributed-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "raw": {"distributed": distributed,
                                                            "in_process": in_process}},
                              indent=2, default=str))
    print(json.dumps(summary, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
