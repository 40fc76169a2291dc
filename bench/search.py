"""Paragraph search at scale: indexing throughput and query latency on each backend.

    .venv/bin/python -m bench.search [--rows 1000000] [--pg-rows N] [--queries 200]
                                     [--backends sqlite,postgres] [--seed 1]

Generates N synthetic but realistic paragraphs: each is an opening phrase taken from the
corpus (``corpus/sources/*.gold.json``, ``tests/data/*.gold.json`` and the seed) followed by
runs of 4-12 consecutive words cut from real paragraphs, so word frequencies, phrases and
symbols look like the General Assembly's. Documents of 10-50 paragraphs get a symbol
(``A/C.2/63/L.17``, ``A/RES/71/204``, ``A/66/L.9``), a session 40-80, a body that follows
the symbol, a kind, an agenda item, and, for about half of them, change statuses.

Every document goes through the index's own ``replace`` (one transaction per document,
as the index stage does), into a fresh SQLite file and into a throwaway PostgreSQL cluster
started like the tests' (``tests.conftest``: initdb in a temporary directory, a free port,
never the machine's server). SQLite's FTS index is then optimized (``SQLiteIndex.optimize``:
its segments merged, as after any bulk load). Then 200 queries of each kind are timed with
``limit=20``:
one word, a quoted phrase, a word with filters, and the facet counts of a word query.

Writes ``bench/results/search-<date>.json`` and prints a table. The generated index files
live in a temporary directory that is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.index import IndexRow, opening_phrase  # noqa: E402

SOURCES = [*sorted((ROOT / "corpus/sources").glob("*.gold.json")),
           *sorted((ROOT / "tests/data").glob("*.gold.json")),
           ROOT.parent / "shared/corpus/seed/A_C.2_58_L.37.gold.json"]
COMMITTEES = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", 6: "Sixth"}
KINDS = ["draft resolution", "revised draft resolution", "resolution"]
CHANGES = ["unchanged"] * 12 + ["modified"] * 5 + ["added"] * 2 + ["moved"]
STOP = set("the of and to in on a an its for by with at as that this from be is are or all "
           "which their it was were has have had been also other such these those any into "
           "upon under between within without".split())
_MARKER = re.compile(r"\[\^[^\]]*\]")


# --- synthetic corpus ------------------------------------------------------------

class Corpus:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.paragraphs: list[list[str]] = []
        self.openers: list[str] = []
        self.footnotes: list[list[str]] = []
        for path in SOURCES:
            if not path.exists():
                continue
            doc = json.loads(path.read_text())
            for p in doc.get("preamble", []) + doc.get("operative", []):
                text = _MARKER.sub("", p["text"])
                words = text.split()
                if len(words) >= 6:
                    self.paragraphs.append(words)
                phrase = opening_phrase(text)
                if phrase:
                    self.openers.append(phrase)
            for f in doc.get("footnotes", []):
                words = _MARKER.sub("", f["text"]).split()
                if words:
                    self.footnotes.append(words)
        if not self.paragraphs:
            raise SystemExit("no corpus sources found (corpus/sources/*.gold.json)")
        counts: dict[str, int] = {}
        for words in self.paragraphs:
            for w in words:
                w = w.strip(".,;:()\"“”'").lower()
                if w.isalpha() and len(w) >= 4 and w not in STOP:
                    counts[w] = counts.get(w, 0) + 1
        self.vocabulary = sorted(w for w, n in counts.items() if n >= 2)

    def _chunk(self) -> list[str]:
        words = self.rng.choice(self.paragraphs)
        n = self.rng.randint(4, 12)
        start = self.rng.randrange(0, max(1, len(words) - n))
        return words[start:start + n]

    def paragraph(self) -> str:
        target = min(150, max(8, int(self.rng.lognormvariate(3.7, 0.5))))  # median ~40 words
        words = self.rng.choice(self.openers).split()
        while len(words) < target:
            words += self._chunk()
        return " ".join(words)

    def footnote(self, session: int) -> str:
        r = self.rng.random()
        if r < 0.4:
            return f"A/{session}/{self.rng.randint(50, 700)}."
        if r < 0.6:
            return f"Resolution {self.rng.randint(100, 300)} A ({self.rng.choice(['III', 'XX', 'XXI'])})."
        return " ".join(self.rng.choice(self.footnotes))

    def document(self, n: int) -> list[IndexRow]:
        rng = self.rng
        session = rng.randint(40, 80)
        form = rng.random()
        if form < 0.55:
            c = rng.randint(1, 6)
            symbol = f"A/C.{c}/{session}/L.{rng.randint(1, 80)}"
            body = f"General Assembly, {COMMITTEES[c]} Committee"
            kind = rng.choice(KINDS[:2])
        elif form < 0.85:
            symbol, body, kind = f"A/RES/{session}/{rng.randint(1, 330)}", "General Assembly", "resolution"
        else:
            symbol, body, kind = f"A/{session}/L.{rng.randint(1, 90)}", "General Assembly", KINDS[0]
        if rng.random() < 0.15:
            symbol += f"/Rev.{rng.randint(1, 3)}"
        doc_id = f"bench-{n:07d}"
        cites = [f"A/RES/{rng.randint(30, session)}/{rng.randint(1, 300)}" for _ in range(rng.randint(0, 6))]
        meta = dict(doc_id=doc_id, symbol=symbol, session=session, body=body, kind=kind,
                    agenda_item=f"{rng.randint(10, 160)}{rng.choice(['', '', ' (a)', ' (b)', ' (c)'])}",
                    title=" ".join(rng.choice(self.paragraphs)[:6]), cites=cites)
        has_predecessor = rng.random() < 0.5
        size = rng.randint(10, 50)
        n_fn = rng.randint(0, 4)
        n_pre = max(1, int((size - n_fn) * 0.4))
        rows = []
        for i in range(size):
            if i < n_pre:
                kind_, pid, number = "preamble", f"P{i + 1}", None
            elif i < size - n_fn:
                kind_, pid, number = "operative", f"O{i - n_pre + 1}", str(i - n_pre + 1)
            else:
                kind_, pid, number = "footnote", f"F{i - size + n_fn + 1}", str(i - size + n_fn + 1)
            if kind_ == "footnote":
                text, phrase, change = self.footnote(session), None, None
            else:
                text = self.paragraph()
                phrase = opening_phrase(text)
                change = rng.choice(CHANGES) if has_predecessor else None
            refs = [c for c in cites if rng.random() < 0.1]
            rows.append(IndexRow.model_construct(
                paragraph=pid, position=i, type=kind_, number=number, phrase=phrase, text=text,
                display_text=text, refs=refs, change=change, **meta))
        return rows

    # --- queries ---
    def word_queries(self, n: int) -> list[str]:
        return [self.rng.choice(self.vocabulary) for _ in range(n)]

    def phrase_queries(self, n: int) -> list[str]:
        out = []
        while len(out) < n:
            words = [w.strip(".,;:()\"“”'") for w in self._chunk()]
            k = self.rng.randint(2, 3)
            picked = words[:k]
            if all(w.isalpha() for w in picked) and any(w.lower() not in STOP for w in picked):
                out.append('"' + " ".join(picked) + '"')
        return out

    def filtered_queries(self, n: int) -> list[tuple[str, dict]]:
        out = []
        for i, word in enumerate(self.word_queries(n)):
            s = self.rng.randint(40, 80)
            filters = [
                {"session": s, "type": "operative"},
                {"symbol_prefix": f"A/C.{self.rng.randint(1, 6)}/{s}/"},
                {"since": 70, "change": "modified"},
                {"body": "General Assembly, Second Committee", "since": 55},
            ][i % 4]
            out.append((word, filters))
        return out


# --- a throwaway PostgreSQL, as the tests start it ---------------------------------

@contextlib.contextmanager
def throwaway_postgres():
    """``postgresql://docpipe@127.0.0.1:PORT/docpipe`` in a temporary cluster, or None."""
    from tests.stack import PostgresUnavailable
    from tests.stack import throwaway_postgres as cluster

    try:
        # Memory a little above the defaults for a million rows.
        with cluster(("shared_buffers=512MB", "work_mem=32MB", "maintenance_work_mem=256MB",
                      "max_wal_size=4GB"), prefix="docpipe-bench-pg-") as url:
            yield url
    except PostgresUnavailable as exc:
        print(f"{exc}: skipping the PostgreSQL backend", file=sys.stderr)
        yield None


