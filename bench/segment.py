"""Segmenting (and cleaning) a 20-page document.

    .venv/bin/python -m bench.segment [--pages 20] [--runs 50]

Builds one long GA-style document in the born-digital text layout of
``corpus.build.render_txt`` from the paragraphs and footnotes of all corpus sources
(about 500 words a page), runs extract -> clean once, then times ``segment`` (the issue's
target: under 100 ms for 20 pages) and, for reference, ``clean``; medians and p95 of
``--runs`` runs in this one process. Writes ``bench/results/segment-<date>.json``.
"""

from __future__ import annotations

import argparse
import time

from bench.common import machine, med, now, pct, table, write_result
from corpus.build import load_sources, render_txt
from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.segment import segment

WORDS_PER_PAGE = 500


def long_document(pages: int) -> dict:
    """One draft whose preamble and operative part hold the corpus's paragraphs, in turn,
    until it reaches ``pages`` pages; footnotes renumbered in order of their markers."""
    import re
    sources = list(load_sources().values())
    doc = dict(sources[0])
    preamble, operative, footnotes = [], [], []
    words = 0
    i = 0
    while words < pages * WORDS_PER_PAGE:
        source = sources[i % len(sources)]
        notes = {f["mark"]: f["text"] for f in source.get("footnotes", [])}
        for section, out in (("preamble", preamble), ("operative", operative)):
            for para in source.get(section, []):
                def renumber(m):
                    text = notes.get(m.group(1))
                    if text is None or m.group(1) == "*":
                        return ""
                    footnotes.append({"mark": str(len(footnotes) + 1), "text": text})
                    return f"[^{len(footnotes)}]"
                text = re.sub(r"\[\^([^\]]+)\]", renumber, para["text"])
                out.append({"text": text} if section == "preamble" else
                           {"number": str(len(out) + 1), "text": text})
                words += len(text.split())
        i += 1
    doc.update(preamble=preamble, operative=operative, footnotes=footnotes)
    return doc


def timed(fn, arg, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn(arg)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    doc = long_document(args.pages)
    text = render_txt(doc, "bench-long")
    extracted = extract(text.encode(), "bench-long.txt")
    cleaned = clean(extracted)
    result = segment(cleaned)
    segment_ms = timed(segment, cleaned, args.runs)
    clean_ms = timed(clean, extracted, max(5, args.runs // 10))
    summary = {
        "date": now(), "machine": machine(), "pages": args.pages, "runs": args.runs,
        "words": len(text.split()), "characters": len(text),
        "paragraphs": [len(result.preamble), len(result.operative), len(result.footnotes)],
        "expected": [len(doc["preamble"]), len(doc["operative"]), len(doc["footnotes"])],
        "segment_ms_median": round(med(segment_ms), 2),
        "segment_ms_p95": round(pct(segment_ms, 0.95), 2),
        "clean_ms_median": round(med(clean_ms), 1),
        "clean_ms_p95": round(pct(clean_ms, 0.95), 1),
    }
    out = write_result("segment", summary, {"segment_ms": segment_ms, "clean_ms": clean_ms})
    print(table(["what", "median ms", "p95 ms"],
                [["segment", summary["segment_ms_median"], summary["segment_ms_p95"]],
                 ["clean", summary["clean_ms_median"], summary["clean_ms_p95"]]]))
    print(f"{summary['words']} words; paragraphs P/O/footnotes {summary['paragraphs']} "
          f"(built {summary['expected']}); written to {out}")


if __name__ == "__main__":
    main()
