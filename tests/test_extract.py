"""The extract stage on real PDFs made here: born-digital, scanned, and broken ones."""

from __future__ import annotations

import io
import os
import random
import re
import time
from collections import Counter

import pypdfium2 as pdfium
import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from pipeline.errors import (DocpipeError, EmptyDocument, EncryptedPDF, InputTooLarge,
                             MalformedPDF, OCRFailed, UnsupportedInput)
from pipeline.extract import VERSION, ExtractOptions, Glyph, _is_garbage, extract
from tests import docgen


def long_document() -> dict:
    """The sample with more operative paragraphs, so that it runs to a second page."""
    doc = docgen.sample_document()
    text = doc["operative"][1]["text"]
    doc["operative"] += [{"number": str(n), "text": text} for n in range(4, 14)]
    doc["operative"].append({"number": "14", "text": "Decides to include in the provisional "
                             "agenda of its fifty-ninth session the item entitled "
                             "\"International migration and development\".[^4]"})
    doc["footnotes"].append({"mark": "4", "text": "See A/58/98, annex."})
    return doc


@pytest.fixture(scope="module")
def doc() -> dict:
    return long_document()


@pytest.fixture(scope="module")
def pdf(doc) -> bytes:
    return docgen.render_pdf(doc)


@pytest.fixture(scope="module")
def extracted(pdf):
    return extract(pdf, "A_C.2_58_L.37.pdf")


def without_superscripts(page_lines) -> str:
    """The text with marker spans cut out, as cleaning will see the body."""
    out = []
    for line in page_lines:
        text = line.text
        for start, end in sorted(line.superscripts, reverse=True):
            text = text[:start] + text[end:]
        out.append(text)
    return "\n".join(out)


def word_accuracy(reference: str, text: str) -> float:
    """Share of the reference's words found in the text (as a multiset: footnotes are
    printed mid-document, the reference lists them last)."""
    ref, got = Counter(reference.split()), Counter(text.split())
    return sum((ref & got).values()) / sum(ref.values())


def find_line(extracted, fragment):
    for page in extracted.pages:
        for line in page.lines:
            if fragment in line.text:
                return page, line
    raise AssertionError(f"no line with {fragment!r}")


def readable(exc: DocpipeError, *words: str) -> None:
    message = str(exc)
    assert 20 < len(message) < 400, message
    assert "Traceback" not in message and "\n" not in message
    for word in words:
        assert word.lower() in message.lower(), message


# --- born-digital -------------------------------------------------------------------

def test_version_and_defaults():
    assert VERSION == "1"
    options = ExtractOptions()
    assert options.ocr_dpi >= 300 and options.ocr_workers >= 1 and options.max_pages == 2000


def test_born_digital_words_come_out_whole(doc, extracted):
    assert extracted.media_type == "application/pdf"
    assert [p.method for p in extracted.pages] == ["pdf-text", "pdf-text"]
    body = "\n".join(without_superscripts(p.lines) for p in extracted.pages)
    assert word_accuracy(docgen.body_text(doc), body) == 1.0
    vocabulary = set(docgen.body_text(doc).split()) | {"draft", "resolution"}
    split = [w for w in body.split() if w not in vocabulary and w.isalpha() and w.islower()]
    assert not split, f"words not in the document (split words?): {split}"


def test_superscript_markers_are_flagged(extracted):
    _, line = find_line(extracted, "adopted at Cairo,1 in particular")
    assert [line.text[a:b] for a, b in line.superscripts] == ["1"]
    _, line = find_line(extracted, "Morocco*: draft resolution")
    assert [line.text[a:b] for a, b in line.superscripts] == ["*"]
    _, line = find_line(extracted, "Secretary-General;3")
    assert line.text[line.superscripts[0][0]:line.superscripts[0][1]] == "3"
    # Ordinary digits are not markers.
    _, line = find_line(extracted, "49/127 of 19 December 1994")
    assert line.superscripts == []


def test_footnotes_are_small_and_at_the_foot(extracted):
    page, body = find_line(extracted, "Recalling also its resolutions")
    _, note = find_line(extracted, "Report of the International Conference on Population")
    assert note.text.startswith("1 Report")
    assert note.superscripts == [(0, 1)]
    assert note.size < body.size and body.size == pytest.approx(10, abs=0.2)
    assert note.size == pytest.approx(8, abs=0.2)
    assert note.top > page.height * 0.75 > body.top
    assert 0 <= body.x0 < body.x1 <= page.width and body.top < body.bottom


