"""Build a labelled corpus (inputs + gold) from the hand-written sources in corpus/sources.

    .venv/bin/python -m corpus.build OUT_DIR [--variants txt,pdf,scan,scan-hard,ocr] [--measure]

For every ``corpus/sources/X.gold.json`` this writes ``OUT_DIR/X.gold.json`` and the inputs
asked for (see /work/shared/corpus/README.md for the format):

    X.txt            plain text as a born-digital text file reads: masthead, title, paragraphs,
                     footnotes at the end (markers as plain characters glued to the word)
    X.pdf            tests.docgen.render_pdf: born-digital, real superscripts, page-foot notes
    X.scan.pdf       X.pdf degraded: 200 dpi, blur, ~0.5 degree skew, noise, specks
    X.scan-hard.pdf  harsher: 150 dpi, 1 degree skew, more noise and specks
    X.ocr.txt        Tesseract's plain text of X.scan.pdf (OMP_THREAD_LIMIT=1), pages joined

and copies every ``OLD__NEW.diff.json`` and ``lineage.json``. Everything is deterministic:
fixed seeds per document, and Tesseract is run single-threaded. Documents are built in two
worker processes. ``--measure`` also OCRs the scan-hard variant (in memory only) and prints
the raw OCR character error rate inside paragraphs for both scanned variants.

Generated output never belongs in git: build into a folder outside the tree or one that
.gitignore covers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium
from reportlab import rl_config

from tests.docgen import MARKER, degrade, render_pdf, session_words

SOURCES = Path(__file__).resolve().parent / "sources"
ALL_VARIANTS = ("txt", "pdf", "scan", "scan-hard", "ocr")

# ~2% raw Tesseract CER inside paragraphs (measured with --measure; see the corpus report).
SCAN = dict(dpi=200, blur=0.95, skew_degrees=0.5, noise=18.0, specks=400)
# ~6% (150 dpi, more skew, noise and specks; binarizing on top of this gave ~19%).
SCAN_HARD = dict(dpi=150, blur=0.9, skew_degrees=1.0, noise=25.0, specks=1000)

# Determinism: reportlab stamps the time and a random /ID unless invariant; PIL stamps the
# time in scanned PDFs (same-length substitution keeps the xref offsets right); and PIL's
# effect_noise draws from the C library's rand() (tests.docgen.degrade seeds it).
rl_config.invariant = 1
_FIXED_DATE = b"D:20000101000000Z"


# --- sources -----------------------------------------------------------------------

def stem_of(symbol: str) -> str:
    return symbol.replace("/", "_")


def load_sources(sources: Path = SOURCES) -> dict[str, dict]:
    """stem -> gold dict, in file-name order."""
    return {p.name[:-len(".gold.json")]: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(sources.glob("*.gold.json"))}


def diff_files(sources: Path = SOURCES) -> list[Path]:
    return sorted(sources.glob("*__*.diff.json"))


def is_adopted(doc: dict) -> bool:
    return doc.get("kind") == "resolution" and "/RES/" in (doc.get("symbol") or "")


def resolution_number(doc: dict) -> str | None:
    """"A/RES/61/208" -> "61/208" (printed before the title of an adopted resolution)."""
    parts = (doc.get("symbol") or "").split("/")
    return "/".join(parts[2:4]) if len(parts) >= 4 and parts[1] == "RES" else None


def seed_of(stem: str, salt: str) -> int:
    return zlib.crc32(f"{stem}:{salt}".encode())


def job_number(doc: dict, stem: str) -> str:
    year = str(1945 + int(doc.get("session") or 58))[-2:]
    return f"{year}-{seed_of(stem, 'job') % 90000 + 10000} (E)"


# --- the text variant ----------------------------------------------------------------

WIDTH = 86


def _plain(text: str) -> str:
    """Markers as a text export shows superscripts: the mark glued to the word."""
    return MARKER.sub(lambda m: m.group(1), text)


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def render_txt(doc: dict, stem: str) -> str:
    adopted = is_adopted(doc)
    lines = [f"{'United Nations':<50}{doc.get('symbol') or ''}".rstrip(),
             f"{'General Assembly':<50}Distr.: {'General' if adopted else 'Limited'}",
             f"{'':<50}{doc.get('date') or ''}", "", f"{'':<50}Original: English", ""]
    if doc.get("session"):
        lines.append(f"{session_words(int(doc['session']))} session")
    body = doc.get("body") or ""
    if "," in body:
        lines.append(body.split(",", 1)[1].strip())
    if doc.get("agenda_item"):
        lines.append(f"Agenda item {doc['agenda_item']}")
    lines.append("")
    title = doc.get("title") or ""
    if adopted:
        lines += [f"Resolution adopted by the General Assembly on {doc.get('adopted', '')}".rstrip(), ""]
        if doc.get("report_line"):
            lines += [doc["report_line"], ""]
        if title:
            lines += [f"{resolution_number(doc)}. {title}", ""]
    else:
        sponsors = ", ".join(doc.get("sponsors") or [])
        inline = " ".join(p["text"] for p in doc.get("preamble", []) + doc.get("operative", []))
        star = any(n["mark"] == "*" for n in doc.get("footnotes", [])) and "[^*]" not in inline
        kind = doc.get("kind") or "draft resolution"
        lines += [f"{sponsors}{'*' if star else ''}: {kind}" if sponsors else kind.capitalize(), ""]
        if title:
            lines += [title, ""]
    lines += [doc.get("opening") or "The General Assembly,", ""]
    for p in doc.get("preamble", []):
        lines += _wrap(_plain(p["text"]), " " * 8) + [""]
    for p in doc.get("operative", []):
        head, *subs = _plain(p["text"]).split("\n")
        lines += _wrap(head, f"{' ' * 4}{p['number']}.{' ' * max(1, 4 - len(p['number']))}") + [""]
        for sub in subs:
            lines += _wrap(sub, " " * 8) + [""]
    if doc.get("footnotes"):
        lines += ["", "_" * 20, ""]
        for n in doc["footnotes"]:
            lines += _wrap(n["text"], f"{n['mark']:>3} ", " " * 4)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- the PDF variants ------------------------------------------------------------------

def printed_doc(doc: dict) -> dict:
    """What docgen should print. docgen has no report line or adoption line, so for an
    adopted resolution they are printed as the kind line (two lines, not justified), and
    the title carries the resolution number, as the Official Records print it."""
    if not is_adopted(doc):
        return doc
    out = dict(doc)
    out.pop("sponsors", None)
    kind = f"resolution adopted by the General Assembly on {doc.get('adopted', '')}".rstrip()
    if doc.get("report_line"):
        kind += "\n" + doc["report_line"]
    out["kind"] = kind
    if doc.get("title"):
        out["title"] = f"{resolution_number(doc)}. {doc['title']}"
    return out


def make_pdf(doc: dict, stem: str) -> bytes:
    return render_pdf(printed_doc(doc), job_number=job_number(doc, stem))


def make_scan(pdf: bytes, stem: str, hard: bool = False) -> bytes:
    params = SCAN_HARD if hard else SCAN
    seed = seed_of(stem, "scan-hard" if hard else "scan")
    scan = degrade(pdf, seed=seed, **params)  # degrade seeds PIL's noise (libc rand) too
    return re.sub(rb"/(CreationDate|ModDate) \(D:\d{14}Z\)",
                  lambda m: b"/" + m.group(1) + b" (" + _FIXED_DATE + b")", scan)


def ocr_pdf(pdf: bytes, dpi: int) -> str:
    """Tesseract's plain text of an image-only PDF, one page at a time, single-threaded."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    pages = []
    document = pdfium.PdfDocument(pdf)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(len(document)):
                image = document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                path = os.path.join(tmp, f"p{i}.png")
                image.save(path, dpi=(dpi, dpi))
                out = subprocess.run(["tesseract", path, "-", "--dpi", str(dpi), "-l", "eng"],
                                     env=env, capture_output=True, text=True, check=True).stdout
                pages.append(out.rstrip("\f\n "))
    finally:
        document.close()
    return "\n\n".join(pages) + "\n"


