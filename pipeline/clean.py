"""Cleaning: Extracted -> Cleaned, as one visible list of small named steps.

Each step takes the work in progress and returns it, recording every edit it
made as a ``Change`` (rule = the step's name, position = offset in the text
the step was given, before, after), so that a user can audit cleaning.

    STEPS = [mark_superscripts, mark_masthead, strip_margin_furniture, strip_furniture,
             drop_ocr_specks, mark_small_type_footnotes, trim_ocr_specks,
             restore_paragraph_numbers, break_paragraphs_by_layout,
             lift_footnotes, dehyphenate, unwrap_lines, normalise_spacing,
             mark_masthead_asterisks, mark_marker_glyphs, fix_vertical_bars,
             rejoin_split_words, split_glued_words, fix_roman_numerals, correct_words,
             correct_words_by_context, number_footnote_markers, drop_block_anchors,
             fix_quotes_and_spacing]

The layout steps (mark_masthead .. break_paragraphs_by_layout) read positions and
sizes of PDF text layers and OCR line boxes; on plain text they do nothing, and the
text conventions (blank lines, indents, numbering) decide as before.

Line steps work on ``work.lines`` until ``unwrap_lines`` turns them into
paragraphs; text steps then work on the body and on each footnote text (their
positions are offsets in the body followed by the footnotes, blank-line
separated, as ``Work.view()`` shows).

Two private-use characters carry structure between steps and never reach the
output: ``ANCHOR`` stands where a footnote block was lifted out of the body
(marker numbering uses it: a footnote's marker is on the page its text is on),
and each candidate footnote marker is one character ``chr(GLYPH_BASE + i)``
whose original glyph is ``work.glyphs[i]`` until numbering decides.

Principle: corrections are mechanisms backed by evidence (a frequency lexicon,
the document's own vocabulary, an OCR confusion model, the footnote numbering),
never word tables, and a token carrying a digit, a slash or capitals in the
middle (a symbol, a date, a number, a label) is never corrected. When the
evidence is weak the word is left alone.
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from pipeline.model import Change, Cleaned, Extracted, Footnote

VERSION = "1"

ANCHOR = "\ue000"
GLYPH_BASE = 0xE100
GLYPH_RE = re.compile("[\ue100-\ue8ff]")
OPENING_RE = re.compile(r"^\s*The General Assembly\s*,?\s*$")


# --- lexicon -------------------------------------------------------------------

WORD_RE = re.compile(r"[A-Za-z]+")
# A word after another word (a comma or a hyphen between them at most): not a sentence start.
MID_SENTENCE_WORD_RE = re.compile(r"(?:(?<=[a-z] )|(?<=[a-z][,;] ))([A-Za-z]+)(?!\w)")


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    # Lazy: the list takes ~0.1 s to load and only cleaning needs it.
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def zipf(word: str) -> float:
    """Zipf frequency (0 = unknown, 3 = fairly common, 7 = "the"), case-insensitive."""
    freq = _frequencies().get(word.lower(), 0.0)
    return round(math.log10(freq) + 9, 2) if freq > 0 else 0.0


@lru_cache(maxsize=1)
def _frequent_by_prefix() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for word, freq in _frequencies().items():
        if len(word) >= 5 and word.isalpha() and math.log10(freq) + 9 >= 3.0:
            index.setdefault(word[:3], []).append(word)
    return index


class Lexicon:
    """wordfreq's English list plus the document's own words and trigrams."""

    def __init__(self, texts: Iterable[str]):
        words: list[str] = []
        self.bigrams: Counter = Counter()
        self.trigrams: Counter = Counter()
        self.fourgrams: Counter = Counter()
        self.capitalised: Counter = Counter()  # mid-sentence occurrences written Capitalised
        self.lower: Counter = Counter()  # ... and written in lower case
        for text in texts:
            for m in MID_SENTENCE_WORD_RE.finditer(text):
                word = m.group(1)
                if word[1:].islower() or len(word) == 1:
                    (self.capitalised if word[0].isupper() else self.lower)[word.lower()] += 1
            tokens = [w.lower() for w in WORD_RE.findall(text)]
            words += tokens
            self.bigrams.update(zip(tokens, tokens[1:]))
            self.trigrams.update(zip(tokens, tokens[1:], tokens[2:]))
            self.fourgrams.update(zip(tokens, tokens[1:], tokens[2:], tokens[3:]))
        self.doc = Counter(words)

    def doc_count(self, word: str) -> int:
        return self.doc[word.lower()]

    def stems(self) -> set[str]:
        """Every prefix of six letters or more of the document's English words (word families;
        a misread word is no evidence for its relatives)."""
        if not hasattr(self, "_stems"):
            self._stems = {w[:n] for w in self.doc if zipf(w) >= 3.0 for n in range(6, len(w) + 1)}
        return self._stems

    def is_word(self, word: str) -> bool:
        return zipf(word) >= 3.0 or self.doc_count(word) >= 2

    def words_with_gap(self, head: str, tail: str, max_gap: int = 2) -> list[str]:
        """Frequent words spelt ``head + x + tail`` with 1 <= len(x) <= max_gap."""
        head, tail = head.lower(), tail.lower()
        lo, hi = len(head) + len(tail) + 1, len(head) + len(tail) + max_gap
        return [w for w in _frequent_by_prefix().get(head[:3], [])
                if w.startswith(head) and w.endswith(tail) and lo <= len(w) <= hi]


def match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper() or model[:1] in "|1":
        return word[:1].upper() + word[1:]
    return word


# --- work in progress -----------------------------------------------------------

@dataclass
class WorkLine:
    text: str
    page: int
    role: str = "body"  # body | blank | furniture | anchor | footnote (layout-detected)
    top: float | None = None
    bottom: float | None = None
    size: float | None = None
    page_height: float | None = None
    indent: int = 0  # leading spaces in the source line (OCR keeps paragraph indents)
    x0: float | None = None
    x1: float | None = None
    page_width: float | None = None
    method: str = "text"  # the page's extraction method: text | pdf-text | ocr
    mark: str | None = None  # layout footnote line: the mark it opens (None: a continuation)
    starts_paragraph: bool | None = None  # layout's verdict (None: no layout evidence)
    masthead: bool = False  # layout: a line of page 1's masthead block


@dataclass
class Work:
    lines: list[WorkLine]
    text: str = ""  # the body, once unwrap_lines has run
    footnotes: list[Footnote] = field(default_factory=list)
    blocks: list[list[str]] = field(default_factory=list)  # marks of each lifted block, by anchor
    glyphs: list[tuple[str, bool]] = field(default_factory=list)  # (original glyph, certain)
    ocr_glyphs: set[int] = field(default_factory=set)  # glyphs from OCR superscript spans
    year_glyphs: set[int] = field(default_factory=set)  # digits plain OCR glued to a year
    furniture: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    plain: bool = False  # plain text only: no superscripts, marks are read from glyph shapes
    # The body's and footnotes' lexicon, with the texts it was built from (``lexicon``).
    _lexicon: "Lexicon | None" = field(default=None, repr=False)
    _lexicon_of: tuple = field(default=(), repr=False)

    def lexicon(self) -> "Lexicon":
        """The lexicon of the body and footnotes as they stand now, built once per state of
        the text: the steps that correct words each ask for it, and a step that changed
        nothing hands the next one the same lexicon (read only)."""
        texts = (self.text, *(f.text for f in self.footnotes))
        if self._lexicon is None or self._lexicon_of != texts:
            self._lexicon, self._lexicon_of = Lexicon(texts), texts
        return self._lexicon

    def view(self) -> str:
        return "\n\n".join([self.text] + [f.text for f in self.footnotes])

    def lines_text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def line_offset(self, index: int) -> int:
        return sum(len(line.text) + 1 for line in self.lines[:index])

    def note(self, rule: str, position: int, before: str, after: str) -> None:
        self.changes.append(Change(rule=rule, position=position, before=before, after=after))

    def add_glyph(self, glyph: str, certain: bool = False) -> str:
        self.glyphs.append((glyph, certain))
        return chr(GLYPH_BASE + len(self.glyphs) - 1)


def rewrite(work: Work, rule: str, pattern: re.Pattern, replace: Callable[[re.Match], str | None],
            body: bool = True, footnotes: bool = True, start: int = 0) -> Work:
    """Apply ``replace`` to every match in the body and/or footnotes, noting each change.

    ``replace`` returns the new text or None to leave the match alone. ``start``
    skips the beginning of the body (the masthead).
    """
    base = 0

    def run(text: str, offset0: int, skip: int) -> str:
        out, last = [], 0
        for m in pattern.finditer(text, skip):
            new = replace(m)
            if new is None or new == m.group(0):
                continue
            out.append(text[last:m.start()])
            out.append(new)
            last = m.end()
            work.note(rule, offset0 + m.start(), m.group(0), new)
        out.append(text[last:])
        return "".join(out)

    if body:
        work.text = run(work.text, 0, start)
    base = len(work.text) + 2
    for note in work.footnotes:
        if footnotes:
            note.text = run(note.text, base, 0)
        base += len(note.text) + 2
    return work


def body_start(text: str) -> int:
    """Offset just after the enacting formula paragraph: the masthead lies before it."""
    m = re.search(r"(?m)^The General Assembly\s*,?\s*$", text)
    return m.end() if m else 0


# --- line steps -------------------------------------------------------------------

def mark_superscripts(work: Work, extracted: Extracted) -> Work:
    """Layout: spans the source set as superscript become certain marker candidates."""
    for page in extracted.pages:
        for line in page.lines:
            if not line.superscripts:
                continue
            text = line.text
            for start, end in sorted(line.superscripts, reverse=True):
                glyph = text[start:end].strip()
                if glyph:
                    text = text[:start] + work.add_glyph(glyph, certain=True) + text[end:]
                    if page.method == "ocr":
                        work.ocr_glyphs.add(len(work.glyphs) - 1)
            line.text = text
    return work


JOB_NUMBER_RE = re.compile(r"^\d{2}-\d{5}\s*(\([A-Z]\))?(\s+\d{6}){0,2}\s*$")
BARCODE_RE = re.compile(r"^\*\d{6,8}\*$")
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}\s*/\s*\d{1,3}$")
SYMBOL_RE = r"(?:A|E|S)/(?:[A-Za-z0-9.\-]+/)*[A-Za-z0-9.\-]*[A-Za-z0-9]"
RUNNING_HEADER_RE = re.compile(rf"^(\d{{1,3}}/\d{{1,3}}\s+)?{SYMBOL_RE}(\s+\d{{1,3}}/\d{{1,3}})?$")
NOISE_RE = re.compile(r"^[^A-Za-z0-9]+$")
BOILERPLATE_RE = re.compile(r"^(Please recycle|\d+ ?[A-Z]? ?\d* ?Please recycle)\b", re.I)


def is_furniture_text(text: str) -> bool:
    t = text.strip()
    return bool(t) and any(p.match(t) for p in (
        JOB_NUMBER_RE, BARCODE_RE, PAGE_NUMBER_RE, RUNNING_HEADER_RE, NOISE_RE, BOILERPLATE_RE))


def repeated_margin_lines(lines: list[WorkLine]) -> set[str]:
    """Texts (digits masked) that recur at the top or foot of two or more pages."""
    pages: dict[int, list[WorkLine]] = {}
    for line in lines:
        if line.role == "body":
            pages.setdefault(line.page, []).append(line)
    seen: Counter = Counter()
    for page_lines in pages.values():
        margin = page_lines[:2] + page_lines[-2:]
        if page_lines and page_lines[0].page_height:  # layout: the outer 8% of the page
            h = page_lines[0].page_height
            margin = [ln for ln in page_lines if ln.top is not None
                      and (ln.top < 0.08 * h or (ln.bottom or ln.top) > 0.92 * h)]
        seen.update({re.sub(r"\d", "#", ln.text.strip()) for ln in margin})
    return {t for t, n in seen.items() if n >= 2 and len(pages) >= 2 and t}


def strip_furniture(work: Work) -> Work:
    """Running headers with the symbol, job numbers, barcodes, page numbers -> furniture.

    Plain text (OCR's text as received) carries furniture with specks around it
    (``06-46494 (E) : 2 *0646494*``, ``AIC.2/61/L.40° : : ;``): a line holding a job
    number or a barcode, or only the document's own symbol (as OCR damaged it) and
    short junk, is furniture too. Furniture then tells where the pages of a plain
    text break (``paginate_plain_text``).
    """
    repeated = repeated_margin_lines(work.lines)
    own = own_symbol(work.lines)
    for i, line in enumerate(work.lines):
        if line.role != "body":
            continue
        masked = re.sub(r"\d", "#", line.text.strip())
        if is_furniture_text(line.text) or masked in repeated or (
                line.method == "text" and not line.masthead and is_noisy_furniture(line.text, own)):
            work.note("strip_furniture", work.line_offset(i), line.text, "")
            work.furniture.append(line.text.strip())
            line.role = "furniture"
    paginate_plain_text(work)
    return work


JOB_TOKEN_RE = re.compile(r"^\W{0,3}\d{2}-\d{4,5}\s*\(\s*[A-Z]{1,2}\s*\)")
BARCODE_TOKEN_RE = re.compile(r"(?<![\w/])[*#]\d{6,8}(?![\d/])")


def _symbol_token(token: str) -> str | None:
    """A General Assembly symbol (as OCR may have damaged it), put right, or None."""
    from pipeline.segment import repair_symbol

    return repair_symbol(re.sub(r"^[^A-Za-z]+|[^A-Za-z0-9]+$", "", token))


def _symbol_words(text: str) -> list[str]:
    """``text``'s words, a committee symbol OCR split after its ``C.`` (``AIC. 2/61/L.40``)
    closed into one."""
    from pipeline.segment import close_committee_space
    return close_committee_space(text).split()


def own_symbol(lines: list[WorkLine]) -> str | None:
    """The document's own symbol as its first lines print it (page 1's masthead).

    Where OCR could not read the masthead's symbol (``i ale aeon 14``), the running header
    tells it: a line holding one symbol and specks alone, the first line after a page's
    job number or barcode (the top of the next page). The symbol most such headers print
    is the document's."""
    for line in [ln for ln in lines if ln.role == "body"][:6]:
        for token in _symbol_words(line.text):
            symbol = _symbol_token(token)
            if symbol:
                return symbol
    content = [ln for ln in lines if ln.role == "body" and ln.text.strip()]
    headers: Counter = Counter()
    for prev, line in zip(content, content[1:]):
        p = prev.text.strip()
        if not (JOB_TOKEN_RE.match(p) or BARCODE_TOKEN_RE.search(p) or JOB_NUMBER_RE.match(p)):
            continue
        tokens = [w for w in _symbol_words(line.text) if re.search(r"[A-Za-z0-9]", w)]
        symbols = [s for w in tokens if (s := _symbol_token(w))]
        if len(symbols) == 1 and is_noisy_furniture(line.text, symbols[0]):
            headers[symbols[0]] += 1
    return headers.most_common(1)[0][0] if headers else None


def is_noisy_furniture(text: str, own: str | None) -> bool:
    """A job number or barcode with specks, or a running header: the document's own
    symbol alone, apart from tokens of three characters or fewer (specks, a page number)."""
    t = text.strip()
    if JOB_TOKEN_RE.match(t) or BARCODE_TOKEN_RE.search(t):
        return True
    tokens = [w for w in _symbol_words(t) if re.search(r"[A-Za-z0-9]", w)]
    symbols = [w for w in tokens if _symbol_token(w)]
    if own is None or len(symbols) != 1 or _symbol_token(symbols[0]) != own:
        return False
    return all(len(re.sub(r"[^A-Za-z0-9]", "", w)) <= 3 for w in tokens if w != symbols[0])


def paginate_plain_text(work: Work) -> Work:
    """Plain text: a run of furniture after body text is a page boundary.

    OCR joins the pages of a scan; their job number, barcode and running header stay
    between them. The lines after such a run go on the next page, and a short line of
    junk next to the boundary (a page number as OCR read it: ``nN``) is furniture too.
    """
    lines = [ln for ln in work.lines if ln.method == "text"]
    shift, body_seen = 0, False
    for ln in lines:
        if ln.role == "furniture" and body_seen:
            shift, body_seen = shift + 1, False
        elif ln.role == "body":
            body_seen = True
        ln.page += shift
    # Page numbers: a short non-word alone at a page's foot (or top).
    content = [ln for ln in lines if ln.role in ("body", "furniture")]
    for k, ln in enumerate(content):
        if ln.role != "body" or ln.masthead:
            continue
        nxt = content[k + 1] if k + 1 < len(content) else None
        prv = content[k - 1] if k > 0 else None
        at_edge = nxt is None or nxt.role == "furniture" or (prv is not None and prv.role == "furniture"
                                                              and prv.page == ln.page)
        t = ln.text.strip()
        if at_edge and len(re.sub(r"[^A-Za-z0-9]", "", t)) <= 3 and not re.search(r"[.,;:]$", t) \
                and not LABEL_START_RE.match(t + " ") \
                and not any(zipf(w) >= 3.0 for w in re.findall(r"[A-Za-z]{2,}", t)):
            work.note("strip_furniture", work.line_offset(work.lines.index(ln)), ln.text, "")
            work.furniture.append(t)
            ln.role = "furniture"
    return work


# --- layout steps (PDF text layers and OCR pages; no-ops on plain text) ------------------

@dataclass
class Layout:
    """Body metrics of a document's layout, measured on its own lines."""

    size: float  # the body's type size
    pitch: float  # the body's line pitch (centre to centre)
    left: float  # the body's left edge (continuation lines)
    right: float  # the body's right edge (justified lines)


def _center(line: WorkLine) -> float:
    return ((line.top or 0.0) + (line.bottom if line.bottom is not None else line.top or 0.0)) / 2


def has_layout(work: Work) -> bool:
    return any(ln.top is not None and ln.method != "text" for ln in work.lines)


def measure_layout(lines: list[WorkLine]) -> Layout | None:
    """Type size, line pitch and text block edges of the body, or None without positions."""
    placed = [ln for ln in lines if ln.role == "body" and ln.top is not None and ln.size
              and not ln.masthead]
    if len(placed) < 3:
        return None
    size = statistics.median(ln.size for ln in placed)
    wide = [ln for ln in placed if ln.page_width and ln.x0 is not None
            and ln.x1 - ln.x0 > 0.45 * ln.page_width
            and 0.8 * size <= ln.size <= 1.25 * size] or placed
    with_x = [ln for ln in wide if ln.x0 is not None and ln.x1 is not None]
    right = statistics.median(ln.x1 for ln in with_x) if with_x else math.inf
    left = statistics.median_low(ln.x0 for ln in with_x) if with_x else -math.inf
    body = [ln for ln in placed if 0.8 * size <= ln.size <= 1.25 * size]
    gaps = [_center(b) - _center(a) for a, b in zip(body, body[1:])
            if a.page == b.page and 0.5 * size < _center(b) - _center(a) < 2.5 * size]
    # The lower quartile: paragraph gaps (and OCR's jitter) must not inflate the pitch.
    pitch = statistics.quantiles(gaps, n=4)[0] if len(gaps) >= 4 else (
        min(gaps) if gaps else 1.2 * size)
    return Layout(size=size, pitch=pitch, left=left, right=right)


def _page_lines(work: Work, roles=("body",)) -> dict[int, list[WorkLine]]:
    pages: dict[int, list[WorkLine]] = {}
    for ln in work.lines:
        if ln.role in roles and ln.top is not None and ln.method != "text":
            pages.setdefault(ln.page, []).append(ln)
    return pages


def _fuzzy_opening(text: str) -> str | None:
    """"‘The General Assembly, :" -> "The General Assembly," (OCR specks around the formula)."""
    core = re.sub(r"^[^A-Za-z]+|[^A-Za-z,]+$", "", text)
    core = re.sub(r"\s+", " ", core)
    target = "The General Assembly,"
    if core.rstrip(",") and Levenshtein_distance(core.rstrip(",") + ",", target) <= 2:
        return target
    # "The General Aneobly.": the formula's first two words read right, the third garbled
    # (a short line of three words: no other line of a resolution is so).
    words = core.rstrip(",").split()
    if len(words) == 3 and words[:2] == ["The", "General"] and words[2][:1] == "A" \
            and Levenshtein_distance(words[2], "Assembly") <= 4:
        return target
    return None