def test_running_header_and_job_number(extracted):
    page1, job = find_line(extracted, "03-61234 (E)")
    assert page1.number == 1 and job.top > page1.height - 72
    page2 = extracted.pages[1]
    assert page2.lines[0].text == "A/C.2/58/L.37"
    _, note = find_line(extracted, "See A/58/98, annex.")
    assert note.superscripts == [(0, 1)]


def test_letter_spaced_justified_text_is_not_split(doc):
    # Word processors stretch justified lines between letters too; pdftotext then splits
    # words ("Confere nce"). A generous letter spacing must still give whole words.
    loose = extract(docgen.render_pdf(doc, char_space=0.9), "loose.pdf")
    body = "\n".join(without_superscripts(p.lines) for p in loose.pages)
    assert word_accuracy(docgen.body_text(doc), body) == 1.0
    assert "Conference" in body and "Confere nce" not in body


def test_font_size_scaled_by_the_text_matrix():
    # Some producers set "1 Tf" and scale with the text matrix.
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    text = c.beginText()
    text.setTextTransform(12, 0, 0, 12, 72, 700)
    text.setFont("Times-Roman", 1)
    text.textOut("Scaled text of the General Assembly")
    c.drawText(text)
    c.save()
    line = extract(buf.getvalue(), "scaled.pdf").pages[0].lines[0]
    assert line.text == "Scaled text of the General Assembly"
    assert line.size == pytest.approx(12, abs=0.1)


def test_rotated_page_reads_upright():
    # A landscape MediaBox with the text drawn turned, and /Rotate 90 to show it upright:
    # how producers make rotated pages. Lines come out in display coordinates.
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(842, 595))
    c.translate(842, 0)
    c.rotate(90)  # from here, x runs up the MediaBox: the display's left to right
    c.setFont("Times-Roman", 10)
    c.drawString(72, 770, "Recalling its resolution 56/203 of 21 December 2001,")
    c.drawString(72, 758, "Reaffirming the Charter of the United Nations,")
    c.save()
    document = pdfium.PdfDocument(buf.getvalue())
    document[0].set_rotation(90)
    out = io.BytesIO()
    document.save(out)
    document.close()
    result = extract(out.getvalue(), "rotated.pdf")
    page = result.pages[0]
    assert (page.width, page.height) == pytest.approx((595, 842), abs=0.1)
    first, second = page.lines
    assert first.text == "Recalling its resolution 56/203 of 21 December 2001,"
    assert second.text == "Reaffirming the Charter of the United Nations,"
    assert first.x0 == pytest.approx(72, abs=1) and first.top < second.top < 80
    assert result.warnings == []


def test_page_displayed_sideways_is_read_in_text_orientation(pdf):
    document = pdfium.PdfDocument(pdf)
    document[0].set_rotation(90)  # upright text, now shown sideways
    buf = io.BytesIO()
    document.save(buf)
    document.close()
    result = extract(buf.getvalue(), "sideways.pdf")
    page = result.pages[0]
    assert page.width < page.height
    _, line = find_line(result, "adopted at Cairo,1 in particular")
    assert line.superscripts
    assert "sideways" in result.warnings[0]


def test_garbage_text_layer_is_detected():
    def glyphs(text):
        return [Glyph(ch, 0, 0, 1, 1, 1, 10) for ch in text]

    assert _is_garbage(glyphs("!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~" * 3), 0)
    assert _is_garbage(glyphs("\ue000\ue001\ue002abcdefgh"), 0)
    assert not _is_garbage(glyphs("Recalling its resolution 56/203 of 21 December 2001,"), 0)


# --- scanned ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clean_scan(pdf):
    scan = docgen.degrade(pdf, dpi=300, blur=0, skew_degrees=0, noise=0, specks=0)
    started = time.monotonic()
    result = extract(scan, "scan.pdf", ExtractOptions(ocr_workers=2))
    print(f"\nOCR of a 2-page scan at 300 dpi, 2 workers: {time.monotonic() - started:.1f} s")
    return result


