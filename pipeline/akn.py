"""Akoma Ntoso 3.0 export of a segmented Document, following AKN4UN (pure).

``to_akn(doc)`` turns a :class:`~pipeline.model.Document` into Akoma Ntoso 3.0
XML (namespace ``http://docs.oasis-open.org/legaldocml/ns/akn/3.0``) shaped the
way AKN4UN, the UN's Akoma Ntoso guidelines, models a General Assembly
resolution: one ``statement`` whose ``preamble`` opens with the formula "The
General Assembly," and whose ``mainBody`` holds the numbered operative
``paragraph``s; footnotes are ``authorialNote``s. The output validates against
the OASIS schema ``akomantoso30.xsd`` (tests/test_akn.py checks it).

Document type
    ``<statement name="resolution">`` for adopted resolutions (symbol
    ``A/RES/...`` or kind "resolution"), ``<statement name="draftResolution">``
    for draft and revised draft resolutions. A draft is a different document
    from the resolution it becomes (different symbol, different text), so it
    gets its own ``name`` and its own Work; ``FRBRname`` repeats the name.

Naming rule (FRBR IRIs)
    Work:          /akn/un/statement/deliberation/unga/<year>/<number>
    Expression:    <work>/eng@<date>            (``eng@`` when no date is known)
    Manifestation: <expression>.akn             (FRBRthis: <expression>/!main.xml)
    FRBRthis of the Work and Expression: the IRI followed by ``/!main``.

    * jurisdiction ``un``, document type ``statement``, subtype
      ``deliberation`` and actor ``unga`` as in AKN4UN, for resolutions and for
      Main Committee drafts alike (a committee is an organ of the Assembly; the
      committee is named in ``FRBRauthor`` and ``references``).
    * ``<number>``: for a resolution its number without the ``A/RES/`` prefix,
      ``/`` written ``-`` (A/RES/58/208 -> ``58-208``, A/RES/S-21/2 ->
      ``S-21-2``); for any other symbol the whole symbol, ``/`` written ``-``
      (A/C.2/58/L.37 -> ``A-C.2-58-L.37``, A/C.3/78/L.60/Rev.1 ->
      ``A-C.3-78-L.60-Rev.1``). Characters outside ``[A-Za-z0-9.()-]`` become
      ``-``; a document without a symbol is ``unknown``.
    * ``<year>``: the year the regular session opened, 1945 + session (1946 for
      the first session): 58 -> ``2003``. It is derived from the session alone,
      not from the adoption date, so that a citation of "resolution 56/203" in
      any document links to the same IRI as the export of A/RES/56/203 itself,
      although a few resolutions are adopted in the session's second calendar
      year. Without a session: the year of ``doc.date``; without either, ``0001``.

    So A/C.2/58/L.37 is ``/akn/un/statement/deliberation/unga/2003/A-C.2-58-L.37``
    and A/RES/58/208 is ``/akn/un/statement/deliberation/unga/2003/58-208``.

Dates
    ``FRBRdate`` holds ``doc.date`` (name ``adoption`` for resolutions,
    ``issuance`` for drafts). Where no date is known it holds a placeholder,
    1 September of the session's opening year (``2003-09-01`` for session 58;
    ``0001-01-01`` without a session), with ``name="placeholder"`` so that no
    reader takes it for a real date. The Manifestation repeats the Work's date
    (the export is pure and does not read the clock).

eIds (Akoma Ntoso naming convention, ``__`` between levels)
    preamble__formula_1, preamble__para_N (``container name="preambularParagraph"``),
    para_<number>, para_<number>__list_1__point_<a>, nested
    ...__point_<a>__list_1__point_<i>, and ``<parent eId>__authorialNote_K``
    (K counts the notes inside that parent). An eId that would repeat (two
    paragraphs numbered alike) gets ``-2``, ``-3``... so all eIds stay unique.

Footnotes and citations
    Each ``[^N]`` marker becomes ``<authorialNote marker="N" placement="bottom">``
    at the marker's position, holding the footnote's text. Footnotes whose
    marker is in no paragraph (``*`` on the sponsor line, which segmentation
    drops) go to the preface: after the sponsors (``p eId="preface__sponsors"``)
    when there are sponsors and the mark is ``*``, otherwise into
    ``container name="unplacedNotes" eId="preface__container_1"``. Cited GA
    resolutions of regular sessions (``56/203``, ``A/RES/56/203``) that the
    document's citations list for that paragraph become ``<ref href=...>`` with
    the IRI of the naming rule; every other citation stays plain text.
"""