def Levenshtein_distance(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def mark_masthead(work: Work) -> Work:
    """Page 1's lines above the enacting formula are the masthead block (layout and
    plain text alike; OCR's specks around the formula go: ``‘The General ‘Assembly,``).

    They keep one line each (separate fields: symbol, Distr., date, session, committee,
    agenda item, sponsor line, title) and the formula becomes a paragraph of its own.
    """
    if not work.lines:
        return work
    first_page = min(ln.page for ln in work.lines)
    layout = has_layout(work)
    for i, ln in enumerate(work.lines):
        if ln.page != first_page or (not layout and i > 80):
            return work
        if ln.role != "body":
            continue
        opening = _fuzzy_opening(ln.text) if len(ln.text) < 40 else None
        if opening:
            if opening != ln.text:
                work.note("mark_masthead", work.line_offset(i), ln.text, opening)
                ln.text = opening
            for head in work.lines[:i]:
                if head.role == "body":
                    head.masthead = True
            ln.starts_paragraph = True if layout else None
            return work
    return work


FURNITURE_TEXT_RE = re.compile(rf"^(\d{{2}}-\d{{4,5}}|{SYMBOL_RE}|\d{{1,3}}(\s*/\s*\d{{1,3}})?$)")


def strip_margin_furniture(work: Work) -> Work:
    """Layout: lines in the top and bottom margins, apart from the text block, are furniture.

    A line counts when it lies in the outer band of the page (running header, page
    number, page 1's job number and barcode) and either stands apart from the text by a
    gap of two line pitches or more, reads like furniture, or recurs on other pages.
    """
    layout = measure_layout(work.lines)
    if layout is None:
        return work
    repeated = repeated_margin_lines(work.lines)
    for page_lines in _page_lines(work).values():
        text_lines = [ln for ln in page_lines if not ln.masthead]
        for k, ln in enumerate(text_lines):
            h = ln.page_height or 0
            if not h:
                continue
            top_band = (ln.bottom or ln.top) < 0.075 * h
            foot_band = ln.top > 0.93 * h
            if not (top_band or foot_band):
                continue
            if top_band:
                nxt = next((o for o in text_lines[k + 1:] if o.top > ln.top), None)
                apart = nxt is None or _center(nxt) - _center(ln) > 2 * layout.pitch
            else:
                above = [o for o in text_lines[:k] if o.top < ln.top]
                apart = not above or _center(ln) - _center(above[-1]) > 2 * layout.pitch
            masked = re.sub(r"\d", "#", ln.text.strip())
            if apart or FURNITURE_TEXT_RE.match(ln.text.strip()) or masked in repeated:
                work.note("strip_margin_furniture", work.line_offset(work.lines.index(ln)),
                          ln.text, "")
                work.furniture.append(ln.text.strip())
                ln.role = "furniture"
    return work


LONE_JUNK_RE = re.compile(r"(?:(?<=\s)|^)[^\w\s\ue000-\ue8ff“‘(\[]{1,3}(?=\s|$)")


def drop_ocr_specks(work: Work) -> Work:
    """OCR: specks and skew leave junk; drop it only where the layout shows it is junk.

    A line with no letter or digit, or a tiny one (type under 60% of the body's) with
    fewer than three, is noise.
    """
    layout = measure_layout(work.lines)
    if layout is None:
        return work
    for i, ln in enumerate(work.lines):
        if ln.role != "body" or ln.method != "ocr":
            continue
        alnum = len(re.findall(r"[A-Za-z0-9]", GLYPH_RE.sub("", ln.text)))
        tiny = (ln.size or layout.size) < 0.6 * layout.size
        if alnum == 0 and not GLYPH_RE.search(ln.text) or (tiny and alnum < 3):
            work.note("drop_ocr_specks", work.line_offset(i), ln.text, "")
            ln.role = "noise"
    return work


def trim_ocr_specks(work: Work) -> Work:
    """OCR: a lone token of punctuation at either end of a line goes ("of migration, :",
    "- York"), and a lone character after a full stop or semicolon ending the line; run
    after the footnote marks are read, which may look the same ("? Resolution")."""
    for i, ln in enumerate(work.lines):
        if ln.role not in ("body", "footnote") or ln.method not in ("ocr", "text"):
            continue
        text = ln.text
        plain = ln.method == "text"
        # Plain text: a body line's leading speck may be OCR's reading of an operative
        # number; restore_paragraph_numbers reads it first and drops it.
        new = text if plain and ln.role == "body" else \
            re.sub(r"^(?:[^\w\s\ue000-\ue8ff“‘(\[\"]{1,3}\s+)+", "", text)
        if ln.role == "body":
            # A speck between a paragraph's number and its first word ("1. ’ Takes note",
            # "3.°. Calls upon"): no marker stands there.
            new = re.sub(r"^(\s*\d{1,3}\.)\s*(?:[’'‘`°·,.:;\ue100-\ue8ff]\s*){1,3}(?=[A-Z])", r"\1 ", new)
            # A label's parenthesis read as a brace or a bracket ("{c) To promote").
            new = re.sub(r"^(\s*)[({\[]([a-z]{1,2}|[ivxl]{1,5})[)}\]](?=\s+[A-Z“‘\"])", r"\1(\2)", new)
            # "(1)" for "(i)" where "(ii)" follows: the Roman list's first label.
            if re.match(r"^\s*\([1lI|]\)\s+[A-Z]", new) and any(
                    re.match(r"^\s*\(ii\)\s", later.text) for later in work.lines[i + 1:i + 6]):
                new = re.sub(r"^(\s*)\([1lI|]\)", r"\1(i)", new)
        bar = "|" if plain else ""  # plain text keeps a bar: an I or l (fix_vertical_bars)
        # (A lone ``©`` or ``®`` after a body line's last word is OCR's raised mark, which
        # mark_marker_glyphs reads: "adopted on 25 June 1993 ©".)
        keep = "©®" if ln.role == "body" else ""
        for _ in range(2):  # specks after a speck read as a character: "annex. : a"
            new = re.sub(rf"(?:\s+[^\w\s\ue000-\ue8ff”’)\]\"{bar}{keep}]{{1,3}})+$", "", new)
            new = re.sub(rf"(?:\s+[^\w\s\ue000-\ue8ff{bar}{keep}]{{1,3}})+$", "", new)
            if plain:  # two or three lone characters after the paragraph's end: "levels, a i"
                new = re.sub(r"(?<=[,.;:])(?:\s+[^\s\ue000-\ue8ff]){2,3}$", "", new)
            else:  # a speck read as a character, after the stop or after a speck
                new = re.sub(r"(?<=[.;:])(\s+[^\w\s]{1,3})?\s+[A-Za-z0-9]$", "", new)
        if new != text and re.search(r"\w", new):
            work.note("drop_ocr_specks", work.line_offset(i), text, new)
            ln.text = new
    return work


FOOTNOTE_MARK_TOKEN_RE = re.compile(
    r"^(?P<mark>\d{1,3}|\*{1,3}|[A-Za-z]|[^\w\s\ue000-\ue8ff]{1,2}|[A-Za-z]?[^\w\s]|[\ue100-\ue8ff])\s+(?P<rest>\S.*)$")


def _footnote_mark(line: WorkLine, work: Work) -> tuple[str, str] | None:
    """(token, rest) when the line begins with what may be a footnote mark."""
    m = FOOTNOTE_MARK_TOKEN_RE.match(line.text.strip())
    if not m:
        m2 = re.match(r"^(?P<mark>[\ue100-\ue8ff])(?P<rest>\S.*)$", line.text.strip())
        if not m2 and (work.plain or line.role == "footnote-candidate"):
            # OCR glues the asterisk, read as a quote, to the word (``“On behalf of``):
            # an opening quote that nothing closes on the line is no quotation.
            # (Not before a participle: "“Taking note of the report ..." opens a preambular
            # paragraph whose opening quote is OCR's speck; no note opens so.)
            m2 = re.match(r"^(?P<mark>[“\"*])(?P<rest>(?![A-Z][a-z]+ing\b)[A-Z][^”\"]*)$", line.text.strip())
        if not m2:
            return None
        m = m2
    token = m.group("mark")
    if GLYPH_RE.fullmatch(token):
        token = work.glyphs[ord(token) - GLYPH_BASE][0]
    elif token in ("a", "A", "I"):  # English one-letter words open continuation lines
        return None
    return token, m.group("rest")


def mark_small_type_footnotes(work: Work) -> Work:
    """Layout: the block of smaller type at a page foot holds the footnotes.

    The block is the run of lines at the foot (furniture aside) where small type (under
    90% of the body's size) outweighs body-size type, beginning with a mark. A line opens
    a footnote when it begins with a mark (a superscript, a number, or what OCR made of
    one) and the footnote before it is complete; the number comes from the sequence (OCR
    misreads superscript digits), ``*`` for the masthead's note. A block beginning
    without a mark continues the previous page's last footnote.
    """
    layout = measure_layout(work.lines)
    if layout is None:
        return _mark_small_type_plain(work)
    star_in_masthead = any(_star_evidence(ln.text, work) for ln in work.lines if ln.masthead)
    expected, star_ok, any_notes = 1, True, False
    for page, page_lines in sorted(_page_lines(work).items()):
        lines = [ln for ln in page_lines if not ln.masthead]
        best, score, best_k = 0, 0, None
        for k in range(len(lines) - 1, -1, -1):
            score += 1 if _footnote_evidence(lines[k], layout, work) > 0 else -1
            if score > best or (score == best and best_k is not None and score > 0
                                and _footnote_mark(lines[k], work)
                                and not _continues_line_above(lines, k, work)):
                best, best_k = score, k
        if best_k is None or best < 1:
            continue
        block = lines[best_k:]
        # A large first line (OCR misjudges sizes) belongs to the block if it opens it
        # after a gap and the block would otherwise start without a mark.
        while best_k > 0 and not _footnote_mark(block[0], work) and _footnote_mark(lines[best_k - 1], work) \
                and _center(lines[best_k - 1]) - _center(lines[best_k - 2] if best_k > 1 else lines[0]) > 1.25 * layout.pitch:
            best_k -= 1
            block = lines[best_k:]
        first_mark = _footnote_mark(block[0], work)
        if not first_mark and not any_notes:
            # The asterisk note OCR glued to its first word as a quote (``"On behalf``)
            # opens the first block; otherwise the block starts at its first mark.
            block[0].role = "footnote-candidate"
            first_mark = _footnote_mark(block[0], work) if star_in_masthead else None
            block[0].role = "body"
            if not first_mark and _opens_with_lost_mark(block, layout, work):
                first_mark = ("", block[0].text)
            while block and not first_mark:
                block = block[1:]
                first_mark = _footnote_mark(block[0], work) if block else None
            if not block:
                continue
        items, texts, complete = [], [], True
        for j, ln in enumerate(block):
            token, rest, number, number_rest, raised = read_note_line(
                ln.text, work, glued_star=j == 0 and star_ok and star_in_masthead and not any_notes)
            prev = block[j - 1] if j else None
            short = prev is not None and prev.x1 is not None \
                and prev.x1 < layout.right - SHORT_LINE * (layout.right - layout.left)
            items.append(NoteLine(token, rest, number, number_rest, raised, after_complete=complete,
                                  after_short=short))
            text = GLYPH_RE.sub(lambda g: work.glyphs[ord(g.group(0)) - GLYPH_BASE][0], ln.text)
            texts.append(text)
            complete = note_complete(text) if ln.method == "ocr" else footnote_complete(text)
        first = items[0].token or ""
        star = None
        if star_ok and not any_notes and page == lines[0].page and (
                first.startswith("*") or (star_in_masthead and first not in "1lIij|")):
            star = "*" * max(1, first.count("*")) if first.startswith("*") else "*"
        marks = number_notes(items, expected, star, star_in_masthead, continues=any_notes)
        for ln, item, text, mark in zip(block, items, texts, marks):
            ln.role = "footnote"
            ln.mark = mark
            if mark is None:
                ln.text = text
                continue
            token, rest = item.token or "", item.rest
            if item.number == mark:
                token, rest = item.number, item.number_rest
            if mark != token:
                work.note("mark_small_type_footnotes", work.line_offset(work.lines.index(ln)),
                          token, mark)
            ln.text = rest
            any_notes = True
            star_ok = False
            if not mark.startswith("*"):
                expected = int(mark) + 1
    return work


def _opens_with_lost_mark(block: list[WorkLine], layout: Layout, work: Work) -> bool:
    """The page's first note whose mark OCR lost (``Resolution 69/313, annex.`` above ``?
    United Nations, ...``): a whole note in small type set out to the left of the body,
    with a marked note under it. The numbering then gives it the first number."""
    if len(block) < 2 or not _footnote_mark(block[1], work):
        return False
    first = block[0]
    size = first.size or layout.size
    text = re.sub(r"(?:\s+(?:[^\w\s]{1,3}|[a-z]))+$", "", first.text.strip())  # specks after it
    return (size <= 0.9 * layout.size and first.x0 is not None
            and first.x0 < layout.left - layout.size and re.match(r"[A-Z“\"‘(]", text) is not None
            and note_complete(text))


def _continues_line_above(lines: list[WorkLine], k: int, work: Work) -> bool:
    """A "marked" line whose text goes on in lower case from a body line left mid-sentence
    (``... agricultural research for`` / ``* development in 2018,``: a speck OCR read as a
    raised mark) is that sentence's next line, not a footnote opening at the page foot."""
    mark = _footnote_mark(lines[k], work)
    if k == 0 or not mark or not mark[1][:1].islower():
        return False
    above = lines[k - 1].text.rstrip()
    return bool(above) and above[-1].isalpha() and lines[k - 1].role == "body"


def _star_evidence(text: str, work: Work) -> bool:
    """A masthead superscript that marks the asterisk note: a ``*``, or any raised glyph
    OCR made of it where the sponsor line puts it (``South Africa*: draft resolution``)."""
    for m in GLYPH_RE.finditer(text):
        glyph, certain = work.glyphs[ord(m.group(0)) - GLYPH_BASE]
        ocr = ord(m.group(0)) - GLYPH_BASE in work.ocr_glyphs
        if glyph.startswith("*") or (certain and not ocr) or (
                ocr and text[m.end():m.end() + 1] == ":"):
            return True
    return False


OCR_SIZE_MISJUDGED = 1.1  # an OCR line's size this far over the body's is a misjudgement


def _footnote_evidence(line: WorkLine, layout: Layout, work: Work) -> int:
    """Small type (OCR sizes of short lines are rough: only clear differences count), a
    line set out to the left of the body's edge, a line opening with a raised mark."""
    size = line.size or layout.size
    score = 1 if size <= 0.9 * layout.size else (-1 if size >= 0.97 * layout.size else 0)
    if line.method == "ocr" and size > OCR_SIZE_MISJUDGED * layout.size:
        # Tesseract's x-height estimate of a short line can overshoot by a quarter (a
        # cleaned page's footnote read as 12.7 pt over a 10.8 pt body): type larger than
        # the body's is no sign of body text, the other evidence decides.
        score = 0
    if line.x0 is not None and line.x0 < layout.left - layout.size:
        score += 1
    if GLYPH_RE.match(line.text.strip()):
        score += 1
    return score


def _mark_small_type_plain(work: Work) -> Work:
    """Plain text: the footnote blocks, from their position, numbering and shape.

    With no type sizes to go by, a block is found top down, in reading order:

    * a line at a block edge (after a blank line, furniture or a page break) that opens
      the next expected footnote with its number as printed (``3 Ibid.``) or ``*``, whose
      note reaches a full stop before the body resumes (``footnote_start``), opens a
      block that runs until the body resumes (its own look, its indent);
    * a line opening with what OCR made of a mark (``! Report``, ``? Resolution``,
      ``“ On behalf``) opens a block when the block runs to the page's end (the next
      furniture, form feed or the end of the text: footnotes stand at the page foot)
      with footnote shape: each note complete (a full stop) before the next mark, no
      numbered paragraph or unfinished sentence across a blank line, not an operative
      paragraph without a citation.

    Marks come from the sequence: the notes of a block are the next numbers in order;
    digits read right vote for where the sequence starts, and for an asterisk note
    before them (the masthead's ``*``, on the first block only). The lines become
    ``footnote`` lines with their marks, as the layout path's are, and ``lift_footnotes``
    reads both the same way.
    """
    lines = work.lines
    star_evidence = any(_plain_star_evidence(ln.text) for ln in lines if ln.masthead)
    expected, star_ok = 1, True
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.role != "body" or ln.masthead or ln.method != "text":
            i += 1
            continue
        prev = next((p for p in reversed(lines[:i]) if p.role != "noise"), None)
        at_edge = prev is None or prev.role in ("blank", "furniture", "footnote") \
            or prev.page != ln.page
        block = None
        first = footnote_start(ln.text, expected, star_ok) \
            if at_edge or _numbered_notes_run(lines, i, expected) >= NUMBERED_RUN else None
        if first and footnote_complete_plausible(lines, i):
            block = _plain_footnote_block(lines, i, work, expected, strict=True)
        if block is None and (at_edge or (not ln.text.lstrip()[:1].isdigit() and (
                PARAGRAPH_END_RE.search(prev.text) or not re.match(r"\W+\s+[“\"‘]|[“\"‘]\w", ln.text)))):
            # (a number inside a paragraph is text: "2 July 1999"; a quotation, after a
            # speck or not, goes on the sentence before it: "the item entitled / * “Criminal
            # ...”.", "a sub-item entitled / “Addressing the legacy ...”.")
            block = _plain_footnote_block(lines, i, work, expected, strict=False)
        if block is None:
            i += 1
            continue
        end, openers = block
        star = None
        if star_ok and (star_evidence or openers[0][1].startswith("*")):
            star = "*" * max(1, openers[0][1].count("*")) if openers[0][1].startswith("*") else "*"
        i, marks = _plain_block_marks(lines, i, end, work, expected, star, star_evidence)
        for k, mark in marks.items():
            line = lines[k]
            line.role = "footnote"
            line.mark = mark
            if mark is None:
                continue
            token, rest, number, number_rest, _ = read_note_line(line.text, work)
            if number == mark:
                token, rest = number, number_rest
            rest = re.sub(r"^(?:[^\w\s“‘(\[\"]{1,2}\s+)+", "", rest)
            if mark != (token or ""):
                work.note("mark_small_type_footnotes", work.line_offset(k), token or "", mark)
            line.text = rest
            if not mark.startswith("*"):
                expected = int(mark) + 1
            star_ok = False
        i = end
    return work


NUMBERED_RUN = 2  # notes numbered in sequence that make a page foot's block without a blank line


def _numbered_notes_run(lines: list[WorkLine], i: int, expected: int) -> int:
    """How many notes numbered ``expected``, ``expected + 1``, ... open lines ``i`` on, each a
    complete note on its line, up to the page's end (a blank line, furniture or a new page):
    a footnote block that follows a paragraph running on to the next page with no blank line
    between ("Recognizing the vital role of ... religious leaders and the" / "1 Resolution
    60/288." / "2 Resolution 80/298."). A paragraph's own lines never number themselves so."""
    count, page = 0, lines[i].page
    for ln in lines[i:]:
        if ln.role != "body" or ln.page != page or not ln.text.strip():
            break
        if footnote_start(ln.text, expected + count, False) and footnote_complete(ln.text.strip()):
            count += 1
        elif not count:
            break
    return count


def _plain_star_evidence(text: str) -> bool:
    """A masthead line with a glyph between a name and its colon (``Mexico’: draft
    resolution``: the asterisk as OCR read it) or an asterisk after a word or symbol."""
    return bool(re.search(r"[A-Za-z0-9)][*’'‘\"“”°®™!]{1,2}\s*:", text)
                or re.search(r"[A-Za-z0-9)]\*+(?:\s|$)", text))


def _opener(line: WorkLine, work: Work, expected: int) -> tuple[str, str] | None:
    """(mark token, text) when the line may open a footnote: a mark (``read_note_line``),
    or a speck before the expected number (``+ 5 See``); the text without OCR junk
    before its first word."""
    token, rest, number, number_rest, _ = read_note_line(line.text, work)
    if token is None:
        return None
    if number is not None and int(number) == expected:
        token, rest = number, number_rest
    if token[0].isdigit() and len(token) > 1 and int(token) != expected:
        return None  # a number read right that is not the next one: no mark
    rest = re.sub(r"^(?:[^\w\s“‘(\[\"]{1,2}\s+)+", "", rest)
    return token, rest


def _note_like(text: str) -> bool:
    """A line with no mark that may be a note of its own (its mark lost) or a note's
    capitalised continuation (``Paris, 29 September-17 October 2003, vol. 1, ...``),
    not a paragraph of the body: it cites (a number, a symbol) or is a complete
    sentence, and opens no numbered, lettered or preambular paragraph."""
    t = text.strip()
    def opens_clause(pattern: re.Pattern) -> bool:  # "Recalling its", "Urges States"
        m = pattern.match(t)
        return bool(m) and re.match(r" (?:[a-z]|[A-Z][a-z]+ [a-z])", t[m.end():]) is not None

    if not re.match(r"[A-Z]", t) or NUMBERED_START_RE.match(t) or LABEL_START_RE.match(t) \
            or opens_clause(PREAMBLE_OPENER_RE) or opens_clause(OPERATIVE_OPENER_RE):
        return False
    return note_complete(t) or bool(re.search(r"\d|[A-Z]/", t))


def _plain_block_marks(lines: list[WorkLine], i: int, end: int, work: Work, expected: int,
                       star: str | None, star_evidence: bool) -> tuple[int, dict[int, str | None]]:
    """Where the block found at ``lines[i:end]`` starts and the mark each of its lines
    opens (None: a continuation), from ``best_numbering``.

    Notes whose marks OCR lost may stand just above the block (``Resolution 22 A (I).``
    over ``? See resolution 2200 A (XXI)`` and ``3 A/60/980.``): complete, capitalised
    lines each after a blank line or a complete line. The block takes them in when the
    numbering is worth more with them, that is, when the digits read right need them."""
    def numbering(start: int) -> tuple[float, dict[int, str | None]]:
        items, keys, complete, blank = [], [], True, False
        for k in range(start, end):
            ln = lines[k]
            if ln.role in ("blank", "noise"):
                blank |= ln.role == "blank"
                continue
            if ln.role != "body":
                continue
            token, rest, number, number_rest, _ = read_note_line(ln.text, work)
            items.append(NoteLine(token, rest, number, number_rest, False,
                                  after_complete=complete, after_blank=blank))
            keys.append(k)
            complete, blank = note_complete(ln.text), False
        worth, marks = best_numbering(items, expected, star, star_evidence)
        return worth, dict(zip(keys, marks))

    best = (*numbering(i), i)
    k = i - 1
    while k >= 0 and lines[k].page == lines[i].page and lines[k].role in ("blank", "noise", "body"):
        if lines[k].role != "body":
            k -= 1
            continue
        above = next((p for p in reversed(lines[:k]) if p.role != "noise"), None)
        if lines[k].masthead or not _note_like(lines[k].text) or not note_complete(lines[k].text) \
                or (above is not None and above.role == "body" and not note_complete(above.text)):
            break
        worth, marks = numbering(k)
        if worth > best[0]:
            best = (worth, marks, k)
        k -= 1
    return best[2], best[1]


def _plain_footnote_block(lines: list[WorkLine], i: int, work: Work, expected: int,
                          strict: bool) -> tuple[int, list[tuple[int, str, str]]] | None:
    """The footnote block opening at line i: (index after it, [(line, token, text)]).

    ``strict``: marks as printed, the block ends where the body resumes. Otherwise any
    mark OCR may have made, and the block must run to the page's end with footnote shape.
    """
    def opener(line: WorkLine, n: int) -> tuple[str, str] | None:
        if strict:
            return footnote_start(line.text, n, star_ok=False) or None
        return _opener(line, work, n)

    page = lines[i].page
    if strict:
        first = footnote_start(lines[i].text, expected, star_ok=True)
    else:
        first = _opener(lines[i], work, expected)
        if first is None or not re.match(r"[A-Z0-9“\"‘]", first[1]):
            return None
    if first is None:
        return None
    if OPERATIVE_OPENER_RE.match(first[1]) and not re.search(r"\d", first[1]):
        return None  # an operative paragraph (its dot lost), not a note: notes cite
    openers = [(i, first[0], first[1])]
    note = first[1]
    bad, after_blank, j = 0, False, i + 1
    n = expected + (0 if first[0].startswith("*") else 1)
    while j < len(lines):
        line = lines[j]
        if line.page != page or line.role in ("furniture", "footnote"):
            break
        if line.role in ("blank", "noise"):
            after_blank |= line.role == "blank"
            j += 1
            continue
        if line.role != "body" or line.masthead:
            break
        complete = note_complete(note)
        tok = opener(line, n)
        # The next number read right opens a note even after a misread full stop ("462/257,").
        # (n counts the first note as numbered: one less if it was the asterisk note)
        exact = not strict and tok is not None and tok[0] in (str(n - 1), str(n)) \
            and bool(re.search(r"[,.;:]$", note))
        # Printed right, the next number before a capitalised word opens a note after a
        # misread stop too; never a date's day ("2 November 2001" goes on the note).
        exact |= strict and tok is not None and bool(re.search(r"[,.;:]$", note)) \
            and re.match(r"[A-Z]", tok[1]) is not None
        exact &= tok is not None and re.match(rf"(?:{MONTH_NAMES})\b", tok[1]) is None
        if tok and (complete or exact or (after_blank and not strict)):
            bad += not complete
            openers.append((j, tok[0], tok[1]))
            note, n = tok[1], n + 1
        elif not complete and not after_blank:
            note += " " + line.text.strip()
        elif complete and not after_blank and continues_footnote(line.text) \
                and not NUMBERED_START_RE.match(line.text) and line.indent == 0:
            note += " " + line.text.strip()
        elif not strict and complete and tok is None and _note_like(line.text):
            # A note whose mark OCR lost, or a capitalised continuation: the numbering
            # decides which (``number_notes``).
            note = line.text.strip()
        elif strict:
            break
        else:
            return None  # the body resumes before the page ends: no foot block
        after_blank = False
        j += 1
    if not strict and bad > len(openers) // 3:
        return None
    if not strict and j >= len(lines) and not note_complete(note) \
            and not re.search(r"\b[AES]/\d|\b(?:vol|No|sect|chap)\.", note):
        return None  # only a page's last note runs on (a citation may lose its stop)
    while j > i + 1 and lines[j - 1].role in ("blank", "noise"):
        j -= 1
    return j, openers


# --- numbering a footnote block ------------------------------------------------------------

@dataclass
class NoteLine:
    """One line of a footnote block as the numbering sees it."""

    token: str | None  # what stands where a mark would ("3", "*", "’", "™"), None: nothing
    rest: str  # the line's text after the token
    number: str | None = None  # a number after a speck ("- 4 A/62/890": "4"), the rest after it
    number_rest: str = ""
    raised: bool = False  # the token is a superscript the layout saw
    after_complete: bool = True  # the line before it in the block ends a complete note
    after_blank: bool = False  # (plain text) a blank line stands before it
    after_short: bool = False  # (layout) the line before it ends well short of the right edge


# What one reading of a line is worth (``number_notes``). Digits read right are the
# strongest evidence (OCR misreads raised digits, but a digit it reads is rarely another
# number's); a mark of any other shape opens a note after a complete one; a note whose
# mark OCR lost opens only when the digits read right need it.
DIGIT_RIGHT, DIGIT_WRONG = 3.0, -1.5
MARK_OPENS, MARK_AFTER_OPEN_NOTE = 1.0, -0.2
LOST_MARK = -1.2
STAR_AS_STAR, STAR_EVIDENCE = 2.5, 0.1
CONTINUES_AFTER_MARK, CONTINUES_RAISED, CONTINUES_NUMBER = -0.5, -2.0, -1.0
# A complete note's line that stops well short of the right edge leaves room the next
# line's first word would have taken: a capitalised line after it opens a note (its mark
# lost) rather than going on with the one before.
CONTINUES_AFTER_SHORT = -1.5
SHORT_LINE = 0.3  # of the body's width left free at a line's end: the line ended there


def note_complete(text: str) -> bool:
    """A note's text ends with its full stop, OCR's specks after it aside (``A/60/980. :``,
    ``annex.”``, ``160/980. 2``), and not with an abbreviation's (``vol.``)."""
    t = re.sub(r"(?:\s+[^\w\s]{1,3})+$", "", text.rstrip())
    t = re.sub(r"(?<=\.)[”’\"'`,]+$", "", t)
    if footnote_complete(t):
        return True
    bare = re.sub(r"(?<=\.)\s+\w$", "", t)  # a speck read as one character after the stop
    return bare != t and footnote_complete(bare)


def read_note_line(text: str, work: "Work", glued_star: bool = False
                   ) -> tuple[str | None, str, str | None, str, bool]:
    """(token, rest, number, rest after the number, raised) of a footnote block's line.

    The token is whatever may be a mark: a superscript glyph, a number, an asterisk, one or
    two odd characters before the text (``! Resolution``, ``® A/63/260``), glued to a
    capitalised word (``™Ibid.``, ``+See``) or after a digit (``4+ See``). A number after
    an odd token (``- 4 A/62/890``, ``* 2 Resolution``) is kept apart: the numbering
    decides which one is the mark. ``glued_star``: the line may open the asterisk note
    with the asterisk read as a quote glued to the text (``"On behalf``)."""
    s = re.sub(r"^_\s+(?=\S)", "", text.strip())  # a speck before the mark ("_ § CED/C/7")
    raised = False
    token: str | None = None
    rest = s
    # (a speck OCR put before the raised mark aside: "-⁷ A/71/254")
    m = re.match(r"^[\-–~_.,'‘’`]?([\ue100-\ue8ff])\s*(.*)$", s)
    if m:
        token, rest, raised = work.glyphs[ord(m.group(1)) - GLYPH_BASE][0], m.group(2), True
    else:
        tok = _footnote_mark(WorkLine(text=s, page=0,
                                      role="footnote-candidate" if glued_star else "body"), work)
        if tok is not None:
            token, rest = tok
        elif (m := re.match(r"^(\d{1,2})[^\w\s,.;:()\[\]/\-–]{1,2}\s*(\S.*)$", s)):
            token, rest = m.group(1), m.group(2)  # "4+ See"
        elif (m := re.match(r"^([^\w\s“‘(\[\"'’\-–.,;:]{1,2})([A-Z].*)$", s)):
            token, rest = m.group(1), m.group(2)  # "™Ibid.", "+See"
        elif (m := re.match(r"^([\-–~_.,'‘’`])(?=\d{1,2}\s+[A-Z(“\"‘])(.*)$", s)):
            token, rest = m.group(1), m.group(2)  # "-7 A/71/254": a speck glued to the mark
        elif (m := re.match(r"^(\d{1,2})\.?(?=[A-Z][a-z])(.*)$", s)):
            token, rest = m.group(1), m.group(2)  # "3International", "3.International": the space after it lost
        elif (m := re.match(r"^(\d{1,2})(/\d{1,3}/\S.*)$", s)):
            token, rest = m.group(1), m.group(2)  # "4/75/225.": the mark read over a symbol's letter
    rest = GLYPH_RE.sub(lambda g: work.glyphs[ord(g.group(0)) - GLYPH_BASE][0], rest)
    number, number_rest = None, ""
    if token is not None and not token[0].isalnum():
        n = re.match(r"^(\d{1,2})\s+(\S.*)$", rest)
        if n and not re.match(rf"(?:{MONTH_NAMES})\b", n.group(2)):
            number, number_rest = n.group(1), n.group(2)
    return token, rest, number, number_rest, raised


def _open_score(line: NoteLine, mark: str, first: bool) -> float | None:
    """What reading ``line`` as the note ``mark`` opens is worth (None: it cannot)."""
    token = line.token
    date = re.match(rf"(?:{MONTH_NAMES})\b", line.rest) is not None
    if line.number is not None and line.number == mark:
        return DIGIT_RIGHT
    if token is None:
        opens = first or (line.after_complete and re.match(r"[A-Z“\"‘(]", line.rest))
        return LOST_MARK if opens else None
    if token.isdigit():
        if token != mark and not date and not line.raised and line.after_complete \
                and mark.isdigit() and int(token) < int(mark) and re.match(r"[A-Z]", line.rest):
            # A number already used opens no later note, and after a complete note a line
            # does not go on with a number before a capital: OCR misread the mark (a
            # raised 5 read as a full-size "3 A/68/156.").
            return MARK_AFTER_OPEN_NOTE
        # (a day before its month goes on a note: "2 November 2001")
        return (DIGIT_RIGHT if token == mark else DIGIT_WRONG) - (DIGIT_RIGHT + 1 if date else 0.0)
    if first or line.after_complete or line.raised or line.after_blank:
        return MARK_OPENS
    return MARK_AFTER_OPEN_NOTE


def _star_score(line: NoteLine, evidence: bool) -> float | None:
    token = line.token
    if token is None:
        return LOST_MARK
    if token.startswith("*"):
        return STAR_AS_STAR
    if token.isdigit():
        return DIGIT_WRONG
    return MARK_OPENS + (STAR_EVIDENCE if evidence else 0.0)


def _continue_score(line: NoteLine) -> float:
    token = line.token
    if token is None:
        return CONTINUES_AFTER_SHORT if line.after_short and line.after_complete \
            and re.match(r"[A-Z“\"‘(]", line.rest) else 0.0
    if line.raised:
        return CONTINUES_RAISED
    if token.isdigit():
        # A number going on a sentence ("2 November 2001", "24 October-28 November 1978")
        date = re.match(rf"(?:{MONTH_NAMES})\b", line.rest) is not None
        return 0.0 if date or not line.after_complete else CONTINUES_NUMBER
    return CONTINUES_AFTER_MARK if line.after_complete or line.after_blank else 0.0


def number_notes(lines: list[NoteLine], expected: int, star: str | None = None,
                 star_evidence: bool = False, continues: bool = False) -> list[str | None]:
    """The mark each line of a footnote block opens (None: it goes on the note before);
    see ``best_numbering``."""
    return best_numbering(lines, expected, star, star_evidence, continues)[1]


def best_numbering(lines: list[NoteLine], expected: int, star: str | None = None,
                   star_evidence: bool = False, continues: bool = False
                   ) -> tuple[float, list[str | None]]:
    """(worth, the mark each line opens or None where it goes on the note before).

    The notes of a block take the next numbers in order (``expected`` on), after the
    asterisk note when ``star`` (its mark) may open the block. Of all the ways to read the
    lines (which open a note, which go on one), the one of greatest worth wins: digits
    read right against the number they get, marks of other shapes after a complete note,
    a note with no mark only where the digits need it (``_open_score``). ``continues``:
    the first line may go on the previous page's last note."""
    n = len(lines)
    NONE = float("-inf")

    @lru_cache(maxsize=None)
    def best(k: int, count: int, starred: bool, opened: bool) -> float:
        if k == n:
            return 0.0
        return max((score + best(k + 1, *state)) for score, state, _ in options(k, count, starred, opened)) \
            if options(k, count, starred, opened) else NONE

    def options(k: int, count: int, starred: bool, opened: bool):
        line = lines[k]
        out = []
        s = _open_score(line, str(expected + count), first=not opened)
        if s is not None:
            out.append((s, (count + 1, starred, True), str(expected + count)))
        if star and not opened and not starred:
            s = _star_score(line, star_evidence)
            if s is not None:
                out.append((s, (count, True, True), star))
        if opened or continues:
            out.append((_continue_score(line), (count, starred, opened), None))
        return out

    marks: list[str | None] = []
    state = (0, False, False)
    for k in range(n):
        choices = options(k, *state)
        target = best(k, *state)
        for score, nxt, mark in choices:
            if abs(score + best(k + 1, *nxt) - target) < 1e-9:
                marks.append(mark)
                state = nxt
                break
        else:
            marks.append(None)
    total = best(0, 0, False, False)
    best.cache_clear()
    return total, marks


LABEL_START_RE = re.compile(r"^\(?(?:[a-z]{1,2}|[ivxl]+)\)\s")
PREAMBLE_OPENER_RE = re.compile(r"^(?:[A-Z][a-z]+ing|[A-Z][a-z]+(?:ful|ous|ed|ent|ant|ive))\b")
OPERATIVE_OPENER_RE = re.compile(r"^(?:(?:Also|Further|Again|Once again|Strongly|Urgently|Emphatically)\s+)?"
                                 r"[A-Z]?[a-z]+s\b")


def _lead(text: str) -> str:
    """The line without OCR junk before its first word or number."""
    return re.sub(r"^[^\w(\ue100-\ue8ff“\"‘]+", "", text.strip())


# A sub-paragraph's label as OCR may print it at a line's start: after a speck or quote
# ("‘(i)", "_(d)", ".(a)"), its closing parenthesis lost before a space ("(i To").
LOOSE_LABEL_RE = re.compile(r"^(?:[^\w\s(]|_){0,3}\s?\((?P<label>[a-z]{1,2}|[ivxl]{1,5})(?:\)[.,]?\s*|\s+)"
                            r"(?=[A-Z“\"‘]|$)")
ROMAN_LABELS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
                "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"]