# --- one document ------------------------------------------------------------------------

def build_one(doc: dict, stem: str, out_dir: str, variants: tuple[str, ...],
              measure: bool = False) -> dict:
    out = Path(out_dir)
    (out / f"{stem}.gold.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    result: dict = {"stem": stem}
    if "txt" in variants:
        (out / f"{stem}.txt").write_text(render_txt(doc, stem), encoding="utf-8")
    need_pdf = {"pdf", "scan", "scan-hard", "ocr"} & set(variants) or measure
    if not need_pdf:
        return result
    pdf = make_pdf(doc, stem)
    result["pages"] = len(pdfium.PdfDocument(pdf))
    if "pdf" in variants:
        (out / f"{stem}.pdf").write_bytes(pdf)
    if {"scan", "ocr"} & set(variants) or measure:
        scan = make_scan(pdf, stem)
        if "scan" in variants:
            (out / f"{stem}.scan.pdf").write_bytes(scan)
        if "ocr" in variants or measure:
            text = ocr_pdf(scan, SCAN["dpi"])
            if "ocr" in variants:
                (out / f"{stem}.ocr.txt").write_text(text, encoding="utf-8")
            if measure:
                result["scan"] = paragraph_cer(doc, text)
    if "scan-hard" in variants or measure:
        hard = make_scan(pdf, stem, hard=True)
        if "scan-hard" in variants:
            (out / f"{stem}.scan-hard.pdf").write_bytes(hard)
        if measure:
            result["scan-hard"] = paragraph_cer(doc, ocr_pdf(hard, SCAN_HARD["dpi"]))
    return result


# --- measuring raw OCR ---------------------------------------------------------------------

def paragraph_cer(doc: dict, ocr_text: str) -> dict:
    """Raw OCR errors inside paragraphs, line by line: each OCR line of 25+ characters is
    aligned with the stretch of the gold paragraphs (markers removed, whitespace collapsed)
    it matches best, and counts when it matches at 75% or better, so that page furniture,
    emblem garbage and footnote lines fall out. Errors are edit operations between the line
    and that stretch (a superscript read as ``!`` counts one). Also the crude whole-text
    figure: tests.docgen.body_text against the whole OCR text."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    from tests.docgen import body_text

    paragraphs = [p["text"] for p in doc.get("preamble", [])]
    paragraphs += [f"{p['number']}. {p['text']}" for p in doc.get("operative", [])]
    gold = " | ".join(" ".join(MARKER.sub("", p).split()) for p in paragraphs)
    errors = chars = lines = 0
    for line in ocr_text.splitlines():
        line = " ".join(line.split())
        if len(line) < 25:
            continue
        al = fuzz.partial_ratio_alignment(line, gold)
        if al is None or al.score < 75:
            continue
        # The alignment may clip a character at either end: take the best nearby window.
        best = min((Levenshtein.distance(line, gold[a:b]), b - a)
                   for a in range(max(al.dest_start - 3, 0), al.dest_start + 4)
                   for b in range(al.dest_end - 3, min(al.dest_end + 4, len(gold)) + 1) if b > a)
        errors += best[0]
        chars += best[1]
        lines += 1
    whole_gold = " ".join(body_text(doc).split())
    whole = Levenshtein.distance(whole_gold, " ".join(ocr_text.split())) / max(len(whole_gold), 1)
    return {"errors": errors, "chars": chars, "lines": lines, "whole_text_cer": whole}


# --- the corpus ----------------------------------------------------------------------------

def build(out_dir: str | os.PathLike, variants=ALL_VARIANTS, *, workers: int = 2,
          measure: bool = False, sources: Path = SOURCES) -> list[dict]:
    """Write the corpus to ``out_dir``; returns one result dict per document."""
    variants = tuple(variants)
    unknown = set(variants) - set(ALL_VARIANTS)
    if unknown:
        raise ValueError(f"unknown variants: {sorted(unknown)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs = load_sources(sources)
    for path in diff_files(sources) + [sources / "lineage.json"]:
        if path.exists():
            shutil.copyfile(path, out / path.name)
    jobs = [(doc, stem, str(out), variants, measure) for stem, doc in docs.items()]
    if workers <= 1:
        return [build_one(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(build_one, *zip(*jobs)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpus.build", description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--variants", default=",".join(ALL_VARIANTS),
                    help="comma-separated subset of " + ",".join(ALL_VARIANTS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--measure", action="store_true",
                    help="also OCR scan-hard in memory and print raw OCR CER inside paragraphs")
    args = ap.parse_args(argv)
    variants = tuple(v.strip() for v in args.variants.split(",") if v.strip())
    started = time.monotonic()
    results = build(args.out_dir, variants, workers=args.workers, measure=args.measure)
    elapsed = time.monotonic() - started
    pages = sum(r.get("pages", 0) for r in results)
    print(f"{len(results)} documents, {pages} pages, variants {','.join(variants)}: "
          f"{elapsed:.1f} s -> {args.out_dir}")
    if args.measure:
        for key in ("scan", "scan-hard"):
            errors = sum(r[key]["errors"] for r in results)
            chars = sum(r[key]["chars"] for r in results)
            whole = sum(r[key]["whole_text_cer"] for r in results) / len(results)
            worst = max(results, key=lambda r: r[key]["errors"] / r[key]["chars"])
            print(f"{key:>9}: CER inside paragraphs {errors / chars:.2%} ({errors}/{chars} chars); "
                  f"worst {worst['stem']} {worst[key]['errors'] / worst[key]['chars']:.2%}; "
                  f"whole body_text vs OCR text (furniture, interleaving) {whole:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
