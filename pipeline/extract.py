"""The extract stage: an original's bytes in, its text page by page (``Extracted``) out.

The type is sniffed from the bytes, never from the name:

* ``%PDF-`` -> PDF, read with pypdfium2 page by page. A page with a usable text layer
  becomes ``method="pdf-text"``: lines are rebuilt from character positions (grouped by
  baseline, words split at gaps), with font size and superscript spans. A page without
  one (a scan) or with a garbage layer is rendered at ``ocr_dpi`` and read by Tesseract
  (``method="ocr"``), pages in parallel, one single-threaded Tesseract process each; a
  page that is nothing but one greyscale scan at about ``ocr_dpi`` is not rendered: its
  image, decoded, goes to Tesseract as it is (``_scan_image``).
  Footnote markers on OCR pages are told from the pixels beside each word (a small raised
  glyph cluster); one OCR dropped becomes a superscript ``?`` (``UNKNOWN_MARK``).
* UTF-8 (BOM tolerated) or Windows-1252 text -> one ``method="text"`` page, one line per
  line. Bytes that are not valid UTF-8 are decoded by the fallback in ``_decode_text`` and
  a warning says so.
* anything else -> ``UnsupportedInput``.

Positions are points from the top-left of the page as displayed (after /Rotate).
Every failure is one of ``pipeline.errors``' named exceptions with a readable message.
"""

from __future__ import annotations

import ctypes
import math
import os
import re
import resource
import shutil
import statistics
import struct
import subprocess
import tempfile
import threading
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pydantic import BaseModel, Field

from pipeline.errors import (EmptyDocument, EncryptedPDF, InputTooLarge, MalformedPDF,
                             OCRFailed, UnsupportedInput)
from pipeline.model import Extracted, Line, Page

VERSION = "1"


class ExtractOptions(BaseModel):
    max_bytes: int = Field(200 * 1024 * 1024, ge=1, description="Larger originals are refused.")
    max_pages: int = Field(2000, ge=1)
    max_page_pixels: int = Field(
        100_000_000, ge=1,
        description="A page whose render at ocr_dpi would exceed this is refused (a huge "
                    "MediaBox or a decompression bomb); A4 at 300 dpi is 8.7 million.")
    max_image_pixels: int = Field(
        250_000_000, ge=1,
        description="Images on one page holding more pixels than this are refused before "
                    "anything decodes them (a decompression bomb: a few kilobytes of "
                    "compressed zeros declaring a 50,000 x 50,000 image).")
    max_text_chars: int = Field(
        5_000_000, ge=1,
        description="Longer text inputs are refused: a General Assembly document is a few "
                    "hundred thousand characters at most.")
    ocr_dpi: int = Field(300, ge=300, le=1200)
    ocr_language: str = "eng"
    ocr_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    ocr_psm: int = Field(3, description="Tesseract page segmentation mode; 3 (automatic) "
                         "reads the two-column masthead of page 1 better than 6.")
    ocr_timeout: float = Field(300.0, gt=0, description="Seconds for one page's Tesseract run.")
    ocr_memory_bytes: int = Field(2 * 1024 ** 3, ge=64 * 1024 ** 2,
                                  description="Address-space cap of one Tesseract run (a 300 "
                                              "dpi A4 page needs about 100 MB).")
    tesseract_cmd: str = "tesseract"
    ocr_background_lift: float = Field(
        0.4, ge=0.0, le=1.0,
        description="Before Tesseract reads a scanned page, grey lighter than the ink level "
                    "(Otsu's threshold) plus this share of the way to white becomes white: "
                    "paper noise and specks go, the print keeps its grey edges "
                    "(whiten_background). 0 hands Tesseract the page as rendered.")

    @classmethod
    def from_settings(cls, settings) -> "ExtractOptions":
        """Options from ``config.settings.Settings`` (byte limit, OCR resolution, language,
        paper whitening)."""
        return cls(max_bytes=settings.max_input_bytes, ocr_dpi=max(settings.ocr_dpi, 300),
                   ocr_language=settings.ocr_language,
                   ocr_background_lift=settings.ocr_background_lift)


def extract(data: bytes, name: str, options: ExtractOptions = ExtractOptions()) -> Extracted:
    """Extract the text of ``data`` (an original named ``name``) page by page."""
    if not data:
        raise EmptyDocument(f"{name} is empty (0 bytes).")
    if len(data) > options.max_bytes:
        raise InputTooLarge(f"{name} is {len(data):,} bytes; the limit is "
                            f"{options.max_bytes:,} bytes.")
    if _looks_like_pdf(data):
        return _extract_pdf(data, name, options)
    text, warnings = _decode_text(data, name)
    if len(text) > options.max_text_chars:
        raise InputTooLarge(f"{name} holds {len(text):,} characters of text; the limit is "
                            f"{options.max_text_chars:,} (no General Assembly document is "
                            "that long: is it several documents, or not a document?).")
    if not text.strip():
        raise EmptyDocument(f"{name} contains only whitespace: there is no text to extract.")
    lines = [Line(text=line) for line in re.split(r"\r\n|\r|\n", text)]
    return Extracted(source_name=name, media_type="text/plain",
                     pages=[Page(number=1, method="text", lines=lines)], warnings=warnings)


# --- sniffing and text ---------------------------------------------------------------

_PDF_HEADER_WINDOW = 1024  # readers accept junk before %PDF- within the first kilobyte


def _looks_like_pdf(data: bytes) -> bool:
    pos = data.find(b"%PDF-", 0, _PDF_HEADER_WINDOW)
    if pos < 0:
        return False
    # Prose that merely mentions "%PDF-" stays text: only whitespace, a BOM or binary
    # junk may come before a real header.
    before = data[:pos].lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    return not before or _control_ratio(before.decode("latin-1")) > 0.05


def _control_ratio(text: str) -> float:
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return bad / max(len(text), 1)