# Lines that open a footnote's text, never an operative paragraph (which opens with a verb in
# the third person, "Decides"): "See resolution ...", "Ibid.", "Official Records ...".
# (Not before an operative verb: "i See Calls upon" is OCR's reading of "9. Calls upon".)
FOOTNOTE_TEXT_RE = re.compile(r"^(?:See|Ibid|Idem|Cf|Official Records|United Nations, Treaty Series)\b"
                              r"(?!\W*(?:Also |Further )?[A-Z][a-z]+s [a-z])")


def _loose_label(text: str) -> str | None:
    """The sub-paragraph label a line opens with (``(b)``, ``‘(ii)``, ``(i To``), else None."""
    m = LOOSE_LABEL_RE.match(text.strip())
    return m.group("label") if m else None


class LabelSequence:
    """The sub-paragraph labels seen so far in one paragraph: letters (a), (b), ... and,
    inside them, Roman numerals (i), (ii), ... A label that comes next in either sequence
    (or opens one after a lead-in ending in ":") is evidence of a sub-paragraph's start,
    where the renderer prints sub-paragraphs flush with the body text."""

    def __init__(self):
        self.letter: str | None = None
        self.roman: str | None = None

    def reset(self) -> None:
        self.letter = self.roman = None

    def _next_letter(self) -> str | None:
        if self.letter is None:
            return None
        return chr(ord(self.letter) + 1) if len(self.letter) == 1 and self.letter < "z" else None

    def _next_roman(self) -> str | None:
        if self.roman is None or self.roman not in ROMAN_LABELS[:-1]:
            return None
        return ROMAN_LABELS[ROMAN_LABELS.index(self.roman) + 1]

    def expects(self, label: str | None, prev_text: str) -> bool:
        """``label`` continues a sequence (or opens one after a line ending in ":")."""
        if label is None:
            return False
        if label in (self._next_letter(), self._next_roman()):
            return True
        lead_in = bool(re.search(r":\W{0,3}$", prev_text.rstrip(" " + ANCHOR)))
        return lead_in and label in ("a", "i")

    def see(self, label: str | None) -> None:
        """Record a label at a sub-paragraph's start."""
        if label is None:
            return
        if label == self._next_roman():
            self.roman = label
        elif label == self._next_letter() or label not in ROMAN_LABELS:
            self.letter, self.roman = label, None
        else:  # "(i)" opening a list inside a letter's item; "(v)" out of any sequence
            self.roman = label


def _ends_sub_paragraph(text: str) -> bool:
    """A sub-paragraph's end before the next one: "...;", "...:", "...; and", "...; or"."""
    return ends_paragraph(text) or bool(re.search(r"[;,]\s+(?:and|or)$", text.rstrip(" " + ANCHOR)))


def _break_score(a: WorkLine | None, b: WorkLine, layout: Layout,
                 labels: LabelSequence | None = None) -> int:
    """Evidence that ``b`` opens a paragraph after ``a`` (None: a new page). ``labels``:
    the sub-paragraph labels before ``b`` in its paragraph."""
    text = _lead(b.text)
    g = GARBLED_NUMBER_RE.match(text)
    if g and not text[0].isupper() and not NUMBERED_START_RE.match(text) \
            and not LABEL_START_RE.match(text) \
            and len(g.group("junk").replace(" ", "")) <= 3:
        text = text[g.start("word"):]  # OCR's reading of a number: "me Decides"
    numbered = bool(NUMBERED_START_RE.match(text))
    label = bool(LABEL_START_RE.match(text)) or _loose_label(b.text) is not None
    if not text or not (text[0].isupper() or numbered or label or text[0] in "“\"‘"
                        or _structure_line(text)):  # "56th plenary meeting"
        return -9
    indented = b.x0 is not None and b.x0 - layout.left >= 1.8 * layout.size
    short = a is not None and a.x1 is not None and a.x1 < layout.right - 4 * layout.size
    # The next label of the paragraph's sub-paragraphs after one that ended ("...;",
    # "...; and"): the renderer prints them flush with the body, so nothing else may show.
    in_sequence = (labels is not None and a is not None and _ends_sub_paragraph(a.text)
                   and labels.expects(_loose_label(b.text), a.text))
    if a is not None and not (ends_paragraph(a.text) or numbered or in_sequence
                              or indented and _ends_before_speck(a.text)
                              # a short last line then an indented first one: a paragraph
                              # whose closing punctuation OCR misread ("1946!”")
                              or indented and short and a.page == b.page):
        return -9
    score = 0
    if numbered:
        score += 2
    if label:
        score += 1
    if in_sequence:
        score += 2
    if indented:
        score += 2
    if short:
        score += 2
    if a is not None and a.page == b.page and a.top is not None and b.top is not None:
        ratio = (_center(b) - _center(a)) / layout.pitch
        # OCR's line boxes grow with skew and specks: a small gap there proves nothing.
        score += 2 if ratio >= 1.3 else (-1 if ratio < 1.15 and b.method != "ocr" else 0)
        if ratio >= 1.6:
            score += 1
    if PREAMBLE_OPENER_RE.match(text):
        score += 1
    return score


def _ends_before_speck(text: str) -> bool:
    """The line ends a paragraph but for a short capitalised token after its punctuation
    (``of migration, Bee``: OCR's reading of a speck in the margin). A lower-case word
    there (``; and``) continues the sentence; a capital one cannot end a paragraph."""
    return bool(re.search(r"[,;:.][\"”’)]?\s+[A-Z][A-Za-z]{0,2}\W?$", text.rstrip(" " + ANCHOR)))


def break_paragraphs_by_layout(work: Work) -> Work:
    """Layout: paragraph breaks from vertical gaps, first-line indents and structure.

    A line opens a paragraph when the line before it ends like a paragraph (or it is
    numbered) and the evidence adds up: a gap well above the body's line pitch, a
    first-line indent, a short line before it (the last line of a justified
    paragraph), an operative number ``N.`` or a sub-paragraph label at its start, a
    preambular opener. Otherwise it continues the paragraph, across pages too.
    Sub-paragraphs are printed flush with the body, so a one-line ``(i)`` that fills
    the line leaves no trace but its label: the next label of the paragraph's
    sequence ((a), (b) ... / (i), (ii) ..., or (a) / (i) after a lead-in ending in
    ":") after a line that ends a sub-paragraph ("...;", "...; and") opens one.
    """
    layout = measure_layout(work.lines)
    if layout is None:
        return work
    prev: WorkLine | None = None
    labels = LabelSequence()
    for ln in work.lines:
        if ln.role != "body" or ln.masthead or ln.top is None:
            continue
        if ln.starts_paragraph:  # the enacting formula
            prev = ln
            continue
        if prev is not None and prev.starts_paragraph and OPENING_RE.match(prev.text):
            ln.starts_paragraph = True
        elif prev is None:
            ln.starts_paragraph = None
        elif prev.page != ln.page and (prev.x1 is None or ln.x0 is None):
            ln.starts_paragraph = None  # no evidence across the page break: unwrap decides
        elif _centred(ln, layout) or _centred(prev, layout):
            # A heading (a part's numeral, its title, an annex's label) stands apart from
            # the justified paragraphs around it; its own lines stay together.
            ln.starts_paragraph = not (_centred(ln, layout) and _centred(prev, layout)
                                       and prev.page == ln.page)
        else:
            same_page = prev.page == ln.page
            ln.starts_paragraph = _break_score(prev if same_page else _page_end(prev, ln), ln,
                                               layout, labels) >= 2
        if ln.starts_paragraph:
            label = _loose_label(ln.text)
            if label is None:
                labels.reset()  # a paragraph of its own: its sub-paragraphs start afresh
            else:
                labels.see(label)
        prev = ln
    return work


def _centred(ln: WorkLine, layout: Layout) -> bool:
    """A line set centred: well in from both margins, its middle near the body's middle
    (an indented first line or a short last line is near one margin)."""
    if ln.x0 is None or ln.x1 is None or ends_paragraph(ln.text) and not _structure_line(ln.text):
        return False
    return (ln.x0 - layout.left >= 4 * layout.size and layout.right - ln.x1 >= 4 * layout.size
            and abs((ln.x0 + ln.x1) / 2 - (layout.left + layout.right) / 2) <= 3 * layout.size)


GARBLED_NUMBER_RE = re.compile(r"^(?P<junk>(?:[^\sA-Za-z]*[A-Za-z]{0,2}[^\sA-Za-z]*\s+){1,2}?)"
                               r"[-\"“‘'’]?(?P<word>[A-Z][a-z]+)\b")  # ('S. "Calls': a speck before it)
OCR_NUMBER_RE = re.compile(r"^(?P<n>\d{1,3})\s*[.,:;]{1,3}(?:\s*[.,:;])*\s+(?=\S)")


def restore_paragraph_numbers(work: Work) -> Work:
    """OCR: operative numbers as printed (``3,`` -> ``3.``; ``‘i Takes`` -> ``1. Takes``).

    A raised speck opening a body line goes (markers follow words). A short token
    that is no word, in front of a capitalised verb (``Takes``, ``Also encourages``;
    in the operative part any capitalised word), on a line that the layout shows
    opening a paragraph, stands for the next operative number. The numbering is evidence
    too (``_upcoming_numbers``): where the next number OCR read is two ahead, a short token
    before an operative verb after a paragraph's end is the missing number on any page or
    layout (``_gap_read_number``), and a printed number out of sequence there is a misread
    digit (``2:`` for 3); where it is one ahead, no number is missing, and a line that
    opens with no verb gets none.
    """
    layout = measure_layout(work.lines)
    if layout is None:
        if not any(ln.method == "text" for ln in work.lines):
            return work
        layout = Layout(size=1.0, pitch=1.0, left=-math.inf, right=math.inf)  # no positions
    lex = Lexicon(ln.text for ln in work.lines if ln.role == "body")
    upcoming = _upcoming_numbers(work.lines)
    number = 0
    prev: WorkLine | None = None
    blank = False  # a blank line (plain text's paragraph break) since ``prev``
    for i, ln in enumerate(work.lines):
        if ln.role == "blank" or (ln.role == "furniture" and ln.method == "text"):
            blank = True
            continue
        if ln.role != "body" or ln.masthead:
            continue
        before = ln.text
        # Plain text: OCR's numbers only where a paragraph may open (a blank line after
        # a paragraph's end); the layout path knows from positions.
        plain = ln.method == "text"
        plain_break = plain and (prev is None or (blank and ends_paragraph(prev.text)))
        if ln.method == "ocr" or plain_break:
            ln.text = re.sub(r"^\s*[\ue100-\ue8ff]\s+", "", ln.text)
            q = QUOTED_NUMBER_RE.match(_lead(ln.text))
            if q and number < int(q.group("n")) <= number + 3:
                ln.text = _lead(ln.text)[q.end("quote"):]  # '"3... Commends': a speck, no quote
            m = OCR_NUMBER_RE.match(_lead(ln.text))
            bare = re.match(r"^(?P<n>\d{1,3})\s+(?=[A-Z][a-z])", _lead(ln.text))
            if bare and number < int(bare.group("n")) <= number + 3:  # "2 Invites": the dot lost
                m = bare
            if m and FOOTNOTE_TEXT_RE.match(_lead(ln.text)[m.end():]):
                m = None  # "3 See resolution ...": a footnote's number, not a paragraph's
            if m:
                ln.text = f"{m.group('n')}. " + _lead(ln.text)[m.end():]
        m = NUMBERED_START_RE.match(ln.text)
        if m:
            n = int(re.match(r"\s*(\d+)", ln.text).group(1))
            misread = (not number < n <= number + 3 or n >= (upcoming[i] or math.inf)) \
                and upcoming[i] == number + 2
            if misread and (ln.method == "ocr" or plain_break) and number \
                    and OPERATIVE_OPENER_RE.match(_lead(ln.text[m.end() - 1:])):
                # A digit misread ("2:" for 3, "1." for 7, "5." for 3 before a "4."): the
                # numbers around it want number + 1 here, and the paragraph opens as an
                # operative one.
                number += 1
                ln.text = f"{number}. " + _lead(ln.text[m.end() - 1:])  # ("5. - Calls")
            elif number < n <= number + 3:  # numbers OCR lost before it are skipped
                number = n
        elif _part_heading(ln, layout):
            pass  # "II. Means of implementation": a part's numeral, no paragraph number
        elif (ln.method == "ocr" or plain_break) and prev is not None:
            g = GARBLED_NUMBER_RE.match(ln.text.strip())
            if g and not LABEL_START_RE.match(_lead(ln.text) + " ") and _loose_label(ln.text) is None \
                    and len(g.group("junk").replace(" ", "")) <= 4 and not any(
                    len(t) >= 3 and t.isalpha() and lex.is_word(t) for t in g.group("junk").split()):
                rest = ln.text.strip()[g.start("word"):]
            else:
                rest = _word_read_number(ln, prev, layout, lex, plain_break)
            if rest is not None and FOOTNOTE_TEXT_RE.match(rest):
                rest = None  # "® See A/64/303": a footnote's glyph, no paragraph's number
            if rest is not None:
                verb = OPERATIVE_OPENER_RE.match(rest)
                # The line as it would read numbered (same page, method and boxes): OCR's
                # boxes prove little about gaps, and the score must know they are OCR's.
                # Any capitalised word in the operative part, unless the numbering says no
                # number is missing here (the next one OCR read is number + 1).
                if (verb or number and upcoming[i] != number + 1) and _break_score(prev, WorkLine(text=rest, page=ln.page, x0=ln.x0,
                                                                    x1=ln.x1, top=ln.top,
                                                                    bottom=ln.bottom,
                                                                    method=ln.method),
                                                       layout) + 2 * plain_break >= 2:
                    number += 1
                    ln.text = f"{number}. {rest}"
            if not NUMBERED_START_RE.match(ln.text):
                rest = _gap_read_number(ln, prev, number, upcoming[i], lex)
                if rest is not None:
                    number += 1
                    ln.text = f"{number}. {rest}"
        if plain and ln.text == before:  # a speck before the first word goes ("_ Recalling")
            ln.text = re.sub(r"^(?:(?:[^\w\s\ue000-\ue8ff“‘(\[\"]|_){1,3}\s+)+", "", ln.text)
        if ln.text != before:
            work.note("restore_paragraph_numbers", work.line_offset(i), before, ln.text)
        prev, blank = ln, False
    return work


PART_NUMERAL_RE = re.compile(r"^[IVXL]{1,5}\.?(?:\s|$)")


def _part_heading(ln: WorkLine, layout: Layout) -> bool:
    """A part's numeral with or without its heading (``II``, ``II. Follow-up``), centred:
    set well in from both margins (plain text: far beyond a first-line indent), where an
    operative paragraph (whose number OCR may read as ``I.``) starts at the margin."""
    if not PART_NUMERAL_RE.match(ln.text.strip()) or not _structure_line(ln.text):
        return False
    if ln.x0 is not None and ln.x1 is not None and math.isfinite(layout.left):
        return ln.x0 - layout.left >= 4 * layout.size and layout.right - ln.x1 >= 4 * layout.size
    return ln.indent >= 12


WORD_READ_NUMBER_RE = re.compile(r"^(?P<junk>[a-z][A-Za-z]{0,2}[^\sA-Za-z]{0,2}\s+)"
                                 r"(?P<word>[A-Z][a-z]+)\b")


def _word_read_number(ln: WorkLine, prev: WorkLine, layout: Layout, lex: "Lexicon",
                      plain_break: bool) -> str | None:
    """The line without its first token when OCR read the paragraph's number as a short
    word (``pat Invites``, ``aye Takes note``), else None.

    A short lower-case word is a real word as often as not, so it is read as the number
    only where nothing else fits: the line before ends a paragraph and is the short last
    line of a justified paragraph (plain text: a blank line), so this line opens one; a
    paragraph never opens with a lower-case word; and the word after it is an operative
    verb that the document writes capitalised nowhere else mid-sentence (``the States``
    is a continuation, ``pat Invites`` is not).
    """
    m = WORD_READ_NUMBER_RE.match(ln.text.strip())
    if not m or not ends_paragraph(prev.text) or not OPERATIVE_OPENER_RE.match(m.group("word")):
        return None
    if not plain_break:
        if prev.page != ln.page or prev.x1 is None or prev.x1 >= layout.right - 4 * layout.size:
            return None
    # This line's own "junk Verb" counts once as a mid-sentence capital.
    if lex.capitalised[m.group("word").lower()] > 1:
        return None
    return ln.text.strip()[m.start("word"):]


QUOTED_NUMBER_RE = re.compile(r"^(?P<quote>[\"“”‘’]\s*)(?P<n>\d{1,3})\s*[.,:;]{1,3}\s+"
                              r"(?=(?:Also |Further |Strongly )?[A-Z][a-z]+s\b)")
PRINTED_NUMBER_RE = re.compile(r"^(?P<n>\d{1,3})\s*[.,:;](?!\s*\d)")
GAP_READ_NUMBER_RE = re.compile(r"^(?P<junk>[^\sA-Za-z\d]{0,2}[A-Za-z]{1,3}[^\sA-Za-z\d]{0,2}\s+)"
                                r"[\"“‘'’]?(?P<word>[A-Z][a-z]+)\b")


UNNUMBERED_OPENER_RE = re.compile(r"^(?:(?:\S{1,4}\s+){1,2}(?:(?:Also|Further|Strongly)\s+)?[A-Z][a-z]+s\b"
                                  r"|(?:(?:Also|Further|Strongly)\s+)?[A-Z][a-z]+s\s+"
                                  r"(?:upon|the|that|all|to|Member|States|Governments)\b)")


def _upcoming_numbers(lines: list[WorkLine]) -> list[int | None]:
    """For each line, the paragraph number OCR read (a number and a stop, comma or colon)
    on the next body line that opens with one; None when a line that may open a
    paragraph whose number OCR lost or garbled (``xe Encourages``, ``i See Calls``) comes
    first: the count between them is then unknown."""
    out: list[int | None] = [None] * len(lines)
    nxt = None
    for i in range(len(lines) - 1, -1, -1):
        out[i] = nxt
        ln = lines[i]
        if ln.role == "body" and not ln.masthead:
            m = PRINTED_NUMBER_RE.match(_lead(ln.text))
            if m:
                nxt = int(m.group("n"))
            elif UNNUMBERED_OPENER_RE.match(_lead(ln.text)):
                nxt = None
    return out


def _gap_read_number(ln: WorkLine, prev: WorkLine, number: int, upcoming: int | None,
                     lex: "Lexicon") -> str | None:
    """The line without its first token when the numbering itself calls for a number
    there: paragraph ``number`` is behind, the next number OCR read is ``number + 2``, the
    line before ends a paragraph, and this line is a token of three letters or fewer
    (``ee``, ``Sec``, ``Bee``: OCR's reading of the number, on any page or layout) before
    an operative verb the document writes capitalised nowhere else mid-sentence (``States``
    is no verb that opens a paragraph). Else None."""
    if not number or upcoming != number + 2 or not ends_paragraph(prev.text):
        return None
    m = GAP_READ_NUMBER_RE.match(_lead(ln.text))
    if not m or LABEL_START_RE.match(_lead(ln.text) + " ") or _loose_label(ln.text) is not None:
        return None
    rest = _lead(ln.text)[m.start("word"):]
    if not OPERATIVE_OPENER_RE.match(rest) or FOOTNOTE_TEXT_RE.match(rest):
        return None
    # This line's own "junk Verb" counts once as a mid-sentence capital.
    if lex.capitalised[m.group("word").lower()] > 1:
        return None
    return rest


def _page_end(prev: WorkLine, ln: WorkLine) -> WorkLine:
    """The last line of the previous page, with no vertical relation to ``ln``."""
    return WorkLine(text=prev.text, page=prev.page, x0=prev.x0, x1=prev.x1, size=prev.size)


FOOTNOTE_START_RE = re.compile(r"^\s*(\*{1,3}|\d{1,3})\s+(\S.*)$")
ABBREVIATION_END_RE = re.compile(r"\b(No|Nos|chap|chaps|para|paras|sect|vol|p|pp|art|Corr|Add|Rev)\.$")


def footnote_start(text: str, expected: int, star_ok: bool) -> tuple[str, str] | None:
    """(mark, text) if the line opens the next expected footnote ("3 Ibid." or "* On behalf")."""
    m = FOOTNOTE_START_RE.match(text)
    if not m:
        return None
    mark, rest = m.group(1), m.group(2)
    if mark.startswith("*"):
        return (mark, rest) if star_ok and rest[:1].isupper() else None
    return (mark, rest) if int(mark) == expected else None


# A citation's "and ibid." goes on with the next one's place (``... chap. IV, sect. A; and
# ibid., Seventy-second Session, ...``): its stop (its comma lost) ends no note.
IBID_GOES_ON_RE = re.compile(r"\b(?:and|also|see) ibid\.$", re.IGNORECASE)


def footnote_complete(text: str) -> bool:
    t = text.rstrip()
    return t.endswith(".") and not ABBREVIATION_END_RE.search(t) and not IBID_GOES_ON_RE.search(t)


def continues_footnote(text: str) -> bool:
    t = text.lstrip()
    return bool(t) and (t[0].islower() or t[0].isdigit() or t[0] in "(-–")


class _FootnoteState:
    def __init__(self):
        self.expected = 1
        self.star_ok = True

    def advance(self, mark: str) -> None:
        if mark.startswith("*"):
            return
        self.expected = int(mark) + 1
        self.star_ok = False


def _read_footnote_block(lines: list[WorkLine], i: int, first: tuple[str, str],
                         state: _FootnoteState) -> tuple[list[Footnote], int]:
    """Footnotes from line i on (which opens ``first``); returns them and the index after."""
    notes = [Footnote(mark=first[0], text=first[1].strip())]
    state.advance(first[0])
    j = i + 1
    while j < len(lines):
        line = lines[j]
        if line.role in ("furniture",):
            j += 1
            continue
        if line.role == "blank":
            k = j
            while k < len(lines) and lines[k].role in ("blank", "furniture"):
                k += 1
            nxt = footnote_start(lines[k].text, state.expected, state.star_ok) if k < len(lines) \
                and lines[k].role == "body" else None
            if nxt and footnote_complete(notes[-1].text):
                j = k
                continue
            break
        if line.role != "body" or line.page != lines[i].page:
            break  # the next page's body comes first in text order
        nxt = footnote_start(line.text, state.expected, state.star_ok)
        if nxt and footnote_complete(notes[-1].text):
            notes.append(Footnote(mark=nxt[0], text=nxt[1].strip()))
            state.advance(nxt[0])
        elif footnote_complete(notes[-1].text) and (
                not continues_footnote(line.text) or NUMBERED_START_RE.match(line.text)
                or line.indent > 0):
            break  # the body resumes right under the block (its own look or its indent)
        else:
            notes[-1].text += " " + line.text.strip()
        j += 1
    return notes, j


