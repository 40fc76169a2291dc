"""Segmentation: Cleaned -> Document, one deterministic structural pass.

    masthead (lines before "The General Assembly,") -> symbol, session, body, kind,
        title, agenda item, date, sponsors, report line
    paragraphs after the formula -> preamble (until the first numbered paragraph)
        and operative paragraphs, sub-paragraphs "(a)" kept inside on their own lines
    markers [^N] -> footnote_links;  cited symbols -> cites / citations

    parts "I" / "I. Heading" -> sections (ids of the paragraphs they hold);
    "Annex" (or "Adopts the following Declaration:") and what follows -> annexes,
        each with its title, opening paragraphs, numbered paragraphs and parts

Repairs: a numbered paragraph merged into the previous one is split off at its
expected number; a number left alone on a line (or at the end of the previous
paragraph, or inside its own paragraph) goes to the paragraph it belongs to; a
paragraph after the first operative one that lost its number gets the next number.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from pipeline.errors import NotAResolution
from pipeline.model import (Annex, Citation, Cleaned, Document, FootnoteLink, OperativeParagraph,
                            Paragraph, Section)

VERSION = "1"

SYMBOL = r"(?:A|E|S)/(?:[A-Za-z0-9.\-]+/)*[A-Za-z0-9.\-]*[A-Za-z0-9]"
SYMBOL_RE = re.compile(rf"(?<![\w/]){SYMBOL}")
OPENING_RE = re.compile(r"^The General Assembly\s*,?$")
NUMBERED_RE = re.compile(r"^(\d{1,3})\s*\.\s+(\S.*)$", re.S)
LONE_NUMBER_RE = re.compile(r"^(\d{1,3})\s*\.$")
SUBPARAGRAPH_RE = re.compile(r"^\((?:[a-z]{1,2}|[ivxl]+)\)\s")
MARKER_RE = re.compile(r"\[\^([^\]]+)\]")
PREAMBLE_OPENER = (r"(?:[A-Z][a-z]+ing|Aware|Convinced|Concerned|Mindful|Conscious|Deeply|Gravely"
                   r"|Alarmed|Determined|Cognizant|Desirous|Guided|Encouraged|Seriously|Fully"
                   r"|Further|Having|Inspired|Committed|Resolved|Persuaded|Reassured)")
COMMITTEES = {"1": "First", "2": "Second", "3": "Third", "4": "Fourth", "5": "Fifth", "6": "Sixth"}
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
TENS = {"twent": 20, "thirt": 30, "fort": 40, "fift": 50, "sixt": 60, "sevent": 70, "eight": 80,
        "ninet": 90}


def segment(cleaned: Cleaned) -> Document:
    paragraphs = [p.strip() for p in cleaned.text.split("\n\n") if p.strip()]
    head, opening, body = split_at_opening(paragraphs)
    doc = Document(opening=opening or "The General Assembly,")
    read_masthead(doc, [ln.strip() for p in head for ln in p.splitlines() if ln.strip()],
                  cleaned.furniture, [c.before for c in cleaned.changes])
    body, annexes = split_annexes(body)
    doc.preamble, doc.operative, doc.sections = split_parts(body)
    if annexes and annexes[0][0] is None and doc.preamble and not doc.operative \
            and ADOPTS_FOLLOWING_RE.search(doc.preamble[-1].text):
        # The adopting clause is the resolution's one operative paragraph, unnumbered.
        doc.operative = [OperativeParagraph(number="", text=doc.preamble.pop().text)]
    doc.annexes = [read_annex(label, title, chunk) for label, title, chunk in annexes]
    if not doc.preamble and not doc.operative:
        raise NotAResolution("no preambular or operative paragraphs found after the masthead")
    doc.footnotes = [f.model_copy() for f in cleaned.footnotes]
    doc.footnote_links = link_footnotes(doc)
    doc.citations = collect_citations(doc)
    doc.cites = list(dict.fromkeys(c.symbol for c in doc.citations))
    return doc


def split_at_opening(paragraphs: list[str]) -> tuple[list[str], str | None, list[str]]:
    for i, para in enumerate(paragraphs):
        if OPENING_RE.match(para.strip()):
            return paragraphs[:i], para.strip(), paragraphs[i + 1:]
    return [], None, paragraphs


# --- metadata -------------------------------------------------------------------

def read_masthead(doc: Document, lines: list[str], furniture: list[str],
                  cleaned_away: list[str] = ()) -> None:
    """``cleaned_away``: the text cleaning's changes replaced (``Change.before``), where a
    masthead remnant dropped as an OCR speck may still show what was printed."""
    doc.report_line = next((ln for ln in lines if re.match(r"^\[.*(report of|without reference)", ln,
                                                           re.I)), None)
    doc.symbol = find_symbol(lines, furniture)
    doc.session = session_of(doc.symbol) or session_from_words(lines)
    doc.kind = kind_of(doc.symbol, lines)
    doc.body = body_of(doc.symbol, lines)
    doc.agenda_item = agenda_item(lines, cleaned_away)
    doc.date = find_date(lines)
    doc.title, doc.sponsors = title_and_sponsors(lines)
    if doc.symbol is None and doc.session is None:
        resolution = next((m for ln in lines if (m := RESOLUTION_TITLE_RE.match(ln))), None)
        if resolution:
            doc.symbol = f"A/RES/{resolution.group(1)}/{resolution.group(2).replace(' ', '')}"
            doc.session, doc.kind, doc.body = int(resolution.group(1)), "resolution", "General Assembly"


# (Sub-items run past (z) to (aa), (bb), ...: the First Committee's disarmament item.)
AGENDA_ITEM_RE = re.compile(r"Agenda items?[\s'’‘\"“:.]*(\d+)(?:\s*[.,]?\s*\(([a-z]|([a-z])\3)[)}\]])?")
# What is left of a sub-item label OCR could not read: "()", "€)" ("(c" read as one glyph).
# Or the bracket read as a letter, the letter as another: "51 te)" for "51 (c)".
DAMAGED_SUB_ITEM_RE = re.compile(r"Agenda items?[\s'’‘\"“:.]*(\d+)\s*[.,]?\s*"
                                 r"(?P<rest>[(\[{€¢]\W{0,2}[)}\]]?|[^\s\d]{1,2}[)}\]])\s*\W?$")
REPORT_PART_RE = re.compile(r"\(A/\d{2}/\d{1,4}/Add\.(\d{1,2})\)")


def agenda_item(lines: list[str], cleaned_away: list[str] = ()) -> str | None:
    """``Agenda item 51 (c)`` -> "51 (c)" (OCR's ``(b}`` too).

    When the letter is unreadable but a remnant shows one was printed (``€)``, or the
    bracket and letter read as other letters: ``te)`` for ``(c)``; in the line, or in
    the line as it was before cleaning dropped the remnant as a speck), it is read from the
    remnant's shape (``€``, ``¢``: a c) or else from the committee's report in the report
    line: the report on an item's sub-item (a), (b), (c) is that report's Add.1, Add.2,
    Add.3. Without either, the item stays without its letter.
    """
    item = next((m for ln in lines if (m := AGENDA_ITEM_RE.search(ln))), None)
    if item is None:
        return None
    if item.group(2):
        return f"{item.group(1)} ({item.group(2)})"
    remnant = next((m.group("rest") for ln in list(lines) + list(cleaned_away)
                    if (m := DAMAGED_SUB_ITEM_RE.search(ln)) and m.group(1) == item.group(1)
                    and m.group("rest")), None)
    if remnant is None:
        return item.group(1)
    if re.search("[€¢]", remnant):
        return f"{item.group(1)} (c)"
    part = next((m for ln in lines if (m := REPORT_PART_RE.search(ln))), None)
    if part and 1 <= int(part.group(1)) <= 26:
        return f"{item.group(1)} ({chr(ord('a') + int(part.group(1)) - 1)})"
    return item.group(1)


GA_SYMBOL_RE = re.compile(r"^A/(?:(?:C\.[1-6]/)?\d{1,2}/(?:L\.\d{1,3}|\d{1,4})|RES/(?:S-)?\d{1,2}/\d{1,4})"
                          r"(?:/(?:Rev|Add|Corr)\.\d{1,2})*$")
# OCR's readings of "A/": "AI", "AJ", "A|", "A’", "A" alone before a session ("A62/329"),
# "N" before RES or a committee ("NRES/63/119": the A and slash run together).
OCR_SYMBOL_RE = re.compile(r"(?<![\w/])(?:A[/IlJ|1!’']{1,2}|A(?=\d{2}/)|N(?=RES/|C\.[1-6]/))"
                           r"[A-Za-z0-9.\-/|\[]{4,}")


def repair_symbol(token: str) -> str | None:
    """An OCR-damaged General Assembly symbol put right by the symbols' grammar, or None.

    ``AIC.3/61/L.18`` -> ``A/C.3/61/L.18``, ``A/JRES/61/208`` -> ``A/RES/61/208``,
    ``A/C.2/61/1..40/Rev.1`` -> ``A/C.2/61/L.40/Rev.1``, ``A62/329`` -> ``A/62/329``,
    ``NRES/63/119`` -> ``A/RES/63/119``; a result the grammar does not accept is no symbol.
    """
    t = token.rstrip(".,;:-~’'\"”")
    t = re.sub(r"^A[/IlJ|1!’']{1,2}(?=C\.|RES/|\d)", "A/", t)
    t = re.sub(r"^A(?=\d{2}/)|^N(?=RES/|C\.[1-6]/)", "A/", t)
    t = re.sub(r"(?<=\d)[\[|](?=\d|L\.)", "/", t)  # a bracket or bar for a slash: "AIC.4[78/L.6"
    t = re.sub(r"^A/C[.,]?(?=[1-6]/)", "A/C.", t)
    t = re.sub(r"/(?:[1IlL|]\.{1,2}|\.)(?=\d)", "/L.", t)  # "/1..40", "/.18" -> "/L.40", "/L.18"
    t = re.sub(r"/(?:Rev|Kev|Rey)[.,]?(?=\d)", "/Rev.", t)
    return t if GA_SYMBOL_RE.match(t) else None


REPORT_LINE_RE = re.compile(r"(?:on the report of|without reference to)\b", re.I)


# A resolution's number before its title: "63/119. Criminal accountability ..." (OCR may
# split the number with a space: "63/1 19.", read the stop as a colon, comma or semicolon:
# "68/52: Measures ...", or leave a speck before the number).
RESOLUTION_TITLE_RE = re.compile(r"^[^\w\s]{0,2}\s?(\d{1,3})/(\d{1,4}|\d{1,3} \d{1,3})\s?[.:,;]\s+(\S.*)$")


COMMITTEE_SPACE_RE = re.compile(r"(?<![\w/])((?:A[/IlJ|1!’']{0,2}|N)C[.,]) (?=[1-6]/\d)")


def close_committee_space(text: str) -> str:
    """``text`` with the space OCR put after a committee's ``C.`` closed (``AIC. 2/61/L.40``:
    a header or footer), so the symbol reads as one token."""
    return COMMITTEE_SPACE_RE.sub(r"\1", text)


def symbol_readings(line: str, masthead: bool = True) -> list[str]:
    """The General Assembly symbols ``line`` prints, as printed or as OCR damaged them, put
    right by the symbols' grammar.

    A space OCR put inside a symbol (``A/C.6/63/L.1 0/Rev.1``, ``AJRES/63/11 9``) is closed
    when what follows it continues the symbol (a fragment with a slash, or digits ending
    the line) and the whole is a symbol the grammar accepts: the part before the space
    is then no reading of its own. Digits ending a running header's line may be its page
    number: there (``masthead=False``) only a fragment with a slash continues the symbol.
    """
    # A space OCR put next to a slash, or after "Rev." ("L.10/ Rev.1", "L.10 /Rev. 1").
    line = re.sub(r"(?<=[A-Za-z0-9.]) (?=/(?:Rev|Add|Corr)\b)|(?<=\d/) (?=(?:Rev|Add|Corr|L)\.)"
                  r"|(?:(?<=/Rev\.)|(?<=/Add\.)|(?<=/Corr\.)) (?=\d)", "", line)
    line = close_committee_space(line)
    out = []
    for m in re.finditer(rf"{SYMBOL_RE.pattern}|{OCR_SYMBOL_RE.pattern}", line):
        token = m.group(0).rstrip(".,;:")
        reading = token if GA_SYMBOL_RE.match(token) else repair_symbol(token)
        rest = line[m.end():]
        split = (masthead and re.match(r" ([0-9][A-Za-z0-9.\-/]*?)[.,;:]?(?=\s*$|\s*\W\s)", rest)) \
            or re.match(r" ([0-9][A-Za-z0-9.\-]*/[A-Za-z0-9.\-/]*[A-Za-z0-9])", rest)
        joined = repair_symbol(token + split.group(1)) if split and token == m.group(0) else None
        if joined or reading:
            out.append(joined or reading)
    return out


def find_symbol(lines: list[str], furniture: list[str]) -> str | None:
    """The document's own symbol: in the masthead (not in the report line), running headers.

    Every reading of a symbol the grammar accepts (as printed, or as OCR damaged it, put
    right: ``symbol_readings``) is a vote: the masthead's counts twice (it prints the
    symbol largest), each running header's once, and an adopted resolution's number
    before its title (``63/119.``) once, as ``A/RES/63/119``. A reading that is the start of
    a longer one (``A/RES/63/11`` of ``A/RES/63/119``, ``A/C.6/63/L.1`` of
    ``A/C.6/63/L.10/Rev.1``) is that one with its end lost, and its votes go to it. The
    most votes win, the masthead's first on a tie; without a reading, any symbol with a
    session.
    """
    # The report line cites the committee's report (OCR may lose its bracket: "fon the report").
    own_lines = [ln for ln in lines if not ln.startswith("[") and not REPORT_LINE_RE.search(ln)]
    votes: Counter = Counter()
    order: list[str] = []

    def vote(symbol: str, weight: int) -> None:
        votes[symbol] += weight
        if symbol not in order:
            order.append(symbol)

    for line in own_lines:
        for symbol in symbol_readings(line):
            vote(symbol, 2)
        title = RESOLUTION_TITLE_RE.match(line)
        if title:
            vote(f"A/RES/{title.group(1)}/{title.group(2).replace(' ', '')}", 1)
    for line in furniture:
        for symbol in symbol_readings(line, masthead=False):
            vote(symbol, 1)
    for short in list(order):
        longer = [s for s in order if s != short and s.startswith(short) and s[len(short)] in "0123456789/"]
        if longer:
            votes[max(longer, key=lambda s: (votes[s], -order.index(s)))] += votes.pop(short)
            order.remove(short)
    if order:
        return max(order, key=lambda s: (votes[s], -order.index(s)))
    templated = symbol_from_masthead_words(own_lines)
    if templated:
        return templated
    for source in (own_lines, furniture):
        for line in source:
            m = SYMBOL_RE.search(line)
            if m and re.search(r"/\d{2}/", m.group(0)):
                return m.group(0)
    return None


DRAFT_TAIL_RE = re.compile(r"(?<![\w.])(A\S*?)[/|I\[]?L[.,](\d{1,3})((?:/Rev[.,]\d{1,2})?)(?=[\W]*$|\s)")
TEMPLATE_MIN_SIMILARITY = 0.6  # a garbled token this close to the built symbol prints it


def symbol_from_masthead_words(lines: list[str]) -> str | None:
    """A draft's symbol OCR garbled beyond the grammar's repair (``AIC.AIT8IL.6``), built
    from what the masthead says in words, the session (``Seventy-eighth session``) and
    the committee (``Fourth Committee``; none: a plenary draft), with the draft's number
    from the token's readable end (``L.6``), and taken only when the garbled token is
    close to the built symbol (``TEMPLATE_MIN_SIMILARITY``), so the token confirms
    what the words say."""
    from rapidfuzz.distance import Levenshtein

    session = session_from_words(lines)
    if session is None:
        return None
    committee = next((k for ln in lines for k, name in COMMITTEES.items()
                      if re.fullmatch(rf"\W{{0,2}}{name} Committee\W{{0,2}}", ln.strip())), None)
    for line in lines[:4]:  # the symbol stands at the masthead's top
        for m in DRAFT_TAIL_RE.finditer(line):
            rev = re.sub(r"[.,]", ".", m.group(3))
            built = (f"A/C.{committee}/{session}" if committee else f"A/{session}") \
                + f"/L.{m.group(2)}{rev}"
            token = re.sub(r"(?<=\S)[I|l\[](?=\S)", "/", m.group(0).strip())  # slash look-alikes
            if GA_SYMBOL_RE.match(built) and Levenshtein.normalized_similarity(token, built) \
                    >= TEMPLATE_MIN_SIMILARITY:
                return built
    return None


def session_of(symbol: str | None) -> int | None:
    m = re.search(r"/(\d{1,3})/", symbol or "")
    return int(m.group(1)) if m else None


def session_from_words(lines: list[str]) -> int | None:
    """``Fifty-eighth session`` -> 58."""
    for line in lines:
        m = re.search(r"\b([A-Za-z]+)-([a-z]+) session\b", line)
        if m and m.group(2) in ORDINALS:
            tens = next((v for k, v in TENS.items() if m.group(1).lower().startswith(k)), None)
            if tens:
                return tens + ORDINALS.index(m.group(2)) + 1
    return None


ADOPTED_RE = re.compile(r"^\W{0,2}Resolution adopted by the General Assembly\b", re.I)
REVISED_DRAFT_RE = re.compile(r":\s*revised draft\W{0,2} resolution\W{0,2}$")


def kind_of(symbol: str | None, lines: list[str] = ()) -> str:
    """The kind follows from the symbol (``A/RES/``: a resolution; an ``L.`` document's
    ``/Rev.``: a revised draft). Where OCR left no symbol, or a draft's without its
    ``/Rev.``, the masthead's own words say it: "Resolution adopted by the General
    Assembly" (no symbol at all), a sponsor line ending "revised draft resolution"."""
    if symbol and "/RES/" in symbol:
        return "resolution"
    if symbol and re.search(r"/L\.\d+.*/Rev\.\d+", symbol):
        return "revised draft resolution"
    if any(REVISED_DRAFT_RE.search(ln) for ln in lines):
        return "revised draft resolution"
    if not symbol and any(ADOPTED_RE.match(ln) for ln in lines):
        return "resolution"
    return "draft resolution"