from __future__ import annotations

import re
from datetime import date as Date

from lxml import etree

from pipeline.model import Document, Footnote

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
NSMAP = {None: AKN_NS}

MARKER_RE = re.compile(r"\[\^([^\]]+)\]")
SUBPARAGRAPH_RE = re.compile(r"^\((?P<num>[a-z]{1,2}|[ivxl]+)\)\s*(?P<text>.*)$", re.S)
ROMAN_RE = re.compile(r"^[ivxl]+$")
RESOLUTION_RE = re.compile(r"A/RES/(?P<s1>\d{1,3})/(?P<n1>\d{1,4})(?![\w/])"
                           r"|(?<![\w/.\-])(?P<s2>\d{1,3})/(?P<n2>\d{1,4})(?![\w/])")
INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LANGUAGES = {"en": "eng", "fr": "fra", "es": "spa", "ru": "rus", "ar": "ara", "zh": "zho"}
COMMITTEES = {"First": "1", "Second": "2", "Third": "3", "Fourth": "4", "Fifth": "5", "Sixth": "6"}
UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINAL_SUFFIX = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                  "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


# --- naming rule --------------------------------------------------------------------

def session_year(session: int) -> int:
    """The year a regular session opened: the first in January 1946, the others in September."""
    return 1946 if session == 1 else 1945 + session


def resolution_iri(session: int | str, number: int | str) -> str:
    """Work IRI of GA resolution ``session/number`` under the naming rule (no ``!main``)."""
    return f"/akn/un/statement/deliberation/unga/{session_year(int(session))}/{session}-{number}"


def is_adopted(doc: Document) -> bool:
    return "/RES/" in (doc.symbol or "") or doc.kind == "resolution"


def statement_name(doc: Document) -> str:
    return "resolution" if is_adopted(doc) else "draftResolution"


def work_number(symbol: str | None) -> str:
    if not symbol:
        return "unknown"
    number = symbol[len("A/RES/"):] if symbol.startswith("A/RES/") else symbol
    return re.sub(r"[^A-Za-z0-9.()\-]", "-", number.replace("/", "-"))


def work_year(doc: Document) -> str:
    if doc.session:
        return str(session_year(doc.session))
    if _iso_date(doc.date):
        return doc.date[:4]
    return "0001"


def work_iri(doc: Document) -> str:
    return f"/akn/un/statement/deliberation/unga/{work_year(doc)}/{work_number(doc.symbol)}"


def frbr_date(doc: Document) -> tuple[str, str]:
    """(date, name) for FRBRdate: the document's date, else the session placeholder."""
    if _iso_date(doc.date):
        return doc.date, "adoption" if is_adopted(doc) else "issuance"
    year = work_year(doc)
    return (f"{year}-09-01" if year != "0001" else "0001-01-01"), "placeholder"


def _iso_date(value: str | None) -> bool:
    try:
        Date.fromisoformat(value or "")
        return True
    except ValueError:
        return False


# --- the export ---------------------------------------------------------------------

