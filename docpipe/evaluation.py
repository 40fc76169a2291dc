"""``docpipe eval``: walk a labelled corpus folder and score the pipeline on it.

The scoring itself is ``pipeline.evaluate`` (pure); this module pairs files with their
gold (README's stem rule), reads them, runs inputs in worker processes (OCR is ~2 s a
page), scores the diff golds from the documents the inputs produced, and aggregates
per variant.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from pipeline.evaluate import (DIFF_SUFFIX, GOLD_SUFFIX, diff_plan, diff_scores, evaluate_input,
                               is_input, stem_for, summarise, variant_of)
from pipeline import extract as extract_stage
from pipeline.errors import DocpipeError
from pipeline.extract import ExtractOptions
from pipeline.model import Document, Extracted

# A folder where extraction results are kept between runs, keyed by the input's bytes and the
# extract stage's version: OCR is ~2 s a page, and cleaning or segmenting is what one iterates
# on. Unset (the default), every run extracts again.
EXTRACT_CACHE_ENV = "DOCPIPE_EVAL_EXTRACT_CACHE"

VARIANT_ORDER = ["txt", "pdf", "scan", "scan-hard", "ocr"]


@dataclass
class Corpus:
    golds: dict[str, Path]  # stem -> gold file
    inputs: dict[str, dict[str, Path]]  # stem -> variant -> input file
    diffs: list[Path]
    unmatched: list[Path] = field(default_factory=list)


def scan_corpus(folder: Path) -> Corpus:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    golds = {p.name[:-len(GOLD_SUFFIX)]: p for p in files if p.name.endswith(GOLD_SUFFIX)}
    diffs = [p for p in files if p.name.endswith(DIFF_SUFFIX) and "__" in p.name]
    inputs: dict[str, dict[str, Path]] = defaultdict(dict)
    unmatched = []
    for p in files:
        if not is_input(p.name):
            continue
        stem = stem_for(p.name, golds)
        if stem is None:
            unmatched.append(p)
        else:
            inputs[stem][variant_of(p.name, stem)] = p
    return Corpus(golds, dict(inputs), diffs, unmatched)


@functools.lru_cache(maxsize=1)
def _extract_code() -> str:
    """The extract stage's source, hashed (once a process): part of the cache key, so that a
    change to extraction under way (before its VERSION is bumped) is never hidden by
    results of the code before it."""
    return hashlib.sha256(Path(extract_stage.__file__).read_bytes()).hexdigest()[:12]


def cached_extract(data: bytes, name: str, options: ExtractOptions) -> Extracted | None:
    """The extraction of ``data`` from the cache folder, extracting and storing it on a miss;
    None without a cache folder, or when extraction fails (the caller reports that)."""
    folder = os.environ.get(EXTRACT_CACHE_ENV)
    if not folder:
        return None
    key = hashlib.sha256(data).hexdigest()[:32]
    path = Path(folder) / f"{key}-extract-v{extract_stage.VERSION}-{_extract_code()}.json"
    if path.exists():
        return Extracted.model_validate_json(path.read_text(encoding="utf-8"))
    try:
        extracted = extract_stage.extract(data, name, options)
    except DocpipeError:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(extracted.model_dump_json(), encoding="utf-8")
    tmp.replace(path)
    return extracted


def _job(path: str, stem: str, gold: dict, ocr_workers: int) -> tuple[dict, dict | None]:
    options = ExtractOptions(ocr_workers=ocr_workers)
    data = Path(path).read_bytes()
    row, doc = evaluate_input(data, Path(path).name, gold, stem, options,
                              cached_extract(data, Path(path).name, options))
    return row, doc.model_dump() if doc is not None else None


def variant_key(v: str) -> tuple:
    return (VARIANT_ORDER.index(v) if v in VARIANT_ORDER else len(VARIANT_ORDER), v)


def evaluate_corpus(folder: Path, variants: Iterable[str] | None = None, workers: int = 2,
                    on_row: Callable[[dict], None] | None = None) -> dict:
    """Score every input (of ``variants``, all if None) and every diff gold in ``folder``.

    Returns ``{"inputs": [row...], "diffs": [row...], "summary": {variant: summary},
    "unmatched": [names]}``. ``on_row`` is called with each input row as it completes.
    """
    corpus = scan_corpus(folder)
    wanted = set(variants) if variants else None
    golds = {stem: json.loads(p.read_text(encoding="utf-8")) for stem, p in corpus.golds.items()}
    jobs = [(str(path), stem, golds[stem]) for stem, by_variant in corpus.inputs.items()
            for v, path in by_variant.items() if wanted is None or v in wanted]
    # Scans first: they are the slow ones, so the pool ends evenly.
    jobs.sort(key=lambda j: (not j[0].endswith(".pdf") or Path(j[0]).stat().st_size < 200_000,
                             j[0]))
    rows: list[dict] = []
    docs: dict[tuple[str, str], Document] = {}

    def take(row, dumped):
        rows.append(row)
        if dumped is not None:
            docs[(row["stem"], row["variant"])] = Document.model_validate(dumped)
        if on_row:
            on_row(row)

    if workers <= 1:
        for path, stem, gold in jobs:
            take(*_job(path, stem, gold, 1))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_job, path, stem, gold, 1) for path, stem, gold in jobs]
            for future in as_completed(futures):
                take(*future.result())
    rows.sort(key=lambda r: (variant_key(r["variant"]), r["stem"]))

    diff_rows = []
    for path in corpus.diffs:
        gold = json.loads(path.read_text(encoding="utf-8"))
        old, new = path.name[:-len(DIFF_SUFFIX)].split("__", 1)
        old, new = gold.get("old", old), gold.get("new", new)
        olds = {v for (s, v) in docs if s == old}
        news = {v for (s, v) in docs if s == new}
        for label, ov, nv in diff_plan(olds, news):
            row = {"diff": path.name, "old": old, "new": new, "variant": label,
                   "old_input": corpus.inputs[old][ov].name, "new_input": corpus.inputs[new][nv].name}
            row.update(diff_scores(docs[(old, ov)], docs[(new, nv)], gold))
            diff_rows.append(row)

    def base(label: str) -> str:
        return label.split(":", 1)[0]

    summary = {}
    for v in sorted({r["variant"] for r in rows} | {base(d["variant"]) for d in diff_rows},
                    key=variant_key):
        summary[v] = summarise([r for r in rows if r["variant"] == v],
                               [d for d in diff_rows if base(d["variant"]) == v])
    return {"inputs": rows, "diffs": diff_rows, "summary": summary,
            "unmatched": [p.name for p in corpus.unmatched]}


# --- printing ----------------------------------------------------------------------------------

def _pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def json_lines(result: dict) -> list[dict]:
    """One line per input, one per diff, one summary line per variant."""
    lines = [{"type": "input", **row} for row in result["inputs"]]
    lines += [{"type": "diff", **row} for row in result["diffs"]]
    lines += [{"type": "summary", "variant": v, **s} for v, s in result["summary"].items()]
    return lines


def print_report(result: dict, console, verbose: bool = False) -> None:
    """A rich table per variant (and per-document rows with ``verbose``)."""
    from rich.table import Table

    columns = ["variant", "docs", "raw CER", "clean CER", "corr. prec.", "marker P", "marker R",
               "para F1", "fn-link F1", "meta exact", "diff F1"]
    table = Table(*columns, title="docpipe eval", title_justify="left")
    for v, s in result["summary"].items():
        c = s["corrections"]
        corr = (f"{_num(c['precision'])} ({c['right']}/{c['right'] + c['wrong']})"
                if c["right"] + c["wrong"] else "-")
        diff = s.get("diff")
        table.add_row(v, f"{s['docs']}" + (f" ({s['errors']} err)" if s["errors"] else ""),
                      _pct(s["raw_cer"], 2), _pct(s["clean_cer"], 2), corr,
                      _num(s["markers"]["precision"]), _num(s["markers"]["recall"]),
                      _num(s["paragraphs"]["all"]["f1"]), _num(s["footnote_links"]["f1"]),
                      _pct(s["metadata_exact"], 0),
                      f"{_num(diff['links']['f1'])} ({_num(diff['pairs']['f1'])})" if diff else "-")
    console.print(table)
    console.print("CER pooled over characters; diff F1 with status (without status in brackets); "
                  "fn-link = marker in the right paragraph at the right place.")
    if result.get("unmatched"):
        console.print(f"no gold for: {', '.join(result['unmatched'])}")
    if not verbose:
        return
    docs = Table("input", "raw CER", "clean CER", "corr. prec.", "marker P/R", "paras P/O (gold)",
                 "fn-link F1", "meta exact", "wrong", title="per input", title_justify="left")
    for r in result["inputs"]:
        if "error" in r:
            docs.add_row(r["input"], "", "", "", "", "", "", "", r["error"])
            continue
        c, pc, gc = r["corrections"], r["counts"]["predicted"], r["counts"]["gold"]
        m = r["footnotes"]["pairs"]
        wrong = list(r["metadata_wrong"]) + [f"{w['before']!r}->{w['after']!r} (gold {w['gold']!r})"
                                              for w in c["wrong_examples"][:3]]
        docs.add_row(r["input"], _pct(r["raw_cer"], 2), _pct(r["text_cer"], 2),
                     f"{_num(c['precision'])} ({c['right']}/{c['right'] + c['wrong']})",
                     f"{_num(m['precision'])}/{_num(m['recall'])}",
                     f"{pc['preamble']}/{pc['operative']} ({gc['preamble']}/{gc['operative']})",
                     _num(r["footnotes"]["in_place"]["f1"]), _pct(r["metadata_exact"], 0),
                     "; ".join(wrong))
    console.print(docs)
    if result["diffs"]:
        diffs = Table("diff", "variant", "link P/R/F1", "pair F1", "missed", title="diffs",
                      title_justify="left")
        for d in result["diffs"]:
            l = d["links"]
            diffs.add_row(d["diff"], d["variant"],
                          f"{_num(l['precision'])}/{_num(l['recall'])}/{_num(l['f1'])}",
                          _num(d["pairs"]["f1"]), " ".join(map(str, d["missed"][:4])))
        console.print(diffs)