def _decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode text bytes; raise UnsupportedInput for binary data.

    Fallback for bytes that are not valid UTF-8: if the file nevertheless holds valid
    multi-byte UTF-8 sequences it is UTF-8 with a few corrupt bytes, decoded with U+FFFD
    for each bad byte; otherwise it is taken as a legacy Windows-1252 file (the usual
    encoding of old Western OCR output), its five undefined bytes becoming U+FFFD.
    """
    warnings: list[str] = []
    if b"\x00" in data:
        raise UnsupportedInput(f"{name} looks like binary data (it contains NUL bytes), "
                               "not a PDF or a text document.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _has_utf8_sequences(data):
            text = data.decode("utf-8-sig", errors="replace")
            bad = text.count("\ufffd")
            warnings.append(f"{name} is not valid UTF-8 (first bad byte at offset "
                            f"{exc.start}); {bad} undecodable byte(s) replaced by U+FFFD.")
        else:
            text = data.decode("cp1252", errors="replace")
            warnings.append(f"{name} is not valid UTF-8 (first bad byte at offset "
                            f"{exc.start}); decoded as Windows-1252 instead.")
    if _control_ratio(text) > 0.01 or text.count("\ufffd") > max(10, len(text) // 20):
        raise UnsupportedInput(f"{name} looks like binary data (control characters or "
                               "undecodable bytes), not a PDF or a text document.")
    return text, warnings


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(data: bytes) -> bool:
    return _UTF8_MULTIBYTE.search(data) is not None


# --- PDF -------------------------------------------------------------------------------

def _extract_pdf(data: bytes, name: str, options: ExtractOptions) -> Extracted:
    document = _open_pdf(data, name)
    try:
        count = len(document)
        if count == 0:
            raise MalformedPDF(f"{name} is a PDF with no pages.")
        if count > options.max_pages:
            raise InputTooLarge(f"{name} has {count} pages; the limit is {options.max_pages}.")
        for index in range(count):
            _check_page_size(document, index, name, options)
        # Streams (images) are never inside object streams, so an image's /SMask or
        # /Mask key is in the file's bytes as written (found in ~5 ms on 20 MB).
        masks = b"/SMask" in data or b"/Mask" in data
        pages, warnings = _read_pages(document, name, options, masks)
    finally:
        document.close()
    if not any(line.text.strip() for page in pages for line in page.lines):
        raise EmptyDocument(f"{name}: no text was found on any of its {count} page(s), "
                            "neither in a text layer nor by OCR.")
    return Extracted(source_name=name, media_type="application/pdf", pages=pages,
                     warnings=warnings)


def _open_pdf(data: bytes, name: str) -> pdfium.PdfDocument:
    # PDFium repairs cut-off files by scanning for objects, silently yielding half a
    # document; an original without its end-of-file marker was cut off in transfer.
    if b"%%EOF" not in data[-4096:]:
        raise MalformedPDF(f"{name} is a truncated PDF: it ends without the %%EOF marker "
                           "(it was probably cut off while being copied).")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # PDFium's error code can be stale (left over from an earlier document), so
        # check the bytes too before blaming a password.
        code = getattr(exc, "err_code", None)
        encrypted = b"/Encrypt" in data
        if re.search(rb"/Count\s+0\b", data) and not re.search(rb"/Count\s+[1-9]", data):
            raise MalformedPDF(f"{name} is a PDF with no pages.") from None
        if code == pdfium_c.FPDF_ERR_PASSWORD and encrypted:
            raise EncryptedPDF(f"{name} is password protected; docpipe cannot open it. "
                               "Ask for an unprotected copy.") from None
        if code == pdfium_c.FPDF_ERR_SECURITY and encrypted:
            raise EncryptedPDF(f"{name} is encrypted with an unsupported security "
                               "handler; docpipe cannot open it.") from None
        raise MalformedPDF(f"{name} cannot be parsed as a PDF ({exc}); the file is "
                           "damaged or not really a PDF.") from None


def _check_page_size(document: pdfium.PdfDocument, index: int, name: str,
                     options: ExtractOptions) -> None:
    width, height = document.get_page_size(index)
    scale = options.ocr_dpi / 72
    pixels = width * scale * height * scale
    if pixels > options.max_page_pixels:
        raise InputTooLarge(
            f"{name}: page {index + 1} is {width / 72:.0f} x {height / 72:.0f} inches; "
            f"rendering it at {options.ocr_dpi} dpi would take {pixels / 1e6:,.0f} million "
            f"pixels (limit {options.max_page_pixels / 1e6:,.0f} million).")
    page = document[index]
    try:
        # Declared sizes only: nothing is decoded, so a bomb is refused before it goes off.
        declared = sum(width * height for width, height in (
            obj.get_px_size() for obj in page.get_objects(
                filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3)))
    finally:
        page.close()
    if declared > options.max_image_pixels:
        raise InputTooLarge(
            f"{name}: page {index + 1} declares images of {declared / 1e6:,.0f} million pixels "
            f"(limit {options.max_image_pixels / 1e6:,.0f} million): a decompression bomb or "
            "a scan at an absurd resolution.")


def _read_pages(document: pdfium.PdfDocument, name: str, options: ExtractOptions,
                masks: bool = True) -> tuple[list[Page], list[str]]:
    """Text-layer pages are read here; scanned ones go to a pool of Tesseract runs.

    ``masks``: whether an image in the file may be masked (see ``_page_image``).
    """
    pages: list[Page | None] = [None] * len(document)
    warnings: list[str] = []
    futures: dict[int, Future] = {}
    # Rendered pages wait in memory for a free Tesseract: bound how many.
    slots = threading.BoundedSemaphore(options.ocr_workers * 2)
    with ThreadPoolExecutor(max_workers=options.ocr_workers) as pool:
        try:
            for index in range(len(document)):
                page = document[index]
                try:
                    lines, verdict, rotation = _text_layer(page)
                    if verdict == "ok":
                        pages[index] = _text_page(page, index + 1, lines, rotation)
                        if rotation != page.get_rotation():
                            warnings.append(f"page {index + 1}: the text runs sideways or "
                                            "upside down as displayed; it was read in its "
                                            f"own orientation (turned {rotation} degrees).")
                        continue
                    if verdict == "garbage":
                        warnings.append(f"page {index + 1}: the text layer is unreadable "
                                        "(garbage characters); OCR was used instead.")
                    if not futures:
                        _check_tesseract(options)
                    # PDFium is not thread-safe: render here, only Tesseract runs in threads.
                    slots.acquire()
                    image = _page_image(page, options, masks)
                finally:
                    page.close()
                futures[index] = pool.submit(_ocr_released, slots, image, index + 1, options)
            for index, future in futures.items():
                pages[index], page_warnings = future.result()
                warnings.extend(page_warnings)
        except BaseException:
            for future in futures.values():
                future.cancel()
            raise
    return [p for p in pages if p is not None], warnings


# --- text layer ------------------------------------------------------------------------

@dataclass
class Glyph:
    char: str
    x0: float  # loose (advance-width) box, display coordinates
    top: float
    x1: float
    bottom: float
    baseline: float
    size: float
    space: bool = False
    superscript: bool = False


_MIN_TEXT_CHARS = 20  # fewer visible characters than this: a scan with a stamp or nothing


def _text_layer(page: pdfium.PdfPage) -> tuple[list[Line], str, int]:
    """The page's lines, a verdict ("ok", "none", "garbage") and the reading rotation.

    Lines are read in the text's own orientation: normally the page as displayed; for a
    page whose text runs sideways on screen, the frame in which it reads left to right.
    """
    textpage = page.get_textpage()
    try:
        chars, unmapped = _chars(textpage)
    finally:
        textpage.close()
    visible = [c for c in chars if not c.char.isspace()]
    if len(visible) < _MIN_TEXT_CHARS:
        return [], "none", 0
    rotation = _text_rotation(visible)
    convert = _frame(page, rotation)
    glyphs = [_glyph(c, convert) for c in chars]
    if _is_garbage([g for g in glyphs if not g.space], unmapped):
        return [], "garbage", rotation
    return _lines_from_glyphs(glyphs), "ok", rotation


def _text_page(page: pdfium.PdfPage, number: int, lines: list[Line], rotation: int) -> Page:
    left, bottom, right, top = page.get_cropbox()
    width, height = right - left, top - bottom
    if rotation in (90, 270):
        width, height = height, width
    return Page(number=number, method="pdf-text", width=round(width, 2),
                height=round(height, 2), lines=lines)


def _frame(page: pdfium.PdfPage, rotation: int):
    """A function mapping PDF user space to top-left coordinates of the page turned
    clockwise by ``rotation`` (the page's /Rotate gives the page as displayed)."""
    left, bottom, right, top = page.get_cropbox()
    width, height = right - left, top - bottom

    def convert(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - left, top - y  # unrotated, from the top-left
        if rotation == 90:
            return height - dy, dx
        if rotation == 180:
            return width - dx, height - dy
        if rotation == 270:
            return dy, width - dx
        return dx, dy

    return convert


@dataclass
class RawChar:
    """A character as PDFium gives it, in PDF user space."""

    char: str
    box: tuple[float, float, float, float]  # loose box: left, bottom, right, top
    origin: tuple[float, float]
    size: float
    angle: float  # radians, counter-clockwise


def _chars(textpage: pdfium.PdfTextPage) -> tuple[list[RawChar], int]:
    """Every character PDFium found, except the spaces and line ends it generated itself."""
    raw = textpage.raw
    chars: list[RawChar] = []
    unmapped = 0
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1:
            unmapped += 1
        char = chr(code) if 0 < code < 0x110000 else "\ufffd"
        if char in "\r\n":
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        # The Tf size ignores scaling in the text matrix (producers that set "1 Tf" and
        # scale by Tm): multiply by the matrix's scale.
        angle = 0.0
        if pdfium_c.FPDFText_GetMatrix(raw, i, matrix):
            size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
            # The direction of the text's x axis (FPDFText_GetCharAngle turns the other way).
            angle = math.atan2(matrix.b, matrix.a)
        chars.append(RawChar(_normalise_char(char), tuple(textpage.get_charbox(i, loose=True)),
                             (ox.value, oy.value), size, angle))
    return chars, unmapped


def _text_rotation(chars: list[RawChar]) -> int:
    """Clockwise turn (0/90/180/270) after which most of the text runs left to right.

    Text drawn at angle A (counter-clockwise, user space) reads upright once the page is
    turned clockwise by A, which is what /Rotate does for a properly made rotated page.
    """
    votes = Counter(round(math.degrees(c.angle) / 90) % 4 * 90 for c in chars)
    return votes.most_common(1)[0][0]


def _glyph(c: RawChar, convert) -> Glyph:
    xa, ya = convert(c.box[0], c.box[1])
    xb, yb = convert(c.box[2], c.box[3])
    _, baseline = convert(*c.origin)
    return Glyph(c.char, min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb), baseline,
                 c.size, space=c.char.isspace())


def _normalise_char(char: str) -> str:
    if char in "\x02\u00ad":  # PDFium's and Unicode's soft hyphen at a line end
        return "-"
    if "\ufb00" <= char <= "\ufb06":  # ligatures: "ﬁ" -> "fi"
        return unicodedata.normalize("NFKC", char)
    return char


def _is_garbage(glyphs: list[Glyph], unmapped: int) -> bool:
    """A text layer from fonts without a usable Unicode map: symbols instead of words."""
    bad = unmapped + sum(1 for g in glyphs if g.char == "\ufffd"
                         or unicodedata.category(g.char[0]) in ("Cc", "Co", "Cn", "Cs"))
    alnum = sum(1 for g in glyphs if g.char.isalnum())
    return bad / len(glyphs) > 0.1 or alnum / len(glyphs) < 0.5


def _lines_from_glyphs(glyphs: list[Glyph]) -> list[Line]:
    rows = _cluster_baselines(glyphs)
    rows = _attach_superscripts(rows)
    rows.sort(key=lambda row: statistics.median(g.baseline for g in row if not g.superscript))
    return [line for row in rows if (line := _line_from_row(row)) is not None]


def _cluster_baselines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs on (nearly) one baseline, whatever order the content stream drew them in."""
    rows: list[list[Glyph]] = []
    anchor = 0.0
    for glyph in sorted(glyphs, key=lambda g: (g.baseline, g.x0)):
        if rows and glyph.baseline - anchor <= 0.2 * glyph.size + 0.5:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
            anchor = glyph.baseline
    return rows


def _row_size(row: list[Glyph]) -> float:
    sizes = [g.size for g in row if not g.space and not g.superscript] or [g.size for g in row]
    return statistics.median(sizes)


def _attach_superscripts(rows: list[list[Glyph]]) -> list[list[Glyph]]:
    """Move rows of smaller, raised glyphs (footnote markers) into the line they sit on."""
    baselines = [statistics.median(g.baseline for g in row) for row in rows]
    sizes = [_row_size(row) for row in rows]
    kept = [True] * len(rows)
    for i, row in enumerate(rows):
        for j in range(i + 1, len(rows)):
            raise_ = baselines[j] - baselines[i]
            if raise_ > 0.7 * sizes[j]:
                break
            if (raise_ > 0.1 * sizes[j] and sizes[i] < 0.85 * sizes[j]
                    and _touches(row, rows[j], sizes[j])):
                for glyph in row:
                    glyph.superscript = True
                rows[j].extend(row)
                kept[i] = False
                break
    return [row for row, keep in zip(rows, kept) if keep]


def _touches(marks: list[Glyph], row: list[Glyph], size: float) -> bool:
    """True when the marks sit right next to (or within) the row's text."""
    x0, x1 = min(g.x0 for g in marks), max(g.x1 for g in marks)
    return any(max(g.x0 - x1, x0 - g.x1) <= 0.5 * size for g in row if not g.space)


def _line_from_row(row: list[Glyph]) -> Line | None:
    glyphs = _dedupe(sorted(row, key=lambda g: g.x0))
    size = _row_size(glyphs)
    text = ""
    spans: list[tuple[int, int]] = []
    previous: Glyph | None = None
    pending_space = False
    for glyph in glyphs:
        if glyph.space:
            pending_space = bool(text)
            continue
        # Justified text stretches letters apart a little and words a lot: a gap wider
        # than a sixth of an em is a word break, a narrower one is not (no "Confere nce").
        if previous is not None and (pending_space or glyph.x0 - previous.x1 > 0.16 * size):
            text += " "
        start = len(text)
        text += glyph.char
        if glyph.superscript:
            if spans and spans[-1][1] == start:
                spans[-1] = (spans[-1][0], len(text))
            else:
                spans.append((start, len(text)))
        previous, pending_space = glyph, False
    if not text:
        return None
    visible = [g for g in glyphs if not g.space]
    return Line(text=text, x0=round(min(g.x0 for g in visible), 2),
                top=round(min(g.top for g in visible), 2),
                x1=round(max(g.x1 for g in visible), 2),
                bottom=round(max(g.bottom for g in visible), 2),
                size=round(size, 2), superscripts=spans)


def _dedupe(glyphs: list[Glyph]) -> list[Glyph]:
    """Drop glyphs drawn twice in place (fake bold, shadows): "TThhee" -> "The"."""
    out: list[Glyph] = []
    for glyph in glyphs:
        if out and glyph.char == out[-1].char and abs(glyph.x0 - out[-1].x0) < 0.1 * glyph.size:
            continue
        out.append(glyph)
    return out


# --- OCR -------------------------------------------------------------------------------

@dataclass
class GrayImage:
    """An 8-bit greyscale raster, rows packed without padding."""

    width: int
    height: int
    pixels: bytes
    dpi: int

    def pgm(self) -> bytes:
        # Tesseract (Leptonica) reads PNM from stdin: no image library needed.
        return b"P5\n%d %d\n255\n" % (self.width, self.height) + self.pixels

    def tiff_header(self) -> bytes:
        """The header of an uncompressed 8-bit greyscale TIFF whose one strip is
        ``pixels``, which follow it unchanged: header + pixels is the file.

        Tesseract reads the same pixels from it as from ``pgm()`` (same hOCR) but
        about 10% faster: Leptonica's PNM reader takes a page byte by byte, and a page
        piped to ``tesseract stdin`` is copied byte by byte before that (another 10%).
        """
        entries = [  # (tag, type: 3 SHORT / 4 LONG, value), in ascending tag order
            (256, 4, self.width), (257, 4, self.height),  # ImageWidth, ImageLength
            (258, 3, 8), (259, 3, 1),  # BitsPerSample 8, Compression none
            (262, 3, 1),  # PhotometricInterpretation: BlackIsZero
            (273, 4, 0),  # StripOffsets: filled in below
            (277, 3, 1), (278, 4, self.height),  # SamplesPerPixel 1, RowsPerStrip: all
            (279, 4, self.width * self.height)]  # StripByteCounts
        data_offset = 8 + 2 + 12 * len(entries) + 4
        out = [b"II*\x00", struct.pack("<IH", 8, len(entries))]
        for tag, kind, value in entries:
            value = data_offset if tag == 273 else value
            out.append(struct.pack("<HHIHH", tag, kind, 1, value, 0) if kind == 3
                       else struct.pack("<HHII", tag, kind, 1, value))
        out.append(struct.pack("<I", 0))  # no next IFD
        return b"".join(out)

    @cached_property
    def array(self) -> np.ndarray:
        """The pixels as a (height, width) array (a view, no copy)."""
        return np.frombuffer(self.pixels, np.uint8).reshape(self.height, self.width)

    def rotated(self, degrees: int) -> "GrayImage":
        """Turned clockwise by 90, 180 or 270 degrees."""
        w, h, px = self.width, self.height, self.pixels
        if degrees == 180:
            return GrayImage(w, h, px[::-1], self.dpi)
        if degrees == 90:
            rows = [px[(h - 1) * w + x::-w] for x in range(w)]
            return GrayImage(h, w, b"".join(rows), self.dpi)
        if degrees == 270:
            rows = [px[w - 1 - x::w] for x in range(w)]
            return GrayImage(h, w, b"".join(rows), self.dpi)
        return self


def _render_gray(page: pdfium.PdfPage, dpi: int) -> GrayImage:
    bitmap = page.render(scale=dpi / 72, grayscale=True, rev_byteorder=False)
    try:
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        raw = bytes(bitmap.buffer)
        channels = bitmap.n_channels
    finally:
        bitmap.close()
    if channels != 1:  # PDFium chose a colour format despite grayscale: take one channel
        raw = bytes(raw[y * stride + x * channels] for y in range(height) for x in range(width))
        stride = width
    if stride != width:
        raw = b"".join(raw[y * stride:y * stride + width] for y in range(height))
    return GrayImage(width, height, raw, dpi)


# A scan's image whose resolution is at most this much above ocr_dpi goes to Tesseract as
# it is; a finer one is rendered down, since Tesseract's time grows with the pixels (a 360
# dpi A4 page cost it ~0.15 s more CPU than the same page at 300 dpi, about what rendering
# it down costs: the break-even).
_SCAN_DPI_SLACK = 1.2


def _page_image(page: pdfium.PdfPage, options: ExtractOptions, masks: bool) -> GrayImage:
    """The page as Tesseract gets it: the scan's own pixels when the page is nothing but
    one greyscale image at (about) ocr_dpi, else the page rendered at ocr_dpi.

    ``masks``: the file names /SMask or /Mask somewhere, so an image may be masked.
    """
    return (None if masks else _scan_image(page, options.ocr_dpi)) \
        or _render_gray(page, options.ocr_dpi)


def _scan_image(page: pdfium.PdfPage, dpi: int) -> GrayImage | None:
    """The page's one full-page greyscale image, decoded but not rendered, when showing
    the page would show exactly that image at ``dpi`` to ``_SCAN_DPI_SLACK`` times it;
    otherwise None (the caller renders the page).

    Rendering a 300 dpi A4 scan costs PDFium ~4 times decoding its image (~0.1 s against
    ~0.025 s of CPU a page), and only resamples it. Anything the renderer would add or
    change sends the page to the renderer: other objects (text, drawings, several
    images), annotations, /Rotate, a rotated, flipped, offset or clipped placement,
    transparency, colour or a /Decode array (PDFium then decodes to colour), or an image
    coarser than ``dpi`` (rendered up to it). Masks (/SMask, /Mask) cannot be seen here
    through PDFium's API: the caller checks the file for them (``_page_image``).
    """
    raw = page.raw
    if (page.get_rotation() or pdfium_c.FPDFPage_CountObjects(raw) != 1
            or pdfium_c.FPDFPage_GetAnnotCount(raw)):
        return None
    image = next(page.get_objects(max_depth=1))
    obj = image.raw
    if image.type != pdfium_c.FPDF_PAGEOBJ_IMAGE or pdfium_c.FPDFPageObj_HasTransparency(obj):
        return None
    a, b, c, d, e, f = image.get_matrix().get()
    left, bottom, right, top = page.get_cropbox()
    pixel = 72 / dpi
    if b or c or a <= 0 or d <= 0 or max(abs(e - left), abs(f - bottom), abs(e + a - right),
                                         abs(f + d - top)) > pixel:
        return None
    if not _clip_keeps(obj, (left, bottom, right, top), pixel):
        return None
    meta = image.get_metadata()
    if meta.colorspace != pdfium_c.FPDF_COLORSPACE_DEVICEGRAY or meta.bits_per_pixel not in (1, 8):
        return None
    width, height = image.get_px_size()
    dpi_x, dpi_y = width * 72 / a, height * 72 / d
    if (abs(dpi_x - dpi_y) > 0.01 * dpi or min(dpi_x, dpi_y) < 0.995 * dpi
            or max(dpi_x, dpi_y) > _SCAN_DPI_SLACK * dpi):
        return None
    # (A bitmap PDFium made for us: freed when the last reference goes, at return;
    # pypdfium2 warns on closing it explicitly.)
    bitmap = image.get_bitmap(render=False)
    if (bitmap.format != pdfium_c.FPDFBitmap_Gray or bitmap.n_channels != 1
            or (bitmap.width, bitmap.height) != (width, height)):
        return None  # a /Decode array or an unusual image: PDFium decoded it to colour
    stride = bitmap.stride
    if stride == width:
        pixels = bytes(bitmap.buffer)
    else:  # drop the row padding in one pass (no per-row Python loop)
        pixels = np.frombuffer(bitmap.buffer, np.uint8).reshape(height, stride)[
            :, :width].tobytes()
    return GrayImage(width, height, pixels, round((dpi_x + dpi_y) / 2))


def _clip_keeps(obj, box: tuple[float, float, float, float], slack: float) -> bool:
    """Whether the object's clipping (if any) leaves the whole ``box`` visible: every clip
    path an axis-aligned rectangle (corner points joined by horizontal and vertical
    edges) containing it."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return True
    left, bottom, right, top = box
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        points = []
        for j in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, i)):
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, i, j)
            if (pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO
                    or not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)):
                return False
            points.append((x.value, y.value))
        if not points:
            return False
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        rectangle = all(min(abs(px - x0), abs(px - x1)) <= slack
                        and min(abs(py - y0), abs(py - y1)) <= slack for px, py in points) \
            and all(abs(p[0] - q[0]) <= slack or abs(p[1] - q[1]) <= slack
                    for p, q in zip(points, points[1:] + points[:1]))
        if not rectangle or x0 > left + slack or y0 > bottom + slack \
                or x1 < right - slack or y1 < top - slack:
            return False
    return True


def _check_tesseract(options: ExtractOptions) -> None:
    if shutil.which(options.tesseract_cmd) is None:
        raise OCRFailed(f"This PDF has scanned pages, which need OCR, but Tesseract "
                        f"('{options.tesseract_cmd}') is not installed: install the "
                        "tesseract-ocr package (Debian/Ubuntu: apt-get install tesseract-ocr "
                        f"tesseract-ocr-{options.ocr_language}).")


def _ocr_released(slots: threading.BoundedSemaphore, image: GrayImage, number: int,
                  options: ExtractOptions) -> tuple[Page, list[str]]:
    try:
        return _ocr_page(image, number, options)
    finally:
        slots.release()


_GOOD_CONFIDENCE = 70.0  # mean word confidence of an upright page is 85-96


def _ocr_page(image: GrayImage, number: int, options: ExtractOptions) -> tuple[Page, list[str]]:
    warnings: list[str] = []
    lines, confidence = _ocr_lines(image, options)
    sideways = _mostly_vertical(lines)
    if confidence < _GOOD_CONFIDENCE or sideways:
        # Poor reading, or lines running down the page: the page was scanned sideways or
        # upside down. Ask Tesseract's orientation detection only now, since it costs
        # another Tesseract run.
        turn = _detect_rotation(image, options)
        if turn:
            turned = image.rotated(turn)
            turned_lines, turned_confidence = _ocr_lines(turned, options)
            # Upright lines are worth a little confidence: their positions mean something.
            upright = sideways and not _mostly_vertical(turned_lines)
            if turned_confidence > confidence - (10 if upright else 0):
                image, lines, confidence = turned, turned_lines, turned_confidence
                warnings.append(f"page {number}: the scan was turned {turn} degrees to read it.")
    if not lines:
        warnings.append(f"page {number}: OCR found no text.")
    elif confidence < _GOOD_CONFIDENCE:
        warnings.append(f"page {number}: low OCR confidence ({confidence:.0f}/100); expect "
                        "recognition errors.")
    to_pt = 72 / image.dpi
    return Page(number=number, method="ocr", width=round(image.width * to_pt, 2),
                height=round(image.height * to_pt, 2), lines=lines), warnings


def _mostly_vertical(lines: list[Line]) -> bool:
    """Tesseract reads a page turned by 90 degrees well, but its lines then run down it."""
    vertical = sum(1 for line in lines if line.bottom - line.top > 2 * (line.x1 - line.x0))
    return vertical > len(lines) / 2


def _image_file(image: GrayImage) -> str | None:
    """The page written as a temporary TIFF file for Tesseract, or None if it cannot be
    written (a full or read-only temporary directory: the page is piped instead)."""
    try:
        fd, path = tempfile.mkstemp(prefix="docpipe-ocr-", suffix=".tif")
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(image.tiff_header())
            file.write(image.pixels)
    except OSError:
        _remove(path)
        return None
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _memory_cap(limit: int):
    """Caps a Tesseract run's address space, so that one pathological page fails alone
    (a named OCRFailed) instead of taking the worker's memory."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return cap


def _run_tesseract(image: GrayImage, args: list[str], options: ExtractOptions) -> str:
    # One thread per Tesseract: with OpenMP threads on top of our own parallelism it is
    # several times slower (field notes).
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    # A file rather than stdin: Tesseract copies stdin byte by byte and reads PNM byte by
    # byte, 20% of its time on a 300 dpi page; the TIFF file reads in one go (same hOCR).
    path = _image_file(image)
    command = [options.tesseract_cmd, path or "stdin", "stdout", "--dpi", str(image.dpi),
               *args]
    try:
        feed = {"stdin": subprocess.DEVNULL} if path else {"input": image.pgm()}
        done = subprocess.run(command, capture_output=True, env=env,
                              timeout=options.ocr_timeout,
                              preexec_fn=_memory_cap(options.ocr_memory_bytes), **feed)
    except FileNotFoundError:
        raise OCRFailed(f"Tesseract ('{options.tesseract_cmd}') is not installed: install "
                        "the tesseract-ocr package.") from None
    except subprocess.TimeoutExpired:
        raise OCRFailed(f"Tesseract took longer than {options.ocr_timeout:.0f} s on one "
                        "page and was stopped.") from None
    finally:
        if path:
            _remove(path)
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "Failed loading language" in stderr or "Error opening data file" in stderr:
            raise OCRFailed(f"Tesseract has no language data for '{options.ocr_language}': "
                            f"install tesseract-ocr-{options.ocr_language}.")
        raise OCRFailed(f"Tesseract failed (exit {done.returncode}): "
                        f"{stderr.strip()[-300:] or 'no message'}")
    return done.stdout.decode("utf-8", "replace")


def _detect_rotation(image: GrayImage, options: ExtractOptions) -> int:
    """Clockwise degrees that make the page upright, per Tesseract OSD; 0 if unsure."""
    try:
        out = _run_tesseract(image, ["--psm", "0"], options)
    except OCRFailed:
        return 0  # no osd.traineddata, or too little text to tell: keep the first reading
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rotate or not confidence or float(confidence.group(1)) < 1.0:
        return 0
    return int(rotate.group(1)) % 360


_XHTML = "{http://www.w3.org/1999/xhtml}"


def whiten_background(image: GrayImage, lift: float) -> GrayImage:
    """The page with its paper made white: every pixel lighter than the ink level (Otsu's
    threshold between print and paper) plus ``lift`` of the way to white becomes white.

    A degraded scan's paper carries noise, specks and show-through that Tesseract's own
    binarisation turns into bits of letters (``psetiba`` for ``following``); the print
    below the level keeps its grey, so anti-aliased edges and thin strokes survive (a
    hard black-and-white threshold loses small raised markers). Measured on our degraded
    scans: clean CER 1.08% -> 0.40% (README, Quality). A page that is not dark print on
    light paper (over 30% ink: a photograph, an inverted page) is left as it is."""
    if lift <= 0:
        return image
    a = image.array
    hist = np.bincount(a[::4, ::4].ravel(), minlength=256).astype(np.float64)
    p = hist / hist.sum()
    below = np.cumsum(p)
    mean_below = np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_below[-1] * below - mean_below) ** 2 / (below * (1 - below))
    between[~np.isfinite(between)] = -1
    level = int(np.argmax(between))
    if between[level] <= 0 or below[level] > 0.3:
        return image
    top = int(level + lift * (255 - level))
    lut = np.arange(256, dtype=np.uint8)
    lut[top + 1:] = 255
    return GrayImage(image.width, image.height, lut[a].tobytes(), image.dpi)