def body_of(symbol: str | None, lines: list[str]) -> str:
    m = re.match(r"A/C\.(\d)/", symbol or "")
    if m and m.group(1) in COMMITTEES:
        return f"General Assembly, {COMMITTEES[m.group(1)]} Committee"
    if symbol and "/RES/" in symbol:
        return "General Assembly"
    committee = next((ln for ln in lines if re.fullmatch(r"(First|Second|Third|Fourth|Fifth|Sixth) Committee", ln)), None)
    return f"General Assembly, {committee}" if committee else "General Assembly"


def find_date(lines: list[str]) -> str | None:
    for line in lines:
        m = re.search(r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September"
                      r"|October|November|December) \d{4})\b", line)
        if m and ("Distr" in line or "adopted" in line or line.strip() == m.group(1)):
            return datetime.strptime(m.group(1), "%d %B %Y").date().isoformat()
    return None


# OCR may read the colon as a semicolon ("Sri Lanka’; draft resolution").
# Or lose it with the asterisk after the last name of a list ("Tuvalu, aimee draft resolution").
SPONSOR_RE = re.compile(r"^(?:(?P<who>.+?)\s*[:;]\s*|(?P<listed>[^:;]+,[^:;]+?)\s+)"
                        r"(?:revised )?draft\W{0,2} (?:resolution|decision)\W{0,2}$")


