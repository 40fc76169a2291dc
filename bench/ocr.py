"""Scanned pages: the pipeline's OCR against Tesseract alone and against OCRmyPDF.

    .venv/bin/python -m bench.ocr [--pages 10] [--dpi 300] [--no-distributed] [--no-ocrmypdf]

Builds an image-only PDF of ``--pages`` pages: the corpus sources rendered like
``corpus.build`` does (tests.docgen.render_pdf), each page degraded like the corpus's
``scan`` variant (blur, skew, noise, specks) but at 300 dpi, pages taken in order until
there are enough. Then, on both cores:

* **tesseract**: the bare floor. The same pages as the pipeline hands them to Tesseract
  (``pipeline.extract._page_image``: here each page is one 300 dpi greyscale JPEG, so its
  decoded pixels; a page needing it is rendered with PDFium, greyscale, 300 dpi) written
  beforehand (not timed) as uncompressed TIFF files (``GrayImage.tiff_header``), then two
  ``tesseract page.tif stdout --dpi 300 -l eng --psm 3 hocr`` processes at a time
  (``OMP_THREAD_LIMIT=1``), the same command and output the pipeline asks for.
* **tesseract, PGM input**: the same with PGM files, the floor of results before
  2026-11-28 (Tesseract reads PGM about 10% slower than TIFF, for the same hOCR).
* **extract**: ``pipeline.extract.extract`` on the PDF bytes (each page's image decoded,
  or the page rendered, and written as a TIFF file; two Tesseract processes page-parallel;
  hOCR parsing, superscript detection), in this process. Its CPU time is also split into
  this process' part (what the pipeline adds) and its Tesseract processes' part.
* **distributed**: the PDF uploaded to a LocalStack (moto S3/SQS, Redis, one worker per
  stage, ``docpipe listen``); upload to indexed, and the extract stage's own time from
  the ledger.
* **ocrmypdf**: ``ocrmypdf --jobs 2 --output-type pdf --optimize 0`` (the pip-installed
  one next to this Python; bench optional dependencies), which rasterises, OCRs and
  writes a PDF with a text layer.

Tesseract, extract and OCRmyPDF run ``--repeat`` times in turn and each keeps its best
time (the load of a shared machine drifts). Pages/s and each one's ratio to Tesseract alone,
in wall time and in CPU seconds (this process and its children: on a shared machine the
CPU ratio is the steadier one), with the load average around the runs. Writes
``bench/results/ocr-<date>.json``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import machine, now, table, write_result

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def scanned_pdf(pages: int, dpi: int = 300, seed: int = 7) -> bytes:
    """An image-only PDF of ``pages`` degraded pages of the corpus sources (repeated when
    the sources have fewer pages)."""
    import random

    import pypdfium2 as pdfium

    from corpus.build import SCAN, load_sources, make_pdf
    from tests.docgen import _degrade_image, images_to_pdf, render_page_image

    rng = random.Random(seed)
    params = {k: v for k, v in SCAN.items() if k != "dpi"}
    sources = list(load_sources().items())
    rendered: list = []
    for stem, doc in sources:
        pdf = make_pdf(doc, stem)
        count = len(pdfium.PdfDocument(pdf))
        for i in range(count):
            rendered.append(_degrade_image(render_page_image(pdf, i, dpi), rng, binarize=False,
                                           rotate=0, **params))
            if len(rendered) >= pages:
                break
        if len(rendered) >= pages:
            break
    images = [rendered[i % len(rendered)] for i in range(pages)]
    return images_to_pdf(images, dpi)


def page_images(pdf: bytes, folder: Path, dpi: int) -> tuple[list[Path], list[Path]]:
    """The pages as the pipeline makes them for Tesseract (``_page_image``), as TIFF files
    (as the pipeline hands them over) and as PGM files."""
    import pypdfium2 as pdfium

    from pipeline.extract import ExtractOptions, _page_image
    document = pdfium.PdfDocument(pdf)
    options = ExtractOptions(ocr_dpi=dpi)
    masks = b"/SMask" in pdf or b"/Mask" in pdf
    tiffs, pgms = [], []
    try:
        for i in range(len(document)):
            page = document[i]
            image = _page_image(page, options, masks)
            page.close()
            tiffs.append(folder / f"p{i:03d}.tif")
            tiffs[-1].write_bytes(image.tiff_header() + image.pixels)
            pgms.append(folder / f"p{i:03d}.pgm")
            pgms[-1].write_bytes(image.pgm())
    finally:
        document.close()
    return tiffs, pgms


def cpu_split() -> tuple[float, float]:
    """CPU seconds of this process (all threads) and of its finished children."""
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def cpu_seconds() -> float:
    return sum(cpu_split())


def run_tesseract(paths: list[Path], dpi: int, workers: int = 2) -> tuple[float, float]:
    """Wall and CPU seconds (the Tesseract processes', and this process' few threads)."""
    def one(path: Path) -> None:
        subprocess.run(["tesseract", str(path), "stdout", "--dpi", str(dpi), "-l", "eng",
                        "--psm", "3", "hocr"], env=ENV, check=True, capture_output=True)
    c0, t0 = cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, paths))
    return time.perf_counter() - t0, cpu_seconds() - c0


def run_extract(pdf: bytes, dpi: int) -> tuple[float, float, dict]:
    from pipeline.extract import ExtractOptions, extract
    (own0, tess0), t0 = cpu_split(), time.perf_counter()
    result = extract(pdf, "bench.scan.pdf", ExtractOptions(ocr_dpi=dpi))
    elapsed, (own1, tess1) = time.perf_counter() - t0, cpu_split()
    methods = [p.method for p in result.pages]
    # The CPU split: what the pipeline adds in this process (decoding or rendering, the
    # TIFF files, hOCR parsing, marker evidence) and its Tesseract processes' own.
    return elapsed, own1 - own0 + tess1 - tess0, {
        "pages": len(result.pages), "ocr_pages": methods.count("ocr"),
        "in_process_cpu_s": round(own1 - own0, 3), "tesseract_cpu_s": round(tess1 - tess0, 3),
        "warnings": result.warnings[:5] if hasattr(result, "warnings") else None}


def run_ocrmypdf(pdf: bytes, folder: Path) -> tuple[float, float] | None:
    exe = Path(sys.executable).parent / "ocrmypdf"
    if not exe.exists():
        return None
    src, dst = folder / "in.pdf", folder / "out.pdf"
    src.write_bytes(pdf)
    c0, t0 = cpu_seconds(), time.perf_counter()
    done = subprocess.run([str(exe), "--jobs", "2", "--output-type", "pdf", "--optimize", "0",
                           "-l", "eng", str(src), str(dst)], env=ENV, capture_output=True,
                          text=True)
    elapsed, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    if done.returncode != 0:
        print("ocrmypdf failed:", done.stderr[-800:], file=sys.stderr)
        return None
    return elapsed, cpu


def run_distributed(pdf: bytes) -> dict:
    import datetime as dt

    from bench.distributed import _wait_indexed
    from tests.stack import LocalStack

    def ts(v):
        return v.replace(tzinfo=dt.timezone.utc).timestamp()

    with tempfile.TemporaryDirectory() as tmp, \
            LocalStack(Path(tmp), bucket="docpipe-bench-ocr") as stack:
        s3, ledger = stack.s3(), stack.ledger()
        time.sleep(3)
        key = "inbox/bench-scan.pdf"
        s3.put_object(Bucket=stack.bucket, Key=key, Body=pdf)
        sent = time.time()
        row = _wait_indexed(ledger, {key}, timeout=1800)[key]
        stages = ledger.stage_rows(row["id"])
        extract = stages.get("extract") or {}
        return {"state": row["state"], "upload_to_indexed_s": ts(row["indexed_at"]) - sent
                if row["indexed_at"] else None,
                "extract_stage_s": ts(extract["finished_at"]) - ts(extract["started_at"])
                if extract.get("finished_at") else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--no-distributed", action="store_true")
    parser.add_argument("--no-ocrmypdf", action="store_true")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each in-process measurement (alternating); best kept")
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        sys.exit("tesseract is not installed")
    import logging

    from docpipe.logs import configure_logging
    configure_logging(json_lines=False, level=logging.WARNING)

    pdf = scanned_pdf(args.pages, args.dpi)
    n = args.pages
    rows, raw = [], {"pdf_bytes": len(pdf), "load_average_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths, pgm_paths = page_images(pdf, tmp, args.dpi)
        # Alternate the runs and keep each one's best: on a shared machine the load drifts,
        # and the fastest run is the one least disturbed by it.
        # Each entry: (wall seconds, CPU seconds).
        bases, pgm_bases, exts, omps, loads, splits = [], [], [], [], [], []
        for _ in range(args.repeat):
            bases.append(run_tesseract(paths, args.dpi))
            pgm_bases.append(run_tesseract(pgm_paths, args.dpi))
            ext, cpu, info = run_extract(pdf, args.dpi)
            exts.append((ext, cpu))
            splits.append({k: info[k] for k in ("in_process_cpu_s", "tesseract_cpu_s")})
            loads.append(os.getloadavg()[0])
            if not args.no_ocrmypdf:
                omp = run_ocrmypdf(pdf, tmp)
                if omp is not None:
                    omps.append(omp)
        raw.update(extract=info, tesseract_runs_s=bases, tesseract_pgm_runs_s=pgm_bases,
                   extract_runs_s=exts, extract_cpu_split=splits, ocrmypdf_runs_s=omps,
                   load_average_1min=loads,
                   load_average_after=os.getloadavg())
        # Best wall time, and the least CPU time of any run (each kept on its own).
        base, ext, pgm = (min(w for w, _ in runs) for runs in (bases, exts, pgm_bases))
        base_cpu, ext_cpu, pgm_cpu = (min(c for _, c in runs) for runs in (bases, exts, pgm_bases))
        rows.append(["tesseract alone (2 at a time, hOCR)", base, n / base, 1.0, base_cpu, 1.0])
        rows.append(["tesseract alone, PGM input (old floor)", pgm, n / pgm, pgm / base,
                     pgm_cpu, pgm_cpu / base_cpu])
        rows.append(["pipeline extract stage (in-process)", ext, n / ext, ext / base, ext_cpu,
                     ext_cpu / base_cpu])
        if omps:
            omp, omp_cpu = min(w for w, _ in omps), min(c for _, c in omps)
            rows.append(["ocrmypdf --jobs 2", omp, n / omp, omp / base, omp_cpu,
                         omp_cpu / base_cpu])
    if not args.no_distributed:
        dist = run_distributed(pdf)
        raw["distributed"] = dist
        if dist.get("extract_stage_s"):
            e = dist["extract_stage_s"]
            rows.append(["distributed: extract stage (ledger)", e, n / e, e / base, None, None])
        if dist.get("upload_to_indexed_s"):
            u = dist["upload_to_indexed_s"]
            rows.append(["distributed: upload to indexed", u, n / u, u / base, None, None])
    summary = {"date": now(), "machine": machine(), "pages": n, "dpi": args.dpi,
               "results": [{"what": r[0], "seconds": round(r[1], 2),
                            "pages_per_s": round(r[2], 3), "ratio_to_tesseract": round(r[3], 3),
                            "cpu_seconds": r[4] and round(r[4], 2),
                            "cpu_ratio_to_tesseract": r[5] and round(r[5], 3)}
                           for r in rows],
               "load_average_1min": [round(v, 2) for v in raw["load_average_1min"]]}
    out = write_result("ocr", summary, raw)
    print(table(["what", "seconds", "pages/s", "x tesseract", "CPU s", "CPU x tesseract"],
                rows))
    print("load average (1 min) before, after each extract run, after: "
          f"{raw['load_average_before'][0]:.2f}, "
          f"{', '.join(f'{v:.2f}' for v in raw['load_average_1min'])}, "
          f"{raw['load_average_after'][0]:.2f}")
    print("extract CPU seconds, in this process / in its Tesseract runs: " + ", ".join(
        f"{s['in_process_cpu_s']:.2f} / {s['tesseract_cpu_s']:.2f}"
        for s in raw["extract_cpu_split"]))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