def _ocr_lines(image: GrayImage, options: ExtractOptions) -> tuple[list[Line], float]:
    """Lines from Tesseract's hOCR and the mean word confidence.

    hOCR rather than TSV: it gives each line's baseline and x-height, which tell a raised
    footnote marker from the body text.
    """
    # Tesseract reads the whitened page; the raised-marker evidence later reads the page as
    # rendered (``image``), where a faint superscript's ink is still there.
    read = whiten_background(image, options.ocr_background_lift)
    hocr = _run_tesseract(read, ["-l", options.ocr_language, "--psm", str(options.ocr_psm),
                                 "hocr"], options)
    try:
        root = ET.fromstring(hocr)
    except ET.ParseError as exc:
        raise OCRFailed(f"Tesseract's output could not be read ({exc}).") from None
    lines: list[Line] = []
    confidences: list[float] = []
    for element in root.iter(f"{_XHTML}span"):
        if element.get("class") not in ("ocr_line", "ocr_caption", "ocr_header",
                                        "ocr_textfloat"):
            continue
        line = _ocr_line(element, image, confidences)
        if line is not None:
            lines.append(line)
    confidence = statistics.fmean(confidences) if confidences else 0.0
    return lines, confidence


def _title_fields(element: ET.Element) -> dict[str, list[float]]:
    fields = {}
    for part in (element.get("title") or "").split(";"):
        key, _, values = part.strip().partition(" ")
        try:
            fields[key] = [float(v) for v in values.split()]
        except ValueError:
            continue
    return fields