# --- measuring -------------------------------------------------------------------

def load(index, corpus_seed: int, rows: int, progress: bool = True) -> dict:
    """Generate and index ``rows`` paragraphs; only ``replace`` is timed."""
    corpus = Corpus(corpus_seed)
    done = docs = 0
    spent = 0.0
    started = time.perf_counter()
    while done < rows:
        batch = corpus.document(docs)[: rows - done]
        t0 = time.perf_counter()
        index.replace(batch[0].doc_id, batch)
        spent += time.perf_counter() - t0
        done += len(batch)
        docs += 1
        if progress and docs % 2000 == 0:
            print(f"  {done:>9,} rows  {done / spent:>8,.0f} rows/s", file=sys.stderr)
    return {"rows": done, "documents": docs, "index_seconds": round(spent, 2),
            "rows_per_second": round(done / spent),
            "wall_seconds_with_generation": round(time.perf_counter() - started, 2)}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def time_queries(call, queries) -> dict:
    for q in queries[:10]:  # warm the caches a little
        call(q)
    times, hits = [], []
    for q in queries:
        t0 = time.perf_counter()
        result = call(q)
        times.append((time.perf_counter() - t0) * 1000)
        hits.append(result["total"] if isinstance(result, dict) else len(result))
    return {"n": len(times), "p50_ms": round(percentile(times, 0.5), 2),
            "p95_ms": round(percentile(times, 0.95), 2), "max_ms": round(max(times), 2),
            "mean_ms": round(statistics.fmean(times), 2),
            "mean_results": round(statistics.fmean(hits), 1)}


