"""Render GA-style documents to PDF, born-digital or scanned, for labelled test sets.

A document is a dict in the gold format (``docpipe-gold/1``, see the corpus README);
only these keys are used, all optional except the paragraphs:

    symbol       "A/C.2/58/L.37"        top right of page 1, running header on pages 2+
    session      58                      "Fifty-eighth session"
    body         "General Assembly, Second Committee"
    kind         "draft resolution"
    sponsors     ["Morocco"]             printed as "Morocco*: draft resolution" (not gold)
    agenda_item  "77"
    title        "International migration and development"
    date         "3 November 2003"       (not gold; a default is printed)
    opening      "The General Assembly,"
    preamble     [{"text": ...}, ...]    footnote markers inline as [^N] or [^*]
    operative    [{"number": "1", "text": ...}, ...]; sub-paragraphs on their own lines
    footnotes    [{"mark": "1", "text": ...}, ...]

API
---

``render_pdf(doc, *, job_number="03-61234 (E)", char_space=0.15, italic_openers=True,
page_size=A4) -> bytes``
    A born-digital PDF (Times, 10 pt body, 8 pt footnotes). Footnote markers are real
    superscripts (6.5 pt, raised with text rise); each footnote is printed at the foot of
    the page where its marker first appears (a ``*`` footnote whose marker is nowhere
    inline goes with the sponsor/kind line). Page 1 has the UN masthead and the job number
    line; pages 2+ have the symbol as running header and a page number. Body lines are
    justified by placing each word, with ``char_space`` points between letters, as
    word processors do.

``degrade(pdf, *, dpi=200, blur=0.8, skew_degrees=0.6, noise=12.0, specks=300,
binarize=False, rotate=0, seed=0) -> bytes``
    An image-only PDF that looks scanned: each page rendered at ``dpi``, skewed, blurred,
    with Gaussian noise (sigma in grey levels) and dark specks, optionally thresholded and
    turned by ``rotate`` degrees (90/180/270, without a /Rotate entry, as a scanner that
    was fed sideways). ``degrade(pdf, dpi=300, blur=0, skew_degrees=0, noise=0, specks=0)``
    is a clean scan.

``render_page_image(pdf, index=0, dpi=300) -> PIL.Image.Image``
    One page as a greyscale image.

``images_to_pdf(images, dpi) -> bytes``
    Image-only PDF, one page per image.

``body_text(doc) -> str``
    The printed words of the title, opening, paragraphs and footnotes with markers removed,
    in reading order: the reference to score extraction or OCR against.

``sample_document() -> dict``
    A small GA-style draft resolution with a ``*`` footnote and numbered footnotes.
"""

from __future__ import annotations

import ctypes
import io
import random
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

BODY_FONT, ITALIC_FONT, BOLD_FONT = "Times-Roman", "Times-Italic", "Times-Bold"
SANS_BOLD = "Helvetica-Bold"
BODY_SIZE, BODY_LEADING = 10.0, 12.0
NOTE_SIZE, NOTE_LEADING = 8.0, 9.5
SUP_SIZE, SUP_RISE = 6.5, 3.5
LEFT, RIGHT_MARGIN, TOP, BOTTOM = 72.0, 72.0, 60.0, 64.0
PARA_INDENT = 36.0
PARA_SPACE = 6.0

MARKER = re.compile(r"\[\^([^\]]+)\]")


# --- text model ----------------------------------------------------------------

@dataclass
class Segment:
    text: str
    font: str = BODY_FONT
    superscript: bool = False


@dataclass
class Word:
    segments: list[Segment]

    def width(self, size: float, char_space: float) -> float:
        return sum(_segment_width(s, size, char_space) for s in self.segments)

    def marks(self) -> list[str]:
        return [s.text for s in self.segments if s.superscript]


@dataclass
class Block:
    """A paragraph to lay out: its words and how it sits on the page."""

    words: list[Word]
    font_size: float = BODY_SIZE
    leading: float = BODY_LEADING
    left: float = LEFT + PARA_INDENT
    first_left: float | None = None  # where the first line starts, if not ``left``
    label: str | None = None  # "1." hung to the left of the first line
    space_before: float = PARA_SPACE
    justify: bool = True
    align: str = "left"  # "left" or "center" (justify only applies to "left")


def _segment_width(segment: Segment, size: float, char_space: float) -> float:
    if segment.superscript:
        return stringWidth(segment.text, BODY_FONT, SUP_SIZE)
    return stringWidth(segment.text, segment.font, size) + char_space * len(segment.text)


