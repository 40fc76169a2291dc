"""Memory: peak RSS of each stage's work, each in a fresh subprocess.

    .venv/bin/python -m bench.memory [--pages 100] [--skip-typical]

Each stage function runs in its own Python process (``python -m bench.memory --child
STAGE IN OUT``), which imports what a worker imports (``workers.tasks``), records its
peak RSS (``VmHWM``) after the imports, runs the stage on the previous stage's
artifact and records the peak RSS again. Tesseract's processes are counted apart: one
run measured on its own from a small Python (``RUSAGE_CHILDREN``). So a row is what one
worker process of that type needs at the peak of that task, on top of nothing else.

Inputs: a ``--pages``-page scanned PDF (the pages of bench.ocr.scanned_pdf, degraded at
300 dpi, repeated) for extract; clean, segment, diff and index then run on the text that
scan gave. Diff aligns the document against two archived versions of itself (itself, and
itself with every seventh paragraph dropped); index writes its rows into a fresh SQLite
index. ``--skip-typical`` leaves out the second series: one ordinary text document
(tests/data) through the same five stages. Writes ``bench/results/memory-<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, machine, now, table, write_result

STAGES = ("extract", "clean", "segment", "diff", "index")


def _mib(kb: int) -> float:
    return round(kb / 1024, 1)


def _peak_kb() -> int:
    """This process's peak RSS (VmHWM). Not ``ru_maxrss``: Linux carries that across fork
    and exec, so a child of a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


_TESSERACT_PROBE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
                    "capture_output=True); "
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def tesseract_peak_kb(pdf: Path, folder: Path) -> int:
    """Peak RSS of one Tesseract run on the scan's first page, as the pipeline runs it
    (hOCR, one thread), measured from a small Python so that nothing big is inherited."""
    from bench.ocr import page_images
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(pdf.read_bytes())
    first = pdfium.PdfDocument.new()
    first.import_pages(document, [0])
    import io
    buf = io.BytesIO()
    first.save(buf)
    tiffs, _ = page_images(buf.getvalue(), folder, 300)
    page = tiffs[0]
    done = subprocess.run([sys.executable, "-c", _TESSERACT_PROBE, "tesseract", str(page),
                           "stdout", "--dpi", "300", "-l", "eng", "--psm", "3", "hocr"],
                          capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "OMP_THREAD_LIMIT": "1"})
    return int(done.stdout.strip())


def child(stage: str, src: Path, dst: Path) -> None:
    import workers.tasks  # noqa: F401  what a worker process has loaded before its first task
    from pipeline import clean, diff, extract, index, segment
    from pipeline.model import Cleaned, DiffResult, Document, Extracted
    base = _peak_kb()
    t0 = time.perf_counter()
    if stage == "extract":
        data = src.read_bytes()
        out = extract.extract(data, src.name, extract.ExtractOptions(ocr_dpi=300))
        dst.write_text(out.model_dump_json())
    elif stage == "clean":
        out = clean.clean(Extracted.model_validate_json(src.read_text()))
        dst.write_text(out.model_dump_json())
    elif stage == "segment":
        out = segment.segment(Cleaned.model_validate_json(src.read_text()))
        dst.write_text(out.model_dump_json())
    elif stage == "diff":
        doc = Document.model_validate_json(src.read_text())
        shorter = doc.model_copy(deep=True)
        shorter.operative = [p for i, p in enumerate(shorter.operative) if i % 7 != 3]
        shorter.preamble = [p for i, p in enumerate(shorter.preamble) if i % 7 != 3]
        result = diff.diff_against_archive(doc, [("same", doc.model_copy(deep=True)),
                                                 ("shorter", shorter)])
        dst.write_text(json.dumps({"document": doc.model_dump(mode="json"),
                                   "diff": result.model_dump(mode="json")}))
    elif stage == "index":
        from docpipe.search_index import open_index
        both = json.loads(src.read_text())
        doc = Document.model_validate(both["document"])
        result = DiffResult.model_validate(both["diff"])
        idx = open_index(f"sqlite:///{dst.with_suffix('.db')}")
        rows = index.index_rows("bench", doc, result)
        idx.replace("bench", rows)
        idx.close()
        dst.write_text("{}")
    elapsed = time.perf_counter() - t0
    print(json.dumps({"stage": stage, "baseline_kb": base, "peak_kb": _peak_kb(),
                      "seconds": elapsed}))


def run_series(first_input: Path, folder: Path, label: str) -> list[dict]:
    rows, src = [], first_input
    for stage in STAGES:
        dst = folder / f"{label}.{stage}.json"
        done = subprocess.run([sys.executable, "-m", "bench.memory", "--child", stage,
                               str(src), str(dst)], cwd=ROOT, capture_output=True, text=True,
                              env={**__import__("os").environ, "OMP_THREAD_LIMIT": "1"})
        if done.returncode != 0:
            raise RuntimeError(f"{stage} failed:\n{done.stderr[-2000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["input_bytes"] = src.stat().st_size
        result["label"] = label
        rows.append(result)
        print(f"{label} {stage}: peak {_mib(result['peak_kb'])} MiB "
              f"({result['seconds']:.1f} s)", flush=True)
        src = dst
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--skip-typical", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "IN", "OUT"))
    args = parser.parse_args()
    if args.child:
        stage, src, dst = args.child
        child(stage, Path(src), Path(dst))
        return
    from bench.ocr import scanned_pdf
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_typical:
            typical = sorted((ROOT / "tests" / "data").glob("*.txt"))[0]
            results += run_series(typical, tmp, "text")
        scan = tmp / "scan.pdf"
        scan.write_bytes(scanned_pdf(args.pages))
        results += run_series(scan, tmp, f"scan-{args.pages}p")
        tesseract_kb = tesseract_peak_kb(scan, tmp)
    summary = {"date": now(), "machine": machine(), "pages": args.pages,
               "rows": [{"input": r["label"], "stage": r["stage"],
                         "input_mib": round(r["input_bytes"] / 2**20, 2),
                         "baseline_mib": _mib(r["baseline_kb"]), "peak_mib": _mib(r["peak_kb"]),
                         "seconds": round(r["seconds"], 2)} for r in results],
               "tesseract_process_peak_mib": _mib(tesseract_kb),
               "note": "extract runs two Tesseract processes at a time (one per core) "
                       "besides its own peak"}
    out = write_result("memory", summary)
    print(table(["input", "stage", "input MiB", "after imports MiB", "peak RSS MiB",
                 "seconds"],
                [[r["input"], r["stage"], r["input_mib"], r["baseline_mib"], r["peak_mib"],
                  r["seconds"]] for r in summary["rows"]]))
    print(f"one Tesseract process (300 dpi page, hOCR): peak {_mib(tesseract_kb)} MiB; "
          "extract runs two at a time")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
