"""Segmentation: Cleaned -> Document, one deterministic structural pass.

    masthead (lines before "The General Assembly,") -> symbol, session, body, kind,
        title, agenda item, date, sponsors, report line
    paragraphs after the formula -> preamble (until the first numbered paragraph)
        and operative paragraphs, sub-paragraphs "(a)" kept inside on their own lines
    markers [^N] -> footnote_links;  cited symbols -> cites / citations

Repairs: a numbered paragraph merged into the previous one is split off at its
expected number; a number left alone on a line (or at the end of the previous
paragraph) goes to the paragraph it belongs to; a paragraph after the first
operative one that lost its number gets the next number.
"""

from __future__ import annotations

import re
from datetime import datetime

from pipeline.errors import NotAResolution
from pipeline.model import Citation, Cleaned, Document, FootnoteLink, OperativeParagraph, Paragraph

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
                  cleaned.furniture)
    doc.preamble, doc.operative = split_sections(body)
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

def read_masthead(doc: Document, lines: list[str], furniture: list[str]) -> None:
    doc.report_line = next((ln for ln in lines if re.match(r"^\[.*(report of|without reference)", ln,
                                                           re.I)), None)
    doc.symbol = find_symbol(lines, furniture)
    doc.session = session_of(doc.symbol) or session_from_words(lines)
    doc.kind = kind_of(doc.symbol)
    doc.body = body_of(doc.symbol, lines)
    item = next((m for ln in lines if (m := re.search(
        r"Agenda items?[\s'’‘\"“:.]*(\d+)(?:\s*\.?\s*(\([a-z]\)))?", ln))), None)
    doc.agenda_item = (item.group(1) + (f" {item.group(2)}" if item.group(2) else "")) if item else None
    doc.date = find_date(lines)
    doc.title, doc.sponsors = title_and_sponsors(lines)
    if doc.symbol is None and doc.session is None:
        resolution = next((m for ln in lines if (m := re.match(r"^(\d{1,3})/(\d{1,4})\.\s", ln))), None)
        if resolution:
            doc.symbol = f"A/RES/{resolution.group(1)}/{resolution.group(2)}"
            doc.session, doc.kind, doc.body = int(resolution.group(1)), "resolution", "General Assembly"


GA_SYMBOL_RE = re.compile(r"^A/(?:(?:C\.[1-6]/)?\d{1,2}/(?:L\.\d{1,3}|\d{1,4})|RES/(?:S-)?\d{1,2}/\d{1,4})"
                          r"(?:/(?:Rev|Add|Corr)\.\d{1,2})*$")
OCR_SYMBOL_RE = re.compile(r"(?<![\w/])A[/IlJ|1!]{1,2}[A-Za-z0-9.\-/|]{4,}")


def repair_symbol(token: str) -> str | None:
    """An OCR-damaged General Assembly symbol put right by the symbols' grammar, or None.

    ``AIC.3/61/L.18`` -> ``A/C.3/61/L.18``, ``A/JRES/61/208`` -> ``A/RES/61/208``,
    ``A/C.2/61/1..40/Rev.1`` -> ``A/C.2/61/L.40/Rev.1``; a result the grammar does not
    accept is no symbol.
    """
    t = token.rstrip(".,;:-~’'\"”")
    t = re.sub(r"^A[/IlJ|1!]{1,2}(?=C\.|RES/|\d)", "A/", t)
    t = re.sub(r"^A/C[.,]?(?=[1-6]/)", "A/C.", t)
    t = re.sub(r"/(?:[1IlL|]\.{1,2}|\.)(?=\d)", "/L.", t)  # "/1..40", "/.18" -> "/L.40", "/L.18"
    t = re.sub(r"/(?:Rev|Kev|Rey)[.,]?(?=\d)", "/Rev.", t)
    return t if GA_SYMBOL_RE.match(t) else None


REPORT_LINE_RE = re.compile(r"(?:on the report of|without reference to)\b", re.I)


def find_symbol(lines: list[str], furniture: list[str]) -> str | None:
    """The document's own symbol: in the masthead (not in the report line), else a running header.

    A symbol the grammar accepts comes first; then one OCR damaged that the grammar puts
    right (the most frequent repair across masthead and running headers); then any.
    """
    # The report line cites the committee's report (OCR may lose its bracket: "fon the report").
    own_lines = [ln for ln in lines if not ln.startswith("[") and not REPORT_LINE_RE.search(ln)]
    sources = own_lines + list(furniture)
    for line in sources:
        m = SYMBOL_RE.search(line)
        if m and GA_SYMBOL_RE.match(m.group(0)):
            return m.group(0)
    repaired = [r for line in sources for m in OCR_SYMBOL_RE.finditer(line)
                if (r := repair_symbol(m.group(0)))]
    if repaired:
        return max(repaired, key=repaired.count)
    for source in (own_lines, furniture):
        for line in source:
            m = SYMBOL_RE.search(line)
            if m and re.search(r"/\d{2}/", m.group(0)):
                return m.group(0)
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


def kind_of(symbol: str | None) -> str:
    if not symbol:
        return "draft resolution"
    if "/RES/" in symbol:
        return "resolution"
    if re.search(r"/L\.\d+.*/Rev\.\d+", symbol):
        return "revised draft resolution"
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


SPONSOR_RE = re.compile(r"^(?P<who>.+?)\s*:\s*(?:revised )?draft\W{0,2} (?:resolution|decision)\W{0,2}$")