def test_scanned_pdf_is_read_by_ocr(doc, clean_scan):
    assert [p.method for p in clean_scan.pages] == ["ocr", "ocr"]
    assert [p.number for p in clean_scan.pages] == [1, 2]
    body = "\n".join(without_superscripts(p.lines) for p in clean_scan.pages)
    assert word_accuracy(docgen.body_text(doc), body) > 0.95
    page = clean_scan.pages[0]
    assert page.width == pytest.approx(595.3, abs=1) and page.height == pytest.approx(841.9, abs=1)
    # Pages come back in order even though they were read in parallel.
    assert clean_scan.pages[1].lines[0].text == "A/C.2/58/L.37"


def test_ocr_flags_raised_markers_and_small_footnotes(clean_scan):
    _, line = find_line(clean_scan, "adopted at Cairo")
    assert len(line.superscripts) == 1
    start, end = line.superscripts[0]
    assert line.text[:start].endswith("Cairo,") and line.text[end:].startswith(" in particular")
    page, body = find_line(clean_scan, "Recalling also its resolutions")
    _, note = find_line(clean_scan, "International Conference on Population and Development, Cairo")
    assert note.size < body.size and note.top > page.height * 0.75
    _, digits = find_line(clean_scan, "49/127 of 19 December 1994")
    assert digits.superscripts == []


def test_degraded_sideways_scan_is_turned_and_read(doc):
    single = docgen.sample_document()
    scan = docgen.degrade(docgen.render_pdf(single), rotate=90, seed=3)
    result = extract(scan, "sideways.pdf", ExtractOptions(ocr_workers=1))
    page = result.pages[0]
    assert page.method == "ocr" and page.width < page.height
    assert any("turned" in w for w in result.warnings)
    assert word_accuracy(docgen.body_text(single), without_superscripts(page.lines)) > 0.9


def _page_top(pdf, rows=700):
    """The top of the first page as the OCR path renders it (a quick Tesseract run)."""
    from pipeline.extract import GrayImage, _render_gray
    document = pdfium.PdfDocument(docgen.degrade(pdf, dpi=300, blur=0, skew_degrees=0,
                                                 noise=0, specks=0))
    try:
        page = document[0]
        image = _render_gray(page, 300)
        page.close()
    finally:
        document.close()
    return GrayImage(image.width, rows, image.pixels[:image.width * rows], 300)


def test_page_goes_to_tesseract_as_a_tiff_file_read_like_the_piped_pgm(pdf, tmp_path,
                                                                      monkeypatch):
    from PIL import Image

    from pipeline import extract as extract_module
    image = _page_top(pdf)
    assert image.width % 4  # rows not padded to 4 bytes: the TIFF must not assume it
    tiff = Image.open(io.BytesIO(image.tiff_header() + image.pixels))
    assert tiff.mode == "L" and tiff.size == (image.width, image.height)
    assert tiff.tobytes() == image.pixels
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    options = ExtractOptions()
    from_file = extract_module._ocr_lines(image, options)
    assert from_file[0] and not list(tmp_path.iterdir())  # read, then removed
    # No writable temporary directory: the page is piped to Tesseract as PGM instead.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "missing"))
    assert extract_module._image_file(image) is None
    assert extract_module._ocr_lines(image, options) == from_file


def image_page_pdf(image_stream: bytes, *, width=600, height=800, bpc=8, image_keys="",
                   page=(144.0, 192.0), content=b"q 144 0 0 192 0 0 cm /Im0 Do Q",
                   rotate=0, page_keys="", smask: bytes | None = None) -> bytes:
    """A one-page PDF drawing one greyscale image XObject (FlateDecode ``image_stream``)
    with ``content``: 600 x 800 pixels on 144 x 192 pt is exactly 300 dpi."""
    mask_ref = " /SMask 6 0 R" if smask is not None else ""
    space = "" if "/ImageMask" in image_keys else " /ColorSpace /DeviceGray"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page[0]} {page[1]}] /Rotate {rotate} "
         f"/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R {page_keys}>>").encode(),
        b"<< /Length %d >>stream\n%s\nendstream" % (len(content), content),
        (f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height}{space} "
         f"/BitsPerComponent {bpc} /Filter /FlateDecode {image_keys}{mask_ref} "
         f"/Length {len(image_stream)} >>stream\n").encode() + image_stream + b"\nendstream"]
    if smask is not None:
        objects.append((f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
                        f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                        f"/Length {len(smask)} >>stream\n").encode() + smask + b"\nendstream")
    return docgen.assemble_pdf(objects)


