"""Paragraph genealogy: where each paragraph of a series of versions came from.

Pure. Given the documents of one lineage in order (earliest first) and, for each, its
``DiffResult`` against the one before it, this follows the diff links backwards and
tells, for every paragraph of every document, the document (session and symbol) in
which it first appeared and the later documents that changed it:

* ``unchanged`` and ``moved`` (same text) keep the origin and the changes of the old
  paragraph;
* ``modified`` (and ``moved`` with changed text) keep them and add this document as a
  change;
* ``added`` (or a paragraph no link mentions) starts a new origin here;
* a paragraph with several old counterparts (a merge) inherits the *earliest* origin
  among them and every change any of them had; each piece of a split inherits the
  origin and changes of the paragraph it came from. Both count as a change here (the
  aligner marks every split and merge link ``modified``).

A ``moved`` link does not say whether the words changed: that is judged on the texts with
the aligner's own test (``pipeline.diff.same_text``: footnote and paragraph renumbering,
whitespace, case, OCR confusions and stray marks are not changes).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from pipeline.diff import same_text
from pipeline.model import DiffResult, Document


class Version(BaseModel):
    """One document of the series, as a place in a paragraph's history."""

    index: int  # position in the series (0 = earliest)
    symbol: str | None = None
    session: int | None = None


class ParagraphHistory(BaseModel):
    paragraph: str  # P3 / O7 in its document
    text: str
    first: Version  # where it (or the earliest paragraph it descends from) first appeared
    changed_in: list[Version] = Field(default_factory=list)  # later versions that changed it
    sources: list[str] = Field(default_factory=list)  # ids in the previous version it descends from

    @property
    def first_session(self) -> int | None:
        return self.first.session

    @property
    def first_symbol(self) -> str | None:
        return self.first.symbol


class DocumentGenealogy(BaseModel):
    version: Version
    paragraphs: list[ParagraphHistory] = Field(default_factory=list)

    def by_id(self) -> dict[str, ParagraphHistory]:
        return {p.paragraph: p for p in self.paragraphs}

    def introduced_sessions(self) -> dict[str, int | None]:
        """Paragraph id -> session in which it first appeared (for the search index)."""
        return {p.paragraph: p.first.session for p in self.paragraphs}


def genealogy(documents: list[Document], diffs: list[DiffResult | None]) -> list[DocumentGenealogy]:
    """The genealogy of every paragraph of every document in ``documents`` (lineage order).

    ``diffs[k]`` is ``documents[k]`` against ``documents[k - 1]`` (``diffs[0]`` is ignored:
    the first document has nothing before it in the series, so all its paragraphs start
    there). A link naming a paragraph the documents do not have is ignored.
    """
    if len(diffs) != len(documents):
        raise ValueError(f"{len(documents)} documents but {len(diffs)} diffs")
    out: list[DocumentGenealogy] = []
    for doc, diff in zip(documents, diffs):
        out.append(extend(out[-1] if out else None, doc, diff))
    return out


def extend(previous: DocumentGenealogy | None, doc: Document,
           diff: DiffResult | None) -> DocumentGenealogy:
    """The genealogy of ``doc`` from its predecessor's genealogy and its diff against it:
    one step of the series, so that an archive can keep each document's genealogy and
    compute a new one without walking the whole lineage again."""
    k = previous.version.index + 1 if previous else 0
    before = previous.by_id() if previous else {}
    version = Version(index=k, symbol=doc.symbol, session=doc.session)
    texts = dict(doc.paragraph_ids())
    sources: dict[str, dict[str, str]] = {pid: {} for pid in texts}  # new -> {old: status}
    if previous is not None and diff is not None:
        for link in diff.links:
            if (link.old is not None and link.new in sources and link.old in before
                    and link.status != "added"):
                sources[link.new].setdefault(link.old, link.status)
    histories = []
    for pid, text in texts.items():
        parents = [before[s] for s in sources[pid]]
        if not parents:
            histories.append(ParagraphHistory(paragraph=pid, text=text, first=version))
            continue
        first = min((p.first for p in parents), key=lambda v: v.index)
        changes: dict[int, Version] = {}
        for p in parents:
            for v in p.changed_in:
                changes[v.index] = v
        statuses = sources[pid]
        # A merge (several parents) and a split piece are "modified" links; a moved
        # paragraph changed only if its words did.
        changed = len(parents) > 1 or any(
            status == "modified" or (status != "unchanged"
                                     and not same_text(before[old].text, text))
            for old, status in statuses.items())
        if changed:
            changes[k] = version
        histories.append(ParagraphHistory(
            paragraph=pid, text=text, first=first,
            changed_in=[changes[i] for i in sorted(changes)], sources=list(statuses)))
    return DocumentGenealogy(version=version, paragraphs=histories)


def opening_words(text: str, n: int = 8) -> str:
    """The first ``n`` words of a paragraph, markers removed, for display."""
    from pipeline.diff import strip_markers
    words = strip_markers(text).split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")
