"""Cost growth: one new document's cost with 10, 100 and 1,000 documents already archived.

    .venv/bin/python -m bench.growth [--sizes 10 100 1000] [--probes N]

The archive is built with the real pipeline (in-process, local folder store, SQLite
ledger and index) from text variants of the S corpus sources (20 today;
``corpus.build``'s text rendering): archive document i is source ``i % S`` with a session
that rises with i (25 documents a session: 30..69 for 1,000) and a symbol of its own, but
the source's title, agenda item, citations and text, so that lineage keys collide as they
do in a real archive (many documents share a title and an agenda item across sessions;
each title is shared by ~N/S documents).

At each size ``--probes`` new documents (default S, one of each source; sessions 80+,
symbols never seen) are ingested
one at a time and timed; for each, the lineage lookup (``Ledger.documents_with_keys``)
and the diff against the candidates it returns (loading them from the store, then
``diff_against_archive``) are also timed on their own, with the probe itself excluded.
Also: the index's size on disk (SQLite file + WAL) and the ledger's, and the median
search latency over a few queries. Target: time per new document flat within 20% from
10 to 1,000. The stages' CPU time (this process's, around each stage) is reported beside
their wall time, and the load average with each size: on a shared machine the wall times
include waiting for a core. Writes ``bench/results/growth-<date>.json``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from bench.common import machine, med, now, pct, table, write_result

QUERIES = ["sustainable development", "climate change", "\"human rights\"",
           "Requests the Secretary-General", "women", "poverty eradication"]
SYMBOL_RE = re.compile(r"^(A/(?:C\.\d/|RES/)?)(\d+)/((?:L\.)?)(\d+)(.*)$")


def variant(doc: dict, stem: str, i: int, session: int) -> tuple[str, str]:
    """(file name, text) of archive document i: ``doc`` moved to ``session``, its own symbol."""
    from corpus.build import render_txt
    d = copy.deepcopy(doc)
    m = SYMBOL_RE.match(d.get("symbol") or "")
    if m:
        d["symbol"] = f"{m.group(1)}{session}/{m.group(3)}{1000 + i}{m.group(5)}"
    else:
        d["symbol"] = f"A/{session}/L.{1000 + i}"
    d["session"] = session
    name = d["symbol"].replace("/", "_") + ".txt"
    return name, render_txt(d, f"{stem}-{i}")


class Archive:
    def __init__(self, folder: Path):
        from config.settings import Settings
        from docpipe.runner import StageRunner
        from corpus.build import load_sources
        self.folder = folder
        self.settings = Settings(data_dir=folder)
        self.runner = StageRunner.from_settings(self.settings)
        self.sources = list(load_sources().items())
        self.count = 0

    def ingest(self, name: str, text: str) -> tuple[float, int]:
        from docpipe.events import ObjectCreated
        from docpipe.runner import run_document
        runner, data = self.runner, text.encode()
        key = f"inbox/{name}"
        # CPU time per stage (this process's, the stages run in-process): on a shared
        # machine the wall times in the ledger include waiting for a core.
        marks: list[tuple[str, float]] = []

        def mark(stage: str) -> None:
            marks.append((stage, time.process_time()))

        t0 = time.perf_counter()
        runner.store.put(key, data)
        reg = runner.submit(ObjectCreated(runner.store.bucket, key, hashlib.md5(data).hexdigest(),
                                          len(data), None, "Bench"), "bench",
                            lambda ref: run_document(runner, ref, on_stage=mark))
        elapsed = time.perf_counter() - t0
        marks.append(("", time.process_time()))
        self.last_stage_cpu = {stage: end - start
                               for (stage, start), (_, end) in zip(marks, marks[1:])}
        return elapsed, reg.original_id

    def grow_to(self, n: int) -> None:
        while self.count < n:
            i = self.count
            stem, doc = self.sources[i % len(self.sources)]
            # Sessions rise with i (25 documents a session, 30 to 70 for 1,000), as an
            # archive grows: each new document is the latest of its lineage.
            self.ingest(*variant(doc, stem, i, 30 + i // 25))
            self.count += 1

    def probe(self, j: int) -> dict:
        """One new document, timed; then its lookup and diff timed on their own."""
        from docpipe.runner import artifact_key
        from pipeline import diff as diff_stage
        from pipeline.model import Document
        stem, doc = self.sources[j % len(self.sources)]
        name, text = variant(doc, stem, 100_000 + j, 80 + j % 19)  # later than the archive
        total, original_id = self.ingest(name, text)
        stage_cpu_s = self.last_stage_cpu
        runner = self.runner
        row = runner.ledger.original(original_id)
        stages = runner.ledger.stage_rows(original_id)
        stage_s = {s: (r["finished_at"] - r["started_at"]).total_seconds()
                   for s, r in stages.items() if r.get("finished_at")}
        document = Document.model_validate_json(
            runner.store.get(artifact_key(row["sha256"], "segment")))
        t0 = time.perf_counter()
        rows = runner._lineage_candidates(row["sha256"], document)  # as the diff stage asks
        t1 = time.perf_counter()
        candidates = [(r["doc_id"], Document.model_validate_json(
            runner.store.get(r["document_artifact"]))) for r in rows]
        t2 = time.perf_counter()
        diff_stage.diff_against_archive(document, candidates)
        t3 = time.perf_counter()
        t4 = time.perf_counter()
        successors = runner.ledger.documents_with_keys(
            diff_stage.successor_lookup_keys(document), exclude=row["sha256"],
            weights=diff_stage.key_weights(), near_session=document.session,
            min_session=document.session)
        t5 = time.perf_counter()
        return {"state": row["state"], "total_s": total, "stage_s": stage_s,
                "stage_cpu_s": stage_cpu_s, "total_cpu_s": sum(stage_cpu_s.values()),
                "lookup_s": t1 - t0, "load_candidates_s": t2 - t1, "diff_s": t3 - t2,
                "successor_lookup_s": t5 - t4, "candidates": len(rows),
                "successor_rows": len(successors)}

    def sizes(self) -> dict:
        def size(name: str) -> int:
            return sum(p.stat().st_size for p in self.folder.glob(name + "*") if p.is_file())
        return {"index_bytes": size("index.db"), "ledger_bytes": size("ledger.db"),
                "store_bytes": sum(p.stat().st_size for p in (self.folder / "store").rglob("*")
                                   if p.is_file())}

    def search_latency(self, repeats: int = 5) -> dict:
        index = self.runner.index
        times, hits = [], {}
        for q in QUERIES:
            index.search(q, limit=20)  # warm
            for _ in range(repeats):
                t0 = time.perf_counter()
                found = index.search(q, limit=20)
                times.append(time.perf_counter() - t0)
            hits[q] = len(found)
        return {"median_ms": round(med(times) * 1000, 2),
                "p95_ms": round(pct(times, 0.95) * 1000, 2), "hits": hits,
                "rows": index.count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--probes", type=int, default=None,
                        help="new documents per size (default: one of each corpus source)")
    args = parser.parse_args()
    import logging

    from docpipe.logs import configure_logging
    configure_logging(json_lines=False, level=logging.WARNING)

    points, raw = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp))
        # One probe of each source at every size: sources differ in length and in how
        # many lineage candidates they find, so a different mix at each size would
        # compare different documents.
        args.probes = args.probes or len(archive.sources)
        probe_no = 0
        build_s = 0.0
        for size in sorted(args.sizes):
            t0 = time.perf_counter()
            archive.grow_to(size)
            build_s += time.perf_counter() - t0
            probes = []
            for _ in range(args.probes):
                probes.append(archive.probe(probe_no))
                probe_no += 1
            raw[size] = probes
            point = {"archived": size, "probes_in_archive": probe_no,
                     "build_s_so_far": round(build_s, 1),
                     "median_new_doc_s": round(med(p["total_s"] for p in probes), 4),
                     "median_lookup_ms": round(med(p["lookup_s"] for p in probes) * 1000, 2),
                     "median_load_candidates_ms": round(
                         med(p["load_candidates_s"] for p in probes) * 1000, 2),
                     "median_diff_ms": round(med(p["diff_s"] for p in probes) * 1000, 2),
                     "median_successor_lookup_ms": round(
                         med(p["successor_lookup_s"] for p in probes) * 1000, 2),
                     "median_candidates": med(p["candidates"] for p in probes),
                     "median_stage_ms": {s: round(med(p["stage_s"].get(s, 0) for p in probes)
                                                  * 1000, 1)
                                         for s in ("extract", "clean", "segment", "diff",
                                                   "index")},
                     "median_new_doc_cpu_s": round(med(p["total_cpu_s"] for p in probes), 4),
                     "median_stage_cpu_ms": {s: round(med(p["stage_cpu_s"].get(s, 0)
                                                          for p in probes) * 1000, 1)
                                             for s in ("extract", "clean", "segment", "diff",
                                                       "index")},
                     "load_average": os.getloadavg(),
                     "states": sorted({p["state"] for p in probes}),
                     **archive.sizes(), "search": archive.search_latency()}
            points.append(point)
            print(f"archived {size}: new doc {point['median_new_doc_s']:.3f} s "
                  f"(built in {build_s:.0f} s so far)", flush=True)
    first = points[0]["median_new_doc_s"]
    summary = {"date": now(), "machine": machine(), "probes": args.probes, "points": points,
               "growth_ratio": round(points[-1]["median_new_doc_s"] / first, 2),
               "cpu_growth_ratio": round(points[-1]["median_new_doc_cpu_s"]
                                         / points[0]["median_new_doc_cpu_s"], 2),
               "target": "within 1.2x from the smallest to the largest archive"}
    out = write_result("growth", summary, raw)
    print(table(["archived", "new doc s", "new doc CPU s", "lookup ms", "load cand. ms",
                 "diff ms", "succ. lookup ms", "cands", "diff stage ms (CPU)",
                 "index stage ms (CPU)", "index MB", "search p50 ms", "search p95 ms", "load"],
                [[p["archived"], p["median_new_doc_s"], p["median_new_doc_cpu_s"],
                  p["median_lookup_ms"], p["median_load_candidates_ms"], p["median_diff_ms"],
                  p["median_successor_lookup_ms"], p["median_candidates"],
                  f'{p["median_stage_ms"]["diff"]} ({p["median_stage_cpu_ms"]["diff"]})',
                  f'{p["median_stage_ms"]["index"]} ({p["median_stage_cpu_ms"]["index"]})',
                  round(p["index_bytes"] / 1e6, 2), p["search"]["median_ms"],
                  p["search"]["p95_ms"], f'{p["load_average"][0]:.2f}'] for p in points]))
    print(f"\ngrowth {points[0]['archived']} -> {points[-1]['archived']}: "
          f"{summary['growth_ratio']}x, CPU {summary['cpu_growth_ratio']}x "
          f"(target <= 1.2x)\nwritten to {out}")


if __name__ == "__main__":
    main()