@dataclass
class OcrWord:
    text: str
    left: int
    top: int
    right: int
    bottom: int


def _ocr_line(element: ET.Element, image: GrayImage, confidences: list[float]) -> Line | None:
    fields = _title_fields(element)
    left, top, right, bottom = (int(v) for v in fields["bbox"])
    slope, offset = (fields.get("baseline") or [0.0, 0.0])[:2]
    x_size = (fields.get("x_size") or [bottom - top])[0]
    words: list[OcrWord] = []
    for span in element.iter(f"{_XHTML}span"):
        if span.get("class") != "ocrx_word":
            continue
        text = "".join(span.itertext()).strip()
        if not text:
            continue
        word_fields = _title_fields(span)
        words.append(OcrWord(text, *(int(v) for v in word_fields["bbox"])))
        confidences.append((word_fields.get("x_wconf") or [0.0])[0])
    if not words:
        return None
    metrics = _LineMetrics.of(fields, x_size)

    def baseline_at(x: float) -> float:
        return bottom + offset + slope * (x - left)

    text = ""
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        if text:
            text += " "
        # Ink right of the word up to the next word (a marker OCR dropped stands there).
        # (None where the next word's box overlaps this one's: the ink there is its own.)
        limit: int | None = words[i + 1].left - 1 if i + 1 < len(words) else image.width
        limit = min(limit, word.right + round(1.2 * metrics.x_height))
        if limit <= word.right:
            limit = None
        base = baseline_at((word.left + word.right) / 2)
        found, word_text = _superscript_spans(word, image, base, x_size, metrics, limit)
        spans += [(len(text) + a, len(text) + b) for a, b in found]
        text += word_text
    to_pt = 72 / image.dpi
    return Line(text=text, x0=round(left * to_pt, 2), top=round(top * to_pt, 2),
                x1=round(right * to_pt, 2), bottom=round(bottom * to_pt, 2),
                size=round(x_size * to_pt * _X_SIZE_TO_POINTS, 1), superscripts=spans)