def _scan_pixels():
    """600 x 800 grey pixels: noise with a black block (so any resampling shows)."""
    import numpy as np
    grey = np.random.default_rng(0).integers(0, 256, (800, 600), dtype=np.uint8)
    grey[100:200, 100:300] = 0
    return grey


def _first_page_images(pdf_bytes: bytes, dpi: int = 300):
    from pipeline.extract import _render_gray, _scan_image
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        try:
            return _scan_image(page, dpi), _render_gray(page, dpi)
        finally:
            page.close()
    finally:
        document.close()


def _pil_pdf(mode: str) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(_scan_pixels()).convert(mode).save(buf, "PDF", resolution=300.0)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["flate-grey", "flate-1-bit", "jpeg", "ccitt"])
def test_a_page_that_is_one_300_dpi_scan_reaches_tesseract_unrendered_with_the_same_pixels(kind):
    """Scanners write JPEG, CCITT or Flate images: each is decoded, not rendered (~4 times
    cheaper), and Tesseract sees exactly the pixels the rendered page has."""
    import zlib

    import numpy as np
    grey = _scan_pixels()
    pdf_bytes = {
        "flate-grey": lambda: image_page_pdf(zlib.compress(grey.tobytes())),
        "flate-1-bit": lambda: image_page_pdf(
            zlib.compress(np.packbits(grey >= 128, axis=1).tobytes()), bpc=1),
        "jpeg": lambda: _pil_pdf("L"),   # DCTDecode
        "ccitt": lambda: _pil_pdf("1"),  # CCITTFaxDecode
    }[kind]()
    native, rendered = _first_page_images(pdf_bytes)
    assert native is not None and (native.width, native.height, native.dpi) == (600, 800, 300)
    assert native.pixels == rendered.pixels


def _rect_clip(x0, y0, x1, y1) -> bytes:
    return b"q %g %g %g %g re W n 144 0 0 192 0 0 cm /Im0 Do Q" % (x0, y0, x1 - x0, y1 - y0)


@pytest.mark.parametrize("case, pdf_args", [
    ("turned by /Rotate", dict(rotate=90)),
    ("turned by the placement", dict(page=(192.0, 144.0),
                                      content=b"q 0 192 -144 0 144 0 cm /Im0 Do Q")),
    ("mirrored", dict(content=b"q 144 0 0 -192 0 192 cm /Im0 Do Q")),
    ("shifted", dict(content=b"q 144 0 0 192 5 0 cm /Im0 Do Q")),
    ("200 dpi: rendered up", dict(page=(216.0, 288.0),
                                  content=b"q 216 0 0 288 0 0 cm /Im0 Do Q")),
    ("600 dpi: rendered down", dict(page=(72.0, 96.0), content=b"q 72 0 0 96 0 0 cm /Im0 Do Q")),
    ("clipped", dict(content=_rect_clip(0, 0, 100, 192))),
    ("clipped to a bow tie through the corners",
     dict(content=b"q 0 0 m 144 192 l 144 0 l 0 192 l h W n 144 0 0 192 0 0 cm /Im0 Do Q")),
    ("a drawing on it", dict(content=b"q 144 0 0 192 0 0 cm /Im0 Do Q 0 0 m 100 100 l S")),
    ("inverted by /Decode", dict(image_keys="/Decode [1 0]")),
    ("an annotation", dict(page_keys="/Annots [<< /Type /Annot /Subtype /Square "
                                     "/Rect [10 10 50 50] /C [1 0 0] >>]")),
])
def test_pages_that_are_not_just_the_scan_are_rendered(case, pdf_args):
    import zlib
    pdf_bytes = image_page_pdf(zlib.compress(_scan_pixels().tobytes()), **pdf_args)
    native, rendered = _first_page_images(pdf_bytes)
    assert native is None, case
    assert rendered.width > 0


def test_a_clip_around_the_whole_page_keeps_the_scan_unrendered():
    import zlib
    pdf_bytes = image_page_pdf(zlib.compress(_scan_pixels().tobytes()),
                               content=_rect_clip(-1, -1, 145, 193))
    native, rendered = _first_page_images(pdf_bytes)
    assert native is not None and native.pixels == rendered.pixels