def title_and_sponsors(lines: list[str]) -> tuple[str | None, list[str]]:
    """Title after the sponsor line (drafts) or after ``58/208.`` (resolutions)."""
    for i, line in enumerate(lines):
        m = SPONSOR_RE.match(line)
        if not m and i + 1 < len(lines) and re.search(r"[:;]\s*(?:revised\s*)?(?:draft\W{0,2})?$", line):
            # The line wraps inside "revised draft resolution": its end is the next line.
            m = SPONSOR_RE.match(f"{line} {lines[i + 1]}")
            if m:
                lines = lines[:i] + [f"{line} {lines[i + 1]}"] + lines[i + 2:]
        if m:
            who = m.group("who") or m.group("listed")
            k = i
            while k > 0 and lines[k - 1].rstrip().endswith(","):  # a list over several lines
                k -= 1
                who = f"{lines[k].strip()} {who}"
            who = MARKER_RE.sub("", who)
            # OCR leaves the asterisk's superscript as a quote or a symbol after the name.
            sponsors = [s.strip().rstrip("*’'‘\"“”°®™!") for s in re.split(r",| and ", who) if s.strip()]
            title = " ".join(lines[i + 1:]) or None
            return (clean_title(MARKER_RE.sub("", title)) if title else None), sponsors
        r = RESOLUTION_TITLE_RE.match(line)
        if r:
            return clean_title(" ".join([r.group(3)] + lines[i + 1:])), []
    return None, []