# Tesseract's x_size (ascender to descender, in pixels) is about 0.9 of the font size.
_X_SIZE_TO_POINTS = 1.12

# What Tesseract makes of a small raised footnote marker glued to a word (field notes).
_MARKER_CHARS = "0123456789!'’‘\"“”°®*™^¹²³⁴⁵⁶⁷⁸⁹⁰†‡§|?>+"
_MARKER_TOKEN = re.compile(rf"[{re.escape(_MARKER_CHARS)}]{{1,3}}")
_TRAILING_MARKER = re.compile(rf"(?P<mark>[{re.escape(_MARKER_CHARS)}]+)(?P<punct>[,;:.)]?)$")
_QUOTE_LIKE = set("'’‘\"“”`")
# The glyph standing for a raised mark the image shows but OCR read nothing for: cleaning
# treats a superscript "?" from OCR as a mark of unknown number, and drops it when the
# footnote numbering has no place for it (a raised "?" is never a question mark).
UNKNOWN_MARK = "?"
# A word a dropped marker may follow: it ends in a letter, a digit or punctuation.
_MARK_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9]*[,;:.)”’]{0,2}$")


@dataclass
class _LineMetrics:
    """A text line's vertical metrics in pixels (from hOCR's x_size, x_ascenders, x_descenders)."""

    x_height: float
    ascender: float  # ascender (cap) height above the x-height line
    descender: float

    @classmethod
    def of(cls, fields: dict[str, list[float]], x_size: float) -> "_LineMetrics":
        ascender = (fields.get("x_ascenders") or [0.25 * x_size])[0]
        descender = (fields.get("x_descenders") or [0.2 * x_size])[0]
        x_height = x_size - ascender - descender
        if x_height < 0.3 * x_size:  # implausible metrics (a line of capitals, a rule)
            x_height, ascender, descender = 0.5 * x_size, 0.25 * x_size, 0.25 * x_size
        return cls(x_height, ascender, descender)

    @property
    def cap_height(self) -> float:
        return self.x_height + self.ascender