def title_and_sponsors(lines: list[str]) -> tuple[str | None, list[str]]:
    """Title after the sponsor line (drafts) or after ``58/208.`` (resolutions)."""
    for i, line in enumerate(lines):
        m = SPONSOR_RE.match(line)
        if m:
            who = MARKER_RE.sub("", m.group("who"))
            # OCR leaves the asterisk's superscript as a quote or a symbol after the name.
            sponsors = [s.strip().rstrip("*’'‘\"“”°®™!") for s in re.split(r",| and ", who) if s.strip()]
            title = " ".join(lines[i + 1:]) or None
            return (MARKER_RE.sub("", title).strip() if title else None), sponsors
        r = re.match(r"^\d{1,3}/\d{1,4}\.\s+(.+)$", line)
        if r:
            return " ".join([r.group(1)] + lines[i + 1:]).strip(), []
    return None, []


# --- paragraphs -------------------------------------------------------------------

def split_sections(paragraphs: list[str]) -> tuple[list[Paragraph], list[OperativeParagraph]]:
    preamble: list[Paragraph] = []
    operative: list[OperativeParagraph] = []
    carried: str | None = None  # a number displaced from its paragraph
    for para in repair_paragraphs(paragraphs):
        if LONE_NUMBER_RE.match(para):
            carried = LONE_NUMBER_RE.match(para).group(1)
            continue
        numbered = NUMBERED_RE.match(para)
        if SUBPARAGRAPH_RE.match(para) and (operative or preamble):
            target = operative[-1] if operative else preamble[-1]
            target.text += "\n" + para
        elif numbered:
            operative.append(OperativeParagraph(number=numbered.group(1), text=numbered.group(2)))
        elif para[:1].islower() and (operative or preamble):
            target = operative[-1] if operative else preamble[-1]
            target.text += " " + para
        elif operative or carried:
            number = carried or str(int(operative[-1].number) + 1)
            operative.append(OperativeParagraph(number=number, text=para))
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


def repair_paragraphs(paragraphs: list[str]) -> list[str]:
    """Split merged paragraphs and move a trailing displaced number to the next paragraph."""
    out: list[str] = []
    expected = 1
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
    """Cited symbols, by paragraph, each paragraph followed by the footnotes it marks."""
    notes = {f.mark: f.text for f in doc.footnotes}
    out: list[Citation] = []
    seen_notes: set[str] = set()
    for pid, text in doc.paragraph_ids():
        out += [Citation(symbol=s, paragraph=pid) for s in find_citations(text, doc.symbol)]
        for mark in MARKER_RE.findall(text):
            if mark in notes and mark not in seen_notes:
                seen_notes.add(mark)
                out += [Citation(symbol=s, paragraph=f"F{mark}")
                        for s in find_citations(notes[mark], doc.symbol)]
    for mark, note in notes.items():  # footnotes whose marker was not found
        if mark not in seen_notes:
            out += [Citation(symbol=s, paragraph=f"F{mark}") for s in find_citations(note, doc.symbol)]
    return out


KEYWORD_RE = re.compile(r"\b([Rr]esolution|[Dd]ecision)s?\b")
NUMBERED_SYMBOL_RE = re.compile(r"(?<![\w/.\-])((?:S-)?\d{1,4}/\d{1,4})(?![\w/])")
OLD_RESOLUTION_RE = re.compile(r"(?<![\w/])(\d{1,4}) (?:[A-Z] )?\(([IVXL]+)\)")
SECURITY_COUNCIL_RE = re.compile(r"Security Council resolutions? (\d{1,4}) \((\d{4})\)")


def find_citations(text: str, own_symbol: str | None = None) -> list[str]:
    """Normalised symbols cited in ``text``, in order of appearance.

    ``resolution 56/203`` -> A/RES/56/203, ``S-21/2`` -> A/RES/S-21/2, ``217 A (III)``
    -> A/RES/217(III), Economic and Social Council ``decision 1995/313`` ->
    E/DEC/1995/313; document symbols such as A/58/98 are kept as printed.
    """
    found: list[tuple[int, str]] = []
    for m in SYMBOL_RE.finditer(text):
        symbol = m.group(0).rstrip(".")
        if symbol != own_symbol and "/" in symbol[2:]:
            found.append((m.start(), symbol))
    for m in SECURITY_COUNCIL_RE.finditer(text):
        found.append((m.start(1), f"S/RES/{m.group(1)}({m.group(2)})"))
    for m in OLD_RESOLUTION_RE.finditer(text):
        if keyword_before(text, m.start()):
            found.append((m.start(), f"A/RES/{m.group(1)}({m.group(2)})"))
    for m in NUMBERED_SYMBOL_RE.finditer(text):
        kw = keyword_before(text, m.start())
        if kw:
            symbol = numbered_citation(m.group(1), kw, text[max(0, kw.start() - 40):kw.start()])
            if symbol:
                found.append((m.start(), symbol))
    return list(dict.fromkeys(s for _, s in sorted(found)))


def keyword_before(text: str, pos: int) -> re.Match | None:
    """The nearest "resolution(s)"/"decision(s)" before ``pos`` in the same clause."""
    window_start = max(0, pos - 250)
    clause = text[window_start:pos]
    cut = max(clause.rfind(";"), clause.rfind(". "))
    matches = [m for m in KEYWORD_RE.finditer(text, window_start + cut + 1, pos)]
    return matches[-1] if matches else None


def numbered_citation(number: str, keyword: re.Match, before: str) -> str | None:
    decision = keyword.group(1).lower() == "decision"
    if "Economic and Social Council" in before:
        return f"E/{'DEC' if decision else 'RES'}/{number}" if re.match(r"\d{4}/", number) else None
    if "Security Council" in before or "Human Rights Council" in before:
        return None  # cited as "1325 (2000)" or as A/HRC/RES: handled elsewhere
    if re.match(r"\d{4}/", number):
        return None  # a year-numbered symbol without its council is ambiguous
    return f"A/{'DEC' if decision else 'RES'}/{number}"
