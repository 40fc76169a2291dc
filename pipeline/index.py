"""Search-index rows for one document: one row per paragraph and per footnote.

Pure: the rows are written by an index backend (``docpipe.search_index``). Each row
carries the document's metadata, so filters need no join with another store, and the
paragraph's change status against its predecessor, so a user can search what changed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from pipeline.evidence import apply_corrections
from pipeline.model import DiffResult, Document

if TYPE_CHECKING:
    from pipeline.genealogy import DocumentGenealogy

VERSION = "1"

ParagraphType = Literal["preamble", "operative", "footnote"]

_MARKER = re.compile(r"\[\^[^\]]*\]")

# When one new paragraph has several links (a merge), the most telling status wins.
_STATUS_RANK = {"moved": 4, "modified": 3, "added": 2, "unchanged": 1}


class IndexRow(BaseModel):
    doc_id: str
    paragraph: str  # P3, O7, F1 (footnotes by position)
    position: int  # order within the document, for display
    type: ParagraphType
    number: str | None = None  # printed operative number or footnote mark
    phrase: str | None = None  # opening phrase: Recalling, Also requests, Calls upon...
    text: str  # for search: markers removed, whitespace collapsed
    display_text: str  # as in the document, markers inline
    refs: list[str] = Field(default_factory=list)  # symbols cited in this paragraph
    symbol: str | None = None
    session: int | None = None
    body: str | None = None
    kind: str | None = None
    agenda_item: str | None = None
    title: str | None = None
    cites: list[str] = Field(default_factory=list)  # symbols cited by the document
    change: Literal["added", "modified", "moved", "unchanged"] | None = None
    # Session in which this paragraph (or the earliest one it descends from) first appeared,
    # from the lineage's genealogy (``pipeline.genealogy``); None when not known.
    introduced_session: int | None = None


# --- opening phrase ------------------------------------------------------------

# Adverbs that may come before the verb of an operative opener ("Also requests",
# "Strongly urges", "Once again calls upon").
_LEADING_ADVERBS = {"also", "further", "again", "once", "strongly", "urgently", "firmly",
                    "deeply", "gravely", "seriously", "emphatically", "solemnly", "fully",
                    "warmly"}
# Openers whose words after the verb belong to them, longest first.
_KNOWN_TAILS = [
    ("taking", "note", "with", "appreciation", "of"), ("takes", "note", "with", "appreciation", "of"),
    ("taking", "note", "with", "appreciation"), ("takes", "note", "with", "appreciation"),
    ("taking", "note", "with", "concern"), ("takes", "note", "with", "concern"),
    ("taking", "note", "of"), ("takes", "note", "of"), ("taking", "note"), ("takes", "note"),
    ("taking", "into", "account"), ("takes", "into", "account"),
    ("bearing", "in", "mind"), ("calls", "upon"), ("calls", "on"), ("calls", "for"),
    ("noting", "with", "concern"), ("noting", "with", "appreciation"), ("noting", "with", "satisfaction"),
    ("expresses", "its", "appreciation"), ("expresses", "deep", "concern"),
    ("expresses", "its", "deep", "concern"), ("expresses", "concern"),
    ("deeply", "concerned"), ("gravely", "concerned"), ("seriously", "concerned"),
    ("deeply", "alarmed"), ("fully", "aware"), ("firmly", "convinced"),
]
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F-]+")


def opening_phrase(text: str) -> str | None:
    """The italic opener of a resolution paragraph, as printed: "Also requests", "Recalling also"."""
    words = [m for m in _WORD.finditer(_MARKER.sub("", text)[:200])]
    if not words or not words[0].group()[0].isupper():
        return None
    lower = [m.group().lower() for m in words]
    start = 0
    while start < len(lower) - 1 and lower[start] in _LEADING_ADVERBS and start < 2:
        start += 1
    end = start + 1
    for tail in _KNOWN_TAILS:
        if tuple(lower[start:start + len(tail)]) == tail:
            end = start + len(tail)
            break
    # "Recalling also", "Requests further": a trailing also/further belongs to the opener.
    if end < len(lower) and lower[end] in ("also", "further", "again") \
            and not _comma_between(text, words[end - 1], words[end]):
        end += 1
    return " ".join(m.group() for m in words[:end])


def _comma_between(text: str, a, b) -> bool:
    return "," in text[a.end():b.start()]


# --- rows ----------------------------------------------------------------------

def search_text(text: str) -> str:
    return " ".join(_MARKER.sub("", text).split())


def change_by_paragraph(diff: DiffResult | None) -> dict[str, str] | None:
    """New paragraph id -> status; None when there is no predecessor to compare with."""
    if diff is None or (diff.predecessor is None and diff.predecessor_id is None and not diff.links):
        return None
    out: dict[str, str] = {}
    for link in diff.links:
        if link.new is None:
            continue
        current = out.get(link.new)
        if current is None or _STATUS_RANK[link.status] > _STATUS_RANK[current]:
            out[link.new] = link.status
    return out


def _refs(doc: Document) -> dict[str, list[str]]:
    """Paragraph id -> symbols cited there (footnote citations keyed F<mark>)."""
    out: dict[str, list[str]] = {}
    for c in doc.citations:
        if c.paragraph and c.symbol not in out.setdefault(c.paragraph, []):
            out[c.paragraph].append(c.symbol)
    return out


def index_rows(doc_id: str, doc: Document, diff: DiffResult | None,
               genealogy: "DocumentGenealogy | dict[str, int | None] | None" = None) -> list[IndexRow]:
    """One row per preambular paragraph, operative paragraph and footnote, in order.

    ``genealogy`` (this document's ``pipeline.genealogy.DocumentGenealogy``, or a mapping of
    paragraph id to session) fills ``introduced_session``; without it the field stays None.
    """
    changes = change_by_paragraph(diff)
    if diff is not None and diff.corrections:
        # OCR misreadings the predecessor's text is evidence for (``pipeline.evidence``):
        # the paragraphs are searched and shown as corrected, as their status was computed.
        doc = apply_corrections(doc, diff.corrections)
    introduced: dict[str, int | None] = {}
    if genealogy is not None:
        introduced = (genealogy if isinstance(genealogy, dict)
                      else genealogy.introduced_sessions())
    refs = _refs(doc)
    meta = dict(doc_id=doc_id, symbol=doc.symbol, session=doc.session, body=doc.body,
                kind=doc.kind, agenda_item=doc.agenda_item, title=doc.title, cites=list(doc.cites))
    rows: list[IndexRow] = []

    def change_of(pid: str) -> str | None:
        if changes is None:
            return None
        return changes.get(pid, "added")  # a paragraph no link mentions is new

    for i, p in enumerate(doc.preamble, 1):
        pid = f"P{i}"
        rows.append(IndexRow(paragraph=pid, position=len(rows), type="preamble", number=None,
                             phrase=opening_phrase(p.text), text=search_text(p.text),
                             display_text=p.text, refs=refs.get(pid, []), change=change_of(pid),
                             introduced_session=introduced.get(pid), **meta))
    for i, p in enumerate(doc.operative, 1):
        pid = f"O{i}"
        rows.append(IndexRow(paragraph=pid, position=len(rows), type="operative", number=p.number,
                             phrase=opening_phrase(p.text), text=search_text(p.text),
                             display_text=p.text, refs=refs.get(pid, []), change=change_of(pid),
                             introduced_session=introduced.get(pid), **meta))
    for i, f in enumerate(doc.footnotes, 1):
        rows.append(IndexRow(paragraph=f"F{i}", position=len(rows), type="footnote", number=f.mark,
                             phrase=None, text=search_text(f.text), display_text=f.text,
                             refs=refs.get(f"F{f.mark}", []), change=None, **meta))
    return rows