@dataclass
class InkRun:
    """A run of inked columns: its columns and its lowest and highest ink rows (pixels)."""

    left: int
    right: int
    low: int
    high: int
    ink: int


def _ink_runs(image: GrayImage, x0: int, x1: int, y0: int, y1: int,
              threshold: int = 150, x_height: float = 0,
              floor: int | None = None, reverse: bool = False) -> Iterator[InkRun]:
    """Runs of inked columns in the box [x0, x1) x [y0, y1), left to right (right to left
    with ``reverse``), each measured only when the caller asks for the next one."""
    x0, x1 = max(x0, 0), min(x1, image.width)
    y0, y1 = max(y0, 0), min(y1, image.height)
    if x1 <= x0 or y1 <= y0:
        return
    ink = image.array[y0:y1, x0:x1] < threshold
    cols = np.concatenate(([False], ink.any(axis=0), [False]))
    edges = np.flatnonzero(cols[1:] != cols[:-1]).tolist()
    spans = list(zip(edges[::2], edges[1::2]))  # [start, stop) of each run of columns
    bottom = ink.shape[0] if floor is None else floor - y0
    for start, stop in reversed(spans) if reverse else spans:
        block = ink[:, start:stop]
        low, high = _extent(block.sum(axis=1), x_height, bottom)
        yield InkRun(x0 + start, x0 + stop - 1, y0 + low, y0 + high, int(block.sum()))