def lift_footnotes(work: Work) -> Work:
    """Move footnote blocks out of the body, leaving an ANCHOR where each block stood.

    A block opens after a blank line (or at a page top, or in small type at the
    page foot) with the next expected footnote number and no dot ("3 Ibid."),
    or with "*" for the asterisk note; so "2 July 1999" inside a paragraph, or
    "2. Urges", is never taken for a footnote.
    """
    state = _FootnoteState()
    lines = work.lines
    out: list[WorkLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        prev = out[-1] if out else None
        if line.role == "footnote":  # layout already knows: marks and continuations
            notes, j, continued = _read_marked_footnotes(lines, i, work.footnotes)
            block_text = "\n".join(ln.text for ln in lines[i:j])
            work.note("lift_footnotes", work.line_offset(i), block_text, "")
            if continued is not None and work.footnotes:
                work.footnotes[-1].text = _join_note_text(work.footnotes[-1].text, continued)
            for note in notes:
                state.advance(note.mark)
            work.footnotes += notes
            if notes:
                work.blocks.append([n.mark for n in notes if not n.mark.startswith("*")])
                out.append(WorkLine(text=ANCHOR, page=line.page, role="anchor"))
            i = j
            continue
        at_block_edge = prev is None or prev.role in ("blank", "anchor", "furniture") \
            or prev.page != line.page or line.role == "footnote"
        first = footnote_start(line.text, state.expected, state.star_ok) \
            if line.role in ("body", "footnote") and at_block_edge else None
        if first and line.role == "body" and not footnote_complete_plausible(lines, i):
            first = None
        if not first:
            out.append(line)
            i += 1
            continue
        if line.role == "footnote":  # layout already knows: take every small-type line
            notes, j = _read_layout_footnotes(lines, i, first, state)
        else:
            notes, j = _read_footnote_block(lines, i, first, state)
        block_text = "\n".join(ln.text for ln in lines[i:j])
        work.note("lift_footnotes", work.line_offset(i), block_text, "")
        work.footnotes += notes
        work.blocks.append([n.mark for n in notes if not n.mark.startswith("*")])
        out.append(WorkLine(text=ANCHOR, page=line.page, role="anchor"))
        i = j
    work.lines = out
    return work


def footnote_complete_plausible(lines: list[WorkLine], i: int) -> bool:
    """A text-only footnote opener must reach a full stop before the body resumes."""
    text = lines[i].text
    for line in lines[i + 1:i + 6]:
        if footnote_complete(text) or line.role != "body":
            break
        text += " " + line.text
    return footnote_complete(text)


def _join_note_text(text: str, more: str) -> str:
    """Join a footnote's next line, undoing a line-end hyphen when the joined word is known."""
    m = re.search(r"([A-Za-z]+)-$", text)
    n = re.match(r"([a-z]+)", more)
    if m and n and zipf(m.group(1) + n.group(1)) >= 3.0:
        return text[:-1] + more
    return f"{text} {more}".strip()


def _read_marked_footnotes(lines: list[WorkLine], i: int, earlier: list[Footnote]
                           ) -> tuple[list[Footnote], int, str | None]:
    """Footnotes from a layout block (lines carry their marks); text continuing the
    previous page's last footnote comes back apart."""
    notes: list[Footnote] = []
    continued: str | None = None
    page = lines[i].page
    j = i
    while j < len(lines) and lines[j].page == page and lines[j].role in (
            "footnote", "blank", "noise", "furniture"):
        ln = lines[j]
        j += 1
        if ln.role != "footnote" or not ln.text.strip():
            continue
        if ln.mark is not None:
            notes.append(Footnote(mark=ln.mark, text=ln.text.strip()))
        elif notes:
            notes[-1].text = _join_note_text(notes[-1].text, ln.text.strip())
        else:
            continued = _join_note_text(continued or "", ln.text.strip())
    return notes, j, continued


def _read_layout_footnotes(lines: list[WorkLine], i: int, first: tuple[str, str],
                           state: _FootnoteState) -> tuple[list[Footnote], int]:
    notes = [Footnote(mark=first[0], text=first[1].strip())]
    state.advance(first[0])
    j = i + 1
    while j < len(lines) and lines[j].role in ("footnote", "blank"):
        if lines[j].role == "footnote":
            nxt = FOOTNOTE_START_RE.match(lines[j].text)
            if nxt and (nxt.group(1).startswith("*") or int(nxt.group(1)) == state.expected):
                notes.append(Footnote(mark=nxt.group(1), text=nxt.group(2).strip()))
                state.advance(nxt.group(1))
            else:
                notes[-1].text += " " + lines[j].text.strip()
        j += 1
    return notes, j


def dehyphenate(work: Work) -> Work:
    """Undo end-of-line hyphenation: "develop-/ment" -> "development", "sub-/item" stays "sub-item".

    The hyphen goes only when the joined word is a known word and the document
    never writes it hyphenated elsewhere.
    """
    lines = [ln for ln in work.lines if ln.role == "body"]
    lex = Lexicon(ln.text for ln in lines)
    for cur, nxt in zip(lines, lines[1:]):
        m = re.search(r"([A-Za-z]+)-$", cur.text.rstrip())
        n = re.match(r"^\s*([a-z]+)(.*)$", nxt.text)
        if not (m and n):
            continue
        head, tail = m.group(1), n.group(1)
        hyphenated = f"{head}-{tail}".lower()
        keep = not lex.is_word(head + tail) or hyphenated in _hyphenated_forms(lines)
        joined = f"{head}-{tail}" if keep else head + tail
        position = work.line_offset(work.lines.index(cur)) + m.start()
        cur.text = cur.text.rstrip()[:m.start()] + joined
        nxt.text = n.group(2).lstrip()
        work.note("dehyphenate", position, f"{head}-\n{tail}", joined)
    return work


def _hyphenated_forms(lines: list[WorkLine]) -> set[str]:
    return {m.group(0).lower() for ln in lines for m in re.finditer(r"[A-Za-z]+-[A-Za-z]+", ln.text)}


# A paragraph's stop, then its marker as OCR read it: a raised glyph, a speck or two standing
# apart (``2005,' 2``); or a raised glyph right after a number with the stop lost in it
# (``1946!”``: the comma inside the glyph).
PARAGRAPH_END_RE = re.compile(r"(?:[,;:.][\"”’')]?\s*[\ue100-\ue8ff]?\S{0,2}|\d[\ue100-\ue8ff][\"”’']?)"
                              r"(?:\s(?:[^\sA-Za-z\ue100-\ue8ff]{1,2}|[\ue100-\ue8ff])){0,2}$")
# (after the stop and its mark, specks; a speck may be raised too: "1993,° °")
NUMBERED_START_RE = re.compile(r"^\s*\d{1,3}\.\s+\S")


def ends_paragraph(text: str) -> bool:
    return bool(PARAGRAPH_END_RE.search(text.rstrip(" " + ANCHOR)))


def unwrap_lines(work: Work) -> Work:
    """Join lines into paragraphs separated by one blank line.

    A blank line, a lifted footnote block or a page break ends a paragraph only
    if its text ends like one (",", ";", "."): otherwise the paragraph was
    interrupted and goes on. The masthead (before "The General Assembly,")
    keeps its line breaks, since its lines are separate fields.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    in_masthead = any(OPENING_RE.match(ln.text) for ln in work.lines if ln.role == "body")
    loose = work.plain and blank_lines_inside_sentences(work.lines)
    pending = interrupted = False
    after_structure = False  # the paragraph before the current one was a structure line
    last_page, last_indent = None, 0
    labels = LabelSequence()  # the current paragraph's sub-paragraph labels
    operative = False  # a numbered paragraph seen: the preamble is over

    def flush():
        if current:
            sep = "\n" if in_masthead else " "
            paragraphs.append(sep.join(current))
            current.clear()

    for index, ln in enumerate(work.lines):
        if ln.role == "noise":
            continue
        if ln.role in ("blank", "furniture"):
            pending = True
            interrupted |= ln.role == "furniture"
            continue
        if ln.role == "anchor":
            current.append(ANCHOR) if current else paragraphs.append(ANCHOR)
            pending = interrupted = True
            continue
        text = ln.text.strip()
        if not text:
            continue
        if last_page is not None and ln.page != last_page:
            pending = interrupted = True
        prev = " ".join(current)
        if in_masthead:
            if pending or (ln.starts_paragraph and OPENING_RE.match(text)):
                flush()
            current.append(text)
            if OPENING_RE.match(text):
                flush()
                in_masthead = False
        else:
            if ln.starts_paragraph is not None:  # the layout decided
                new = not current or ln.starts_paragraph
            else:
                in_sequence = bool(current) and _ends_sub_paragraph(prev) \
                    and labels.expects(_loose_label(text), prev)
                new = not current or _starts_new_paragraph(prev, text, pending, interrupted,
                                                           ln.indent > last_indent, loose,
                                                           in_sequence, not operative)
                # After a blank line, a structure line stands alone, and so does the one
                # line after it (a part's or an annex's heading), though neither ends in
                # punctuation.
                new = new or pending and not interrupted and (
                    _structure_line(text) or len(current) == 1 and (
                        _structure_line(current[0]) or after_structure))
            if new:
                after_structure = len(current) == 1 and _structure_line(current[0])
                flush()
                label = _loose_label(text)
                if label is None:
                    labels.reset()
                    operative = operative or bool(NUMBERED_START_RE.match(text))
                else:
                    labels.see(label)
            elif pending:  # a paragraph rejoined across an interruption
                work.note("unwrap_lines", work.line_offset(index), "\n\n", " ")
            current.append(text)
        pending = interrupted = False
        last_page, last_indent = ln.page, ln.indent
    flush()
    work.text = "\n\n".join(p for p in paragraphs if p.strip())
    return work


# Lines of a resolution's structure that are no sentence: the closing meeting line and its
# date, an annex's label, a part's numeral (alone or before its heading: "II. Follow-up").
STRUCTURE_LINE_RE = re.compile(
    r"^(?:\d{1,3}(?:st|nd|rd|th) plenary meeting"
    r"|\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December) \d{4}"
    r"|(?:ANNEX|Annex)(?:es)?(?: [IVXL]{1,5}| \d{1,2})?"
    r"|[IVXL]{1,5}\.?(?: [A-Z][^,;:]{0,100}[^,;:.])?)$")


def _structure_line(text: str) -> bool:
    return bool(STRUCTURE_LINE_RE.match(_lead(text)))


def blank_lines_inside_sentences(lines: list[WorkLine]) -> bool:
    """Plain OCR text puts blank lines inside paragraphs too (skew, specks): seen when a
    line after a blank line goes on in lower case or with a number that is no label
    (a meeting line, a date, an annex's or a part's label are none)."""
    body = [ln for ln in lines if ln.role in ("body", "blank") and not ln.masthead]
    return any(a.role == "blank" and b.role == "body" and _continues_sentence(b.text)
               and not _structure_line(b.text) for a, b in zip(body, body[1:]))


def _continues_sentence(text: str) -> bool:
    lead = _lead(text)
    return bool(lead) and (lead[0].islower() or (lead[0].isdigit() and not NUMBERED_START_RE.match(lead)))


def _starts_new_paragraph(prev: str, text: str, pending: bool, interrupted: bool,
                          indented: bool, loose: bool = False, in_sequence: bool = False,
                          in_preamble: bool = False) -> bool:
    """``loose``: blank lines are no proof of a paragraph break here (plain OCR text);
    a line that goes on a sentence (lower case, a number) or follows one that did not
    end continues it, unless it is numbered or labelled.

    ``in_sequence``: the line opens with the next label of the paragraph's sub-paragraphs
    after one that ended (sub-paragraphs are printed flush, often with no blank line).
    ``in_preamble``: no numbered paragraph yet, so a blank line then a preambular opener
    ("Noting with") opens a paragraph even where OCR lost the punctuation before it
    (a footnote's number glued to it: "16 August 20062")."""
    prev_ends = ends_paragraph(prev)
    if text[0].islower():
        return False
    if in_sequence:
        return True
    if not prev_ends and pending and _cut_mid_sentence(prev):
        return False  # "... on Crime Prevention and" never ends a paragraph or a heading
    if loose and in_preamble and pending and not interrupted and PREAMBLE_START_RE.match(text):
        return True
    if pending and prev_ends and FOOTNOTE_TEXT_RE.match(re.sub(r"^(?:\d{1,3}|[^\w\s])\s*", "", text)) \
            and not FOOTNOTE_TEXT_RE.match(text):
        return True  # "5 See A/64/303": a footnote's text left in the body goes on no sentence
    if loose and (_continues_sentence(text) or not (
            prev_ends or NUMBERED_START_RE.match(text) or LABEL_START_RE.match(text))):
        return False
    if pending:
        # Interrupted by a footnote block, furniture or a page break: a paragraph
        # that does not end in punctuation goes on across the interruption.
        return prev_ends or not interrupted
    return prev_ends and (bool(NUMBERED_START_RE.match(text)) or indented)


# Words that never end a sentence or a heading: a line ending in one is cut mid-sentence.
CONTINUING_WORDS = frozenset(
    "a an the of and or nor to in on by for with from at as into upon under between among "
    "its their his her our that which whose whom this these those such all any both than "
    "be is are was were been has have had not also including".split())
# A preambular paragraph's opening: its participle or adjective, then the sentence in
# lower case ("Noting with", "Deeply concerned", "Recalling its").
PREAMBLE_START_RE = re.compile(r"^(?:(?:Deeply|Gravely|Seriously|Further|Also|Fully) )?"
                               r"[A-Z][a-z]+(?:ing|ful|ous|ed|ent|ant|ive|are|nt) [a-z]+\b")


def _cut_mid_sentence(text: str) -> bool:
    """The text ends in a word that goes on (``and``, ``of the``), after any OCR junk."""
    tokens = [t for t in text.split() if re.search(r"[A-Za-z0-9]", t)]
    return bool(tokens) and tokens[-1] in CONTINUING_WORDS


# --- text steps ---------------------------------------------------------------------

def normalise_spacing(work: Work) -> Work:
    """Collapse runs of spaces and drop the space OCR puts before , ; : (``General ;``)."""
    rewrite(work, "normalise_spacing", re.compile(r"[ \t]{2,}"), lambda m: " ")
    return rewrite(work, "normalise_spacing", re.compile(r"(?<=\w) +(?=[,;:](\s|$|[\S]))"),
                   lambda m: "")


# OCR's readings of a raised mark: a quote, an apostrophe, ?, ! after punctuation.
QUOTE_LIKE_MARKS = "'’‘?!\"“”"
# Plain OCR's rarer readings of a raised digit after a stop (``Agencies,>``, ``Crime,§``).
ODD_MARKS = ">§^+"
GLUED_AFTER_PUNCT_RE = re.compile(
    rf"(?:(?<=[A-Za-z)\d”’][,;:.])|(?<=[”’] [,;:.]))(?P<g>\*{{1,2}}|[™®°©]|\d{{1,2}}|[gsSQ]l?|[{QUOTE_LIKE_MARKS}]"
    rf"|[{re.escape(ODD_MARKS)}])(?P<rest>[A-Za-z]*)")
GLUED_AFTER_WORD_RE = re.compile(r"(?:(?<=[a-z]{3})(?P<g>[*™®°©’?!]|S|\d{1,2})|(?<=\d{4})(?P<y>[*™®°©])"
                                 r"|(?<=[A-Za-z][”’])(?P<q>\d{1,2}|[*™®°©])(?= [a-z]))"
                                 r"(?=[\s,;:.\ue000]|$)")
# (``©`` and ``®``, never a resolution's text, stand for a raised mark after a number too:
# ``adopted on 25 June 1993 ©``.)
LOOSE_SYMBOL_RE = re.compile(r"(?:(?<=[A-Za-z,;.])|(?<=\d(?= [©®]))) (?P<g>[*™®°©])(?=\s|$)")
# Plain OCR's other readings of a raised mark standing apart: ``2001. ! and`` (no sentence
# of a resolution ends in "!", and none goes on in lower case after one), and a digit
# alone at a paragraph's end (``the General Assembly 5``: a paragraph ends with its stop,
# so a lone digit there is the marker whose comma OCR lost).
LOOSE_END_DIGIT_RE = re.compile(r"(?<=[A-Za-z]) (?P<d>\d{1,2})(?=[ \ue000]*(?:\n\n|$))")
LOOSE_PLAIN_RE = re.compile(r"(?:(?<=[A-Za-z\d][,;.]) (?P<b>!)(?= [a-z])"
                            rf"|{LOOSE_END_DIGIT_RE.pattern})")
# ... and a raised mark after a quotation's close and stop, with a stray quote OCR added
# after it at the paragraph's end (``economy”;*”``): the mark, without the speck.
MARK_THEN_SPECK_RE = re.compile(r"(?<=[”’\"][,;:.])(?P<g>[*™®°!?]|\d{1,2})[”’\"'](?=[ \ue000]*(?:\n|$))")
# What follows a plural's possessive apostrophe (``farmers’ organizations``): a lower-case
# word that is no connective a sentence goes on with after a marker (``rights’ and``).
POSSESSIVE_RE = re.compile(r" (?!(?:and|or|of|in|on|for|to|the|as|at|by|with|which|that|from"
                           r"|is|are|was|were|be|including|adopted|entitled|held)\b)[a-z]{2,}")
MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|November"
          "|December")
# A date's year with a marker digit glued on (``24 April 19633``): a date's year has four
# digits, so the fifth (and sixth) cannot belong to it.
GLUED_TO_YEAR_RE = re.compile(rf"\b(?P<year>(?:{MONTH_NAMES}) (?:19|20)\d\d|(?:19|20)\d\d[–-](?:19|20)\d\d)(?P<g>\d{{1,2}})"
                              r"(?=[\s,;:.\ue000]|$)")


def mark_marker_glyphs(work: Work) -> Work:
    """Find the glyphs OCR made of superscript footnote markers and hold them as candidates.

    A candidate is a glyph glued after punctuation (``Cairo,*``, ``Development,2``,
    ``Women,s``, ``General;Q``, ``ent,glthe`` when "the" is a word and "glthe" is
    not) or after a word (``Women*``, ``fourthS``). Numbering decides later which
    candidates are markers; the others get their glyph back.
    """
    lex = Lexicon([work.text])
    start = body_start(work.text)

    def after_punct(m: re.Match) -> str | None:
        glyph, rest = m.group("g"), m.group("rest")
        following = m.string[m.end():m.end() + 1]
        if (glyph in QUOTE_LIKE_MARKS or glyph in ODD_MARKS) and not work.plain \
                and not _unseen_raised_quote(m, glyph):
            return None  # the layout path reads raised marks from their position
        if glyph in ODD_MARKS and rest:
            return None
        if rest:
            if glyph[0].isdigit() or glyph in QUOTE_LIKE_MARKS:
                return None
            if glyph[0].isalpha() and (not lex.is_word(rest) or lex.is_word(glyph + rest)):
                return None
            return work.add_glyph(glyph) + " " + rest
        if following in ",;:." and glyph not in QUOTE_LIKE_MARKS.replace("!", "") \
                and m.string[m.end() + 1:m.end() + 2] in ("", " ", "\n", ANCHOR):
            following = ""  # a speck after the mark read as a stop ("1946,!,", "Property.*.")
        if following not in ("", " ", "\n", ANCHOR):
            return None
        if glyph[0].isdigit() and ABBREVIATION_END_RE.search(m.string[max(0, m.start() - 8):m.start()]):
            return None  # "Rev.1", "No.3", "vol.2": the abbreviation's own number
        if m.string[m.start() - 2].isdigit() and not glyph[0].isdigit() \
                and (glyph[0].isalpha() or not work.plain):
            return None  # "1994,s" is no marker; "2005-2015,1" may be; so may "1968,’"
        if work.plain and m.string[m.start() - 2].isdigit() and m.string[m.start() - 1] == "." \
                and glyph[0].isdigit():
            return None  # a decimal: "1.2 million"
        return work.add_glyph(glyph)

    rewrite(work, "mark_marker_glyphs", GLUED_AFTER_PUNCT_RE, after_punct, footnotes=False,
            start=start)
    def after_word(m: re.Match) -> str | None:
        # (``q``: glued to a quotation's close with no stop, the sentence going on:
        # ``Air Defence Systems”2 in``; a number never touches a closing quote.)
        glyph = m.group("g") or m.group("y") or m.group("q")
        if not work.plain and (m.group("y") or glyph in QUOTE_LIKE_MARKS):
            return None  # plain text's readings only: the layout path sees raised marks
        if glyph in "’'" and POSSESSIVE_RE.match(m.string, m.end()) \
                and re.search(r"(?<![A-Za-z])[a-z]+s$", m.string[max(0, m.start() - 30):m.start()]):
            return None  # a plural's possessive: "farmers’ organizations"
        return work.add_glyph(glyph)

    rewrite(work, "mark_marker_glyphs", GLUED_AFTER_WORD_RE, after_word, footnotes=False,
            start=start)
    if work.plain:  # the layout path sees a raised digit as such
        def year_digit(m: re.Match) -> str:
            glyph = work.add_glyph(m.group("g"))
            work.year_glyphs.add(ord(glyph) - GLYPH_BASE)
            return m.group("year") + glyph

        rewrite(work, "mark_marker_glyphs", GLUED_TO_YEAR_RE, year_digit, footnotes=False,
                start=start)
        rewrite(work, "mark_marker_glyphs", LOOSE_PLAIN_RE,
                lambda m: work.add_glyph(m.group("b") or m.group("d")), footnotes=False,
                start=start)
        rewrite(work, "mark_marker_glyphs", MARK_THEN_SPECK_RE,
                lambda m: work.add_glyph(m.group("g")), footnotes=False, start=start)
    else:
        # A raised digit OCR read full size with the stop before it lost, standing apart
        # at a paragraph's end (``President of the General Assembly 5``): only its own
        # number may take it (``_mark_weight``).
        rewrite(work, "mark_marker_glyphs", LOOSE_END_DIGIT_RE,
                lambda m: work.add_glyph(m.group("d")), footnotes=False, start=start)

        # A quote or "?" glued to a year, the sentence going on in lower case ("Reduction
        # 2015-2030' and to accelerate"): a raised mark the layout did not see, unless it
        # closes a quotation the paragraph opened. A weak candidate (``_mark_weight``).
        def after_year(m: re.Match) -> str | None:
            before = m.string[m.string.rfind("\n\n", 0, m.start()) + 1:m.start()]
            quoting = before.count("“") + before.count("‘") > before.count("”") + before.count("’")
            return None if m.group("g") != "?" and quoting else work.add_glyph(m.group("g"))

        rewrite(work, "mark_marker_glyphs", QUOTE_AFTER_YEAR_RE, after_year, footnotes=False,
                start=start)
    return rewrite(work, "mark_marker_glyphs", LOOSE_SYMBOL_RE,
                   lambda m: " " + work.add_glyph(m.group("g")), footnotes=False, start=start)


def _unseen_raised_quote(m: re.Match, glyph: str) -> bool:
    """A raised mark the layout did not see, OCR's ``’`` glued after a comma or semicolon
    with the sentence going on in lower case (``Enforced Disappearance,’ and of``): no
    apostrophe stands there, and no quotation closes there unless one was opened with
    ``‘`` in the same paragraph. A weak candidate (``_mark_weight``)."""
    text, at = m.string, m.start()
    if glyph not in "’'" or text[at - 1:at] not in (",", ";") or m.group("rest"):
        return False
    if not re.match(r" [a-z]", text[m.end():m.end() + 2]):
        return False
    para = text.rfind("\n\n", 0, at)
    return text.count("‘", para + 1, at) <= text.count("’", para + 1, at - 1)


QUOTE_AFTER_YEAR_RE = re.compile(r"(?<=\b(?:19|20)\d\d)(?P<g>['’\"”?])(?= [a-z])")
BAR_WORD_RE = re.compile(r"(?<![\w|])[A-Za-z|]*\|[A-Za-z|]*(?![\w|])")


def fix_vertical_bars(work: Work) -> Work:
    """A ``|`` touching letters is an I or an l: take the reading the lexicon knows (``|bid`` -> ``Ibid``)."""
    def fix(m: re.Match) -> str | None:
        token = m.group(0)
        if not re.search(r"[A-Za-z]", token):
            return None
        readings = _bar_readings(token)
        best = max(readings, key=lambda r: (zipf(r), r[0].isupper()))
        return best if zipf(best) > 0 else None

    rewrite(work, "fix_vertical_bars", BAR_WORD_RE, fix)
    # A bar before three digits where a year stands ("Protocols thereto of | 977,"): the
    # year's 1, read as a bar apart from the rest. Only a year of this or the last century.
    return rewrite(work, "fix_vertical_bars", BAR_YEAR_RE, lambda m: "1" + m.group("d"))


BAR_YEAR_RE = re.compile(r"(?<![\w|/.,])\|\s?(?P<d>9\d\d)(?![\d/.]|,\d)")


def _bar_readings(token: str) -> list[str]:
    readings = [""]
    for ch in token:
        readings = [r + c for r in readings for c in (("I", "l") if ch == "|" else (ch,))]
    return readings[:64]




def rejoin_split_words(work: Work) -> Work:
    """Rejoin a word OCR split in two: ``I nternational``, ``Confere nce``, ``Develo ent``.

    Joined when the halves are not both words but their union is one, or when a
    non-word head and a tail frame exactly one frequent word with one or two
    lost letters between them (``Develo`` + ``pm`` + ``ent``).
    """
    lex = work.lexicon()

    def join(m: re.Match) -> str | None:
        head, tail = m.group(1), m.group(2)
        if tail[0].isupper():
            return None
        union = head + tail
        broken = zipf(tail) < 2.5 or (len(head) > 1 and zipf(head) < 2.5)
        if zipf(union) >= 3.0 and broken and lex.doc_count(tail) <= 1:
            return union
        if len(head) >= 4 and zipf(head) < 2.0 and lex.doc_count(head) <= 1:
            fills = lex.words_with_gap(head, tail)
            in_doc = [w for w in fills if lex.doc_count(w)]
            choice = in_doc if len(in_doc) == 1 else fills
            if len(choice) == 1:
                return match_case(head, choice[0])
        if min(len(head), len(tail)) >= 3 and not (lex.is_word(head) or lex.is_word(tail)):
            # Neither half is a word and the union is one cheap slip from exactly one word:
            # a glyph read twice at the split ("traffi icking"), or a look-alike glyph.
            near = [(w, cost) for w, cost in ocr_candidates(union.lower(), lex, max_edits=1)
                    if cost <= SUB_COST]
            if len(near) == 1 and near[0][1] <= THIN_DELETE_COST:
                return match_case(head, near[0][0])
        return None

    return rewrite_pairs(work, "rejoin_split_words", join)


def rewrite_pairs(work: Work, rule: str, join: Callable[[re.Match], str | None]) -> Work:
    """Like ``rewrite`` over overlapping pairs of words: a rejected pair consumes only its head."""
    pattern = re.compile(r"(?<![\w/.\-])([A-Za-z]+) ([A-Za-z]+)(?![\w/\-])")

    def scan(text: str) -> str:
        pos, out = 0, []
        while (m := pattern.search(text, pos)) is not None:
            new = join(m)
            if new is None:
                out.append(text[pos:m.end(1)])
                pos = m.end(1)
                continue
            out.append(text[pos:m.start()] + new)
            offset = len("".join(out)) - len(new)
            work.note(rule, offset, m.group(0), new)
            pos = m.end()
        return "".join(out) + text[pos:]

    work.text = scan(work.text)
    for note in work.footnotes:
        note.text = scan(note.text)
    return work


GLUED_RE = re.compile(r"(?<![\w/.\-])[A-Za-z]{6,}(?![\w/\-])")
# Short words OCR glues to their neighbour when the space between them is narrow.
FUNCTION_WORDS = frozenset("of in to the and for on at by with as or from its an that which be is "
                           "are this".split())


def split_glued_words(work: Work) -> Work:
    """Split two words OCR glued together (``activitiesin`` -> ``activities in``).

    Only with strong evidence, for a garble of one long word often decomposes by chance
    (``Onsober`` for ``October``, ``inpeace`` for ``implementation``). The glued form is
    unknown (to the lexicon and the document); it reads as exactly one content word of
    three letters or more plus a function word (``in``, ``of``, ``the`` ... before or
    after it); the document prints that content word elsewhere (English frequency alone
    is no evidence: ``sober`` and ``peace`` are common words); no single word other than
    the content word explains the token at the cost of one substitution (``ocr_cost``;
    ``inchide`` stays: one confusion from ``include``); and
    the split does not put a capitalised function word in mid-sentence (``24 On sober``).
    When in doubt the token stays as it is.
    """
    lex = work.lexicon()

    def content(word: str) -> bool:
        # Printed elsewhere in the document (the glued token is not that word).
        return len(word) >= 3 and word.lower() not in FUNCTION_WORDS and (
            zipf(word) >= 3.0 or lex.doc_count(word) >= 2) and lex.doc_count(word) >= 1

    def split(m: re.Match) -> str | None:
        token = m.group(0)
        if zipf(token) > 0 or lex.doc_count(token) > 1 or not token[1:].islower():
            return None
        splits = []
        for i in range(2, len(token) - 1):
            a, b = token[:i], token[i:]
            if (content(a) and b in FUNCTION_WORDS) or (a.lower() in FUNCTION_WORDS and content(b)):
                splits.append((a, b))
        if len(splits) != 1:
            return None
        a, b = splits[0]
        word = b if a.lower() in FUNCTION_WORDS else a
        if a.lower() in FUNCTION_WORDS and a[0].isupper() \
                and not token_context(m.string, m.start(), m.end()).sentence_start:
            return None  # "24 On sober 2014": no capitalised function word in mid-sentence
        # (A limit growing with the length would take ``implementationof`` for
        # ``implementations``: a substitution and a thin glyph, 1.5.)
        if any(cost <= SUB_COST for cand, cost in ocr_candidates(token.lower(), lex)
               if cand != word.lower()):
            return None  # a misread single word explains it as well
        return f"{a} {b}"

    return rewrite(work, "split_glued_words", GLUED_RE, split)


ROMAN_RE = re.compile(r"^(M{0,3})(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
ROMANISH = r"[IVXL1l|]+"
ROMAN_CONTEXTS = [
    # annexes and chapters are numbered in roman type: "annex 11", "chap. |"
    re.compile(rf"\b(?:annex|Annex|chap\.|chapter|Chapter) ({ROMANISH})(?=[\s,.;:)]|$)"),
    # sections and parts when subdivided by a letter: "section 11.C"
    re.compile(rf"\b(?:section|Section|part|Part) ({ROMANISH})(?=\.[A-Z]\b)"),
    # old resolutions: "217 A (111)", "1514 (XV)"
    re.compile(rf"(?<=\d )(?:[A-Z] )?\(({ROMANISH})\)"),
    # United Nations sales numbers: "E.95.X111.18"
    re.compile(rf"\b[A-Z]\.\d\d\.({ROMANISH})(?=\.)"),
]


# (A stray stop between the resolution's number and the numeral goes with it: "3187. (XXVIID".)
ROMAN_MERGED_RE = re.compile(r"(?<=\d)(?P<stop>[.,]?) (?P<pre>(?:[A-Z] )?\()(?P<r>[IVXLH1l|]*)D\)?"
                             r"(?=[\s.,;:]|$)")


def fix_roman_numerals(work: Work) -> Work:
    """Roman numerals OCR read as digits or bars, where the context calls for one."""
    for pattern in ROMAN_CONTEXTS:
        def fix(m: re.Match) -> str | None:
            token = m.group(1)
            roman = re.sub(r"[1l|]", "I", token)
            if roman == token or not ROMAN_RE.match(roman):
                return None
            cut = m.start(1) - m.start(0)
            return m.group(0)[:cut] + roman + m.group(0)[cut + len(token):]

        rewrite(work, "fix_roman_numerals", pattern, fix)

    def merged(m: re.Match) -> str | None:
        # A final "I)" read as one "D" ("2200 A (XXD,"): no session numeral has a D. Bars
        # blurred together read as "H" (one "I" or two: "(XXVIHD" is XXVIII, the only
        # valid numeral of the two).
        base = re.sub(r"[1l|]", "I", m.group("r"))
        romans = {base.replace("H", h) + "I" for h in ("I", "II")}
        valid = [r for r in romans if ROMAN_RE.match(r)]
        if len(valid) != 1 or len(valid[0]) < 3:  # "(ID": (II) or (III)? Too short to tell
            return None
        return " " + m.group("pre") + valid[0] + ")"

    return rewrite(work, "fix_roman_numerals", ROMAN_MERGED_RE, merged)


CONFUSIONS = [("rn", "m"), ("m", "rn"), ("li", "h"), ("h", "li"), ("ti", "u"), ("u", "ti"),
              ("cl", "d"), ("d", "cl"), ("vv", "w"), ("ii", "u"), ("y", "v"), ("v", "y"),
              ("j", "i"), ("i", "j"), ("a", "o"), ("o", "a"), ("e", "c"), ("c", "e"),
              ("1", "l"), ("l", "1"), ("1", "i"), ("0", "o"), ("5", "s"), ("n", "u"), ("u", "n"),
              ("f", "t"), ("t", "f"), ("e", "o"), ("o", "e"), ("ri", "n"), ("in", "m"),
              ("fi", "h"), ("b", "h"), ("h", "b"), ("l", "i"), ("i", "l"), ("c", "o")]
WORD_TOKEN_RE = re.compile(r"(?<![\w/.\-|])[A-Za-z][a-z01]*(?![\w/|])")


def confusion_variants(word: str, depth: int = 2) -> set[str]:
    """Spellings reachable by up to ``depth`` OCR confusions (rn/m, ti/u, y/v, ...)."""
    found, frontier = set(), {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for a, b in CONFUSIONS:
                start = w.find(a)
                while start != -1:
                    nxt.add(w[:start] + b + w[start + len(a):])
                    start = w.find(a, start + 1)
        found |= nxt
        frontier = nxt
    found.discard(word)
    return found


# --- the OCR channel: what it costs to read ``cand`` as ``obs`` ---------------------------

# Glyphs of similar shape (serif type, blurred): substituting one for another is cheap.
SIMILAR_GROUPS = ["aoec", "ilj1t", "tfr", "nuh", "hbk", "uvy", "gqpy", "o0", "s5", "rn"]
SIMILAR = {(a, b) for g in SIMILAR_GROUPS for a in g for b in g if a != b}
# Several glyphs read as one or one as several (obs, cand).
MULTI = {("rn", "m"), ("m", "rn"), ("ri", "n"), ("n", "ri"), ("in", "m"), ("m", "in"),
         ("ni", "m"), ("m", "ni"), ("iu", "m"), ("li", "h"), ("h", "li"), ("lt", "h"),
         ("ti", "u"), ("u", "ti"), ("ii", "u"), ("u", "ii"), ("ii", "n"), ("cl", "d"),
         ("d", "cl"), ("vv", "w"), ("w", "vv"), ("fi", "h"), ("h", "fi"), ("rr", "n"),
         ("tl", "d"), ("ci", "a"), ("ri", "u")}
# A multi-glyph confusion whose reading has one glyph itself misread: ``rh`` for ``rn`` for
# ``m`` (``rhigration``). Costs one merge plus one similar glyph.
MULTI_NEAR = {(o[:k] + x + o[k + 1:], c) for o, c in MULTI for k in range(len(o))
              for x in "abcdefghijklmnopqrstuvwxyz01" if (o[k], x) in SIMILAR} - MULTI
THIN = set("iltfrj1.'’`")
SIMILAR_COST, MULTI_COST, SUB_COST, INDEL_COST, THIN_DELETE_COST = 0.35, 0.35, 1.0, 0.8, 0.5


def ocr_cost(obs: str, cand: str) -> float:
    """Weighted edit distance from the printed word ``cand`` to OCR's reading ``obs``.

    Similar glyphs (a/o/e/c, i/l/t, n/u/h, y/v, g/q/p ...) and the classic merges and
    splits (rn/m, in/m, li/h, ti/u, cl/d, vv/w) cost 0.35; a thin stray glyph in the
    reading (i, l, t, f, r, an apostrophe) 0.5; any other lost or extra glyph 0.8; any
    other substitution 1. Lower case on both sides.
    """
    n, m = len(obs), len(cand)
    inf = float("inf")
    d = [[inf] * (m + 1) for _ in range(n + 1)]
    d[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = d[i][j]
            if here == inf:
                continue
            if i < n and j < m:
                a, b = obs[i], cand[j]
                step = 0.0 if a == b else SIMILAR_COST if (a, b) in SIMILAR else SUB_COST
                d[i + 1][j + 1] = min(d[i + 1][j + 1], here + step)
            if i < n:  # an extra glyph in the reading
                step = THIN_DELETE_COST if obs[i] in THIN else INDEL_COST
                d[i + 1][j] = min(d[i + 1][j], here + step)
            if j < m:  # a printed glyph OCR lost
                d[i][j + 1] = min(d[i][j + 1], here + INDEL_COST)
            for lo in (1, 2):
                for lc in (1, 2):
                    if (lo, lc) != (1, 1) and i + lo <= n and j + lc <= m:
                        pair = (obs[i:i + lo], cand[j:j + lc])
                        step = MULTI_COST if pair in MULTI else \
                            MULTI_COST + SIMILAR_COST if pair in MULTI_NEAR else None
                        if step is not None:
                            d[i + lo][j + lc] = min(d[i + lo][j + lc], here + step)
    return d[n][m]


@lru_cache(maxsize=1)
def _lexicon_by_length() -> dict[int, list[str]]:
    """Words wordfreq calls common (Zipf >= 3), lower case, by length."""
    out: dict[int, list[str]] = {}
    for word, freq in _frequencies().items():
        if word.isalpha() and word.isascii() and math.log10(freq) + 9 >= 3.0:
            out.setdefault(len(word), []).append(word)
    return out


def ocr_candidates(obs: str, lex: Lexicon, max_edits: int = 2) -> list[tuple[str, float]]:
    """Words of four letters or more (common ones, and the document's own repeated ones)
    OCR may have read as ``obs``, with the channel cost of each: within ``max_edits``
    plain edits. Shorter words are never proposed: too many readings are one slip away."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    obs = obs.lower()
    pool: set[str] = set()
    for length in range(max(4, len(obs) - max_edits), len(obs) + max_edits + 1):
        pool.update(_lexicon_by_length().get(length, ()))
    pool.update(w for w, k in lex.doc.items()
                if k >= 2 and len(w) >= 4 and abs(len(w) - len(obs)) <= max_edits)
    pool.discard(obs)
    near = process.extract(obs, list(pool), scorer=Levenshtein.distance,
                           score_cutoff=max_edits, limit=None)
    return [(w, ocr_cost(obs, w)) for w, _, _ in near]


def _edits(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def _doc_bonus(lex: Lexicon, word: str) -> float:
    """The document's evidence for ``word``: it prints it (three times), or failing that a
    word of its family (``cooperation`` for ``cooperate``: the same stem of six letters or more)."""
    k = lex.doc_count(word)
    if k:
        return 2.0 if k >= 3 else 1.0
    return 1.0 if len(word) >= 7 and word[:max(6, len(word) - 2)].lower() in lex.stems() else 0.0


CHANNEL_WEIGHT = 2.5  # Zipf points one unit of channel cost is worth
MIN_LEAD = 1.0  # over the runner-up
MIN_GAIN = 0.5  # over the reading itself


def _max_cost(length: int) -> float:
    """How much misreading a correction may assume: one cheap slip in a short word, about
    one plain substitution up to seven letters, more in long words."""
    return 0.8 if length <= 5 else 1.0 if length <= 7 else 1.4 if length <= 10 else 1.8


def best_correction(token: str, lex: Lexicon, context: "TokenContext | None" = None) -> str | None:
    """The correction of a non-word, if the evidence is strong, else None.

    A noisy-channel decision. The reading must be implausible: four letters or more,
    rare in English (Zipf < 3) and not repeated in the document. Each candidate
    (``ocr_candidates``) scores its Zipf frequency, plus 1 (2) when the document uses
    it (three times), minus 2.5 per unit of OCR channel cost (``ocr_cost``). The best
    must cost little for the word's length (0.8 up to five letters: one cheap slip;
    1.0 up to seven; 1.4 up to ten; 1.8 beyond), lead the runner-up by a
    full point and beat the reading's own frequency by half a point. A short word
    (five letters or fewer) is corrected only to a word the document uses or a very
    common one (Zipf >= 4.5). Where frequencies alone decide (``_needs_context``: the
    reading is itself an English word, the candidate one of the commonest words, or the
    first glyph misread plus another slip) the document must print the candidate next
    to the same left or right neighbour elsewhere. Case follows ``TokenContext``: a capitalised word in
    mid-sentence is a name unless the document writes the candidate so too (or
    the words around it are a Title Case name); a misread first letter says nothing
    about case, so the candidate must be one the document uses, and takes the case of
    the sentence start, of a Title Case name it opens, or the document's.
    """
    low = token.lower()
    base = zipf(low)
    if len(low) < 4 or base >= 3.0 or lex.doc_count(low) >= 2:
        return None
    scored = []
    for cand, cost in ocr_candidates(low, lex):
        score = max(zipf(cand), 2.5 if lex.doc_count(cand) >= 2 else 0.0) + _doc_bonus(lex, cand) \
            - CHANNEL_WEIGHT * cost
        scored.append((score, cand, cost))
    if not scored:
        return None
    scored.sort(reverse=True)
    score, cand, cost = scored[0]
    # A reading that assumes two slips or more must win by more: each slip gives a rival
    # spelling more room (``conperate``: ``corporate`` or ``cooperate``).
    if len(scored) > 1 and score - scored[1][0] < MIN_LEAD * (2 if _edits(low, cand) >= 2 else 1):
        return None
    if cost > _max_cost(len(low)) or score - base < MIN_GAIN:
        return None
    if len(low) <= 5 and not lex.doc_count(cand) and zipf(cand) < 4.5 \
            and not (cost <= SIMILAR_COST and zipf(cand) >= 3.5
                     and (token.islower() or context is None or context.sentence_start)):
        return None
    if _needs_context(low, cand, cost) and not _context_support(lex, cand, context):
        return None
    return _cased(token, cand, lex, context, slight=cost <= SIMILAR_COST)


REAL_WORD_ZIPF = 2.5  # a reading this frequent is an English word, not a garble
PRIOR_DOMINATES_ZIPF = 6.0  # "with", "which", "that", "have": near any short garble


def _needs_context(low: str, cand: str, cost: float) -> bool:
    """Whether the frequencies alone cannot justify reading ``low`` as ``cand``: the reading
    is an English word itself (``halve``, ``atone``: a real word is no misreading without
    evidence), unless it is the candidate's start (``Chil``: a faint last glyph lost);
    the candidate is one of the commonest words, whose frequency outweighs any spelling,
    read with more than a thin stray glyph (``whith``: ``with`` or ``which``?); or the
    first glyph was misread and a second slip assumed too (``icking``: ``taking``?)."""
    real_word = zipf(low) >= REAL_WORD_ZIPF and not cand.startswith(low)
    prior_only = zipf(cand) >= PRIOR_DOMINATES_ZIPF and cost > THIN_DELETE_COST
    return real_word or prior_only or (low[0] != cand[0] and cost > SIMILAR_COST)


def _context_support(lex: Lexicon, cand: str, context: "TokenContext | None") -> bool:
    """The document prints ``cand`` elsewhere after the same word or before the same word."""
    if context is None:
        return False
    return bool((context.left and lex.bigrams[(context.left, cand)])
                or (context.right and lex.bigrams[(cand, context.right)]))


@dataclass
class TokenContext:
    sentence_start: bool  # first word of a paragraph, footnote or sentence
    title_case: bool  # a capitalised word next to it (a name: "the Fotirth World Conference")
    opens_name: bool = False  # the next word is capitalised ("the fnternational Conference")
    left: str = ""  # the word before it in the same sentence, lower case ("" at a start)
    right: str = ""  # the word after it in the same sentence


def token_context(text: str, start: int, end: int) -> TokenContext:
    before = text[max(0, start - 80):start]
    after = text[end:end + 80]
    sentence_start = not before.strip() or bool(
        re.search(r"(?:[.!?][\"”’)]?|\n\n|^)[\s\"“‘(\ue000-\ue8ff]*$", before))
    prev = re.findall(r"[A-Za-z]+", before)
    nxt = re.findall(r"[A-Za-z]+", after)
    # Skip connectors inside a name ("Rights of the Child").
    prev_words = [w for w in prev[-3:] if w not in NAME_CONNECTORS]
    caps_before = bool(prev_words) and prev_words[-1][:1].isupper() and \
        not re.search(r"[.;:,]\s*$", before)
    caps_after = bool(nxt) and nxt[0][:1].isupper() and not re.match(r"^[.;:,]", after)
    # A name's words are joined by "of", "on", "and", "for" (then perhaps "the"); a word
    # followed by "the" and a capital is a verb or a preposition ("Also requests the
    # Secretary-General"), not a name's first word.
    opens_name = bool(re.match(r"^ (?:(?:of|on|and|for)(?: the)? )?[A-Z][a-z]", after))
    left = re.search(r"([A-Za-z]+)[ ,\-]{1,3}$", before)
    right = re.match(r"^[ ,\-]{1,3}([A-Za-z]+)", after)
    return TokenContext(sentence_start, caps_before or caps_after, opens_name,
                        left.group(1).lower() if left and not sentence_start else "",
                        right.group(1).lower() if right else "")


def _doc_case(lex: Lexicon, word: str) -> tuple[int, int]:
    """(capitalised, lower-case) counts of ``word`` in the document, sentence starts aside."""
    return lex.capitalised[word.lower()], lex.lower[word.lower()]


def _cased(token: str, cand: str, lex: Lexicon, context: "TokenContext | None",
           slight: bool = False) -> str | None:
    if token.isupper() and len(token) > 1:
        return cand.upper()
    if context is None:
        return match_case(token, cand)
    caps, lower = _doc_case(lex, cand)
    if token[0].lower() != cand[0]:  # the first glyph itself was misread: its case says nothing
        if not lex.doc_count(cand):
            return None
        if context.sentence_start or context.opens_name:
            return cand[:1].upper() + cand[1:]
        return cand[:1].upper() + cand[1:] if caps > lower else cand
    if token[0].isupper() and cand in MONTHS:
        return cand[:1].upper() + cand[1:]  # a month is written with its capital anywhere
    if token[0].isupper() and not context.sentence_start:
        # A capital in mid-sentence: a name, unless the document writes the word so. Inside
        # a Title Case name a word one cheap slip away keeps its capital even if the
        # document also writes it in lower case ("the Pratection of" in a convention's name).
        if caps or (context.title_case and (not lower or slight)):
            return cand[:1].upper() + cand[1:]
        return None
    return match_case(token, cand)


def correct_words(work: Work) -> Work:
    """Correct non-words (``proyjsions``, ``Fotirth``, ``Chil``) with lexicon and confusion model."""
    lex = work.lexicon()

    def fix(m: re.Match) -> str | None:
        token = m.group(0)
        if _is_protected(m) or _touches_junk(m):
            return None
        return best_correction(token, lex, token_context(m.string, m.start(), m.end()))

    rewrite(work, "correct_words", WORD_TOKEN_RE, fix)
    return fix_case_slips(work)


# Letters whose capital is their small letter enlarged: a blurred scan hides the size.
CASE_AMBIGUOUS = set("COPSVWXZ")
CASE_SLIP_RE = re.compile(r"(?<![\w/.\-])(?:[A-Z][a-z]+|[a-z]+[A-Z][a-z]+)(?![\w/\-])")


def fix_case_slips(work: Work) -> Work:
    """A capital OCR read for a small letter of the same shape (``summary Of the dialogue``,
    ``with Concern that``, ``eXisting``): lower case where the document writes the word so.

    Only letters whose capital is their small letter enlarged (c, o, p, s, v, w, x, z); a
    first capital only in mid-sentence, outside a Title Case name (no capitalised word next
    to it, none opened by it), for a common word (Zipf >= 3) the document prints in lower
    case mid-sentence and nowhere else with that capital.
    """
    lex = work.lexicon()

    def fix(m: re.Match) -> str | None:
        token = m.group(0)
        caps = [i for i, ch in enumerate(token) if ch.isupper()]
        low = token.lower()
        if len(caps) != 1 or token[caps[0]] not in CASE_AMBIGUOUS or zipf(low) < 3.0 \
                or _is_protected(m) or _touches_junk(m):
            return None
        if caps[0] == 0:
            ctx = token_context(m.string, m.start(), m.end())
            prev = re.search(r"(\S+)\s+$", m.string[max(0, m.start() - 40):m.start()])
            if ctx.sentence_start or ctx.title_case or ctx.opens_name or not ctx.left \
                    or not prev or re.search(r"[A-Z]", prev.group(1)):  # "Sixty-second Session"
                return None
            if not lex.lower[low] or lex.capitalised[low] > 1:
                return None
        elif not (lex.doc_count(low) or zipf(low) >= 4.0):
            return None
        return low

    return rewrite(work, "fix_case_slips", CASE_SLIP_RE, fix)


JUNK_NEIGHBOUR_RE = re.compile(r"[^\s,;:.!?()\[\]\"“”‘’'\-–—\ue000-\ue8ff]")


def _touches_junk(m: re.Match) -> bool:
    """A word glued to a stray glyph (``¢operation``, ``migrati¢n``) is a fragment: leave it."""
    text = m.string
    before = text[m.start() - 1] if m.start() > 0 else " "
    after = text[m.end()] if m.end() < len(text) else " "
    return bool(JUNK_NEIGHBOUR_RE.match(before) or JUNK_NEIGHBOUR_RE.match(after))


def _is_protected(m: re.Match) -> bool:
    """Tokens inside a chunk with digits or slashes (symbols, dates' numbers, labels) stay."""
    text = m.string
    left = text.rfind(" ", 0, m.start()) + 1
    right = text.find(" ", m.end())
    chunk = text[left:right if right != -1 else len(text)]
    return bool(re.search(r"[\d/]", chunk)) or chunk.startswith("(")


SHORT_TARGETS = ("the", "and", "of", "to", "in", "on", "by", "for", "its", "at", "an", "or", "as",
                 "is", "be", "with", "from", "that")
SHORT_TOKEN_RE = re.compile(r"(?<=[A-Za-z,;] )[a-z]{2,3}(?= [A-Za-z])")


def correct_short_words(work: Work) -> Work:
    """Short words OCR garbled (``aspects oe migration``, ``wad``), by the document's context.

    ``correct_words`` never proposes words under four letters: too many are one slip
    away. Here a two- or three-letter token the document prints only this once, that is
    no common English word of its own (Zipf < 5), becomes a function word within one
    substitution of it (``ocr_cost`` <= 1) only when the document prints that function
    word between the same two neighbours elsewhere (or after the left one and before the
    right one, twice each), and no other candidate has such evidence.
    """
    lex = work.lexicon()

    def fix(m: re.Match) -> str | None:
        token = m.group(0)
        if token in SHORT_TARGETS or zipf(token) >= 5.0 or lex.doc_count(token) > 1:
            return None
        left = WORD_RE.findall(m.string[max(0, m.start() - 40):m.start()])[-1:]
        right = WORD_RE.findall(m.string[m.end():m.end() + 40])[:1]
        if not left or not right:
            return None
        key = (left[0].lower(), right[0].lower())
        cands = [c for c in SHORT_TARGETS if ocr_cost(token, c) <= SUB_COST
                 and (lex.trigrams[(key[0], c, key[1])] >= 1
                      or (lex.bigrams[(key[0], c)] >= 2 and lex.bigrams[(c, key[1])] >= 2))]
        return cands[0] if len(cands) == 1 else None

    return rewrite(work, "correct_short_words", SHORT_TOKEN_RE, fix, start=body_start(work.text))


def correct_words_by_context(work: Work) -> Work:
    """Real words OCR made of others (``of All Farms of`` for ``of All Forms of``).

    A word is replaced by a one-confusion neighbour only when the document itself
    prints the neighbour elsewhere amid the same three words (two before and one
    after, or one before and two after), prints the word so only this once, and
    the neighbour is the commoner English word.
    """
    pattern = re.compile(r"(?<=[A-Za-z] )[A-Za-z]{3,}(?= [A-Za-z])")
    lex = work.lexicon()

    def fix(m: re.Match) -> str | None:
        left = [w.lower() for w in WORD_RE.findall(m.string[max(0, m.start() - 60):m.start()])][-2:]
        right = [w.lower() for w in WORD_RE.findall(m.string[m.end():m.end() + 60])][:2]
        word = m.group(0).lower()
        if len(left) < 1 or len(right) < 1 or lex.trigrams[(left[-1], word, right[0])] > 1:
            return None
        for cand in sorted(confusion_variants(word, depth=1)):
            if zipf(cand) <= zipf(word):
                continue
            left_gram = len(left) == 2 and lex.fourgrams[(left[0], left[1], cand, right[0])]
            right_gram = len(right) == 2 and lex.fourgrams[(left[-1], cand, right[0], right[1])]
            if left_gram or right_gram:
                return match_case(m.group(0), cand)
        return None

    return rewrite(work, "correct_words_by_context", pattern, fix)


DOC_WORD_SLACK = 1.0  # channel cost the document's own phrase may pay for beyond ``_max_cost``
DOC_WORD_LEAD = 1.5  # channel cost the best document word must save over the next one
DOC_WORD_SHORTLIST = 40  # document words costed by the confusion model, nearest by edit distance
DOC_WORD_LONG = 6  # a garble this long may lean on one neighbour the document repeats


def _document_word_support(lex: Lexicon, cand: str, context: TokenContext, long: bool) -> bool:
    """The document prints ``cand`` between the same two neighbours elsewhere, or (a long
    reading) beside the same neighbour at least twice."""
    left, right = context.left, context.right
    if left and right and lex.trigrams[(left, cand, right)]:
        return True
    return long and bool((left and lex.bigrams[(left, cand)] >= 2)
                         or (right and lex.bigrams[(cand, right)] >= 2))


def _phrase_form(text: str, cand: str, context: TokenContext) -> str | None:
    """How the document mostly writes ``cand`` between the same two neighbours (more often
    than every other way together), if it does."""
    if not (context.left and context.right):
        return None
    phrase = rf"(?i)(?<![A-Za-z]){re.escape(context.left)}[^A-Za-z]{{1,3}}({re.escape(cand)})" \
             rf"[^A-Za-z]{{1,3}}{re.escape(context.right)}(?![A-Za-z])"
    forms = Counter(m.group(1) for m in re.finditer(phrase, text)).most_common()
    if not forms or (len(forms) > 1 and forms[0][1] <= sum(k for _, k in forms[1:])):
        return None
    return forms[0][0]


def document_word_for(token: str, lex: Lexicon, context: TokenContext,
                      text: str = "") -> str | None:
    """The document's own word a badly blurred non-word stands for, if its phrase says so.

    ``correct_words`` proposes words at most two edits away; a blurred scan garbles long
    words further (``tedicactive`` for ``radioactive``, ``Mewibar`` for ``Member``). Here
    the candidates are the words the document itself prints at least twice (four letters
    or more, lengths within three), costed by the confusion model (``ocr_cost``). The
    cheapest must lead the next by 1.5, no English word of the usual candidates may come
    within half a unit of it, and the document must print it in the same phrase
    elsewhere (``_document_word_support``): that evidence lets the reading cost up to
    ``_max_cost`` + 1.0. Where the first glyph itself was misread its case says nothing:
    the word takes the case the document prints it with in the same phrase (``text``),
    capitalised at a sentence start; without that phrase, a word the document prints both
    capitalised and not in mid-sentence is left alone; else the usual rules (``_cased``)."""
    low = token.lower()
    if len(low) < 4 or zipf(low) >= 3.0 or lex.doc_count(low) >= 2:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein
    words = [w for w, k in lex.doc.items()
             if k >= 2 and len(w) >= 4 and abs(len(w) - len(low)) <= 3 and w != low]
    # ``ocr_cost`` is a Python alignment (~0.15 ms a pair): cost only the nearest words by
    # plain edit distance (C++), among which the cheapest readings and their runner-up are.
    nearest = process.extract(low, words, scorer=Levenshtein.distance, limit=DOC_WORD_SHORTLIST)
    scored = sorted((ocr_cost(low, w), w) for w, _, _ in nearest)
    if not scored:
        return None
    cost, cand = scored[0]
    if len(scored) > 1 and scored[1][0] - cost < DOC_WORD_LEAD:
        return None
    if cost > _max_cost(len(low)) + DOC_WORD_SLACK:
        return None
    if not _document_word_support(lex, cand, context, len(low) >= DOC_WORD_LONG):
        return None
    if any(other != cand and c <= cost + 0.5 for other, c in ocr_candidates(low, lex)):
        return None
    form = _phrase_form(text, cand, context) if token[0].lower() != cand[0] else None
    if form and not (token.isupper() and len(token) > 1):
        return form[:1].upper() + form[1:] if context.sentence_start else form
    if token[0].lower() != cand[0] and not context.sentence_start and all(_doc_case(lex, cand)):
        return None  # printed both ways in mid-sentence: which case is this one?
    return _cased(token, cand, lex, context, slight=cost <= SIMILAR_COST)


def correct_words_by_document(work: Work) -> Work:
    """Non-words too garbled for ``correct_words``, read as a word of the document's own
    phrase (``possession of tedicactive material``: ``radioactive``); see ``document_word_for``."""
    lex = work.lexicon()
    everything = "\n".join([work.text] + [f.text for f in work.footnotes])

    def fix(m: re.Match) -> str | None:
        if _is_protected(m) or _touches_junk(m):
            return None
        return document_word_for(m.group(0), lex, token_context(m.string, m.start(), m.end()),
                                 everything)

    return rewrite(work, "correct_words_by_document", WORD_TOKEN_RE, fix)


def number_footnote_markers(work: Work) -> Work:
    """Turn marker candidates into ``[^N]``, and place markers OCR lost.

    The footnote texts tell the numbering (1..N), so the body must carry markers
    1..N in order, each on the page (between block anchors) where its text
    stands. Candidates are matched to numbers in order (a digit glyph only to its
    own number); a number left without a candidate is placed at the end of a
    Title-Case name of the enumeration it falls in (``the Convention on the
    Rights of the Child``), when such ends are exactly as many as the lost
    markers. The asterisk note's marker is sought in the masthead.
    """
    text = work.text
    start = body_start(text)
    edits: dict[int, str] = {}  # position of a glyph char (or insertion point) -> new text
    inserts: list[tuple[int, str]] = []
    windows = _windows(text, start, len(work.blocks))
    blocks = work.blocks if work.blocks else [[]]
    if not work.blocks and work.footnotes:
        blocks = [[f.mark for f in work.footnotes if not f.mark.startswith("*")]]
    for (lo, hi), marks in zip(windows, blocks):
        cands = [m.start() for m in GLYPH_RE.finditer(text, lo, hi)
                 if not _closes_quotation(text, m.start(), work)]
        matched = _match_in_order(cands, marks, work, (lo, hi), earlier={**dict(inserts), **edits})
        for pos, mark in matched.items():
            edits[pos] = f"[^{mark}]"
        inserts += _place_lost(text, lo, hi, marks, matched,
                               {f.mark: f.text for f in work.footnotes})
    _mark_repeats(work, text, start, edits, inserts)
    _mark_asterisk(work, text, start, edits)
    out = []
    for i, ch in enumerate(text):
        for pos, new in inserts:
            if pos == i:
                out.append(new)
        if GLYPH_RE.match(ch):
            glyph = work.glyphs[ord(ch) - GLYPH_BASE][0]
            new = edits.get(i, "" if _unknown_mark(work, ch) else glyph)
            work.note("number_footnote_markers", i, glyph, new)
            out.append(new)
        else:
            out.append(ch)
    for pos, new in inserts:
        if pos == len(text):
            out.append(new)
    for pos, new in inserts:
        work.note("number_footnote_markers", pos, "", new)
    work.text = "".join(out)
    for note in work.footnotes:  # a candidate never stands in a footnote; restore any glyph
        note.text = GLYPH_RE.sub(lambda m: work.glyphs[ord(m.group(0)) - GLYPH_BASE][0], note.text)
    return work


QUOTE_GLYPHS = set("”’\"'“‘`")


def _mark_repeats(work: Work, text: str, start: int, edits: dict[int, str],
                  inserts: list[tuple[int, str]] = ()) -> None:
    """A note cited again later: a candidate the in-order numbering left over, after the
    note's first marker, is that marker again when

    * it is a digit glued to a word, to the stop after it or to a quotation's close (not an
      abbreviation's: ``Add.1``) whose number numbering placed earlier (``the 1970
      Convention,1``, ``Air Defence Systems”2 in``), or
    * what the words before it name is what an earlier marker cites (``_repeat_of``):
      ``Decides that the consideration of the report of the Group of Legal Experts,’``
      after ``Having considered the report of the Group of Legal Experts ...,³``."""
    first = _first_places([*edits.items(), *inserts])
    for m in GLYPH_RE.finditer(text, start):
        pos = m.start()
        glyph = work.glyphs[ord(m.group(0)) - GLYPH_BASE][0]
        if pos in edits or _closes_quotation(text, pos, work):
            continue
        if glyph.isdigit():
            if glyph not in first:
                continue
            before = text[max(0, pos - 12):pos]
            index = ord(m.group(0)) - GLYPH_BASE
            # Glued to a year with no stop ("the Geneva Conventions of 12 August 19492"): a
            # raised digit the layout saw; plain text's digit only when the words before it
            # say again what that note's first marker follows (OCR reads a raised 3 as 7,
            # "March 20177").
            year = (work.glyphs[index][1] and re.search(r"(?<![\d.])(?:19|20)\d\d$", before) is not None) \
                or (index in work.year_glyphs and _repeat_of(work, text, pos, {glyph: first[glyph]}) == glyph)
            # (or to the stop after a complete year: "Decade of Family Farming, 2019–2028;5")
            if (year or re.search(r"(?:[A-Za-z][,;:.]|[a-z]{3}|[A-Za-z][”’]"
                                  r"|(?<![\d.])(?:19|20)\d\d[,;:])$", before)) \
                    and not ABBREVIATION_END_RE.search(before):  # "Add.1": a document's part
                edits[pos] = f"[^{glyph}]"
            continue
        mark = _repeat_of(work, text, pos, {k: p for k, p in first.items() if p < pos})
        if mark is not None:
            edits[pos] = f"[^{mark}]"


def _first_places(placed: Iterable[tuple[int, str]]) -> dict[str, int]:
    """Each note's first marker place, from (place, ``[^N]``) pairs in any order."""
    first: dict[str, int] = {}
    for pos, new in sorted(placed):
        first.setdefault(new[2:-1], pos)
    return first


REPEAT_WORD_RE = re.compile(r"[A-Za-z]+|\d{4}")
# What a repeated citation's evidence is worth (``_repeat_of``): the words the earlier
# marker follows, said again before this one, outweigh a name found in the earlier
# marker's sentence, which outweighs the kind of text the note cites.
REPEAT_PHRASE, REPEAT_NAME, REPEAT_KIND = 4.0, 2.5, 1.0
REPEAT_STRONG = 2.0  # enough to take a candidate from the in-order numbering
REPEAT_PHRASE_WORDS = 3  # content words of a phrase said again ("report of the Secretary-General")
REPEAT_TAIL_WORDS = 2  # content words that may stand between that phrase and the repeat's marker


def _content_words(text: str) -> list[str]:
    return [w.lower() for w in REPEAT_WORD_RE.findall(text) if w.lower() not in NAME_CONNECTORS
            and w.lower() not in MARKERLESS_WORDS]


NAME_LINKS = {"of", "the", "for", "on", "in", "against", "and", "to"}


def _name_before(text: str, para: int, pos: int) -> str:
    """The Title-Case name ``text[:pos]`` ends with (``the 1970 Convention``, ``United
    Nations Educational, Scientific and Cultural Organization``), within its paragraph,
    not its first word (the paragraph's own verb), not across a marker or a glyph."""
    tokens = text[para:pos].split()
    if tokens and re.match(r"\d{1,3}\.$", tokens[0]):
        tokens = tokens[1:]
    name: list[str] = []
    for k in range(len(tokens) - 1, 0, -1):  # (tokens[0]: the paragraph's verb)
        token = tokens[k]
        if GLYPH_RE.search(token) or "[^" in token:
            break
        bare = token.strip(",;:.”’\"“‘()")
        inner = token.rstrip(",") != token and name  # "Educational, Scientific"
        if not name:
            if not (bare[:1].isupper() or re.fullmatch(r"\d{4}", bare)):
                break
        elif bare in NAME_LINKS and token == bare:
            if bare == "and" and k + 1 < len(tokens) and tokens[k + 1] == "the":
                break
        elif not (bare[:1].isupper() or re.fullmatch(r"\d{4}", bare)) or (
                token != bare and not inner):
            break
        name.insert(0, bare)
    while name and name[0] in NAME_LINKS:
        name.pop(0)
    return " ".join(name)


class _BodyParagraphs:
    """The body's paragraphs as content words, with which paragraphs say a phrase or have a
    word, remembered: every marker candidate asks the same questions of the same text."""

    def __init__(self, text: str):
        start = body_start(text)
        starts = [start] + [m.end() for m in re.finditer(r"\n\n", text) if m.end() > start]
        spans = list(zip(starts, starts[1:] + [len(text)]))
        self.words = [(a, set(_content_words(text[a:b]))) for a, b in spans]
        self.sequences = [(a, " " + " ".join(_content_words(_unmarked(text[a:b]))) + " ")
                          for a, b in spans]
        self._saying: dict[str, list[int]] = {}
        self._having: dict[str, list[int]] = {}

    def saying(self, phrase: str) -> list[int]:
        """Starts of the paragraphs whose content words include ``phrase`` (space-padded)."""
        if phrase not in self._saying:
            self._saying[phrase] = [a for a, seq in self.sequences if phrase in seq]
        return self._saying[phrase]

    def having(self, word: str) -> list[int]:
        if word not in self._having:
            self._having[word] = [a for a, ws in self.words if word in ws]
        return self._having[word]


@functools.lru_cache(maxsize=4)
def _body_paragraphs(text: str) -> _BodyParagraphs:
    return _BodyParagraphs(text)


class _RepeatEvidence:
    """What the words before a candidate at ``pos`` say again of the text before an earlier
    marker (``at``): (1) the phrase the earlier marker follows (``the report of the
    Secretary-General,⁵``), ``REPEAT_PHRASE_WORDS`` content words or more, stands in the
    candidate's sentence; (2) the name the candidate follows (its last Title-Case run
    with the years in it: ``the Model Treaty``, ``the 1970 Convention``, ``the Group of
    Legal Experts``) stands in the sentence the earlier marker ends, its words counted by
    how rare they are elsewhere in the document ("Secretary-General" is everywhere)."""

    def __init__(self, text: str, pos: int):
        self.text, self.pos = text, pos
        found = text.rfind("\n\n", 0, pos)
        self.para = found + 2 if found >= 0 else 0
        self.words = _content_words(_unmarked(text[self.para:pos]))
        self.name = sorted(set(_content_words(_name_before(text, self.para, pos))))
        self.body = _body_paragraphs(text)

    def at(self, at: int) -> tuple[int, float]:
        """(content words of the phrase said again (0: none), strength of the name, 0..1)."""
        text, pos, para = self.text, self.pos, self.para
        words = self.words if at < para else _content_words(_unmarked(text[at + 1:pos]))
        joined = " " + " ".join(words) + " "
        found = text.rfind("\n\n", 0, at)
        site_para = found + 2 if found >= 0 else 0
        site_words = _content_words(_unmarked(text[site_para:at]))
        dated = re.search(rf"\b\d{{1,2}} (?:{MONTH_NAMES}) (?:19|20)\d\d\W{{0,3}}$",
                          _unmarked(text[max(0, pos - 40):pos])) is not None
        phrase = 0
        for k in range(REPEAT_PHRASE_WORDS, min(6, len(site_words)) + 1):
            said = " " + " ".join(site_words[-k:]) + " "
            # (a phrase the document says in two other paragraphs or more is its subject's
            # own wording, "persons belonging to minorities", and names no citation)
            common = sum(a not in (para, site_para) for a in self.body.saying(said))
            # A candidate right after a date follows the phrase said again closely
            # (``REPEAT_TAIL_WORDS``): "the Sendai Framework ... 2015-2030, adopted on 18 May
            # 2023," cites the declaration adopted then, not the Framework again.
            scope = " " + " ".join(words[-(k + REPEAT_TAIL_WORDS):]) + " " if dated else joined
            if said in scope and common < 2:
                phrase = k
        if not self.name:
            return phrase, 0.0
        rarity = {w: 1 / (1 + sum(a not in (para, site_para) for a in self.body.having(w)))
                  for w in self.name}
        found_rarity = sum(rarity[w] for w in self.name if w in site_words)
        return phrase, found_rarity / sum(rarity.values()) * min(1.0, found_rarity)

    def score(self, at: int) -> float | None:
        """The evidence's worth (None: too little to go on)."""
        phrase, named = self.at(at)
        if not phrase and named < 0.5:
            return None
        return (REPEAT_PHRASE if phrase else 0.0) + REPEAT_NAME * named


def _last_words(text: str, pos: int, n: int = 3) -> list[str]:
    """The ``n`` content words right before ``pos`` (markers and glyphs aside)."""
    return _content_words(_unmarked(text[max(0, pos - 200):pos]))[-n:]


def _unmarked(text: str) -> str:
    return re.sub(r"\[\^[^\]]*\]", "", GLYPH_RE.sub("", text))


def _repeat_of(work: Work, text: str, pos: int, first: dict[str, int]) -> str | None:
    """The note a left-over candidate at ``pos`` cites again, from the notes whose first
    marker stands before it (``first``: mark -> position), or None: the one whose first
    marker's words the candidate's say again best (``_RepeatEvidence``), with the kind of
    text the note cites as what the candidate's clause mentions (``_note_fit``'s kinds)
    in favour; a tie places nothing."""
    if not first:
        return None
    evidence = _RepeatEvidence(text, pos)
    scores: dict[str, float] = {}
    for mark, at in first.items():
        score = evidence.score(at) if _mark_weight(work, pos, mark) > 0 else None
        if score is not None:
            scores[mark] = score + REPEAT_KIND * (_note_fit(work, pos, mark) >= 0.5)
    if not scores:
        return _same_last_word_of_kind(work, text, pos, first)
    ranked = sorted(scores.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] - ranked[1] < 0.5:
        return None
    return max(scores, key=scores.get)


def _same_last_word_of_kind(work: Work, text: str, pos: int, first: dict[str, int]) -> str | None:
    """The one earlier note a raised mark of unknown number (OCR's ``?``: the pixels show a
    mark, OCR no digit) cites again by the same last word, where the note is of the kind
    that word names (``... the release of its report,²`` then ``as set out in its report;?``
    for a report printed in the Official Records): with the mark's ink as evidence, the
    kind and the word agreeing is enough; a weaker glyph gets nothing from it."""
    glyph = work.glyphs[ord(text[pos]) - GLYPH_BASE][0]
    if glyph != "?" and glyph not in ONE_LOOKALIKES:
        return None

    def last_word(k: int) -> str:
        m = re.search(r"([A-Za-z]+)\W{0,2}$", _unmarked(text[max(0, k - 40):k]))
        return m.group(1).lower() if m else ""

    word = last_word(pos)
    fitting = [mark for mark, at in first.items()
               if word and last_word(at) == word and _note_fit(work, pos, mark) >= 0.5
               and (glyph == "?" or mark == "1")]
    return fitting[0] if len(fitting) == 1 else None


ONE_LOOKALIKES = "!|"  # what OCR reads a raised 1 as, and no other digit


def _antecedent(text: str, pos: int, sites: list[int]) -> int | None:
    """The one earlier marker place (of ``sites``) whose words the candidate at ``pos``
    says again strongly (``REPEAT_STRONG``, no close second), or None."""
    evidence = _RepeatEvidence(text, pos)
    scores = {at: evidence.score(at) for at in sites if at < pos}
    scores = {at: v for at, v in scores.items() if v is not None}
    if not scores:
        return None
    best = max(scores, key=scores.get)
    if scores[best] < REPEAT_STRONG or any(v > scores[best] - 0.5 for at, v in scores.items()
                                           if at != best):
        return None
    return best


def _unknown_mark(work: Work, ch: str) -> bool:
    """An OCR superscript read as ``?``: a raised mark of unknown number (extract exposes
    marks OCR dropped so), never a question mark; it goes when numbering has no use for it."""
    index = ord(ch) - GLYPH_BASE
    if work.glyphs[index][0] in ("©", "®"):
        return True  # no resolution prints either: a raised mark's reading, or a speck
    return work.glyphs[index][0] == "?" and index in work.ocr_glyphs


def _closes_quotation(text: str, pos: int, work: Work) -> bool:
    """A raised quote-like glyph that closes a quotation opened earlier in its paragraph
    (``“new directions for action”``) is the closing quote OCR saw raised, not a marker."""
    glyph, certain = work.glyphs[ord(text[pos]) - GLYPH_BASE]
    if not glyph or any(ch not in QUOTE_GLYPHS for ch in glyph) or (
            certain and ord(text[pos]) - GLYPH_BASE not in work.ocr_glyphs):
        return False
    if text[pos - 1:pos].isalpha() and text[pos + 1:pos + 2] in (",", ";", ":", "."):
        return True  # a marker follows the stop; a closing quote comes before it ("property”,")
    if text[pos - 1:pos] in (",", ";"):
        # ... so after a comma or semicolon it is the marker, whatever quote OCR misread
        # before it opened ("Suppression of “Acts of Nuclear Terrorism, adopted on 13 April
        # 2005,’": a speck read as an opening quote).
        return False
    para_start = text.rfind("\n\n", 0, pos) + 1
    before = GLYPH_RE.sub(lambda g: _quote_or_nothing(work.glyphs[ord(g.group(0)) - GLYPH_BASE][0]),
                          text[para_start:pos])
    opened = before.count("“") - before.count("”")
    return opened > 0 and not before.rstrip().endswith(("”", "’"))


def _inside_quotation(text: str, pos: int) -> bool:
    """``pos`` stands inside a quotation of its paragraph that goes on in lower case and
    closes later in it (``entitled “Goals and targets for monitoring’ the progress of
    youth”;``)."""
    start = text.rfind("\n\n", 0, pos) + 1
    end = text.find("\n\n", pos)
    before, after = text[start:pos], text[pos + 1:end if end >= 0 else len(text)]
    return before.count("“") > before.count("”") and re.match(r" [a-z]", after) is not None \
        and "”" in after


def _quote_or_nothing(glyph: str) -> str:
    return "”" if glyph in ("”", "\"") else ""


def _windows(text: str, start: int, n_blocks: int) -> list[tuple[int, int]]:
    """Body spans between block anchors: block k's markers lie before anchor k."""
    cuts = [m.start() for m in re.finditer(ANCHOR, text) if m.start() >= start]
    if not cuts or n_blocks == 0:
        return [(start, len(text))]
    bounds = [start] + cuts
    return [(bounds[k], bounds[k + 1]) for k in range(len(cuts))]


def _match_in_order(cands: list[int], marks: list[str], work: Work,
                    window: tuple[int, int] | None = None,
                    earlier: dict[int, str] | None = None) -> dict[int, str]:
    """Candidates matched to the expected numbers in order, by dynamic programming over
    (candidate, number) that skips spurious candidates and numbers OCR lost: the
    matching of greatest total plausibility (``_mark_weight``) wins.

    A digit glyph fits only its own number. (A shape model of OCR's raised digits,
    ``’`` for 1/3/7, ``®`` for 6/8, was tried as a weight and made numbering worse on the
    corpus scans: the glyphs are too ambiguous.) Between matchings of equal plausibility
    (fewer candidates than numbers: which numbers were lost?), plain text prefers the one
    whose numbers follow the candidates' places in the ``window`` (markers are spread
    through the text their footnotes belong to): a small cost, below any weight's
    difference. (Layout candidates are few and sure; there it made numbering worse.)

    A candidate whose words strongly say again what an earlier marker place cites
    (``_antecedent``: ``the report of the Group of Legal Experts,’`` after ``Having
    considered the report of the Group of Legal Experts ...,³``; ``earlier``: the places
    numbered before the window, place -> ``[^N]``), or that ends on the same word as an
    earlier note's first marker of the kind that word names (``_same_last_word_of_kind``),
    is likelier that note's marker again than the next number: its weight is discounted,
    so another candidate takes the number if there is one (``_mark_repeats`` then numbers
    it); a digit read right on such a repeat numbers its antecedent's glyph too. A number
    lost whose note's date stands at
    exactly one place between the candidates around it (``_date_sites``) is worth more
    than a weak candidate.
    """
    earlier = earlier or {}
    weights = {pos: {mark: _mark_weight(work, pos, mark) for mark in marks} for pos in cands}
    fits = {}
    if not work.plain:
        # Layout: a glyph of no digit says nothing of its number, so a lost marker shifts
        # every number after it (the first marker lost: each glyph takes its predecessor's
        # number). What the words before each glyph cite tells the shift: the matching
        # follows the notes' texts when that makes two glyphs' words or more fit their
        # notes better; one fit alone is no evidence against the order.
        fits = {pos: {mark: FIT * _note_fit(work, pos, mark) for mark in marks} for pos in cands
                if not work.glyphs[ord(work.text[pos]) - GLYPH_BASE][0].isdigit()}
    places = sorted(set(cands) | set(earlier))
    first_marks = _first_places(earlier.items())
    for pos in cands:
        at = _antecedent(work.text, pos, [at for at in places if at < pos])
        if at is None:
            if _same_last_word_of_kind(work, work.text, pos, {
                    m: p for m, p in first_marks.items() if p < pos}) is not None:
                # Said again of an earlier note, across pages: the same discount.
                weights[pos] = {mark: w * REPEAT_DISCOUNT for mark, w in weights[pos].items()}
            continue
        glyph = work.glyphs[ord(work.text[pos]) - GLYPH_BASE][0]
        if at in weights and glyph in weights[at] and weights[at][glyph] \
                and _last_words(work.text, at) == _last_words(work.text, pos):
            # A digit read right on the repeat says the number of the first citation too,
            # whose glyph OCR misread ("Family Farming, 2019-2028,*" ... "2019-2028;5"),
            # where the same words stand right before both ("... 2015-2030, adopted on 18
            # May 2023.4" cites another text than "... 2015-2030,?").
            weights[at][glyph] = max(weights[at][glyph], weights[pos][glyph])
        weights[pos] = {mark: w * REPEAT_DISCOUNT for mark, w in weights[pos].items()}
    lo, hi = window or ((min(cands), max(cands) + 1) if cands else (0, 1))
    span, k = max(hi - lo, 1), len(marks)
    index = {mark: j for j, mark in enumerate(marks)}

    def weight(pos: int, mark: str) -> float:
        w = weights[pos][mark]
        if not w or not work.plain:
            return w
        return w - PLACE_COST * abs((pos - lo) / span - (index[mark] + 0.5) / k)

    notes = {f.mark: f.text for f in work.footnotes}

    @lru_cache(maxsize=None)  # (the alignment asks for each cell more than once)
    def lost(i: int, j: int) -> float:
        # A number left without a candidate is worth a little when its note's content
        # finds it exactly one place between the candidates around it (``_cited_sites``),
        # more when that is the note's date (``_date_sites``).
        a = cands[i - 1] + 1 if i > 0 else lo
        b = cands[i] if i < len(cands) else hi
        note = notes.get(marks[j], "")
        if len(_date_sites(work.text, a, b, note)) == 1:
            return LOST_DATE
        if len(_cited_sites(work.text, a, b, note)) == 1:
            return LOST_FIT
        return 0.0

    plain = _align(cands, marks, weight, lost)
    if not fits:
        return plain

    def fitted(pos: int, mark: str) -> float:
        w = weight(pos, mark)
        return w + fits[pos][mark] if w and pos in fits else w

    shifted = _align(cands, marks, fitted, lost)

    def fit(pos: int, mark: str | None) -> float:
        return fits.get(pos, {}).get(mark, 0.0) if mark is not None else 0.0

    gain = sum(fit(pos, mark) for pos, mark in shifted.items()) \
        - sum(fit(pos, mark) for pos, mark in plain.items())
    better = sum(fit(pos, mark) > fit(pos, plain.get(pos)) for pos, mark in shifted.items())
    return shifted if gain > 0 and better >= LAYOUT_FIT_GLYPHS else plain


# The evidence in order of strength: a candidate's weight (1, 0.5, 0.2) > what its note
# cites before it (FIT: 0.1 by name, 0.05 by kind) > a lost number's one cited place
# (LOST_FIT) > the spread of markers through the text (PLACE_COST, at most).
LOST_FIT = 0.03
LOST_DATE = 0.6  # a lost number's note dates the one place it can stand (see _date_sites)
LAYOUT_FIT_GLYPHS = 2  # glyphs that must fit their notes better for the layout to follow notes
REPEAT_DISCOUNT = 0.5  # the weight left to a candidate that cites an earlier note again
PLACE_COST = 0.02  # below the smallest difference of two weights (see _match_in_order)
WEAK = 0.2  # the plausibility of a weak candidate (see _mark_weight)
LOOSE = 0.8  # a layout candidate standing apart from the word before it (see _mark_weight)
LOOSE_DIGIT = 0.9  # ... a raised digit so, read as the very number
YEAR_DIGIT_RIGHT = 1.2  # a digit glued to a year, as its own number (see _mark_weight)


def _mark_weight(work: Work, pos: int, mark: str) -> float:
    """How plausible the candidate at ``pos`` is as marker ``mark`` (0: it cannot be)."""
    glyph, certain = work.glyphs[ord(work.text[pos]) - GLYPH_BASE]
    text = work.text
    word = re.search(r"(?<![\w-])([A-Za-z]+) ?$", text[max(0, pos - 20):pos])
    if word and word.group(1).lower() in MARKERLESS_WORDS:
        return 0  # a marker ends what it cites, never an article or a preposition
    if re.search(r"[a-z] ?$", text[pos - 2:pos]) and re.match(r" [“‘\"]", text[pos + 1:pos + 3]):
        return 0  # between a word and the quotation it opens ("entitled * ‘Protection ...")
    if _inside_quotation(text, pos):
        return 0  # a marker follows a quoted title, never stands inside it
    if glyph.isdigit():  # OCR's digit: right or wrong, but never a different number
        if re.search(r"(?<![\d,])\d{1,3}\.$", text[max(0, pos - 6):pos]) \
                and re.match(r" [a-z]", text[pos + 1:pos + 3]):
            # A decimal's digit ("0.5 per cent"): after a short number, the sentence going on
            # in lower case. (A year's misread comma, "1968.2 and", is the marker's place.)
            return 0
        if ord(work.text[pos]) - GLYPH_BASE in work.year_glyphs and mark.isdigit():
            # Glued to a year, the digit is OCR's reading of the stop and the raised mark
            # together ("2006,3" -> "20062"): a mark, its number only a hint (its own, or
            # a neighbour's; "19719" is no marker of a one-note document).
            return YEAR_DIGIT_RIGHT if glyph == mark else (1 if abs(int(glyph) - int(mark)) == 1 else 0)
        if glyph != mark:
            return 0
        if not work.plain and text[pos - 1:pos] == " " \
                and ord(text[pos]) - GLYPH_BASE in work.ocr_glyphs:
            # A raised digit OCR saw apart from the paragraph's last word, after its stop
            # ("established pursuant to that resolution, 2"): as often a speck as a mark;
            # no more than a glyph glued to its word, but more than a loose glyph of no
            # digit (the digit says which number it is).
            return LOOSE_DIGIT
        return 3
    if not work.plain:
        if not certain and glyph in QUOTE_LIKE_MARKS:
            return 0.5  # a quote after a comma the layout did not see raised
        # A raised glyph apart from the word before it (``on criminal *``) is more often a
        # speck than one glued to it; a stop or comma apart from it (``to that end, ;``)
        # is dust.
        if text[pos - 1:pos] == " ":
            return WEAK if glyph in ",.;:" else LOOSE
        return 1
    if re.fullmatch(r"[ \t]*\d{1,3}\.[ \t]*", text[text.rfind("\n", 0, pos) + 1:pos]):
        return 0  # a glyph after a paragraph's number ("1. ’ Takes note") is a speck
    previous = text[pos - 1:pos]
    if glyph in QUOTE_LIKE_MARKS and glyph not in "?!" and previous.isalpha():
        if re.match(r"\s+(?:(?:of|on|for|to|in|against)\s+(?:the\s+)?|and\s+)[A-Z]", text[pos + 1:pos + 30]) \
                and _ends_name(text, pos):
            return 0  # inside a name going on ("Promoting the Return’ of Cultural Property")
        if _ends_name(text, pos):
            return 1  # a name's end (``Cultural Rights’ and``): a mark stands there
        # After a lowercase word: an apostrophe or a speck far more often than a mark.
        word = re.search(r"[A-Za-z]+$", text[max(0, pos - 40):pos]).group(0)
        if word[0].islower() and re.match(r"\s+of\s", text[pos + 1:pos + 6]):
            return 0  # inside a phrase going on ("their means’ of delivery"): a speck
        fit = _note_fit(work, pos, mark)
        if word[0].islower() and not fit and _cites_kind(work, mark):
            return 0  # a weak glyph where nothing of what the note cites is mentioned
        return (WEAK if word[0].islower() else 0.5) + FIT * fit
    return 1 + FIT * _note_fit(work, pos, mark)


MARKERLESS_WORDS = frozenset("the a an of to in on for by with at from and or its their".split())
FIT = 0.1  # a fitting note's pull: under any difference of weights above, over LOST_FIT
# Words of a note that name no particular text (its citation's own furniture).
NOTE_FURNITURE = {"United", "Nations", "Report", "Resolution", "See", "Official", "Records",
                  "General", "Assembly", "Session", "Supplement", "Sales", "Treaty", "Series",
                  "Also", "Ibid", "Corr", "Annex", "Vol", "Chap", "Sect"}
# A body's report to the Assembly, printed as a supplement to its Official Records.
OFFICIAL_RECORDS_NOTE_RE = re.compile(r"Official Records\b.*\bSuppl")
KIND_CUES = [  # (what the note is, what the words before its marker then say)
    (re.compile(r"Treaty Series"),
     re.compile(r"\b(?:Convention|Covenant|Agreement|Protocol|Treaty|Charter|Statute)\b")),
    (OFFICIAL_RECORDS_NOTE_RE, re.compile(r"\b[Rr]eports?\W{0,3}$")),  # its marker follows the word
    # "Adopted under the United Nations Framework Convention on Climate Change, decision
    # 1/CP.21": an instrument adopted by a conference, named right before its marker
    (re.compile(r"^Adopted (?:under|by|at)\b"),
     re.compile(r"\b(?:Agreement|Declaration|Convention|Protocol|Programme|Plan|Platform|Framework"
                r"|Principles|Guidelines|Agenda|Charter|Code|Statute|Compact)\W{0,3}$")),
    (re.compile(r"^(?:See\s+)?(?:also\s+)?[AES]/[\w.]+(?:/[\w.]+)+"),
     re.compile(r"\b(?:[Rr]eports?|[Nn]otes?|[Ss]ummary|[Ll]etters?|[Ss]tatements?)\b")),
]


RESOLUTION_NOTE_RE = re.compile(r"^(?:See\s+(?:also\s+)?)?[Rr]esolution\s+\d")


def _cites_kind(work: Work, mark: str) -> bool:
    """Note ``mark`` cites a kind of text whose mention ``_note_fit`` can look for."""
    note = next((f.text for f in work.footnotes if f.mark == mark), "")
    return any(kind.search(note) for kind, _ in KIND_CUES) or bool(PUBLICATION_NOTE_RE.search(note)) \
        or bool(RESOLUTION_NOTE_RE.match(note))


def _note_fit(work: Work, pos: int, mark: str) -> float:
    """1 when the words before ``pos`` are what note ``mark`` cites by name, 0.5 when they
    are of the kind it cites, else 0.

    A note names what it cites: its title words stand before the marker (``... Conference
    on Population and Development,¹`` for "Report of the International Conference on
    Population and Development"); a Treaty Series note cites a convention or agreement,
    a document symbol a report, note or letter, a resolution a Title-Case name.
    """
    note = next((f.text for f in work.footnotes if f.mark == mark), None)
    if not note:
        return 0.0
    text = work.text
    para = text.rfind("\n\n", 0, pos) + 1
    before = GLYPH_RE.sub("", text[max(para, pos - 300):pos])
    clause = re.split(r"[;:]|\b(?:which|who)\s",
                      before.rstrip(" ,;:.”’\"'"))[-1]
    titles = {w for w in re.findall(r"\b[A-Z][a-z]{3,}\b", note)} - NOTE_FURNITURE
    if len(titles & set(re.findall(r"\b[A-Z][a-z]{3,}\b", before[-90:]))) >= 2:
        return 1.0
    for kind, cue in KIND_CUES:
        if kind.search(note):
            return 0.5 if cue.search(clause) else 0.0
    if RESOLUTION_NOTE_RE.match(note):
        # (a name's years end it too: "the Sendai Framework ... Reduction 2015–2030,")
        # (a date's month is no name: "adopted on 26 October 1979,")
        return 0.5 if re.search(rf"\b(?!(?:{MONTH_NAMES})\b)[A-Z][a-z]+"
                                r"(?:\s+(?:19|20)\d\d(?:[-–—](?:19|20)?\d\d)?)?[,;:.]?\s*$", before) else 0.0
    return 0.0


def _align(cands: list[int], marks: list[str], weight, lost=None) -> dict[int, str]:
    """The in-order matching of ``cands`` to ``marks`` of greatest total weight.

    ``lost(i, j)``, if given, is what leaving number j without a candidate is worth when
    it falls before candidate i (a place its note's content finds there)."""
    n, k = len(cands), len(marks)
    best = [[0.0] * (k + 1) for _ in range(n + 1)]
    if lost:
        for j in range(k - 1, -1, -1):
            best[n][j] = lost(n, j) + best[n][j + 1]
    for i in range(n - 1, -1, -1):
        for j in range(k - 1, -1, -1):
            w = weight(cands[i], marks[j])
            skip_mark = best[i][j + 1] + (lost(i, j) if lost else 0)
            best[i][j] = max(best[i + 1][j], skip_mark, w + best[i + 1][j + 1] if w else 0)
    out, i, j = {}, 0, 0
    while i < n and j < k:
        w = weight(cands[i], marks[j])
        if w and best[i][j] == w + best[i + 1][j + 1]:
            out[cands[i]] = marks[j]
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _ends_name(text: str, pos: int) -> bool:
    """The word before ``pos`` ends a Title-Case name and the sentence goes on in lower
    case (``Cultural Rights’ and``): where a mark stands; not inside a date (``December’ 1995``)."""
    word = re.search(r"([A-Za-z]+)$", text[max(0, pos - 40):pos])
    after = text[pos + 1:pos + 40]
    return bool(word and word.group(1)[0].isupper() and re.match(r"^(?:\s+[a-z]|[\s,;:.]*$|\s*\ue000)", after))


def _place_lost(text: str, lo: int, hi: int, marks: list[str],
                matched: dict[int, str], notes: dict[str, str] | None = None
                ) -> list[tuple[int, str]]:
    """Insertion points for numbers without a candidate, from the enumeration they fall in,
    or (one number lost) from what its note cites (``_cited_sites``)."""
    pos_of = {mark: pos for pos, mark in matched.items()}
    inserts = []
    j = 0
    while j < len(marks):
        if marks[j] in pos_of:
            j += 1
            continue
        gap = [marks[j]]
        while j + len(gap) < len(marks) and marks[j + len(gap)] not in pos_of:
            gap.append(marks[j + len(gap)])
        left = pos_of.get(marks[j - 1]) if j > 0 else None
        right = pos_of.get(marks[j + len(gap)]) if j + len(gap) < len(marks) else None
        if left is not None:  # the enumeration goes on in the left neighbour's paragraph
            para_end = text.find("\n\n", left)
            region = (left + 1, min(hi, right if right is not None else hi,
                                    para_end if para_end != -1 else hi))
        elif right is not None:
            para_start = text.rfind("\n\n", lo, right)
            region = (max(lo, para_start + 2 if para_start != -1 else lo), right)
        else:
            region = None
        if region:
            sites = enumeration_item_ends(text, *region, joined=left is not None)
            if left is None and sites and _same_citation(text, sites[-1], right):
                sites = []  # no enumeration goes on up to the right neighbour's marker
            if len(sites) == len(gap):
                inserts += [(site, f"[^{mark}]") for site, mark in zip(sites, gap)]
                j += len(gap)
                continue
        if notes:
            # Between its neighbours' markers, wherever the paragraphs: the one place
            # that mentions what the note cites, if there is exactly one (and the places
            # of the gap's numbers keep their order).
            last = left if left is not None else lo - 1
            a, b = left + 1 if left is not None else lo, right if right is not None else hi
            places: dict[str, list[int]] = {}
            for mark in gap:
                sites = _date_sites(text, a, b, notes.get(mark, ""))
                if len(sites) != 1:
                    sites = _cited_sites(text, a, b, notes.get(mark, ""))
                if right is not None:
                    sites = [site for site in sites if not _same_citation(text, site, right)]
                places[mark] = sites
            # One place holds one marker: a place that is another lost note's only one is
            # not this note's ("its report," and the titled report's "radiation”," for
            # a report's note, when the titled one is the publication's only place).
            only = Counter(sites[0] for sites in places.values() if len(sites) == 1)
            for sites in places.values():  # the only place of two notes is neither's
                if len(sites) == 1 and only[sites[0]] > 1:
                    sites.clear()
            settled = False
            while not settled:
                settled = True
                for mark, sites in places.items():
                    if len(sites) == 1:
                        for other, theirs in places.items():
                            if other != mark and sites[0] in theirs and len(theirs) > 1:
                                theirs.remove(sites[0])
                                settled = False
            for mark in gap:
                sites = places[mark]
                if len(sites) == 1 and sites[0] > last:
                    inserts.append((sites[0], f"[^{mark}]"))
                    last = sites[0]
        j += len(gap)
    return inserts


def _same_citation(text: str, site: int, right: int) -> bool:
    """The marker at ``right`` ends the citation a place at ``site`` ends too: between them
    the paragraph goes on naming nothing new (no "the" + capitalised name, no symbol or
    number of a text), as in "the Convention on the Physical Protection of Nuclear
    Material, adopted at Vienna on 26 October 1979,²": a lost marker before ``right``
    stands elsewhere."""
    between = text[site:right]
    return "\n\n" not in between and not re.search(r"\bthe [A-Z]|\d+/\d+|\b[A-Z]/", between)


DOCUMENT_NOTE_RE = re.compile(r"^(?:See\s+(?:also\s+)?)?[AESaes]/[\w.]+(?:/[\w.]+)+"
                              r"(?:\s+and\s+(?:Add|Corr)\.\d+)?(?:,\s*annex)?\.?$")
DOCUMENT_MENTION_RE = re.compile(r"\b[Tt]he (?:[a-z]+ )?(?:report|note|summary|letter)s?\b")
PUBLICATION_NOTE_RE = re.compile(r"\bpublication\b|\bSales No\b")
# How a resolution mentions a body's report ("the release of its report,", "the report of
# the Council"; see OFFICIAL_RECORDS_NOTE_RE).
BODY_REPORT_MENTION_RE = re.compile(r"\b(?:[Tt]he|[Ii]ts|[Tt]heir) (?:[a-z]+ )?reports?\b")
PUBLICATION_MENTION_RE = re.compile(r"\b[Tt]he (?:[A-Z][a-z]+ )+(?:Report|Survey|Yearbook|Review"
                                    r"|Outlook|Handbook)(?: \d{4})?\b"
                                    # or its title quoted: "the report entitled “Sources, ...”,"
                                    # (not the Secretary-General's: a document, cited by symbol)
                                    r"|\b(?:report|study|publication|survey)s?\b(?! of the Secretary\W{1,2}General)"
                                    r"[^“”\n.;]{0,80}? entitled “[^”\n]{3,200}”")


# The head nouns of texts a resolution adopts or endorses (what a "Resolution 60/1" note
# cites): a body's name (Commission, Conference) is no such text.
INSTRUMENT_NOUNS = frozenset("Declaration Convention Covenant Programme Plan Platform Outcome "
                             "Agenda Strategy Charter Principles Rules Consensus Compact "
                             "Framework Guidelines Code Protocol Statute".split())


def _instrument_name_ends(text: str, lo: int, hi: int) -> list[int]:
    """Ends of Title-Case names in ``text[lo:hi]`` that hold an instrument noun (``the 2005
    World Summit Outcome,``, ``the Universal Declaration of Human Rights,``): after the
    name's last word and the stop that follows it; a name already marked is no site."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[^\s\ue000]+", text[lo:hi])]
    sites, i = [], 0
    while i < len(tokens):
        if tokens[i][2].rstrip(",;:.") not in INSTRUMENT_NOUNS:
            i += 1
            continue
        j, end = i, None
        while j < len(tokens):
            word = tokens[j][2]
            if word.strip(".") in NAME_CONNECTORS:
                word = word.strip(".")  # OCR's specks: no stop ends "the" (``the. Rights``)
            bare = word.rstrip(",;:.")
            if GLYPH_RE.search(word) or "[^" in word or re.search(r"[\"“”’']", word):
                end = None  # marked already, or a quotation: no place for a lost marker
                break
            nxt = tokens[j + 1][2] if j + 1 < len(tokens) else ""
            if end is not None and re.fullmatch(r"(?:19|20)\d\d(?:[-–](?:19|20)?\d\d)?", bare):
                # A name's years end it ("the Sendai Framework for Disaster Risk Reduction
                # 2015–2030,"): the stop after them is the name's.
                end = tokens[j][1]
                if word != bare:
                    break
            elif bare[:1].isupper():
                end = tokens[j][1]
                if word != bare and not (word.endswith(",") and nxt[:1].isupper()):
                    break  # its stop ends the name ("Economic, Social" goes on)
            elif bare in NAME_CONNECTORS and word == bare \
                    and any(t[2].strip(".")[:1].isupper() for t in tokens[j + 1:j + 3]) \
                    and not (bare == "and" and nxt == "the"):
                pass
            else:
                break
            j += 1
        if end is not None and text[lo + end - 1] in ",;:." :
            sites.append(lo + end)
        i = j + 1
    return sites


def _inside_name(text: str, k: int) -> bool:
    """The stop at ``k`` stands between two capitalised words (OCR's ``Secretary: General``):
    no clause ends inside a name."""
    return bool(re.search(r"\b[A-Z][a-z]+$", text[max(0, k - 30):k])
                and re.match(r"\s[A-Z][a-z]+\b", text[k + 1:k + 30]))


def _cited_sites(text: str, lo: int, hi: int, note: str) -> list[int]:
    """Where the marker of a note citing a document or a publication stands in
    ``text[lo:hi]``: after the stop that closes the clause mentioning it (``the report of
    the Secretary-General on X;``, ``the World Youth Report 2007,``), a clause with no
    marker or candidate yet. A document symbol cites a report, note, summary or letter;
    a United Nations publication a Title-Case report or survey by name."""
    if DOCUMENT_NOTE_RE.match(note.strip()):
        mention = DOCUMENT_MENTION_RE
    elif OFFICIAL_RECORDS_NOTE_RE.search(note):
        mention = BODY_REPORT_MENTION_RE
    elif PUBLICATION_NOTE_RE.search(note):
        mention = PUBLICATION_MENTION_RE
    elif RESOLUTION_NOTE_RE.match(note.strip()):
        # (a site where a candidate stands is that candidate's, not a lost marker's)
        return [k for k in _instrument_name_ends(text, lo, hi)
                if not GLYPH_RE.match(text, k) and not text.startswith("[^", k)]
    else:
        return []
    sites = []
    for m in mention.finditer(text, lo, hi):
        quoted, k = False, m.end()
        while k < hi:  # the clause's stop, outside any quotation
            ch = text[k]
            if ch in "“":
                quoted = True
            elif ch in "”":
                quoted = False
            elif ch == "\n" or (not quoted and ch in ",;:." and (
                    text[k + 1:k + 2] in (" ", "\n", "”", "")
                    # (a raised mark read as an apostrophe glued to the stop, the word
                    # after it lost: "light weapons,’ particular")
                    or re.match(r"[’'‘] [a-z]", text[k + 1:k + 4]) is not None)
                                and not _inside_name(text, k)):
                break
            k += 1
        if k >= hi or text[k] == "\n":
            continue
        site = k + 1
        if text[site:site + 1] in ("”",):
            site += 1
        if GLYPH_RE.search(text, m.start(), site + 1) or "[^" in text[m.start():site + 2]:
            continue
        if site not in sites:
            sites.append(site)
    return sites


NAME_CONNECTORS = {"of", "on", "the", "for", "against", "and", "in", "to", "at", "de", "its"}
DATE_RE = re.compile(rf"\b(?:(?P<day>\d{{1,2}}) (?P<month>{MONTH_NAMES}) )?(?P<year>(?:19|20)\d\d)\b")


def _date_sites(text: str, lo: int, hi: int, note: str) -> list[int]:
    """Where the marker of a note that dates what it cites stands in ``text[lo:hi]``: after
    the stop that follows the same date in the body (``adopted ... on 17 October 2003,``
    for "Records of the General Conference, ..., Paris, 29 September-17 October 2003, ...";
    ``established in 1978,`` for "..., 24 October-28 November 1978, ..."), where no marker
    or candidate stands yet. A full date must agree whole; a year alone only with a body's
    year alone ("in 1978": a date OCR garbled, "19 an 1994", is no year alone)."""
    dates = {(m.group("day"), m.group("month"), m.group("year")) for m in DATE_RE.finditer(note)}
    if not dates:
        return []
    years = {y for _, _, y in dates}
    sites = []
    for m in DATE_RE.finditer(text, lo, hi):
        day, month, year = m.group("day"), m.group("month"), m.group("year")
        if (day, month, year) not in dates and not (
                day is None and year in years and text[m.start() - 3:m.start()] == "in "):
            continue
        stop = re.match(r"[,;.]", text[m.end():m.end() + 1])
        if not stop or re.match(r"[^\s]", text[m.end() + 1:m.end() + 2] or " "):
            continue  # no stop after it, or a mark or a glyph already there
        sites.append(m.end() + 1)
    return sites


def enumeration_item_ends(text: str, lo: int, hi: int, joined: bool = False) -> list[int]:
    """Ends of Title-Case names in an enumeration ("the Convention on the Rights of the Child").

    An item opens with "the" + a capitalised word, runs over capitalised words and
    connectors, stops before "and the" / ", the" (the next item) and must hold two
    capitalised words or more. Its end is after the name's last word, or after
    the comma that follows it (markers follow punctuation). ``joined``: the list goes on
    from ``lo`` (an earlier item's marker): an item follows a list's joiner (a comma,
    "and", "or", "as well as"), not a phrase ("adopted within the framework of the
    Wassenaar Arrangement" names no item).
    """
    tokens = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[^\s\ue000]+", text[lo:hi])]
    sites, i = [], 0
    while i < len(tokens) - 1:
        if not (tokens[i][2] == "the" and tokens[i + 1][2][:1].isupper()):
            i += 1
            continue
        if joined and i > 0 and not (tokens[i - 1][2][-1:] in ",;" or tokens[i - 1][2] in ("and", "or")
                                     or (tokens[i - 1][2] == "as" and i > 1 and tokens[i - 2][2] == "well")):
            i += 1
            continue
        j, caps, end = i + 1, 0, None
        while j < len(tokens):
            word = tokens[j][2]
            bare = word.rstrip(",;:.")
            if GLYPH_RE.search(word) or "[^" in word:
                end = None
                break
            if bare[:1].isupper():
                caps += 1
                end = tokens[j][1] if word == bare or word.endswith(",") else tokens[j][0] + len(bare)
                if word != bare:
                    break
            elif bare in NAME_CONNECTORS and word == bare:
                if bare == "and" and j + 1 < len(tokens) and tokens[j + 1][2] == "the":
                    break
                if not any(t[2][:1].isupper() for t in tokens[j + 1:j + 3]):
                    break
            else:
                break
            j += 1
        if end is not None and caps >= 2:
            sites.append(lo + end)
        i = max(j, i + 1)
    return sites


def _mark_asterisk(work: Work, text: str, start: int, edits: dict[int, str]) -> None:
    """Certain (layout) ``*`` superscripts in the masthead mark the asterisk note; so does
    the one raised glyph OCR made of it on the sponsor line (``Nepal’: revised draft
    resolution``) when the document has one asterisk note."""
    stars = [f.mark for f in work.footnotes if f.mark.startswith("*")]
    if not stars:
        return
    sponsor = []
    for m in GLYPH_RE.finditer(text, 0, start):
        glyph = work.glyphs[ord(m.group(0)) - GLYPH_BASE][0]
        if glyph.startswith("*") and glyph in stars:
            edits[m.start()] = f"[^{glyph}]"
        elif ord(m.group(0)) - GLYPH_BASE in work.ocr_glyphs and text[m.end():m.end() + 1] == ":" \
                and re.match(r"[^\n]*draft resolution", text[m.end():]):
            sponsor.append(m.start())
    if len(stars) == 1 and len(sponsor) == 1 and f"[^{stars[0]}]" not in edits.values() \
            and f"[^{stars[0]}]" not in text[:start]:
        edits[sponsor[0]] = f"[^{stars[0]}]"


def mark_masthead_asterisks(work: Work) -> Work:
    """``Morocco*: draft resolution`` -> ``Morocco[^*]: ...`` when a ``*`` footnote exists."""
    stars = {f.mark for f in work.footnotes if f.mark.startswith("*")}
    start = body_start(work.text)
    if not stars or not start:
        return work
    pattern = re.compile(r"(?<=[A-Za-z)])(\*{1,3})(?=[\s:,.]|$)")
    head = work.text[:start]
    # OCR's reading of the asterisk on the sponsor line as text (``Mexico’: draft
    # resolution``), when nothing else marks the one asterisk note.
    quoted = re.compile(r"(?<=[A-Za-z)])([’'‘\"“”°®™!])(?=\s*:[^\n]*draft resolution)")
    if len(stars) == 1 and not pattern.search(head) and len(quoted.findall(head)) == 1:
        pattern = quoted
        star = next(iter(stars))

        def fix(m: re.Match) -> str | None:
            return f"[^{star}]"
    else:
        def fix(m: re.Match) -> str | None:
            return f"[^{m.group(1)}]" if m.group(1) in stars else None

    saved, work.text = work.text[start:], head
    footnotes, work.footnotes = work.footnotes, []
    rewrite(work, "mark_masthead_asterisks", pattern, fix)
    work.text, work.footnotes = work.text + saved, footnotes
    return work


MARKER_DOUBLE_STOP_RE = re.compile(r"(?<=[,;:.])(?P<m>\[\^[^\]]+\])[,;:.](?=[ \ue000]*(?:\n|$))")
MARKER_AFTER_SPACED_STOP_RE = re.compile(r"(?<=[”’\"]) (?P<p>[,;:])(?P<m>\[\^[^\]]+\])")
MARKER_AFTER_STOP_RE = re.compile(r"(?<=[\w”’)])\.(?P<m>\[\^[^\]]+\])(?= [a-z])")  # ("Sources”.[^4] and")
MARKER_BARE_END_RE = re.compile(r"(?<=[A-Za-z0-9”’)])(?P<p>[.;]?)(?P<m>\[\^[^\]*]+\])"
                                r"(?=[ \ue000]*\n\n)")
MARKER_AT_ITEM_END_RE = re.compile(r"(?m)^(?P<n>\d{1,3})\.\s.*?(?P<p>[,:])(?P<m>\[\^[^\]]+\])"
                                   r"(?=[ \ue000]*\n+(?P<next>\d{1,3})\.\s)")


def fix_marker_punctuation(work: Work) -> Work:
    """The stop a raised marker touches, as the sentence needs it.

    OCR reads the punctuation under a marker's raised digit badly (``Outcome,⁶`` comes
    out ``Outcome.®``, ``development;³`` as ``development,’``). A full stop before a
    marker that the sentence goes on after in lower case (``Outcome.[^6] in which``) is a
    comma, unless it ends an abbreviation (``para.``); the comma or colon ending a
    numbered operative paragraph followed by the next numbered one is the semicolon
    that paragraph ends with; a marker straight after a paragraph's last word gets the
    paragraph's stop back. Only stops a marker touches: elsewhere OCR reads them well
    enough, and the marker is this step's evidence that the stop was disturbed.
    """
    def stop(m: re.Match) -> str | None:
        head = m.string[max(0, m.start() - 12):m.start() + 1]
        if ABBREVIATION_END_RE.search(head) or re.search(r"(?:\b[A-Za-z]{1,2}|\betc)\.$", head):
            return None
        return "," + m.group("m")

    def item_end(m: re.Match) -> str | None:
        if int(m.group("next")) != int(m.group("n")) + 1:
            return None
        return m.group(0)[:m.start("p") - m.start()] + ";" + m.group("m")

    def bare_end(m: re.Match) -> str | None:
        text = m.string
        para = text.rfind("\n\n", 0, m.start()) + 2
        operative = re.search(r"(?m)^\d{1,3}\.\s", text[start:para]) is not None \
            or NUMBERED_START_RE.match(text[para:m.start()]) is not None
        following = text[m.end():].lstrip(" \ue000\n")
        if m.group("p"):
            # A preamble paragraph ends with a comma however OCR read it (``abuse.[^4]``),
            # unless it ends a sub-item (``(b) ...;``) or an abbreviation (``No.``).
            last_line = text[text.rfind("\n", 0, m.start()) + 1:m.end("p")]
            if operative or LABEL_START_RE.match(last_line) \
                    or not PREAMBLE_OPENER_RE.match(following) \
                    or ABBREVIATION_END_RE.search(last_line) or last_line.endswith("etc."):
                return None
            return "," + m.group("m")
        if not text[m.start() - 1].isalpha() and not re.search(r"\b(?:19|20)\d\d$", text[:m.start()]):
            return None  # (a year's stop goes with the digit OCR glued to it: "20062")
        if not operative and not NUMBERED_START_RE.match(following) \
                and not PREAMBLE_OPENER_RE.match(following):
            return None
        if operative and not NUMBERED_START_RE.match(following):
            return None
        return ("," if not operative else ";") + m.group("m")

    start = body_start(work.text)
    # A speck after a paragraph's last marker read as a second stop ("1946,¹," "Property.*.").
    rewrite(work, "fix_marker_punctuation", MARKER_DOUBLE_STOP_RE, lambda m: m.group("m"),
            footnotes=False, start=start)
    # OCR's space between a closing quote and the stop a marker follows ("Objects” ,⁵").
    rewrite(work, "fix_marker_punctuation", MARKER_AFTER_SPACED_STOP_RE,
            lambda m: m.group("p") + m.group("m"), footnotes=False, start=start)
    rewrite(work, "fix_marker_punctuation", MARKER_AFTER_STOP_RE, stop, footnotes=False,
            start=start)
    # A marker ending a paragraph straight after a word lost the paragraph's stop with
    # it (``the General Assembly 5``): a preamble paragraph ends with a comma, an
    # operative one followed by the next with a semicolon.
    rewrite(work, "fix_marker_punctuation", MARKER_BARE_END_RE, bare_end, footnotes=False,
            start=start)
    return rewrite(work, "fix_marker_punctuation", MARKER_AT_ITEM_END_RE, item_end,
                   footnotes=False, start=start)


def drop_block_anchors(work: Work) -> Work:
    """Remove the footnote-block anchors now that numbering has used them."""
    rewrite(work, "drop_block_anchors", re.compile(rf" ?{ANCHOR}"), lambda m: "")
    work.text = re.sub(r"\n{3,}", "\n\n", work.text).strip()
    return work


# --- punctuation and hyphens OCR made of specks and line ends --------------------------

# Abbreviations a full stop may end in running text (``para. 3``, ``i.e. the``).
STOP_ABBREVIATIONS = frozenset(
    "no nos vol vols chap chaps para paras sect art arts p pp corr add rev suppl ibid op cit "
    "etc eg ie cf al approx fig mr ms mrs dr st inc ltd co corp sess res doc annex ed eds".split())
# Closed-class words: never one half of a hyphenated compound of two words in this prose
# (``an-estimated``, ``their-resolve``, ``States-to`` are spaces OCR read as hyphens).
SPACE_WORDS = frozenset("the an and or nor their its his her that this these those which whose "
                        "with from is are was were be been has have to of "
                        "thereto therein thereof thereon thereby hereto".split())  # never hyphenated
# Words that name a letter after them ("subparagraph c", "annex b"): that letter is no speck.
LETTER_NAMERS = ("paragraph", "subparagraph", "item", "option", "letter", "annex", "chapter",
                 "part", "section", "column", "line", "point")
# Words a sentence never ends with: a full stop after one is a speck.
NEVER_FINAL = frozenset("the an and or nor their its his her of to with from for by at on in "
                        "into upon".split())
MONTHS = frozenset("january february march april may june july august september october "
                   "november december".split())
CLAUSE_OPENERS = frozenset("and or but nor which who whom whose where when while including in as "
                            "if inter with".split())
LABEL_RE = re.compile(r"^\((?P<label>[a-z]{1,2}|[ivx]+)\)\s")


def _known(lex: Lexicon, word: str) -> bool:
    return zipf(word) >= 3.0 or lex.doc_count(word) >= 2


def fix_stray_punctuation(work: Work) -> Work:
    """Specks OCR read as punctuation where the sentence has none.

    Each rule is a reading no printed sentence has: an opening ``‘`` or ``“`` that nothing
    closes before the paragraph ends (``‘Bearing``); a closing ``’`` after a word that no
    quote opened and that is no plural's possessive (``in’ the``); a full stop after a
    known word that is no abbreviation, followed by a word in lower case (``the. report``:
    a sentence never starts in lower case); a stop or a hyphen glued to the front of a
    word (``.and``, `` -women``); a full stop glued between two known words
    (``export.earnings``) or inside a date (``May.2003``); a stop or colon after a word no
    sentence ends with (``of the. Rights``); a quote mark between two words where a space
    was (``and‘targets``); a lone letter or sign between words; underscores (the type has
    none); an abbreviation's stop read as a comma (``No, 3``). A comma, colon or stop
    between two words otherwise goes only with the document's evidence: the same two words
    stand together elsewhere without it, at least twice, and never with it.
    """
    lex = work.lexicon()
    plain_pairs, punct_pairs = Counter(), Counter()
    for text in [work.text] + [f.text for f in work.footnotes]:
        for m in re.finditer(r"(?=(?<![A-Za-z])([A-Za-z]+)([,:.]?) ([A-Za-z]+)(?![A-Za-z]))", text):
            key = (m.group(1).lower(), m.group(3).lower())
            (punct_pairs if m.group(2) else plain_pairs)[key] += 1

    def paragraph_of(m: re.Match) -> tuple[str, str]:
        text = m.string
        lo = text.rfind("\n", 0, m.start()) + 1
        hi = text.find("\n", m.end())
        return text[lo:m.start()], text[m.end():hi if hi != -1 else len(text)]

    def open_quote(m: re.Match) -> str | None:
        before, after = paragraph_of(m)
        closing = "”\"’'" if m.group(0) == "“" else "’'"
        nxt = after.find(m.group(0))
        scope = after if nxt == -1 else after[:nxt]
        return None if any(c in scope for c in closing) else ""

    def close_quote(m: re.Match) -> str | None:
        before, _ = paragraph_of(m)
        return None if before.count("‘") > before.count("’") else ""

    def full_stop(m: re.Match) -> str | None:
        word = m.group("w")
        if word.lower() in STOP_ABBREVIATIONS or len(word) < 2 or word.isupper() \
                or not _known(lex, word):
            return None
        return word + " "

    def glued_stop(m: re.Match) -> str | None:
        a, b = m.group("a"), m.group("b")
        if not (zipf(a) >= 2.5 or lex.doc_count(a) >= 2) or not _known(lex, b) \
                or a.lower() in STOP_ABBREVIATIONS:
            return None
        return f"{a} {b}"

    def inner_stop(m: re.Match) -> str | None:
        key = (m.group("a").lower(), m.group("b").lower())
        if m.group("p") == "," and key[1] in CLAUSE_OPENERS:  # a comma before "and" is often printed
            return None
        if plain_pairs[key] >= 2 and punct_pairs[key] == 1:
            return f"{m.group('a')} {m.group('b')}"
        return None

    def lone_letter(m: re.Match) -> str | None:
        # "subparagraphs b and c", "options a or b": letters named in a list stay.
        prev = re.findall(r"[A-Za-z]+", m.string[max(0, m.start() - 30):m.start()])[-1:]
        nxt = re.match(r"[A-Za-z]+", m.string[m.end():])
        neighbours = {w.lower() for w in prev + [nxt.group(0) if nxt else ""]}
        named = prev and prev[0].lower().startswith(LETTER_NAMERS)
        return None if neighbours & {"and", "or", "to"} or named else ""

    def glued_date(m: re.Match) -> str | None:
        if m.group("a") is not None:
            return m.group("a") + " " if m.group("a").lower() in MONTHS else None
        word = re.match(r"[A-Za-z]+", m.string[m.end():]).group(0)
        return (m.group("d") or "") + " " if word.lower() in MONTHS else None

    def stop_inside(m: re.Match) -> str | None:
        word = m.group("a").lower()
        if word in NEVER_FINAL or (word in MONTHS and re.match(r" \d{4}\b", m.string[m.end():])):
            return m.group("a")
        return None

    rules = [
        (re.compile(r" ?(?<![\w])_+(?![\w])|_+(?=[A-Za-z])"), lambda m: ""),
        # Doubled stops (``1999..``) that are no ellipsis.
        (re.compile(r"(?<=[A-Za-z0-9”)])\.\.(?!\.)"), lambda m: "."),
        # A quote mark between two words where a space was ("and‘targets", "seat'belts");
        # contractions and possessives ("State's", "don't", "we'll") stay.
        (re.compile(r"(?<=[a-z])['‘’](?=(?!(?:s|t|d|ll|re|ve|m)\b)[a-z]{2,})"), lambda m: " "),
        # A single function word in single quotes ("‘the’") is two specks, not a quotation.
        (re.compile(r"‘(?P<w>[A-Za-z]+)’"),
         lambda m: m.group("w") if m.group("w").lower() in NEVER_FINAL | {"a"} else None),
        (re.compile(r"‘(?=[A-Za-z])|“(?=[A-Za-z])"), open_quote),
        (re.compile(r"(?<=[A-Za-rt-z])’(?=[\s,;:.)]|$)"), close_quote),
        (re.compile(r"(?<![\w.])(?P<w>[A-Za-z]+)\. (?=[a-z]{2})"), full_stop),
        (re.compile(r"(?<=\s)[.,:;](?=[A-Za-z]{2})"), lambda m: ""),
        (re.compile(r"(?<=\s)-(?=[A-Za-z]{2,}[\s,;:.])"), lambda m: ""),
        (re.compile(r"(?<![\w./@:\-])(?P<a>[A-Za-z]{3,})\.(?P<b>[a-z]{2,})(?![\w./@\-])"), glued_stop),
        (re.compile(r"(?<![\w.])(?P<a>[A-Za-z]+)(?P<p>[,:.]) (?P<b>[A-Za-z]+)(?![\w])"), inner_stop),
        # A stop after a word no sentence ends with ("of the. Rights"), or inside a date.
        (re.compile(r"(?<![\w.])(?P<a>[A-Za-z]+)[.:](?= [A-Za-z0-9])"), stop_inside),
        # A stop glued inside a date ("May.2003", "22.December").
        (re.compile(r"(?<![\w.])(?P<a>[A-Za-z]+)\.(?=\d{4}\b)|(?<=\b\d)(?P<d>\d?)\.(?=[A-Z][a-z]+\b)"),
         glued_date),
        # An abbreviation glued to its number ("vol.1091").
        (re.compile(r"(?<![A-Za-z])(?P<a>No|Nos|vol|vols|chap|para|paras|pp?)\.(?=\d)"),
         lambda m: m.group("a") + ". "),
        # Specks standing alone between words: no printed sign stands so.
        (re.compile(r"(?<=\S) [|~¢<>\"^°§+](?= )"), lambda m: ""),
        # A colon before a preposition or conjunction ("non-State actors: of radioactive"):
        # a colon introduces a list, a quotation or a title, never a phrase's second half.
        (re.compile(r"(?<=[A-Za-z0-9]):(?= (?:of|and|or|in|on|by|for|with|from|at|as)\b)"),
         lambda m: ""),
        # A stop after a number with a word in lower case after it ("until 25 April 2021.
        # the mandate", "resolutions 68/172. of 18 December"): no sentence ends there. A
        # paragraph's own number ("5. the") stands first on its line and stays.
        (re.compile(r"(?<=\d)\.(?= [a-z]{2,}\b)"),
         lambda m: None if re.search(r"(?:^|\n)[\s(]*[\dA-Za-z.]*$",
                                     m.string[max(0, m.start() - 12):m.start()]) else ""),
        # A closing quote after a plural before a function word ("their means’ of delivery",
        # "police officers’ in the use"): no possessive stands before "of" or "in", and no
        # quotation opened.
        (re.compile(r"(?<=[a-z]s)’(?= (?:of|in|and|to|the|for|on|by|with|from|at)\b)"),
         close_quote),
        # A comma glued between two words: the two words stand so elsewhere, or a space is lost.
        (re.compile(r"(?<![\w.])(?P<a>[A-Za-z]+),(?P<b>[A-Za-z]+)(?![\w])"),
         lambda m: f"{m.group('a')} {m.group('b')}"
         if plain_pairs[(m.group("a").lower(), m.group("b").lower())] else f"{m.group('a')}, {m.group('b')}"),
        # A lone lower-case letter between words is a speck ("a" is a word; labels are "(b)").
        (re.compile(r"(?<=[A-Za-z,;] )[b-hj-z] (?=[A-Za-z])|(?<=[A-Za-z] )i (?=[a-z])"), lone_letter),
        # ``No, 123`` / ``vol, 1091``: an abbreviation's full stop read as a comma.
        (re.compile(r"(?<![A-Za-z])(?P<a>No|Nos|vol|vols|chap|para|paras|sect|art|pp?),"
                    r"(?= (?:\d|[A-Z]\.\d|[IVXL]+\b))"),
         lambda m: m.group("a") + "."),
    ]
    for pattern, fix in rules:
        rewrite(work, "fix_stray_punctuation", pattern, fix, start=body_start(work.text))
    return work


def date_hyphen(text: str, start: int, a: str, b: str) -> str | None:
    """What a hyphen between date parts ``a-b`` (``a`` at ``start`` in ``text``) is.

    "range": a hyphen that joins two dates, or two days, months or years, is printed
    (``24-28 November``, ``24 October-28 November 1978``, ``January-March``,
    ``1978-1979``, ``June 2005-May 2006``): the end of one date against the start of
    the next. "one date": the hyphen sits inside what can only be one date, where a
    range cannot start (``22-December 2005``: a bare day never ends a range's first
    date; ``December-2005``: a year never starts its second): OCR read the space as
    a hyphen. None: not two date parts.
    """
    def part(w: str) -> str | None:
        if w.lower() in MONTHS:
            return "month"
        if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31:
            return "day"
        if w.isdigit() and len(w) == 4:
            return "year"
        return None

    left, right = part(a), part(b)
    if left is None or right is None:
        return None
    before = text[max(0, start - 12):start]
    if left == "day" and right == "month":
        # "October 22-December 5": a day after its month ends a date; the hyphen is a range.
        after_month = re.search(r"([A-Za-z]+)\W{0,2}\s$", before)
        if after_month and after_month.group(1).lower() in MONTHS:
            return "range"
        return "one date"
    if left == "month" and right == "year":
        return "one date"  # "December-2005": the year of that month
    return "range"


def fix_hyphens(work: Work) -> Work:
    """Hyphens OCR doubled, spaced or read for a space.

    ``non- -discriminatory`` (a hyphen read twice) is ``non-discriminatory``; ``Secretary-
    General`` (a line-end hyphen whose line break became a space) is joined as
    ``dehyphenate`` would join it: without the hyphen when the union is a known word the
    document never hyphenates, with it otherwise; a hyphen before ``and``/``or``/``to``
    is a suspended compound (``short- and long-term``) and stays. A hyphen between two
    words one of which is a closed-class word (``an-estimated``, ``States-to``) or inside
    what can only be one date (``22-December 2005``) is a space, unless the document
    hyphenates the same pair elsewhere; a hyphen in a range of dates, days, months or
    years (``24 October-28 November``, ``5-13 September``) is printed and stays
    (``date_hyphen``).
    A space inside a symbol after a slash (``45/ 158``) goes.
    """
    lex = work.lexicon()
    texts = [work.text] + [f.text for f in work.footnotes]
    hyphenated = Counter(m.group(0).lower() for t in texts
                         for m in re.finditer(r"(?<![\w-])[A-Za-z0-9]+-[A-Za-z0-9]+(?![\w-])", t))
    apart = Counter((m.group(1).lower(), m.group(2).lower()) for t in texts
                    for m in re.finditer(r"(?=(?<![\w-])([A-Za-z]+) ([A-Za-z]+)(?![\w-]))", t))

    def spaced(m: re.Match) -> str | None:
        a, b = m.group("a"), m.group("b")
        if b.lower() in ("and", "or", "to", "nor"):
            return None
        if (a + b).isalpha() and lex.is_word(a + b) and not b[0].isupper() \
                and f"{a}-{b}".lower() not in hyphenated:
            return a + b  # a line-end hyphenation ("develop- ment")
        if not all(w.isdigit() or zipf(w) >= 3.8 or lex.doc_count(w) >= 2 for w in (a, b)):
            return None  # a garbled half ("Secretary- Gowri"): joining would only hide it
        return f"{a}-{b}"

    def for_space(m: re.Match) -> str | None:
        a, b = m.group("a"), m.group("b")
        if hyphenated[f"{a}-{b}".lower()] > 1:
            return None
        words = (a.isalpha() or b.isalpha()) and (a.lower() in SPACE_WORDS or b.lower() in SPACE_WORDS)
        date = date_hyphen(m.string, m.start("a"), a, b) == "one date"
        # The document prints the two words apart, twice at least, and never joined.
        evidence = a.isalpha() and b.isalpha() and apart[(a.lower(), b.lower())] >= 2
        return f"{a} {b}" if words or date or evidence else None

    rules = [
        (re.compile(r"(?<=[A-Za-z0-9])- [-~](?=[A-Za-z0-9])"), lambda m: "-"),
        (re.compile(r"(?<![\w-])(?P<a>[A-Za-z]+|\d+)- (?P<b>[A-Za-z]+|\d+)(?![\w-])"), spaced),
        (re.compile(r"(?<![\w\-/.])(?P<a>[A-Za-z]+|\d{1,2}|\d{4})-(?P<b>[A-Za-z]+|\d{1,2}|\d{4})(?![\w\-/])"),
         for_space),
        (re.compile(r"(?<=[A-Za-z][,;.])-(?=[A-Za-z])"), lambda m: " "),
        # A hyphen read as a stop or lost in a space, where the document prints the compound
        # elsewhere ("Secretary: General", "sixty -sixth").
        (re.compile(r"(?<![\w-])(?P<a>[A-Za-z]+)(?:[:;,.] | -|: ?-)(?P<b>[A-Za-z]+)(?![\w-])"),
         lambda m: f"{m.group('a')}-{m.group('b')}"
         if hyphenated[f"{m.group('a')}-{m.group('b')}".lower()] >= 1 else None),
        (re.compile(r"(?<=\d/) (?=\d)"), lambda m: ""),
        # A range of years whose dash OCR doubled, read as a tilde or spaced ("2015--2030",
        # "2015~ 2030"): the years stay, the dash is the en dash the UN prints in ranges.
        (re.compile(r"(?<![\d/.])(?P<a>(?:19|20)\d\d)(?:~\s?|[-–—]-|-[–—]|\s-\s?|-\s)(?P<b>(?:19|20)\d\d)(?![\d/])"),
         lambda m: f"{m.group('a')}–{m.group('b')}"),
        # A stop between a name and its years ("Disaster Risk Reduction. 2015-2030,").
        (re.compile(r"(?<=[a-z]) ?\. ?(?=(?:19|20)\d\d[-–](?:19|20)\d\d\b)"), lambda m: " "),
    ]
    for pattern, fix in rules:
        rewrite(work, "fix_hyphens", pattern, fix, start=body_start(work.text))
    return work


def fix_clause_ends(work: Work) -> Work:
    """The stop that ends an operative paragraph or a lettered sub-paragraph.

    Numbered operative paragraphs followed by the next number, and lettered items
    followed by the next letter, end in a semicolon: a comma or colon OCR read there
    (``centre,``, ``unemployed:``) is that semicolon (a colon stays when the next item is
    the first of a list it opens). Ends touching a marker are ``fix_marker_punctuation``'s.
    """
    def label_next(a: str, b: str) -> bool:
        return len(a) == 1 and len(b) == 1 and ord(b) == ord(a) + 1

    def fix_text(text: str, base: int) -> str:
        paras = text.split("\n\n")
        offset = 0
        for i, para in enumerate(paras[:-1]):
            nxt = paras[i + 1]
            cur_n = re.match(r"^(\d{1,3})\.\s", para)
            nxt_n = re.match(r"^(\d{1,3})\.\s", nxt)
            cur_l, nxt_l = LABEL_RE.match(para), LABEL_RE.match(nxt)
            follows = (cur_n and nxt_n and int(nxt_n.group(1)) == int(cur_n.group(1)) + 1) or (
                cur_l and nxt_l and label_next(cur_l.group("label"), nxt_l.group("label")))
            if follows and re.search(r"[A-Za-z)”][,:]$", para):
                work.note("fix_clause_ends", base + offset + len(para) - 1, para[-1], ";")
                paras[i] = para[:-1] + ";"
            offset += len(paras[i]) + 2
        # Lettered items run on inside one paragraph: "... unemployed: (b) To ensure".
        joined = "\n\n".join(paras)
        out, last = [], 0
        for m in re.finditer(r"(?<=[A-Za-z)”])[,:](?= \((?P<l>[b-z])\) [A-Z])", joined):
            prev = re.findall(r"\(([a-z])\) ", joined[max(0, m.start() - 2000):m.start()])
            if prev and label_next(prev[-1], m.group("l")):
                out.append(joined[last:m.start()] + ";")
                last = m.end()
                work.note("fix_clause_ends", base + m.start(), m.group(0), ";")
        return "".join(out) + joined[last:]

    work.text = fix_text(work.text, 0)
    return work


# A General Assembly document symbol "A/<session>/<number>" whose digits OCR read as look-alike
# letters ("A/6I/SIS", "A/G1/187") or whose "A" it read as a "4" ("4/62/257").
SYMBOL_DIGITS_RE = re.compile(r"(?<![\w/.])(?P<head>A|4)/(?P<s>[0-9IlOoSGB|]{2})/(?P<n>[0-9IlOoSGB|]{1,4})"
                              r"(?=[.,;:)\s]|$)")
DIGIT_LOOKALIKES = str.maketrans("IlOoSGB|", "11005681")


def fix_symbol_digits(work: Work) -> Work:
    """Digits of ``A/<session>/<number>`` symbols that OCR read as letters or a lead "4".

    The shape is the evidence: a symbol's session and number parts are digits, and no
    other part of a GA symbol (``RES``, ``C.2``, ``L.40``, ``PV.5``, ``INF``) is made
    only of the look-alike glyphs I l O S G B. A "4/61/187" with a one-digit first
    part is no resolution number (those are "61/187") nor a date: it is "A/61/187".
    """
    def fix(m: re.Match) -> str | None:
        session = m.group("s").translate(DIGIT_LOOKALIKES)
        number = m.group("n").translate(DIGIT_LOOKALIKES)
        if m.group("head") == "4" and not (m.group("s").isdigit() and m.group("n").isdigit()):
            return None  # two repairs in one token: too little left to go on
        if not re.search(r"\d", m.group("s")) or session.startswith("0"):
            return None  # a session part with no digit left ("OI") could be any session
        return f"A/{session}/{number}"

    return rewrite(work, "fix_symbol_digits", SYMBOL_DIGITS_RE, fix)


ACCENTED_RE = re.compile(r"(?<![\w/])[A-Za-z]*[À-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ]*(?![\w/])")


def fold_stray_accents(work: Work) -> Work:
    """``Decembér`` -> ``December``: an accent on an English word is a speck on its letter.

    Only when the accented spelling is rare (Zipf < 3: ``thé`` is French) and printed
    nowhere else in the document, and the plain one is a common word the document uses
    elsewhere or, for a word in lower case, a very common one (Zipf >= 4: ``accordancé``,
    ``réspective``); names keep their accents (``São Tomé``: ``tome`` is not in the
    document). A speck on a ``c`` or an ``o`` reads as ``é`` too (``Eduéational``,
    ``Natiéns``): when the plain letter makes no word, a look-alike (a, o, e, c) that
    makes exactly one such word is taken. A lone accented letter between two words in
    lower case is a speck (``disproportionate é impact``) and goes.
    """
    import unicodedata

    lex = work.lexicon()

    def known(word: str) -> bool:
        return zipf(word) >= 3.0 and (lex.doc_count(word) >= 1
                                      or (word.islower() and zipf(word) >= 4.0))

    def fold(m: re.Match) -> str | None:
        token = m.group(0)
        plain = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
        if len(plain) != len(token) or len(token) < 3 or zipf(token) >= 3.0 \
                or lex.doc_count(token) > 1:
            return None
        if known(plain):
            return plain
        accented = [i for i, ch in enumerate(token) if not ch.isascii()]
        if len(accented) != 1 or plain[accented[0]].lower() not in "aoec":
            return None
        i = accented[0]
        looks = {plain[:i] + x + plain[i + 1:] for x in "aoec"} - {plain}
        found = [w for w in looks if known(w)]
        return found[0] if len(found) == 1 else None

    rewrite(work, "fold_stray_accents", ACCENTED_RE, fold)
    return rewrite(work, "fold_stray_accents", LONE_ACCENT_RE, lambda m: " ")


# A lone accented letter (not French "à") between two words in lower case.
LONE_ACCENT_RE = re.compile(r"(?<=[a-z]) [À-ÖØ-ßá-öø-ÿ] (?=[a-z])")


def fix_quotes_and_spacing(work: Work) -> Work:
    """``“ International”`` -> ``“International”``; spaces around marks and punctuation."""
    rules = [
        (re.compile(r"(?<=[“‘(]) +"), ""),
        (re.compile(r" +(?=[”’)])"), ""),
        (re.compile(r" +(?=[,;:](?:\s|$))"), ""),
        (re.compile(r" +(?=\[\^)"), ""),
        (re.compile(r"(?<=[^\s\n])  +"), " "),
        (re.compile(r"(?m) +$"), ""),
    ]
    for pattern, repl in rules:
        rewrite(work, "fix_quotes_and_spacing", pattern, lambda m, r=repl: r)
    return work


# --- the pipeline -----------------------------------------------------------------------

LINE_STEPS = [mark_masthead, strip_margin_furniture, strip_furniture, drop_ocr_specks,
              mark_small_type_footnotes, trim_ocr_specks, restore_paragraph_numbers, break_paragraphs_by_layout, lift_footnotes, dehyphenate,
              unwrap_lines]
TEXT_STEPS = [normalise_spacing, mark_masthead_asterisks, mark_marker_glyphs, fix_vertical_bars,
              rejoin_split_words, split_glued_words, fix_roman_numerals, correct_words,
              correct_words_by_context, correct_words_by_document, correct_short_words,
              number_footnote_markers, fix_marker_punctuation,
              drop_block_anchors, fold_stray_accents, fix_symbol_digits, fix_hyphens, fix_stray_punctuation,
              fix_clause_ends, fix_quotes_and_spacing]
STEPS = [mark_superscripts] + LINE_STEPS + TEXT_STEPS


def start_work(extracted: Extracted) -> Work:
    """Work lines from the extracted pages; a form feed in plain text starts a new page."""
    lines = []
    shift = 0  # pages a plain text's form feeds added so far
    for page in extracted.pages:
        for line in page.lines:
            if "\f" in line.text and page.method == "text":
                shift += line.text.count("\f")
            text = line.text.replace("\f", "")
            role = "body" if text.strip() else "blank"
            lines.append(WorkLine(text=text.rstrip(), page=page.number + shift, role=role,
                                  top=line.top, bottom=line.bottom, size=line.size,
                                  page_height=page.height,
                                  indent=len(text) - len(text.lstrip(" ")),
                                  x0=line.x0, x1=line.x1, page_width=page.width,
                                  method=page.method))
    return Work(lines=lines, plain=bool(lines) and all(ln.method == "text" for ln in lines))


def clean(extracted: Extracted) -> Cleaned:
    """The readable intermediate text of an extracted document (see module docstring)."""
    extracted = extracted.model_copy(deep=True)
    work = Work(lines=[])
    work = mark_superscripts(work, extracted)
    glyphs, ocr_glyphs = work.glyphs, work.ocr_glyphs
    work = start_work(extracted)
    work.glyphs, work.ocr_glyphs = glyphs, ocr_glyphs
    for step in LINE_STEPS + TEXT_STEPS:
        work = step(work)
    return Cleaned(text=work.text, footnotes=work.footnotes, furniture=work.furniture,
                   changes=work.changes)