def _words(text: str, italic_opener: bool = False, font: str = BODY_FONT) -> list[Word | None]:
    """Split text into words; ``[^N]`` becomes a superscript segment; None marks a line break."""
    out: list[Word | None] = []
    for line_number, line in enumerate(text.split("\n")):
        if line_number:
            out.append(None)
        for token in line.split():
            segments = []
            pos = 0
            for m in MARKER.finditer(token):
                if m.start() > pos:
                    segments.append(Segment(token[pos:m.start()], font))
                segments.append(Segment(m.group(1), superscript=True))
                pos = m.end()
            if pos < len(token):
                segments.append(Segment(token[pos:], font))
            out.append(Word(segments))
    if italic_opener and out and out[0] is not None:
        for seg in out[0].segments:
            if not seg.superscript:
                seg.font = ITALIC_FONT
    return out


# --- layout ----------------------------------------------------------------------

@dataclass
class PlacedLine:
    y: float  # baseline, from the page top
    x: float
    words: list[Word]
    gap: float  # space between words
    size: float
    char_space: float
    label: str | None = None


@dataclass
class PageLayout:
    lines: list[PlacedLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # footnote marks, in order


def _wrap(block: Block, width_right: float, char_space: float) -> list[tuple[list[Word], bool, float]]:
    """Greedy line filling: (words, is_last_line_of_paragraph, left) per line."""
    lines: list[tuple[list[Word], bool, float]] = []
    current: list[Word] = []
    space = stringWidth(" ", BODY_FONT, block.font_size)
    left = block.first_left if block.first_left is not None else block.left

    def flush(last: bool) -> None:
        nonlocal current, left
        if current:
            lines.append((current, last, left))
        current, left = [], block.left

    used = 0.0
    for word in block.words:
        if word is None:
            flush(True)
            used = 0.0
            continue
        w = word.width(block.font_size, char_space)
        if current and left + used + space + w > width_right:
            flush(False)
            used = 0.0
        used = w if not current else used + space + w
        current.append(word)
    flush(True)
    return lines


def _note_lines(mark: str, text: str, width_right: float) -> list[tuple[list[Word], bool, float]]:
    words = [Word([Segment(mark, superscript=True)])] + _words(text)
    block = Block(words, NOTE_SIZE, NOTE_LEADING, left=LEFT + 18, first_left=LEFT + 18)
    return _wrap(block, width_right, 0.0)


class _Layout:
    def __init__(self, doc: dict, page_size, char_space: float):
        self.width, self.height = page_size
        self.right = self.width - RIGHT_MARGIN
        self.char_space = char_space
        self.notes = {str(n["mark"]): n["text"] for n in doc.get("footnotes") or []}
        self.pages: list[PageLayout] = [PageLayout()]
        self.y = 0.0
        self.placed_notes: set[str] = set()

    def notes_height(self, marks: list[str]) -> float:
        if not marks:
            return 0.0
        lines = sum(len(_note_lines(m, self.notes[m], self.right)) for m in marks)
        return 14.0 + lines * NOTE_LEADING + 3.0 * (len(marks) - 1)

    def new_page(self) -> None:
        self.pages.append(PageLayout())
        self.y = TOP + 30.0  # below the running header

    def place(self, block: Block) -> None:
        self.y += block.space_before
        lines = _wrap(block, self.right, self.char_space)
        for i, (words, last, left) in enumerate(lines):
            marks = [m for w in words for m in w.marks()
                     if m in self.notes and m not in self.placed_notes]
            page = self.pages[-1]
            bottom_limit = self.height - BOTTOM - self.notes_height(page.notes + marks)
            if self.y + block.leading > bottom_limit:
                self.new_page()
                page = self.pages[-1]
            self.y += block.leading
            page.lines.append(self._line(block, words, last, left, i == 0))
            page.notes.extend(marks)
            self.placed_notes.update(marks)

    def _line(self, block: Block, words: list[Word], last: bool, left: float,
              first: bool) -> PlacedLine:
        natural = sum(w.width(block.font_size, self.char_space) for w in words)
        space = stringWidth(" ", BODY_FONT, block.font_size)
        gap = space
        if block.justify and not last and len(words) > 1 and block.align == "left":
            gap = (self.right - left - natural) / (len(words) - 1)
        x = left
        if block.align == "center":
            x = (self.width - natural - space * (len(words) - 1)) / 2
        return PlacedLine(self.y, x, words, gap, block.font_size, self.char_space,
                          label=block.label if first else None)


# --- drawing ----------------------------------------------------------------------

def _draw_words(c: canvas.Canvas, page_height: float, line: PlacedLine) -> None:
    x = line.x
    baseline = page_height - line.y
    for word in line.words:
        text = c.beginText(x, baseline)
        for seg in word.segments:
            if seg.superscript:
                # Real superscripts: smaller type raised with text rise, as Word sets them.
                text.setFont(BODY_FONT, SUP_SIZE)
                text.setCharSpace(0)
                text.setRise(SUP_RISE if line.size >= BODY_SIZE else SUP_RISE * 0.8)
            else:
                text.setFont(seg.font, line.size)
                text.setCharSpace(line.char_space)
                text.setRise(0)
            text.textOut(seg.text)
        # Text rise and char spacing outlive the text object in PDF: reset them so the
        # next string drawn (a paragraph number) sits on the baseline.
        text.setRise(0)
        text.setCharSpace(0)
        c.drawText(text)
        x += word.width(line.size, line.char_space) + line.gap


def _draw_notes(c: canvas.Canvas, layout: _Layout, marks: list[str]) -> None:
    if not marks:
        return
    height = layout.notes_height(marks)
    top = layout.height - BOTTOM - height  # from the page top
    c.setLineWidth(0.5)
    c.line(LEFT, layout.height - top - 4, LEFT + 72, layout.height - top - 4)
    y = top + 4.0
    for mark in marks:
        for words, last, left in _note_lines(mark, layout.notes[mark], layout.right):
            y += NOTE_LEADING
            gap = stringWidth(" ", BODY_FONT, NOTE_SIZE)
            if not last and len(words) > 1:
                natural = sum(w.width(NOTE_SIZE, 0) for w in words)
                gap = (layout.right - left - natural) / (len(words) - 1)
            _draw_words(c, layout.height, PlacedLine(y, left, words, gap, NOTE_SIZE, 0.0))
        y += 3.0


_ONES = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
         "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
         "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
_CARDINAL = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS = ["", "", "twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"]


def session_words(n: int) -> str:
    """58 -> "Fifty-eighth" (sessions 1-99)."""
    if n < 20:
        word = _ONES[n]
    elif n % 10 == 0:
        word = _TENS[n // 10] + "ieth"
    else:
        word = _TENS[n // 10] + "y-" + _ONES[n % 10]
    return word[:1].upper() + word[1:]


def _masthead(c: canvas.Canvas, doc: dict, width: float, height: float) -> float:
    """Page 1's header; returns the y (from top) where the body starts."""
    right = width - RIGHT_MARGIN
    top = height - 50
    c.setFont(SANS_BOLD, 14)
    c.drawString(LEFT, top, "United Nations")
    if doc.get("symbol"):
        c.setFont(SANS_BOLD, 16)
        c.drawRightString(right, top, doc["symbol"])
    c.setLineWidth(1.2)
    c.line(LEFT, top - 8, right, top - 8)
    c.setFont(SANS_BOLD, 20)
    c.drawString(LEFT, top - 34, "General Assembly")
    c.setFont(BODY_FONT, 10)
    for i, text in enumerate(["Distr.: Limited", doc.get("date") or "3 November 2003", "",
                              "Original: English"]):
        if text:
            c.drawString(right - 110, top - 26 - 12 * i, text)
    c.line(LEFT, top - 80, right, top - 80)
    y = 80 + 50 + 14.0
    lines = []
    if doc.get("session"):
        lines.append((BOLD_FONT, f"{session_words(int(doc['session']))} session"))
    body = doc.get("body") or ""
    if "," in body:
        lines.append((BOLD_FONT, body.split(",", 1)[1].strip()))
    if doc.get("agenda_item"):
        lines.append((BODY_FONT, f"Agenda item {doc['agenda_item']}"))
    for font, text in lines:
        c.setFont(font, 10)
        c.drawString(LEFT, height - y, text)
        y += 12.0
    return y


def _furniture(c: canvas.Canvas, doc: dict, number: int, width: float, height: float,
               job_number: str) -> None:
    right = width - RIGHT_MARGIN
    if number == 1:
        c.setFont(BODY_FONT, 8)
        c.drawString(LEFT, 36, job_number)
        c.setFont("Courier", 8)
        digits = re.sub(r"\D", "", job_number.split("(")[0])
        c.drawRightString(right, 36, f"*{digits}*")
        return
    c.setFont(SANS_BOLD, 9)
    symbol = doc.get("symbol") or ""
    if number % 2 == 0:
        c.drawString(LEFT, height - 40, symbol)
    else:
        c.drawRightString(right, height - 40, symbol)
    c.setLineWidth(0.5)
    c.line(LEFT, height - 45, right, height - 45)
    c.setFont(BODY_FONT, 8)
    c.drawCentredString(width / 2, 36, str(number))


# --- the document's blocks --------------------------------------------------------

def _blocks(doc: dict, italic_openers: bool) -> list[Block]:
    inline = " ".join([doc.get("title") or ""] + [p["text"] for p in doc.get("preamble", [])]
                      + [p["text"] for p in doc.get("operative", [])])
    inline_marks = set(MARKER.findall(inline))
    unplaced_star = any(str(n["mark"]) == "*" and "*" not in inline_marks
                        for n in doc.get("footnotes") or [])
    blocks: list[Block] = []
    kind = doc.get("kind") or "draft resolution"
    sponsors = ", ".join(doc.get("sponsors") or [])
    kind_line = f"{sponsors}{'[^*]' if unplaced_star else ''}: {kind}" if sponsors else \
        kind[:1].upper() + kind[1:] + ("[^*]" if unplaced_star else "")
    blocks.append(Block(_words(kind_line), left=LEFT, first_left=LEFT, justify=False,
                        space_before=10))
    if doc.get("title"):
        blocks.append(Block(_words(doc["title"], font=BOLD_FONT), left=LEFT + PARA_INDENT,
                            justify=False, space_before=10, font_size=11, leading=13))
    blocks.append(Block(_words(doc.get("opening") or "The General Assembly,"),
                        first_left=LEFT + PARA_INDENT * 2, space_before=10))
    for p in doc.get("preamble", []):
        blocks.append(Block(_words(p["text"], italic_openers),
                            first_left=LEFT + PARA_INDENT * 2))
    for p in doc.get("operative", []):
        blocks.append(Block(_words(p["text"], italic_openers), first_left=LEFT + PARA_INDENT * 2,
                            label=f"{p['number']}."))
    return blocks


def render_pdf(doc: dict, *, job_number: str = "03-61234 (E)", char_space: float = 0.15,
               italic_openers: bool = True, page_size=A4) -> bytes:
    """A born-digital PDF of ``doc`` (see the module docstring)."""
    width, height = page_size
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=page_size, pageCompression=1)
    c.setTitle(doc.get("symbol") or "document")
    layout = _Layout(doc, page_size, char_space)
    # The masthead's height decides where page 1's body starts, so draw it first.
    layout.y = _masthead(c, doc, width, height)
    for block in _blocks(doc, italic_openers):
        layout.place(block)
    for number, page in enumerate(layout.pages, 1):
        if number > 1:
            c.showPage()
        _furniture(c, doc, number, width, height, job_number)
        for line in page.lines:
            if line.label:
                c.setFont(BODY_FONT, line.size)
                c.drawString(LEFT + PARA_INDENT, height - line.y, line.label)
            _draw_words(c, height, line)
        _draw_notes(c, layout, page.notes)
    c.save()
    return buf.getvalue()


# --- scans ------------------------------------------------------------------------

def render_page_image(pdf: bytes, index: int = 0, dpi: int = 300) -> Image.Image:
    """One page of ``pdf`` as a greyscale image at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        return document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def images_to_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF (no text layer), one page per image, sized by ``dpi``."""
    buf = io.BytesIO()
    first, *rest = [im.convert("L") for im in images]
    first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return buf.getvalue()


def _degrade_image(image: Image.Image, rng: random.Random, *, blur: float, skew_degrees: float,
                   noise: float, specks: int, binarize: bool, rotate: int) -> Image.Image:
    if skew_degrees:
        angle = rng.choice([-1, 1]) * skew_degrees
        image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        grain = Image.effect_noise(image.size, noise)
        image = ImageChops.add(image, grain, scale=1.0, offset=-128)
    if specks:
        draw = ImageDraw.Draw(image)
        for _ in range(specks):
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            r = rng.choice([0.5, 1, 1, 1.5])
            draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randrange(0, 90))
    if binarize:
        image = image.point(lambda v: 255 if v > 150 else 0)
    if rotate:
        # PIL turns counter-clockwise; a scanner fed sideways turns the page clockwise.
        image = image.rotate(-rotate, expand=True)
    return image


def degrade(pdf: bytes, *, dpi: int = 200, blur: float = 0.8, skew_degrees: float = 0.6,
            noise: float = 12.0, specks: int = 300, binarize: bool = False, rotate: int = 0,
            seed: int = 0) -> bytes:
    """A scanned-looking, image-only version of ``pdf`` (see the module docstring)."""
    rng = random.Random(seed)
    # PIL's effect_noise draws from the C library's rand(), which random.Random does not
    # seed: without this the same call gives another scan depending on what ran before.
    ctypes.CDLL(None).srand(seed)
    document = pdfium.PdfDocument(pdf)
    try:
        count = len(document)
    finally:
        document.close()
    images = [_degrade_image(render_page_image(pdf, i, dpi), rng, blur=blur,
                             skew_degrees=skew_degrees, noise=noise, specks=specks,
                             binarize=binarize, rotate=rotate) for i in range(count)]
    return images_to_pdf(images, dpi)


# --- references -------------------------------------------------------------------

def body_text(doc: dict) -> str:
    """The printed words of the document, markers removed, in reading order."""
    parts = [doc.get("title") or "", doc.get("opening") or "The General Assembly,"]
    parts += [p["text"] for p in doc.get("preamble", [])]
    parts += [f"{p['number']}. {p['text']}" for p in doc.get("operative", [])]
    parts += [n["text"] for n in doc.get("footnotes") or []]
    return MARKER.sub("", " ".join(p for p in parts if p))


def sample_document() -> dict:
    """A short GA draft resolution (two pages) with a ``*`` and numbered footnotes."""
    return {
        "format": "docpipe-gold/1",
        "symbol": "A/C.2/58/L.37",
        "session": 58,
        "body": "General Assembly, Second Committee",
        "kind": "draft resolution",
        "sponsors": ["Morocco"],
        "language": "en",
        "title": "International migration and development",
        "agenda_item": "77",
        "opening": "The General Assembly,",
        "preamble": [
            {"text": "Recalling the Programme of Action of the International Conference on "
                     "Population and Development adopted at Cairo,[^1] in particular chapter X "
                     "on international migration, and the key actions for the further "
                     "implementation of the Programme of Action,"},
            {"text": "Recalling also its resolutions 49/127 of 19 December 1994, 50/123 of "
                     "20 December 1995 and 56/203 of 21 February 2001 on international "
                     "migration and development, as well as Economic and Social Council "
                     "decision 1995/313 of 27 July 1995,"},
            {"text": "Reaffirming the continuing validity of the principles set forth in the "
                     "international instruments regarding the protection of human rights, in "
                     "particular the Universal Declaration of Human Rights,[^2] which remain "
                     "essential to the work of the Organization,"},
        ],
        "operative": [
            {"number": "1", "text": "Takes note of the report of the Secretary-General;[^3]"},
            {"number": "2", "text": "Urges Member States and the United Nations system to "
                                    "continue strengthening international cooperation and "
                                    "arrangements at all levels in the area of international "
                                    "migration and development;"},
            {"number": "3", "text": "Requests the Secretary-General to submit to the General "
                                    "Assembly at its fifty-ninth session a report on the "
                                    "implementation of the present resolution."},
        ],
        "footnotes": [
            {"mark": "*", "text": "On behalf of the States Members of the United Nations that "
                                  "are members of the Group of 77 and China."},
            {"mark": "1", "text": "Report of the International Conference on Population and "
                                  "Development, Cairo, 5-13 September 1994 (United Nations "
                                  "publication, Sales No. E.95.XIII.18), chap. I, resolution 1, "
                                  "annex."},
            {"mark": "2", "text": "Resolution 217 A (III)."},
            {"mark": "3", "text": "A/58/98."},
        ],
    }


def assemble_pdf(objects: list[bytes]) -> bytes:
    """A PDF file from hand-written object bodies (object 1 is the catalog), with a
    correct cross-reference table: for tests that need a PDF shape no generator makes."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def line_image(ink_boxes, paper: int = 255) -> "GrayImage":
    """For the raised-marker tests: a 300-dpi line strip with black boxes (x0, y0, x1, y1
    inclusive; a fifth value: the box's grey) on paper of grey ``paper``; baseline at y=70."""
    from pipeline.extract import GrayImage

    width, height = 260, 100
    pixels = bytearray(bytes([paper]) * width * height)
    for x0, y0, x1, y1, *grey in ink_boxes:
        for y in range(y0, y1 + 1):
            pixels[y * width + x0:y * width + x1 + 1] = bytes(grey or [0]) * (x1 - x0 + 1)
    return GrayImage(width, height, bytes(pixels), 300)