def _extent(profile: np.ndarray, x_height: float, floor: int) -> tuple[int, int]:
    """Lowest and highest inked row of a run from its row profile, without a speck of
    noise under a raised glyph: a short bottom piece, well apart from the ink above and
    lighter than it, reaching row ``floor`` (a "¹" with a dot of noise on the baseline
    under it)."""
    rows = np.flatnonzero(profile)
    if x_height > 0:
        pieces = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
        if len(pieces) > 1:
            last, above = pieces[-1], np.concatenate(pieces[:-1])
            if (last[-1] >= floor and last[-1] - last[0] + 1 <= 0.3 * x_height
                    and last[0] - above[-1] > 0.25 * x_height
                    and profile[last].sum() < 0.6 * profile[above].sum()):
                rows = above
    return int(rows[-1]), int(rows[0])


def raised_tail(image: GrayImage, x0: int, x1: int, baseline: float,
                metrics: _LineMetrics) -> tuple[list[InkRun], InkRun | None]:
    """The raised ink at the right end of [x0, x1): the runs after the last one that
    comes down to the baseline (a letter, a comma), noise specks ignored; and that run."""
    xh = metrics.x_height
    top = round(baseline - metrics.cap_height - 0.45 * xh)  # not the line above's descenders
    # Right to left, and only as far as the first grounded run: most of a word's runs
    # are never looked at.
    runs = _ink_runs(image, x0, x1, top, round(baseline + metrics.descender),
                     x_height=xh, floor=round(baseline - 0.3 * xh), reverse=True)
    tail: list[InkRun] = []
    # Ink going on past x1 is the next word's (its box may start a few columns into its
    # first letter's grey edge): a grounded run cut there is no letter of this word.
    past = image.array[max(top, 0):round(baseline + metrics.descender), x1:x1 + 1]
    cut = x1 < image.width and bool((past < 150).any())
    for run in runs:
        if cut and run.right == x1 - 1 and run.low >= baseline - 0.3 * xh:
            cut = False
            continue
        cut = False
        if run.ink < max(4, 0.01 * xh * xh):
            continue  # noise
        if run.high >= baseline - 0.1 * xh and run.low - run.high < 0.3 * xh:
            continue  # a speck under the line (no letter, comma or stop lies wholly below it)
        if run.low >= baseline - 0.3 * xh:
            return _without_specks(tail[::-1], xh), run
        tail.append(run)
    return _without_specks(tail[::-1], xh), None


def _without_specks(runs: list[InkRun], x_height: float) -> list[InkRun]:
    """The raised runs without specks of noise after them (``1946,¹ ·``): runs right of the
    biggest one with under a quarter of its ink, half an x-height or more from it. (Pieces
    left of it stay: a faint glyph's broken strokes before a mark tell it is no mark.)"""
    if len(runs) < 2:
        return runs
    big = max(range(len(runs)), key=lambda k: runs[k].ink)
    keep = runs[:big + 1]
    for run in runs[big + 1:]:
        if run.ink >= 0.25 * runs[big].ink or run.left - keep[-1].right < 0.5 * x_height:
            keep.append(run)
        else:
            break
    return keep


def marker_shaped(runs: list[InkRun], baseline: float, metrics: _LineMetrics) -> bool:
    """A footnote marker's shape: one small raised glyph cluster (one or two digits, a
    symbol) whose top is well above the x-height line and whose height is well below the
    cap height, but not a speck or a quote mark (those are about a third as tall)."""
    if not runs:
        return False
    xh = metrics.x_height
    height = max(r.low for r in runs) - min(r.high for r in runs) + 1
    width = max(r.right for r in runs) - min(r.left for r in runs) + 1
    return (0.5 * xh <= height <= 0.85 * metrics.cap_height
            and baseline - min(r.high for r in runs) >= 1.2 * xh
            and baseline - max(r.low for r in runs) >= 0.45 * xh
            and width <= 1.4 * xh)


def _at_half_contrast(image: GrayImage, runs: list[InkRun], baseline: float,
                      metrics: _LineMetrics) -> list[InkRun]:
    """The raised runs as one cluster measured at half its own contrast: where the ink is
    darker than halfway from the paper to the cluster's darkest pixel (rows with two such
    pixels). A faint scan's thin strokes (the stem of a "7", the diagonal of a "2") stay
    lighter than the fixed ink threshold that the glyph's heavy part passes, and the
    glyph looks a quote mark's height. The runs as they are when that level is no lighter
    than the threshold, or the ink goes on down to the line's letters (no raised glyph)."""
    if not runs:
        return runs
    xh = metrics.x_height
    x0, x1 = runs[0].left, runs[-1].right + 1
    top = max(round(baseline - metrics.cap_height - 0.45 * xh), 0)
    floor = round(baseline - 0.3 * xh)
    a = image.array
    box = a[top:floor, x0:x1]
    if box.size == 0:
        return runs
    margin = round(xh)
    paper = float(np.median(a[top:floor, max(x0 - margin, 0):x1 + margin]))
    level = (paper + float(box.min())) / 2
    if level <= 150:
        return runs
    inked = (box < level).sum(axis=1) >= 2
    high = min(r.high for r in runs) - top
    low = max(r.low for r in runs) - top
    while high > 0 and inked[high - 1]:
        high -= 1
    while low + 1 < len(inked) and inked[low + 1]:
        low += 1
    if low + 1 >= len(inked):
        return runs  # it reaches down to the letters
    return [InkRun(x0, x1 - 1, top + low, top + high, sum(r.ink for r in runs))]


def _quote_then_mark(tail: list[InkRun], baseline: float, metrics: _LineMetrics) -> bool:
    """The raised ink is a quote mark and a marker after it (``Systems”²``): short runs
    (under 0.45 x-height, a quote's strokes) at the marker's top, apart from a
    marker-shaped cluster right of them."""
    xh = metrics.x_height
    for k in range(1, len(tail)):
        lead, mark = tail[:k], tail[k:]
        if (all(r.low - r.high + 1 < 0.45 * xh
                and abs(r.high - min(m.high for m in mark)) <= 0.3 * xh for r in lead)
                and mark[0].left - lead[-1].right >= 0.15 * xh
                and marker_shaped(mark, baseline, metrics)):
            return True
    return False


