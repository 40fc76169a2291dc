"""The typed document model every stage reads and writes.

Each stage is a pure function from one of these artifacts to the next:

    original bytes --extract--> Extracted --clean--> Cleaned --segment--> Document
    Document (+ earlier Documents) --diff--> DiffResult --index--> index rows

Artifacts are pydantic models so that they cross process boundaries as JSON
(the object store holds one JSON artifact per stage) and are checked on load.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

GOLD_FORMAT = "docpipe-gold/1"
DIFF_GOLD_FORMAT = "docpipe-diff-gold/1"


# --- extract -----------------------------------------------------------------

class Line(BaseModel):
    """One line of a page, with layout where the source gives it.

    Plain text has no layout: then only ``text`` is set. PDF text layers and
    OCR word boxes give positions (points from the page's top-left) and font
    size, which cleaning uses to tell furniture, footnotes and superscript
    markers apart from the body.
    """

    text: str
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None
    size: float | None = None
    # Spans of ``text`` set in raised, smaller type (footnote markers): (start, end).
    superscripts: list[tuple[int, int]] = Field(default_factory=list)


class Page(BaseModel):
    number: int  # 1-based
    method: Literal["text", "pdf-text", "ocr"]
    width: float | None = None
    height: float | None = None
    lines: list[Line] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class Extracted(BaseModel):
    """The text of an original, page by page, as extraction found it."""

    source_name: str
    media_type: Literal["text/plain", "application/pdf"]
    pages: list[Page]
    warnings: list[str] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)


# --- clean -------------------------------------------------------------------

class Change(BaseModel):
    """One edit made by cleaning, kept so that a user can audit it."""

    rule: str  # name of the cleaning step that made it
    position: int  # offset in the text the step was given
    before: str
    after: str


class Cleaned(BaseModel):
    """The readable intermediate text (Indigo style), then one structural pass.

    ``text`` holds the body as paragraphs separated by one blank line, with
    line breaks and hyphenation undone and footnote markers inline as ``[^N]``.
    Footnote texts are not in ``text``: they are in ``footnotes`` in order.
    ``furniture`` keeps what was removed as page furniture (running headers
    with the symbol, job numbers), since metadata may only be printed there.
    """

    text: str
    footnotes: list["Footnote"] = Field(default_factory=list)
    furniture: list[str] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)


# --- segment -----------------------------------------------------------------

class Footnote(BaseModel):
    mark: str  # "1", "2", ... or "*"
    text: str


class Paragraph(BaseModel):
    text: str  # clean text, markers inline as [^N], sub-paragraphs on their own lines


class OperativeParagraph(Paragraph):
    number: str


class Section(BaseModel):
    """A part of a resolution (or of an annexed text) under a heading: ``I``, "Implementation".

    The paragraphs stay in the flat preamble/operative lists (their ids, numbering and the
    diff are unchanged); a section names the ids it holds, in order: P3, O7 (in an annex,
    ids within that annex).
    """
    number: str | None = None  # as printed: "I", "II", "A"; None for an unnumbered heading
    heading: str | None = None  # "Implementation of the Programme of Action"
    paragraphs: list[str] = Field(default_factory=list)


def paragraph_ids(preamble: list["Paragraph"], operative: list["Paragraph"]
                  ) -> list[tuple[str, str]]:
    """(id, text): ``P<k>`` for the k-th preambular, ``O<k>`` for the k-th operative
    paragraph, 1-based by position (the diff gold format's ids)."""
    return ([(f"P{i}", p.text) for i, p in enumerate(preamble, 1)]
            + [(f"O{i}", p.text) for i, p in enumerate(operative, 1)])


class Annex(BaseModel):
    """A text annexed to the resolution ("the text of which is annexed to the present
    resolution"): a declaration or programme of action, with its own unnumbered opening
    paragraphs (``preamble``) and numbered paragraphs, possibly in sections."""
    # As printed: "Annex", "Annex I"; None for a text the resolution prints after "Adopts
    # the following Declaration:" without a label.
    label: str | None = "Annex"
    title: str | None = None  # "Declaration on ...", the annexed text's own title
    preamble: list[Paragraph] = Field(default_factory=list)
    operative: list[OperativeParagraph] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)

    def paragraph_ids(self) -> list[tuple[str, str]]:
        """(id, text) within the annex: P1.. then O1.., as the main body's ids."""
        return paragraph_ids(self.preamble, self.operative)


class Citation(BaseModel):
    symbol: str  # normalised: A/RES/56/203, A/RES/217(III), E/DEC/1995/313, A/58/98
    paragraph: str | None = None  # P3, O7, F2 (footnote mark), A1.O3 (annex 1); None: metadata


class FootnoteLink(BaseModel):
    mark: str
    paragraph: str  # P3, O7
    offset: int  # character offset of the marker in the paragraph text


class Document(BaseModel):
    """A General Assembly document's structure, in the gold format's terms."""

    format: str = GOLD_FORMAT
    symbol: str | None = None
    session: int | None = None
    body: str | None = None
    kind: str = "draft resolution"
    language: str = "en"
    title: str | None = None
    agenda_item: str | None = None
    date: str | None = None
    sponsors: list[str] = Field(default_factory=list)
    report_line: str | None = None
    opening: str = "The General Assembly,"
    preamble: list[Paragraph] = Field(default_factory=list)
    operative: list[OperativeParagraph] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    cites: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    footnote_links: list[FootnoteLink] = Field(default_factory=list)
    # Parts of the operative text under headings ("I. Implementation ..."), and annexed
    # texts; empty for the common resolution without them.
    sections: list[Section] = Field(default_factory=list)
    annexes: list[Annex] = Field(default_factory=list)

    def paragraph_ids(self) -> list[tuple[str, str]]:
        """(id, text) of every paragraph: P1.. then O1.., as in the diff gold format."""
        return paragraph_ids(self.preamble, self.operative)

    def gold_view(self) -> dict:
        """The fields of the gold format (``docpipe-gold/1``), nothing else."""
        fields = {"format", "symbol", "session", "body", "kind", "language", "title",
                  "agenda_item", "opening", "preamble", "operative", "footnotes", "cites"}
        # Sections and annexes only where the document has them: golds without them stay as
        # they are.
        fields |= {f for f in ("sections", "annexes") if getattr(self, f)}
        return self.model_dump(include=fields)


# --- diff --------------------------------------------------------------------

Status = Literal["unchanged", "modified", "moved", "added", "deleted"]


class WordChange(BaseModel):
    op: Literal["equal", "insert", "delete"]
    text: str


class Link(BaseModel):
    old: str | None  # P3 / O7 in the old document
    new: str | None
    status: Status
    similarity: float | None = None
    words: list[WordChange] = Field(default_factory=list)  # only for modified/moved

    def as_gold(self) -> list:
        return [self.old, self.new, self.status]


class DiffResult(BaseModel):
    """A document against its closest predecessor (or none)."""

    predecessor: str | None = None  # symbol of the earlier version compared with
    predecessor_id: str | None = None  # its document id (sha256 of its original)
    predecessor_confidence: float | None = None
    candidates: list[dict] = Field(default_factory=list)  # other predecessors weighed, with scores
    links: list[Link] = Field(default_factory=list)
    # Ids of every archived document weighed (accepted or not), so that a later look
    # can tell whether a possible predecessor has arrived since.
    considered: list[str] = Field(default_factory=list)
    # OCR misreadings of this document that the predecessor's text is evidence for: new
    # paragraph id (P3, O7) -> edits of that paragraph's text (rules "version-evidence":
    # the OCR confusion model explains it; "version-context": a non-word in an otherwise
    # identical sentence),
    # applied by ``pipeline.evidence.apply_corrections`` before indexing and display.
    corrections: dict[str, list[Change]] = Field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for link in self.links:
            out[link.status] = out.get(link.status, 0) + 1
        return out


Cleaned.model_rebuild()