QUOTE_PAIRS = {"‘": "’", "“": "”"}
# Specks OCR leaves at a title's edges: no printed title starts or ends with them.
TITLE_EDGE_SPECKS = "\"'‘’“”.,;:-–—_~*•·°®™!|^`"


def clean_title(title: str) -> str | None:
    """A masthead title as printed, without OCR's specks.

    The masthead stays out of the body's word-level cleaning (``fix_stray_punctuation``
    runs from the enacting formula on: the masthead's symbols, ``Distr.: General`` and
    sponsor lists are no sentences), so the title's own specks go here: the specks at its
    edges (a title never opens or ends with a quote, stop or dash that closes or opens
    nothing: ``". Access to justice``), and a quote mark inside it that opens nothing
    (``belonging ‘to minorities``: no closing quote after it) or closes nothing (no
    opening quote before it, and no apostrophe between letters or after a plural's s).
    """
    t = re.sub(r"\s+", " ", title).strip()
    chars = list(t)
    drop: set[int] = set()
    for i, ch in enumerate(chars):
        if ch in QUOTE_PAIRS:
            if QUOTE_PAIRS[ch] not in t[i + 1:] and ("'" if ch == "‘" else '"') not in t[i + 1:]:
                drop.add(i)
        elif ch in "’”":
            opener = "‘" if ch == "’" else "“"
            apostrophe = ch == "’" and i > 0 and (t[i - 1].isalpha() and i + 1 < len(t) and t[i + 1].isalpha()
                                                  or t[i - 1] in "sS")
            if opener not in t[:i] and not apostrophe and not (ch == "”" and t[:i].count('"') % 2):
                drop.add(i)
    straight = [i for i, ch in enumerate(chars) if ch == '"']
    if len(straight) % 2:  # an unpaired straight quote
        drop.add(straight[-1])
    t = "".join(ch for i, ch in enumerate(chars) if i not in drop)
    t = re.sub(r"\s+", " ", t)
    while t and (t[0] in TITLE_EDGE_SPECKS or t[0].isspace()):
        if t[0] in QUOTE_PAIRS and QUOTE_PAIRS[t[0]] in t[1:] or t[0] == '"' and '"' in t[1:]:
            break  # a quotation the title opens with
        t = t[1:]
    while t and (t[-1] in TITLE_EDGE_SPECKS or t[-1].isspace()):
        if t[-1] in "’”\"" and t[:-1].count({"’": "‘", "”": "“", '"': '"'}[t[-1]]) % 2 == 1:
            break  # a quotation the title ends with
        t = t[:-1]
    return t or None