def test_colour_scans_and_stencil_masks_are_rendered():
    import zlib

    import numpy as np
    bits = zlib.compress(np.packbits(_scan_pixels() >= 128, axis=1).tobytes())
    for pdf_bytes in (_pil_pdf("RGB"), image_page_pdf(bits, bpc=1, image_keys="/ImageMask true")):
        native, _ = _first_page_images(pdf_bytes)
        assert native is None


def test_a_masked_scan_is_rendered_with_its_mask(monkeypatch):
    """PDFium's API does not tell a soft-masked image: a file naming /SMask or /Mask has
    its scans rendered. Here the mask hides the whole image: the page shows nothing."""
    import shutil
    import zlib

    from pipeline import extract as extract_module
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    unrendered = []
    real = extract_module._scan_image
    monkeypatch.setattr(extract_module, "_scan_image",
                        lambda page, dpi: unrendered.append(page) or real(page, dpi))
    pixels = zlib.compress(_scan_pixels().tobytes())
    masked = image_page_pdf(pixels, smask=zlib.compress(bytes(600 * 800)))
    with pytest.raises(EmptyDocument):
        extract(masked, "masked.pdf", ExtractOptions(ocr_workers=1))
    assert unrendered == []
    # Without the mask the same page is handed over unrendered.
    document = pdfium.PdfDocument(image_page_pdf(pixels))
    try:
        image = extract_module._page_image(document[0], ExtractOptions(), masks=False)
    finally:
        document.close()
    assert len(unrendered) == 1 and image.pixels == _scan_pixels().tobytes()


def test_missing_tesseract_says_to_install_it(pdf):
    scan = docgen.degrade(pdf, dpi=300, blur=0, skew_degrees=0, noise=0, specks=0)
    with pytest.raises(OCRFailed) as info:
        extract(scan, "scan.pdf", ExtractOptions(tesseract_cmd="no-such-tesseract-binary"))
    readable(info.value, "install", "tesseract-ocr")


def test_blank_scanned_page_is_empty():
    buf = io.BytesIO()
    blank = canvas.Canvas(buf)
    blank.showPage()  # one page, nothing on it
    blank.save()
    with pytest.raises(EmptyDocument) as info:
        extract(buf.getvalue(), "blank.pdf")
    readable(info.value, "no text")


# --- bad inputs ------------------------------------------------------------------------

def test_empty_bytes():
    with pytest.raises(EmptyDocument) as info:
        extract(b"", "empty.pdf")
    readable(info.value, "empty.pdf", "empty")


def test_whitespace_only_text():
    with pytest.raises(EmptyDocument) as info:
        extract(b" \n\t\r\n ", "blank.txt")
    readable(info.value, "blank.txt", "whitespace")


def test_random_bytes_named_pdf():
    data = random.Random(1).randbytes(4096)
    with pytest.raises(UnsupportedInput) as info:
        extract(data, "report.pdf")
    readable(info.value, "report.pdf", "binary data")


def test_png_is_unsupported():
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with pytest.raises(UnsupportedInput) as info:
        extract(data, "scan.png")
    readable(info.value, "binary")