def _letter_shaped(run: InkRun, punct: str, metrics: _LineMetrics) -> bool:
    """The run is a letter's rather than the punctuation ``punct``'s: a period or comma is
    short, a colon or semicolon narrow."""
    xh = metrics.x_height
    if punct in ".,":
        return run.low - run.high + 1 >= 0.7 * xh
    return run.right - run.left + 1 >= 0.3 * xh


_NUMBER_MARK = re.compile(r"^\d+(?P<mark>[^\w\s,;:.)]{1,2})(?P<punct>[,;:.)]?)$")


def _superscript_spans(word: OcrWord, image: GrayImage, baseline: float, x_size: float,
                       metrics: _LineMetrics | None = None,
                       limit: int | None = None) -> tuple[list[tuple[int, int]], str]:
    """The spans of the word's text set as raised markers and the word's text (with
    ``UNKNOWN_MARK`` appended where the image shows a marker OCR dropped).

    ``limit``: the column where the next word starts (the ink up to it is looked at for
    a dropped marker); None to look at the word's own box only.
    """
    metrics = metrics or _LineMetrics(0.5 * x_size, 0.25 * x_size, 0.25 * x_size)
    may_add = limit is not None
    limit = word.right + 1 if limit is None else max(limit, word.right + 1)
    text = word.text
    height = word.bottom - word.top
    if (word.bottom < baseline - 0.25 * x_size and height < 0.7 * x_size
            and _MARKER_TOKEN.fullmatch(text)):
        # A small raised token of its own (not a speck: "." "~"). A quote mark's reading
        # must have a marker's shape: specks and stray quotes are a third as tall.
        if all(ch in _QUOTE_LIKE for ch in text):
            runs, _ = raised_tail(image, word.left - 1, word.right + 2, baseline, metrics)
            if runs and max(r.low for r in runs) - min(r.high for r in runs) + 1 \
                    < 0.45 * metrics.x_height:
                return [], text
        return [(0, len(text))], text
    tail, before = raised_tail(image, word.left, limit, baseline, metrics)
    shaped = marker_shaped(tail, baseline, metrics) or marker_shaped(
        _at_half_contrast(image, tail, baseline, metrics), baseline, metrics)
    if shaped and before is None and text in (":", ";"):
        # A colon OCR read apart from any word, with no ink on the baseline (a colon's
        # lower dot sits there) and a marker's raised shape: OCR's reading of a marker.
        return [(0, len(text))], text
    if shaped and before is not None and text[-1] in ".,;:" and len(text) > 1 \
            and text[-2].isalpha() and _letter_shaped(before, text[-1], metrics):
        # The word's last ink is a letter and a raised mark, yet OCR read punctuation at
        # its end: the punctuation is its reading of the mark ("Rights¹" -> "Rights:").
        return [(len(text) - 1, len(text))], text
    match = _TRAILING_MARKER.search(text)
    if match and match.start() == 0 and shaped and not match.group("punct") \
            and _MARKER_TOKEN.fullmatch(text) and not text.isdigit():
        # A mark OCR read apart from the word it follows (``Convention, ' if``), its
        # box stretched by a speck under the line: the raised ink has a marker's shape.
        return [(0, len(text))], text
    if match and (match.start() == 0 or len(match.group("mark")) > 3):
        # A longer run is a number ("1994"), not a marker; a symbol after it may be one.
        match = _NUMBER_MARK.search(text) if shaped else None
    spans: list[tuple[int, int]] = []
    if match:
        # A marker glued to a word: one to three odd characters after the word proper
        # ("Cairo,!", "Morocco’:").
        mark, punct = match.group("mark"), match.group("punct")
        glued = (match.start("mark"), match.end("mark"))
        if (shaped and not punct and may_add and match.end("mark") == len(text)
                and all(ch in _QUOTE_LIKE for ch in mark)
                and _quote_then_mark(tail, baseline, metrics)):
            # OCR read the quote and dropped the marker after it: the marker is unknown.
            return [(len(text), len(text) + len(UNKNOWN_MARK))], text + UNKNOWN_MARK
        if shaped and not punct:
            return [glued], text
        quote = all(ch in _QUOTE_LIKE for ch in mark)
        # At the word's end a quote reading must be marker-shaped (a closing quote or a
        # speck is not); before punctuation ("Morocco’:") the ink is judged on its own.
        if not (quote and not punct) and _raised_in_word(image, word, match, baseline, x_size):
            spans.append(glued)
        if not (shaped and punct):
            return spans, text
        # Raised ink after the punctuation: a marker OCR dropped ("economy”;⁴").
    if (shaped and may_add and _MARK_HOST.search(text)
            and (not text[-1].isalnum() or tail[0].left >= word.right - 0.1 * metrics.x_height)):
        # OCR read nothing for a small raised glyph right after the word: expose it as a
        # marker of unknown number for the footnote numbering to place. After a letter it
        # must lie outside the word's box (inside, it is a letter's part: the hook of an f).
        return spans + [(len(text), len(text) + len(UNKNOWN_MARK))], text + UNKNOWN_MARK
    return spans, text


def _raised_in_word(image: GrayImage, word: OcrWord, match: re.Match, baseline: float,
                    x_size: float) -> bool:
    """Whether the ink of the matched marker characters sits above the rest of the word
    (or "5-13" would lose its "13")."""
    blobs = _ink_blobs(image, word)
    skip = 1 if match.group("punct") else 0
    marks = blobs[skip:skip + len(match.group("mark"))]
    rest = blobs[skip + len(match.group("mark")):]
    reference = statistics.median(low for low, _ in rest) if len(rest) >= 2 else baseline
    return any(low < reference - 0.3 * x_size and low - high < 0.75 * x_size
               for low, high in marks)


_INK = bytes(1 if v < 128 else 0 for v in range(256))


def _ink_blobs(image: GrayImage, word: OcrWord) -> list[tuple[int, int]]:
    """(lowest, highest) ink row of each run of inked columns in the word, right to left."""
    width = image.width
    top = max(word.top - 2, 0)
    bottom = min(word.bottom + 2, image.height - 1)
    runs: list[list[int]] = []
    in_run = False
    for x in range(min(word.right, width - 1), max(word.left, 0) - 1, -1):
        column = image.pixels[top * width + x:(bottom + 1) * width + x:width].translate(_INK)
        first = column.find(1)
        if first < 0:
            in_run = False
            continue
        last = column.rfind(1)
        if in_run:
            runs[-1][0] = max(runs[-1][0], top + last)
            runs[-1][1] = min(runs[-1][1], top + first)
        else:
            runs.append([top + last, top + first])
            in_run = True
    return [(low, high) for low, high in runs]