# --- parts and annexes -------------------------------------------------------------

# "56th plenary meeting" (and its date): the resolution's closing, no paragraph.
CLOSING_RE = re.compile(r"^\d{1,3}(?:st|nd|rd|th) plenary meeting\b")
CLOSING_AT_END_RE = re.compile(r"(?<=[.;])\s+\d{1,3}(?:st|nd|rd|th) plenary meeting"
                               r"(?:\s+\d{1,2} [A-Z][a-z]+ \d{4})?$")
ANNEX_RE = re.compile(r"^(?P<label>(?:ANNEX|Annex)(?:es)?(?: (?:[IVXL]{1,5}|\d{1,2})\b)?)"
                      r"(?:\s+(?P<title>[A-Z][^;:]*[^,;:.]))?$")
PART_RE = re.compile(r"^(?P<number>[IVXL]{1,5})\.?(?:\s+(?P<heading>[A-Z][^,;:]{0,150}))?$")
ENDS_LIKE_PARAGRAPH_RE = re.compile(r"[,;:.][\"”’)]?(?:\[\^[^\]]+\])?$")


def _heading_text(para: str) -> bool:
    """A heading: one short line that does not end like a paragraph and opens no paragraph
    (no number, no label, not in lower case)."""
    return (len(para) <= 160 and "\n" not in para and para[:1].isupper()
            and not ENDS_LIKE_PARAGRAPH_RE.search(para) and not NUMBERED_RE.match(para))


# The clause adopting a text printed after it: "Adopts the following Declaration:".
ADOPTS_FOLLOWING_RE = re.compile(r"\bthe following\b[^.;:]{0,120}:$")


def split_annexes(paragraphs: list[str]) -> tuple[list[str], list[tuple[str | None, str | None, list[str]]]]:
    """The resolution's own paragraphs, and each annex as (label, title, paragraphs).

    An annex opens at a paragraph that is its label alone ("Annex", "Annex II"), or its
    label before the annexed text's title when a line break was lost; the title is the
    heading that follows the label. A text adopted "as follows" (``Adopts the following
    Declaration:`` then its title or first part) is an annex without a label (None). The
    closing meeting line goes.
    """
    own: list[str] = []
    annexes: list[tuple[str | None, str | None, list[str]]] = []
    for para in paragraphs:
        if CLOSING_RE.match(para):
            continue
        # The meeting line run into the last paragraph (its line break lost) goes too.
        para = CLOSING_AT_END_RE.sub("", para)
        if not annexes and own and ADOPTS_FOLLOWING_RE.search(own[-1]) and _heading_text(para):
            # "Adopts the following Declaration:" then the declaration's title (or its first
            # part): the text adopted is printed in the resolution itself, an annex
            # without a label.
            part = bool(PART_RE.match(para))
            annexes.append((None, None if part else para, [para] if part else []))
            continue
        m = ANNEX_RE.match(para)
        if m and (own or annexes) and (m.group("title") is None or _heading_text(m.group("title"))):
            annexes.append((m.group("label"), m.group("title"), []))
            continue
        if annexes:
            label, title, chunk = annexes[-1]
            if title is None and not chunk and _heading_text(para) and not PART_RE.match(para):
                annexes[-1] = (label, para, chunk)
            else:
                chunk.append(para)
        else:
            own.append(para)
    return own, annexes


def split_parts(paragraphs: list[str]) -> tuple[list[Paragraph], list[OperativeParagraph], list[Section]]:
    """Paragraphs with the parts they are divided into: ``I`` (alone, its heading the
    paragraph after it) or ``I. Heading``. Each part is segmented as the text before it
    continues (the numbering of its paragraphs goes on, or starts again, as printed)."""
    chunks: list[tuple[Section | None, list[str]]] = [(None, [])]
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        m = PART_RE.match(para)
        if m and (m.group("heading") is None or _heading_text(para)):
            heading = m.group("heading")
            if heading is None and i + 1 < len(paragraphs) and _heading_text(paragraphs[i + 1]) \
                    and not PART_RE.match(paragraphs[i + 1]):
                heading = paragraphs[i + 1]
                i += 1
            chunks.append((Section(number=m.group("number"), heading=heading), []))
        else:
            chunks[-1][1].append(para)
        i += 1
    if len(chunks) == 1:
        preamble, operative = split_sections(paragraphs)
        return preamble, operative, []
    preamble: list[Paragraph] = []
    operative: list[OperativeParagraph] = []
    sections: list[Section] = []
    for section, chunk in chunks:
        pre, ops = split_sections(chunk, operative[-1].number if operative else None)
        ids = [f"P{len(preamble) + k}" for k in range(1, len(pre) + 1)]
        ids += [f"O{len(operative) + k}" for k in range(1, len(ops) + 1)]
        preamble += pre
        operative += ops
        if section is not None:
            section.paragraphs = ids
            sections.append(section)
    return preamble, operative, sections


def read_annex(label: str | None, title: str | None, paragraphs: list[str]) -> Annex:
    """An annexed text: its opening (unnumbered) paragraphs, numbered paragraphs, parts."""
    preamble, operative, sections = split_parts(paragraphs)
    return Annex(label=label, title=title, preamble=preamble, operative=operative,
                 sections=sections)


# --- paragraphs -------------------------------------------------------------------