def to_akn(doc: Document) -> str:
    """The document as an Akoma Ntoso 3.0 XML string (UTF-8 declaration, pretty-printed)."""
    root = _Builder(doc).build()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + etree.tostring(root, encoding="unicode", pretty_print=True))


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (form feeds and other controls from extraction)."""
    return INVALID_XML_RE.sub("", text)


def _el(parent, tag: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, f"{{{AKN_NS}}}{tag}") if parent is not None else \
        etree.Element(f"{{{AKN_NS}}}{tag}", nsmap=NSMAP)
    for key, value in attrs.items():
        if value is not None:
            el.set(key.rstrip("_"), _clean(str(value)))
    if text:
        el.text = _clean(text)
    elif tag == "p":
        el.text = ""  # mixed content: keeps pretty-printing from adding whitespace inside
    return el


def _append_text(el, text: str) -> None:
    """Append text to mixed content: after the last child, or inside the element."""
    if not text:
        return
    text = _clean(text)
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def ordinal_words(n: int) -> str:
    """58 -> "Fifty-eighth" (1..99; other numbers as "123rd"-less digits)."""
    if not 0 < n < 100:
        return str(n)
    if n < 10:
        word = UNITS[n]
    elif n < 20:
        word = TEENS[n - 10]
    else:
        word = TENS[n // 10] + (f"-{UNITS[n % 10]}" if n % 10 else "")
    head, _, last = word.rpartition("-")
    if last in ORDINAL_SUFFIX:
        last = ORDINAL_SUFFIX[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    word = f"{head}-{last}" if head else last
    return word[0].upper() + word[1:]


def _nested(points: list[dict], num: str) -> bool:
    """``(i)`` after ``(b)`` opens a sub-list; after ``(h)`` it is the next letter.

    A list that starts at ``(i)`` is a roman list: its ``(ii)`` stays at its level.
    """
    last = points[-1]["num"]
    if not ROMAN_RE.match(num) or points[0]["num"] == "i":
        return False
    return not (len(num) == 1 and len(last) == 1 and ord(num) == ord(last) + 1)


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.used: set[str] = set()
        self.note_counts: dict[str, int] = {}
        self.notes: dict[str, Footnote] = {}
        for note in doc.footnotes:
            self.notes.setdefault(note.mark, note)
        self.body_id = self._body_id()
        self.placed_marks = {m for _, text in doc.paragraph_ids() for m in MARKER_RE.findall(text)}
        self.placed_marks |= {m for annex in doc.annexes for _, text in annex.paragraph_ids()
                              for m in MARKER_RE.findall(text)}
        self.prefix = ""  # eId prefix inside an attachment ("att_1__")
        # Cited resolutions by paragraph id (P1, O3, F2); None: any of doc.cites anywhere.
        self.cites_by_paragraph: dict[str, set[str]] | None = None
        if doc.citations:
            self.cites_by_paragraph = {}
            for c in doc.citations:
                self.cites_by_paragraph.setdefault(c.paragraph or "", set()).add(c.symbol)

    # eIds ------------------------------------------------------------------------------
    def eid(self, wanted: str) -> str:
        wanted = wanted if wanted.startswith(self.prefix) else self.prefix + wanted
        eid, k = wanted, 1
        while eid in self.used:
            k += 1
            eid = f"{wanted}-{k}"
        self.used.add(eid)
        return eid

    def _body_id(self) -> str:
        m = re.match(r"A/C\.(\d)/", self.doc.symbol or "")
        if m:
            return f"unga-c{m.group(1)}"
        m = re.search(r"\b(First|Second|Third|Fourth|Fifth|Sixth) Committee\b", self.doc.body or "")
        return f"unga-c{COMMITTEES[m.group(1)]}" if m else "unga"

    # document --------------------------------------------------------------------------
    def build(self):
        doc = self.doc
        root = _el(None, "akomaNtoso")
        statement = _el(root, "statement", name=statement_name(doc))
        self.meta(_el(statement, "meta"))
        self.preface(_el(statement, "preface"))
        in_sections = {pid for section in doc.sections for pid in section.paragraphs}
        self.preamble(_el(statement, "preamble"), in_sections)
        body = _el(statement, "mainBody")
        self.body_paragraphs(body, doc.preamble, doc.operative, doc.sections)
        if doc.annexes:
            attachments = _el(statement, "attachments")
            for k, annex in enumerate(doc.annexes, 1):
                self.annex(_el(attachments, "attachment", eId=f"att_{k}"), annex, k)
        return root

    def body_paragraphs(self, body, preamble, operative, sections, key: str = "") -> None:
        """Operative paragraphs into ``body``; those of a part in a ``section`` (num,
        heading) with the part's unnumbered paragraphs as ``hcontainer``s before them.
        ``key`` prefixes paragraph ids where they are an annex's (citations, notes)."""
        texts = {f"P{i}": p for i, p in enumerate(preamble, 1)}
        texts.update({f"O{i}": p for i, p in enumerate(operative, 1)})
        first = {section.paragraphs[0]: section for section in sections if section.paragraphs}
        in_sections = {pid for section in sections for pid in section.paragraphs}
        order = [f"O{i}" for i in range(1, len(operative) + 1) if f"O{i}" not in in_sections]
        placed = 0
        # Paragraphs before the first part, then each part in order (a part without
        # paragraphs keeps its heading).
        for pid in order:
            self.operative(body, texts[pid].number, texts[pid].text, key + pid)
            placed += 1
        for k, section in enumerate(sections, 1):
            el = _el(body, "section", eId=self.eid(f"sec_{section.number or k}"))
            if section.number:
                _el(el, "num", section.number)
            if section.heading:
                _el(el, "heading", section.heading)
            for pid in section.paragraphs:
                para = texts.get(pid)
                if para is None:
                    continue
                if pid.startswith("P"):
                    eid = self.eid(f"{el.get('eId')}__hcontainer_{pid[1:]}")
                    container = _el(el, "hcontainer", name="preambularParagraph", eId=eid)
                    content = _el(container, "content")
                    for line in para.text.split("\n"):
                        self.fill(_el(content, "p"), line, eid, key + pid)
                else:
                    self.operative(el, para.number, para.text, key + pid)
                placed += 1
            if not section.paragraphs:
                _el(_el(el, "content"), "p")  # a section may not be empty
        if not placed and not sections:  # mainBody may not be empty
            _el(body, "p")

    def annex(self, attachment, annex, k: int) -> None:
        """An annexed text as ``attachment/doc name="annex"``: its own identification (the
        Work's component ``!annex_K``), label and title in its preface, its opening
        paragraphs in its preamble, numbered paragraphs and parts in its mainBody."""
        self.prefix = f"att_{k}__"
        doc = _el(attachment, "doc", name="annex")
        self.identification(_el(doc, "meta"), f"annex_{k}")
        preface = _el(doc, "preface")
        if annex.label:
            _el(preface, "p", annex.label, class_="annexLabel")
        if annex.title:
            _el(_el(preface, "p", class_="title"), "docTitle", annex.title)
        in_sections = {pid for section in annex.sections for pid in section.paragraphs}
        key = f"A{k}."
        opening = [(i, p) for i, p in enumerate(annex.preamble, 1) if f"P{i}" not in in_sections]
        if opening:
            pre = _el(doc, "preamble")
            for i, para in opening:
                eid = self.eid(f"preamble__para_{i}")
                container = _el(pre, "container", name="preambularParagraph", eId=eid)
                for line in para.text.split("\n"):
                    self.fill(_el(container, "p"), line, eid, f"{key}P{i}")
        body = _el(doc, "mainBody")
        self.body_paragraphs(body, annex.preamble, annex.operative, annex.sections, key)
        self.prefix = ""

    def meta(self, meta) -> None:
        self.identification(meta, "main")
        self.references(meta)

    def identification(self, meta, component: str) -> None:
        """FRBR identification of the Work's component ``component`` (main, annex_1)."""
        doc = self.doc
        work = work_iri(doc)
        expression = f"{work}/{LANGUAGES.get(doc.language, doc.language)}@" + (
            doc.date if _iso_date(doc.date) else "")
        date, date_name = frbr_date(doc)
        ident = _el(meta, "identification", source="#docpipe")
        w = _el(ident, "FRBRWork")
        _el(w, "FRBRthis", value=f"{work}/!{component}")
        _el(w, "FRBRuri", value=work)
        _el(w, "FRBRdate", date=date, name=date_name)
        _el(w, "FRBRauthor", href=f"#{self.body_id}", as_="#author")
        _el(w, "FRBRcountry", value="un")
        _el(w, "FRBRsubtype", value="deliberation")
        if doc.symbol:
            _el(w, "FRBRnumber", value=doc.symbol)
        _el(w, "FRBRname", value=statement_name(doc))
        e = _el(ident, "FRBRExpression")
        _el(e, "FRBRthis", value=f"{expression}/!{component}")
        _el(e, "FRBRuri", value=expression)
        _el(e, "FRBRdate", date=date, name=date_name)
        _el(e, "FRBRauthor", href=f"#{self.body_id}", as_="#author")
        _el(e, "FRBRlanguage", language=LANGUAGES.get(doc.language, doc.language))
        m = _el(ident, "FRBRManifestation")
        _el(m, "FRBRthis", value=f"{expression}/!{component}.xml")
        _el(m, "FRBRuri", value=f"{expression}.akn")
        _el(m, "FRBRdate", date=date, name=date_name)
        _el(m, "FRBRauthor", href="#docpipe", as_="#editor")

    def references(self, meta) -> None:
        doc = self.doc
        refs = _el(meta, "references", source="#docpipe")
        _el(refs, "TLCOrganization", eId=self.eid("docpipe"), href="/ontology/organization/docpipe",
            showAs="docpipe")
        _el(refs, "TLCOrganization", eId=self.eid("unga"), href="/ontology/organization/un/unga",
            showAs="General Assembly")
        if self.body_id != "unga":
            name = (doc.body or "").split(",")[-1].strip() or f"Committee {self.body_id[-1]}"
            _el(refs, "TLCOrganization", eId=self.eid(self.body_id),
                href=f"/ontology/organization/un/{self.body_id}", showAs=name)
        self.sponsor_ids = []
        for sponsor in doc.sponsors:
            eid = self.eid(f"sponsor-{_slug(sponsor)}")
            self.sponsor_ids.append(eid)
            _el(refs, "TLCOrganization", eId=eid, href=f"/ontology/organization/{_slug(sponsor)}",
                showAs=sponsor)
        for role, show in (("author", "Author"), ("editor", "Editor"), ("sponsor", "Sponsor")):
            _el(refs, "TLCRole", eId=self.eid(role), href=f"/ontology/role/un/{role}", showAs=show)

    def preface(self, preface) -> None:
        doc = self.doc
        if doc.symbol:
            _el(_el(preface, "p", class_="docNumber"), "docNumber", doc.symbol)
        if doc.body:
            _el(_el(preface, "p", class_="body"), "docProponent", doc.body,
                refersTo=f"#{self.body_id}", as_="#author")
        if doc.session:
            _el(_el(preface, "p", class_="session"), "session",
                f"{ordinal_words(doc.session)} session", value=str(doc.session))
        if doc.agenda_item:
            _el(preface, "p", f"Agenda item {doc.agenda_item}", class_="agendaItem")
        if _iso_date(doc.date):
            d = Date.fromisoformat(doc.date)
            _el(_el(preface, "p", class_="date"), "docDate", f"{d.day} {d:%B %Y}", date=doc.date)
        if doc.report_line:
            _el(preface, "p", doc.report_line, class_="reportLine")
        unplaced = [n for n in doc.footnotes if n.mark not in self.placed_marks]
        if doc.sponsors:
            p = _el(preface, "p", class_="sponsors", eId=self.eid("preface__sponsors"))
            for i, (sponsor, eid) in enumerate(zip(doc.sponsors, self.sponsor_ids)):
                if i:
                    _append_text(p, " and " if i == len(doc.sponsors) - 1 else ", ")
                _el(p, "docProponent", sponsor, refersTo=f"#{eid}", as_="#sponsor")
            for note in [n for n in unplaced if n.mark == "*"]:
                self.note(p, note.mark, "preface__sponsors")
            unplaced = [n for n in unplaced if n.mark != "*"]
        _el(_el(preface, "p", class_="docType"), "docType",
            "resolution" if is_adopted(doc) else doc.kind)
        if doc.title:
            _el(_el(preface, "p", class_="title"), "docTitle", doc.title)
        if unplaced:
            container = _el(preface, "container", name="unplacedNotes",
                            eId=self.eid("preface__container_1"))
            p = _el(container, "p")
            for note in unplaced:
                self.note(p, note.mark, container.get("eId"))

    def preamble(self, preamble, in_sections: set[str] = frozenset()) -> None:
        """The formula and the preambular paragraphs (those of a part go with the part)."""
        doc = self.doc
        formula = _el(preamble, "formula", name="enactingFormula",
                      eId=self.eid("preamble__formula_1"))
        _el(formula, "p", doc.opening or "The General Assembly,")
        for i, para in enumerate(doc.preamble, 1):
            if f"P{i}" in in_sections:
                continue
            eid = self.eid(f"preamble__para_{i}")
            container = _el(preamble, "container", name="preambularParagraph", eId=eid)
            for line in para.text.split("\n"):
                self.fill(_el(container, "p"), line, eid, f"P{i}")

    def operative(self, body, number: str, text: str, pid: str) -> None:
        eid = self.eid(f"para_{re.sub(r'[^A-Za-z0-9]', '', number) or 'x'}")
        para = _el(body, "paragraph", eId=eid)
        if number:  # "Adopts the following Declaration:" is printed without a number
            _el(para, "num", f"{number}.")
        lines = text.split("\n")
        chapeau: list[str] = []
        points: list[dict] = []  # {"num", "lines", "children": [...]}
        wrap: list[str] = []
        for line in lines:
            m = SUBPARAGRAPH_RE.match(line.strip())
            if m and not wrap:
                num = m.group("num")
                point = {"num": num, "lines": [m.group("text")], "children": []}
                if points and _nested(points, num):
                    points[-1]["children"].append(point)
                else:
                    points.append(point)
            elif points:
                wrap.append(line)
            else:
                chapeau.append(line)
        if not points:
            content = _el(para, "content")
            for line in chapeau or [""]:
                self.fill(_el(content, "p"), line, eid, pid)
            return
        if any(ln.strip() for ln in chapeau):
            intro = _el(para, "intro")
            for line in chapeau:
                self.fill(_el(intro, "p"), line, eid, pid)
        self.point_list(para, eid, points, pid)
        if wrap:
            wrap_up = _el(para, "wrapUp")
            for line in wrap:
                self.fill(_el(wrap_up, "p"), line, eid, pid)

    def point_list(self, parent, parent_eid: str, points: list[dict], pid: str) -> None:
        list_eid = self.eid(f"{parent_eid}__list_1")
        lst = _el(parent, "list", eId=list_eid)
        for point in points:
            eid = self.eid(f"{list_eid}__point_{point['num']}")
            el = _el(lst, "point", eId=eid)
            _el(el, "num", f"({point['num']})")
            if point["children"]:
                intro = _el(el, "intro")
                for line in point["lines"]:
                    self.fill(_el(intro, "p"), line, eid, pid)
                self.point_list(el, eid, point["children"], pid)
            else:
                content = _el(el, "content")
                for line in point["lines"]:
                    self.fill(_el(content, "p"), line, eid, pid)

    # inline content ----------------------------------------------------------------
    def fill(self, p, text: str, parent_eid: str | None, pid: str, notes: bool = True) -> None:
        """Text into ``p``: markers -> authorialNote, cited resolutions -> ref."""
        pos = 0
        for m in MARKER_RE.finditer(text) if notes else ():
            self.cited(p, text[pos:m.start()], pid)
            self.note(p, m.group(1), parent_eid)
            pos = m.end()
        self.cited(p, text[pos:], pid)

    def note(self, p, mark: str, parent_eid: str) -> None:
        k = self.note_counts.get(parent_eid, 0) + 1
        self.note_counts[parent_eid] = k
        note = self.notes.get(mark)
        el = _el(p, "authorialNote", marker=mark, placement="bottom",
                 eId=self.eid(f"{parent_eid}__authorialNote_{k}"))
        np = _el(el, "p")
        if note is None:
            el.set("class", "unresolved")  # a marker with no footnote text
        else:
            self.fill(np, note.text, None, f"F{mark}", notes=False)

    def cited(self, p, text: str, pid: str) -> None:
        allowed = (self.cites_by_paragraph.get(pid, set()) if self.cites_by_paragraph is not None
                   else set(self.doc.cites))
        pos = 0
        for m in RESOLUTION_RE.finditer(text):
            session, number = m.group("s1") or m.group("s2"), m.group("n1") or m.group("n2")
            if f"A/RES/{session}/{number}" not in allowed or int(session) == 0:
                continue
            _append_text(p, text[pos:m.start()])
            _el(p, "ref", m.group(0), href=resolution_iri(session, number))
            pos = m.end()
        _append_text(p, text[pos:])