def measure(index, seed: int, n: int) -> dict:
    corpus = Corpus(seed + 1000)  # queries independent of the generated rows' stream
    words, phrases = corpus.word_queries(n), corpus.phrase_queries(n)
    filtered = corpus.filtered_queries(n)
    return {
        "word": time_queries(lambda q: index.search(q, limit=20), words),
        "phrase": time_queries(lambda q: index.search(q, limit=20), phrases),
        "filtered": time_queries(lambda qf: index.search(qf[0], limit=20, **qf[1]), filtered),
        "facets": time_queries(lambda q: index.facets(q), words),
        "facets_filtered": time_queries(lambda qf: index.facets(qf[0], **qf[1]), filtered),
    }


def run_backend(name: str, url: str, rows: int, seed: int, n: int,
                compare_exact: bool = False) -> dict:
    from docpipe.search_index import open_index
    print(f"{name}: indexing {rows:,} paragraphs", file=sys.stderr)
    index = open_index(url)
    try:
        result = {"url": url.split("@")[-1] if name == "postgres" else "sqlite (temporary file)"}
        result["indexing"] = load(index, seed, rows)
        if name == "postgres":
            index._run(lambda conn: conn.execute("VACUUM ANALYZE paragraphs"))
        else:
            # Merge the FTS segments left by the per-document transactions, as after any
            # bulk load.
            t0 = time.perf_counter()
            index.optimize()
            result["indexing"]["optimize_seconds"] = round(time.perf_counter() - t0, 2)
            index._read("ANALYZE", [])
        print(f"{name}: {n} queries of each kind", file=sys.stderr)
        result["queries"] = measure(index, seed, n)
        result["count"] = index.count()
        if compare_exact:
            # The same word and phrase queries with every match ranked (no window), in
            # the same run: the machine's load is the same for both.
            with open_index(url, rank_window=None) as exact:
                corpus = Corpus(seed + 1000)
                words, phrases = corpus.word_queries(n), corpus.phrase_queries(n)
                result["queries_exact"] = {
                    "word": time_queries(lambda q: exact.search(q, limit=20), words),
                    "phrase": time_queries(lambda q: exact.search(q, limit=20), phrases)}
        return result
    finally:
        index.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg-rows", type=int, default=None,
                        help="rows for PostgreSQL (default: --rows)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--compare-exact", action="store_true",
                        help="also time word and phrase queries ranked in full (no window)")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    results: dict = {
        "benchmark": "search", "date": dt.date.today().isoformat(),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count()},
        "queries_per_kind": args.queries, "limit": 20, "backends": {},
    }
    work = Path(tempfile.mkdtemp(prefix="docpipe-bench-search-"))
    try:
        if "sqlite" in backends:
            import sqlite3
            results["machine"]["sqlite"] = sqlite3.sqlite_version
            results["backends"]["sqlite"] = run_backend(
                "sqlite", f"sqlite:///{work}/index.db", args.rows, args.seed, args.queries,
                args.compare_exact)
            results["backends"]["sqlite"]["file_mb"] = round(
                sum(p.stat().st_size for p in work.glob("index.db*")) / 2**20)
        if "postgres" in backends:
            with throwaway_postgres() as url:
                if url:
                    results["backends"]["postgres"] = run_backend(
                        "postgres", url, args.pg_rows or args.rows, args.seed, args.queries,
                        args.compare_exact)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # The machine may be shared: the load during the run qualifies every wall time above.
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out = args.out or ROOT / "bench/results" / f"search-{results['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nwritten to {out}")
    return 0


def print_table(results: dict) -> None:
    print(f"\n{'backend':<10} {'rows':>9} {'rows/s':>8}   {'query':<16} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'max ms':>8} {'results':>9}")
    for name, r in results["backends"].items():
        first = True
        for kind, q in r["queries"].items():
            lead = (f"{name:<10} {r['indexing']['rows']:>9,} {r['indexing']['rows_per_second']:>8,}"
                    if first else " " * 28)
            print(f"{lead}   {kind:<16} {q['p50_ms']:>8} {q['p95_ms']:>8} {q['max_ms']:>8} "
                  f"{q['mean_results']:>9}")
            first = False
        for kind, q in r.get("queries_exact", {}).items():
            print(f"{'':28}   {kind + ' (exact)':<16} {q['p50_ms']:>8} {q['p95_ms']:>8} "
                  f"{q['max_ms']:>8} {q['mean_results']:>9}")


if __name__ == "__main__":
    raise SystemExit(main())