def split_sections(paragraphs: list[str], last_number: str | None = None
                   ) -> tuple[list[Paragraph], list[OperativeParagraph]]:
    """``last_number``: the operative number before these paragraphs (a part of a text
    divided into parts), which a paragraph that lost its number goes on from."""
    preamble: list[Paragraph] = []
    operative: list[OperativeParagraph] = []
    carried: str | None = None  # a number displaced from its paragraph
    for para in repair_paragraphs(paragraphs, int(last_number) + 1 if last_number
                                  and last_number.isdigit() else 1):
        if LONE_NUMBER_RE.match(para):
            carried = LONE_NUMBER_RE.match(para).group(1)
            continue
        numbered = NUMBERED_RE.match(para)
        sub = subparagraph(para)
        if sub is not None and (operative or preamble):
            target = operative[-1] if operative else preamble[-1]
            target.text += "\n" + sub
        elif numbered:
            operative.append(OperativeParagraph(number=numbered.group(1), text=numbered.group(2)))
        elif para[:1].islower() and (operative or preamble):
            target = operative[-1] if operative else preamble[-1]
            target.text += " " + para
        elif operative or carried:
            number = carried or str(int(operative[-1].number) + 1)
            operative.append(OperativeParagraph(number=number, text=drop_displaced_number(para, number)))
        else:
            preamble.append(Paragraph(text=para))
        carried = None
    # The operative part starting at N > 1 after a "preambular" paragraph that ends as
    # operative ones do (";" or ".", where preambular ones end with ","): OCR lost the
    # number of the first operative paragraph.
    while operative and preamble and int(operative[0].number) > 1 \
            and re.search(r"[;.]\W{0,3}(\[\^[^\]]+\])?$", preamble[-1].text):
        last = preamble.pop()
        operative.insert(0, OperativeParagraph(number=str(int(operative[0].number) - 1),
                                               text=last.text))
    return preamble, operative


# A sub-paragraph's label as OCR may print it: after a speck or a quote ("‘(i)", "_(d)",
# ".(a)"), with a stray point after it ("(a).To"), its closing parenthesis lost ("(i To").
LOOSE_SUBPARAGRAPH_RE = re.compile(r"^(?:[^\w\s(]|_){0,3}\s?\((?P<label>[a-z]{1,2}|[ivxl]{1,5})"
                                   r"(?:\)[.,]?\s*|\s+)(?=[A-Z“\"‘])")


def subparagraph(para: str) -> str | None:
    """The paragraph as a sub-paragraph, its label as printed (``(a) To ...``), or None
    when it opens with no label."""
    if SUBPARAGRAPH_RE.match(para):
        return para
    m = LOOSE_SUBPARAGRAPH_RE.match(para)
    return f"({m.group('label')}) {para[m.end():]}" if m else None


def repair_paragraphs(paragraphs: list[str], expected: int = 1) -> list[str]:
    """Split merged paragraphs and move a trailing displaced number to the next paragraph."""
    out: list[str] = []
    for para in paragraphs:
        m = NUMBERED_RE.match(para)
        if m:
            expected = int(m.group(1)) + 1
        pieces = [para]
        while True:  # "...; 5. Takes note ..." -> two paragraphs, at the expected number only
            split = re.search(rf"(?<=[;.:])\s+({expected})\.\s+(?=[A-Z])", pieces[-1])
            if not split or not (m or out and NUMBERED_RE.match(out[-1])):
                break
            pieces[-1:] = [pieces[-1][:split.start()], pieces[-1][split.start():].strip()]
            expected += 1
        if not m and not any(NUMBERED_RE.match(p) for p in out):
            pieces = split_merged_preamble(pieces[0])
        trailing = re.search(r"(?<=[;.:])\s+(\d{1,3})\.$", pieces[-1])
        if trailing:
            pieces[-1:] = [pieces[-1][:trailing.start()], trailing.group(1) + "."]
        out += pieces
    return out


def drop_displaced_number(para: str, number: str) -> str:
    """``Requests the Secretary-General 7. to report ...`` in a paragraph that lost its
    number 7: OCR's reading order put the number inside its first lines. Only the number
    the paragraph is missing, between words that go on one sentence (a lower-case word
    after it: no paragraph starts there)."""
    return re.sub(rf"(?<=[A-Za-z,])\s+{number}\.\s+(?=[a-z])", " ", para, count=1)


def split_merged_preamble(para: str) -> list[str]:
    """``..., Recognizing the impact ...`` inside one paragraph: two preambular paragraphs."""
    parts = re.split(rf"(?<=,)\s*(?=(?:{PREAMBLE_OPENER})(?: also| further)? (?:that|the|its|with|of|in|by|to|a|an)\b)",
                     para)
    return [p.strip() for p in parts if p.strip()]


# --- footnotes and citations ------------------------------------------------------

def link_footnotes(doc: Document) -> list[FootnoteLink]:
    return [FootnoteLink(mark=m.group(1), paragraph=pid, offset=m.start())
            for pid, text in doc.paragraph_ids() for m in MARKER_RE.finditer(text)]


def collect_citations(doc: Document) -> list[Citation]:
    """Cited symbols, by paragraph, each paragraph followed by the footnotes it marks.

    Every footnote is read once, those two share a mark (OCR's "*" for a "1") too."""
    out: list[Citation] = []
    seen_notes: set[int] = set()  # indexes in doc.footnotes
    # An annex's paragraphs are cited as A1.O3 (annex 1, its O3).
    annexed = [(f"A{k}.{pid}", text) for k, annex in enumerate(doc.annexes, 1)
               for pid, text in annex.paragraph_ids()]
    for pid, text in doc.paragraph_ids() + annexed:
        out += [Citation(symbol=s, paragraph=pid) for s in find_citations(text, doc.symbol, doc.session)]
        for mark in MARKER_RE.findall(text):
            k = next((k for k, f in enumerate(doc.footnotes) if f.mark == mark and k not in seen_notes), None)
            if k is not None:
                seen_notes.add(k)
                out += [Citation(symbol=s, paragraph=f"F{mark}")
                        for s in find_citations(doc.footnotes[k].text, doc.symbol, doc.session)]
    for k, note in enumerate(doc.footnotes):  # footnotes whose marker was not found
        if k not in seen_notes:
            out += [Citation(symbol=s, paragraph=f"F{note.mark}")
                    for s in find_citations(note.text, doc.symbol, doc.session)]
    return out