def test_truncated_pdf(pdf):
    with pytest.raises(MalformedPDF) as info:
        extract(pdf[: len(pdf) // 2], "cut.pdf")
    readable(info.value, "cut.pdf", "truncated")


def test_corrupt_pdf_body():
    data = b"%PDF-1.7\n" + random.Random(2).randbytes(2000) + b"\n%%EOF\n"
    with pytest.raises(MalformedPDF) as info:
        extract(data, "junk.pdf")
    readable(info.value, "junk.pdf", "cannot be parsed")


def test_encrypted_pdf(pdf):
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(EncryptedPDF) as info:
        extract(buf.getvalue(), "locked.pdf")
    readable(info.value, "locked.pdf", "password")


def test_zero_page_pdf():
    buf = io.BytesIO()
    PdfWriter().write(buf)
    with pytest.raises(MalformedPDF) as info:
        extract(buf.getvalue(), "nothing.pdf")
    readable(info.value, "nothing.pdf", "no pages")


def test_giant_mediabox():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(200 * 72, 200 * 72))
    c.drawString(72, 72, "A very large page of the General Assembly")
    c.save()
    with pytest.raises(InputTooLarge) as info:
        extract(buf.getvalue(), "huge.pdf")
    readable(info.value, "huge.pdf", "200 x 200 inches", "pixels")


def test_too_many_pages_and_bytes(pdf):
    with pytest.raises(InputTooLarge) as info:
        extract(pdf, "long.pdf", ExtractOptions(max_pages=1))
    readable(info.value, "2 pages", "limit is 1")
    with pytest.raises(InputTooLarge) as info:
        extract(pdf, "big.pdf", ExtractOptions(max_bytes=1000))
    readable(info.value, "big.pdf", "bytes")


# --- text ------------------------------------------------------------------------------

def test_text_input_one_line_per_line():
    data = "\ufeffThe General Assembly,\r\n\r\nRecalling its resolution 56/203,\n".encode()
    result = extract(data, "seed.pdf")  # the name lies; the bytes decide
    assert result.media_type == "text/plain" and result.warnings == []
    (page,) = result.pages
    assert page.method == "text"
    assert [line.text for line in page.lines] == [
        "The General Assembly,", "", "Recalling its resolution 56/203,", ""]
    assert page.lines[0].x0 is None and page.lines[0].size is None


def test_invalid_utf8_text_warns_and_decodes():
    data = "Réaffirmant la résolution 56/203,\n".encode() + b"caf\xe9 \xff bad\n"
    result = extract(data, "mixed.txt")
    assert "Réaffirmant" in result.text and "\ufffd" in result.text
    assert len(result.warnings) == 1 and "not valid UTF-8" in result.warnings[0]


def test_cp1252_text_warns_and_decodes():
    data = "Côte d’Ivoire – “draft” resolution\n".encode("cp1252")
    result = extract(data, "legacy.txt")
    assert result.text.strip() == "Côte d’Ivoire – “draft” resolution"
    assert "Windows-1252" in result.warnings[0]


def test_seed_ocr_text_reads_as_text():
    path = "/work/shared/corpus/seed/A_C.2_58_L.37.ocr.txt"
    if not os.path.exists(path):
        pytest.skip("shared corpus not present")
    with open(path, "rb") as handle:
        result = extract(handle.read(), os.path.basename(path))
    assert result.pages[0].method == "text"
    assert any(re.search(r"Recalling the Programme of Action", line.text)
               for line in result.pages[0].lines)


# --- raised markers from the pixels (synthetic line images, no Tesseract) ---------------

# x-height letters (three "letters" with gaps between) from the baseline (70) up 21 pixels
_LETTERS = [(20, 49, 40, 70), (44, 49, 70, 70), (74, 49, 100, 70)]
_COMMA = (104, 64, 107, 75)
_METRICS = dict(x_height=21.0, ascender=9.0, descender=9.0)


def _spans(text, boxes, right, limit=190, left=20, paper=255):
    from pipeline.extract import OcrWord, _LineMetrics, _superscript_spans

    word = OcrWord(text, left, 40, right, 76)
    return _superscript_spans(word, docgen.line_image(boxes, paper), 70.0, 39.0,
                              _LineMetrics(**_METRICS), limit)


def test_a_marker_ocr_dropped_is_exposed_as_an_unknown_raised_mark():
    marker = (114, 40, 117, 55)  # a raised "1": top 30 px above the baseline, 16 px tall
    assert _spans("Development,", _LETTERS + [_COMMA, marker], right=107) == (
        [(12, 13)], "Development,?")


def test_a_raised_speck_or_quote_after_a_word_is_no_marker():
    speck = (114, 44, 117, 47)  # a dot of noise, 4 px tall
    assert _spans("Development,", _LETTERS + [_COMMA, speck], right=107) == ([], "Development,")
    quote = [(104, 40, 106, 48), (109, 40, 111, 48)]  # a closing quote: two short strokes
    assert _spans("action”", _LETTERS + quote, right=111) == ([], "action”")
    assert _spans("Rights’", _LETTERS + [(104, 40, 107, 55)], right=107) == ([(6, 7)], "Rights’")


def test_raised_ink_inside_a_word_ending_in_a_letter_is_not_a_dropped_marker():
    hook = (96, 40, 100, 55)  # the right part of a letter, raised (an f's hook), in the box
    letters = [(20, 49, 40, 70), (44, 49, 70, 70), (74, 49, 92, 70)]
    assert _spans("of", letters + [hook], right=100) == ([], "of")


# A degraded greyscale scan as rendered: grey paper, dark heavy strokes, faint thin ones.
_PAPER = 240
# A raised "7": its dark bar (top 30 px above the baseline) and its thin stem, grey 160 (lighter
# than the fixed ink threshold), 17 px tall in all; at the threshold only the bar, 6 px tall.
_FAINT_SEVEN = [(114, 40, 121, 45, 90), (115, 46, 117, 56, 160)]


def test_a_faint_raised_marker_is_measured_at_its_own_contrast():
    # "Add.1,⁷" read as "Add.1,’": the glyph is a marker's height, no quote mark's.
    boxes = _LETTERS + [_COMMA + (60,)] + _FAINT_SEVEN
    assert _spans("Add.1,’", boxes, right=121, paper=_PAPER) == ([(6, 7)], "Add.1,’")
    assert _spans("Add.1,", boxes, right=107, paper=_PAPER) == ([(6, 7)], "Add.1,?")
    # A faint quote mark stays a quote mark: its strokes are short however light.
    quote = [(104, 40, 106, 44, 90), (104, 45, 106, 47, 160),
             (109, 40, 111, 44, 90), (109, 45, 111, 47, 160)]
    assert _spans("action”", _LETTERS + quote, right=111, paper=_PAPER) == ([], "action”")
    # A faint stroke going on down to the baseline is a letter's, not a raised glyph's.
    tall = [(114, 40, 121, 45, 90), (115, 46, 117, 70, 160)]
    assert _spans("Add.1,", _LETTERS + [_COMMA + (60,)] + tall, right=107,
                  paper=_PAPER) == ([], "Add.1,")


def test_a_loose_colon_with_a_marker_shape_is_a_marker_and_a_real_colon_is_not():
    # OCR read a raised "1" standing apart after "2005," as a word ":" of its own.
    mark = (114, 40, 117, 55)
    assert _spans(":", [mark], right=117, left=112, limit=None) == ([(0, 1)], ":")
    # A colon: a dot at the x-height and a dot on the baseline.
    colon = [(114, 50, 117, 53), (114, 66, 117, 70)]
    assert _spans(":", colon, right=117, left=112, limit=None) == ([], ":")
    # A lone speck read as ":" is too small for a marker.
    assert _spans(":", [(114, 44, 118, 48)], right=118, left=112, limit=None) == ([], ":")


def test_a_quote_then_a_marker_keeps_the_quote_and_exposes_the_marker():
    # "Systems”²" read as "Systems”": the quote's two short strokes, then a raised "2".
    quote = [(104, 42, 106, 50), (109, 42, 111, 50)]
    two = (118, 40, 126, 55)
    assert _spans("Systems”", _LETTERS + quote + [two], right=111) == ([(8, 9)], "Systems”?")
    # The quote alone is no marker; a marker read as a quote is one.
    assert _spans("Systems”", _LETTERS + quote, right=111) == ([], "Systems”")
    assert _spans("Rights’", _LETTERS + [(104, 40, 107, 55)], right=107) == ([(6, 7)], "Rights’")


def test_the_next_words_first_letter_cut_by_its_box_does_not_ground_a_marker():
    # "weapons,³’ particular": the next word's box starts two columns into its "p", whose
    # grey edge lies inside this word's window; the raised "3" is read as "’".
    boxes = _LETTERS + [_COMMA, (112, 40, 119, 55), (126, 49, 140, 78)]
    assert _spans("weapons,’", boxes, right=119, limit=128) == ([(8, 9)], "weapons,’")


def test_a_speck_under_a_raised_marker_does_not_ground_it():
    # OCR read "Rights¹" as "Rights:" because a dot of noise sits on the baseline under the 1.
    boxes = _LETTERS + [(104, 40, 107, 55), (104, 67, 107, 70)]
    assert _spans("Rights:", boxes, right=107) == ([(6, 7)], "Rights:")


def test_a_tesseract_run_over_its_memory_cap_fails_with_a_named_error():
    """The cap is real: a run given far too little address space fails alone, as OCRFailed."""
    import shutil

    from pipeline.errors import OCRFailed
    from pipeline.extract import ExtractOptions, _run_tesseract, GrayImage

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    image = GrayImage(width=200, height=100, pixels=bytes([255]) * (200 * 100), dpi=300)
    options = ExtractOptions(ocr_memory_bytes=64 * 1024 ** 2)
    with pytest.raises(OCRFailed):
        _run_tesseract(image, ["hocr"], options)