KEYWORD_RE = re.compile(r"\b([Rr]esolution|[Dd]ecision)s?\b")
# "59/551" but not the "4/7" of "4/7.6/5" (a UNESCO resolution number that continues).
NUMBERED_SYMBOL_RE = re.compile(r"(?<![\w/.\-])((?:S-)?\d{1,4}/\d{1,4})(?![\w/]|[.\-]\d)")
OLD_RESOLUTION_RE = re.compile(r"(?<![\w/.\-])(\d{1,4}) (?:[A-Z] )?\(([IVXL]+)\)")
# The same as OCR may print it: a speck after the number or the part letter ("3187. (",
# "22 A: ("), the session's I as l, 1, | or !, II as H, and "I)" run together as a D.
DAMAGED_OLD_RESOLUTION_RE = re.compile(
    r"(?<![\w/.\-])(\d{1,4})[.,:]? (?:[A-Z][.,:]? ?)?\((?P<s>[IVXLl1|!H]*?)(?P<d>D)?(?(d)\)?|\))(?![\w/])")
# A symbol number OCR ended with an l or I for a 1: "59/55l".
DAMAGED_NUMBERED_RE = re.compile(r"(?<![\w/.\-])(\d{1,3}/\d{1,3}[lI|])(?![\w/]|[.\-]\d)")
SECURITY_COUNCIL_RE = re.compile(r"Security Council resolutions? (\d{1,4}) \((\d{4})\)")
# A symbol's parts are words (RES, HRC), numbers, or a word and a number joined by a stop
# or a hyphen (C.2, L.40, Rev.1, ES-10): a letter glued to a digit is OCR damage.
GARBLED_PART_RE = re.compile(r"(?:^|/)[^/]*(?:[A-Za-z]\d|\d[A-Za-z])[^/]*(?=/|$)")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed roman numeral (I to LXXXIX), or None."""
    if not numeral or not re.fullmatch(r"L?X{0,3}(?:IX|IV|V?I{0,3})", numeral):
        return None
    values = [ROMAN_VALUES[ch] for ch in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def old_session(glyphs: str, run_together: bool) -> str | None:
    """The session numeral of an old resolution as OCR printed it, put right, or None.

    A General Assembly session numbered in roman figures is one of I to XXX (from the
    thirty-first session, 1976, resolutions are numbered ``31/1``). The glyphs OCR reads
    for an I (l, 1, |, !) are an I. An H is I or II, a D one or two I's with the bracket
    run into them (``217 A (ID)`` is (III) in one print, ``179 (ID)`` (II) in another):
    the numeral is read only when one reading alone is a session (``XXVIHD``: XXVIII),
    never guessed between two (``(ID)``, ``(HD)``).
    """
    base = re.sub(r"[l1|!]", "I", glyphs)
    options = [[""]] + [["I", "II"] if ch == "H" else [ch] for ch in base] \
        + ([["I", "II"]] if run_together else [])
    readings: set[str] = {""}
    for choices in options:
        readings = {r + c for r in readings for c in choices}
    sessions = {r for r in readings if (v := roman_value(r)) is not None and 1 <= v <= 30}
    return sessions.pop() if len(sessions) == 1 else None


def find_citations(text: str, own_symbol: str | None = None, session: int | None = None) -> list[str]:
    """Normalised symbols cited in ``text``, in order of appearance.

    ``resolution 56/203`` -> A/RES/56/203, ``S-21/2`` -> A/RES/S-21/2, ``217 A (III)``
    -> A/RES/217(III), Economic and Social Council ``decision 1995/313`` ->
    E/DEC/1995/313; document symbols such as A/58/98 are kept as printed, or put right
    by the symbols' grammar when OCR damaged them (``A/JRES/61/208``, ``A62/329``).

    OCR damage in a cited resolution number is read only where the keyword stands right
    before it (``resolution 179 (ID)``, ``decision 59/55l``): the keyword and the
    citation's shape together are the evidence; elsewhere a damaged number is no citation.
    """
    found: list[tuple[int, str]] = []
    own_session = session or session_of(own_symbol)
    for m in SYMBOL_RE.finditer(text):
        symbol = m.group(0).rstrip(".")
        if not GA_SYMBOL_RE.match(symbol) and re.match(r"A[/IlJ|1!]", symbol):
            symbol = repair_symbol(symbol) or symbol
        if GARBLED_PART_RE.search(symbol):
            continue  # "A/6H/I187": letters glued to digits are no part of any symbol
        if symbol != own_symbol and "/" in symbol[2:]:
            found.append((m.start(), symbol))
    for m in OCR_SYMBOL_RE.finditer(text):
        if not SYMBOL_RE.match(text, m.start()) or not GA_SYMBOL_RE.match(
                SYMBOL_RE.match(text, m.start()).group(0).rstrip(".")):
            symbol = repair_symbol(m.group(0))
            if symbol and symbol != own_symbol:
                found.append((m.start(), symbol))
    for m in SECURITY_COUNCIL_RE.finditer(text):
        found.append((m.start(1), f"S/RES/{m.group(1)}({m.group(2)})"))
    for m in OLD_RESOLUTION_RE.finditer(text):
        if keyword_before(text, m.start()) and roman_value(m.group(2)):
            found.append((m.start(), f"A/RES/{m.group(1)}({m.group(2)})"))
    for m in DAMAGED_OLD_RESOLUTION_RE.finditer(text):
        session = old_session(m.group("s"), bool(m.group("d")))
        if session and keyword_right_before(text, m.start()):
            found.append((m.start(), f"A/RES/{m.group(1)}({session})"))
    for m in NUMBERED_SYMBOL_RE.finditer(text):
        kw = keyword_before(text, m.start())
        if kw:
            symbol = numbered_citation(m.group(1), kw, text[max(0, kw.start() - 40):kw.start()],
                                       own_session)
            if symbol:
                found.append((m.start(), symbol))
    for m in DAMAGED_NUMBERED_RE.finditer(text):
        kw = keyword_right_before(text, m.start())
        if kw:
            symbol = numbered_citation(m.group(1)[:-1] + "1", kw, text[max(0, kw.start() - 40):kw.start()],
                                       own_session)
            if symbol:
                found.append((m.start(), symbol))
    return list(dict.fromkeys(s for _, s in sorted(found)))


def keyword_right_before(text: str, pos: int) -> re.Match | None:
    """"resolution(s)"/"decision(s)" right before ``pos`` (one space or a speck between)."""
    m = re.search(r"\b([Rr]esolution|[Dd]ecision)s?\W{0,2}\s$", text[max(0, pos - 20):pos])
    return m and KEYWORD_RE.search(text, max(0, pos - 20) + m.start())


def keyword_before(text: str, pos: int) -> re.Match | None:
    """The nearest "resolution(s)"/"decision(s)" before ``pos`` in the same clause."""
    window_start = max(0, pos - 250)
    clause = text[window_start:pos]
    # A clause ends at a semicolon or a full stop before a new sentence (not at a speck
    # OCR left after a number: "resolutions 3187. (XXVIII) ..., 3391 (XXX)").
    stops = re.finditer(r"\.\s+(?=[A-Z\d“\"‘'])", text[window_start:pos + 1])
    # Nor at a semicolon a resolution number follows ("resolutions 69/167 of 18 December
    # 2014; 70/166 of ..."): no clause opens with a bare number, so the list goes on (a
    # comma OCR read as a semicolon, or a list printed with semicolons).
    semicolons = [m.start() for m in re.finditer(r";", clause)
                  if not re.match(r"\s*(?:and\s+)?(?:S-)?\d{1,4}/\d{1,4}(?![\w/])",
                                  clause[m.start() + 1:] + text[pos:pos + 12])]
    cut = max([-1] + semicolons + [m.start() for m in stops])
    matches = [m for m in KEYWORD_RE.finditer(text, window_start + cut + 1, pos)]
    return matches[-1] if matches else None


def numbered_citation(number: str, keyword: re.Match, before: str,
                      session: int | None = None) -> str | None:
    """The symbol of ``number`` cited after ``keyword``, ``before`` the text before the
    keyword; ``session``: the citing document's General Assembly session.

    A body's name OCR put specks into (``Economic and Social: -Council``) is read with the
    specks removed. Without another body's name, a ``session/number`` is the General
    Assembly's, where the Assembly can have numbered it: from its thirty-first session
    (earlier ones are ``217 A (III)``) and not after the citing document's session.
    A word before the keyword that names no General Assembly citation (``Human Rights
    foes! resolutions 31/13``: not "its", "General Assembly", a verb or a function word)
    may be another body's name OCR garbled: the number is then the Assembly's only when
    it cannot be the Human Rights Council's (``session/number``, sessions from 2006, about
    three a year); without the document's session, or where both fit, it is left out.
    """
    decision = keyword.group(1).lower() == "decision"
    plain = re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", before))
    if "Economic and Social Council" in plain:
        return f"E/{'DEC' if decision else 'RES'}/{number}" if re.match(r"\d{4}/", number) else None
    if "Security Council" in plain or "Human Rights Council" in plain:
        return None  # cited as "1325 (2000)" or as A/HRC/RES: handled elsewhere
    if re.match(r"\d{4}/", number):
        return None  # a year-numbered symbol without its council is ambiguous
    m = re.match(r"(S-)?(\d{1,3})/(\d{1,4})$", number)
    if m and not m.group(1):
        first, second = int(m.group(2)), int(m.group(3))
        if first < 31 or (session is not None and first > session):
            return None  # no General Assembly resolution is so numbered
        if unknown_qualifier(before):
            hrc_sessions = 3 * (1945 + session - 2006) + 3 if session is not None else None
            if hrc_sessions is None or (first <= hrc_sessions and second <= 80):
                return None
    return f"A/{'DEC' if decision else 'RES'}/{number}"


# What may stand right before "resolution(s)" in a General Assembly citation: its own
# name, a function word, a pronoun ("its", "their").
GA_QUALIFIERS = {"its", "their", "assembly", "see", "also", "further", "further,", "and", "or"}


def unknown_qualifier(before: str) -> bool:
    """The word right before a "resolution(s)" keyword names a body that is not the General
    Assembly, or is garbled: a capitalised word inside a sentence (``Council``, ``Board``),
    or a token with specks in it (``foes!``). A sentence's first word (``See``, ``Recalls``),
    a verb in -ing, a lower-case word or a number (a date) name no body."""
    tokens = before.split()
    if not tokens:
        return False
    word = tokens[-1]
    if word.lower() in GA_QUALIFIERS or word.rstrip(",").isdigit():
        return False
    if re.fullmatch(r"[A-Z][a-z]+ing,?", word):
        return False

    def starts_sentence(k: int) -> bool:  # tokens[k] is a paragraph's or sentence's first word
        return (k == 0 and len(before) < 40) or (k > 0 and bool(re.search(r"[.;:]$", tokens[k - 1])))

    def name_word(k: int) -> bool:  # tokens[k] is a capitalised word inside a sentence
        return k >= 0 and bool(re.fullmatch(r"[A-Z][a-z]+", tokens[k])) and not starts_sentence(k) \
            and tokens[k].lower() not in GA_QUALIFIERS
    last = len(tokens) - 1
    if re.fullmatch(r"[a-z]+,?", word):
        # A lower-case non-function word after a name ("Human Rights foes"): the name's end garbled.
        return len(word) >= 4 and word not in ("also", "further", "including") and name_word(last - 1)
    if re.fullmatch(r"[A-Z][a-z]+", word):
        return name_word(last)
    garbled = re.search(r"[^\w,]", word) or re.search(r"[A-Za-z]\d|\d[A-Za-z]", word)  # "foes!", "Counci1"
    return bool(garbled) and not re.fullmatch(r"\(?\d{4}\)?[,;]?", word)
