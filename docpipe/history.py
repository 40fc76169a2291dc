"""``docpipe history``: where each paragraph of an indexed document came from.

Walks the stored predecessor chain back from a document (each indexed document's diff
artifact names the predecessor its diff stage chose), then computes the paragraph
genealogy of the whole chain with ``pipeline.genealogy`` (pure).
"""

from __future__ import annotations

from typing import Any

from pipeline.errors import PermanentError
from pipeline.genealogy import DocumentGenealogy, genealogy, opening_words
from pipeline.model import DiffResult, Document


def predecessor_chain(runner, row: dict, limit: int = 100) -> list[tuple[dict, Document, DiffResult | None]]:
    """(ledger row, Document, DiffResult) from the first document of the lineage to ``row``.

    Follows each diff's ``predecessor_id`` (the exact document compared with), else its
    ``predecessor`` symbol; stops at a document without a predecessor, at one whose
    artifacts are gone, or at a cycle.
    """
    chain: list[tuple[dict, Document, DiffResult | None]] = []
    seen: set[str] = set()
    while row is not None and row["doc_id"] not in seen and len(chain) < limit:
        seen.add(row["doc_id"])
        try:
            document = Document.model_validate_json(runner.store.get(row["document_artifact"]))
        except PermanentError:
            break
        diff = None
        if row.get("diff_artifact"):
            try:
                diff = DiffResult.model_validate_json(runner.store.get(row["diff_artifact"]))
            except PermanentError:
                diff = None
        chain.append((row, document, diff))
        if diff is None:
            break
        previous = None
        if diff.predecessor_id:
            previous = runner.ledger.document(diff.predecessor_id)
        if previous is None and diff.predecessor:
            previous = runner.ledger.document_by_symbol(diff.predecessor)
        row = previous
    chain.reverse()
    return chain


def history_view(runner, row: dict) -> dict[str, Any]:
    """The genealogy of ``row``'s paragraphs, JSON-ready."""
    chain = predecessor_chain(runner, row)
    documents = [doc for _, doc, _ in chain]
    # The first document's own diff (if any) points outside the chain: ignore it.
    diffs = [None] + [diff for _, _, diff in chain[1:]]
    result: DocumentGenealogy = genealogy(documents, diffs)[-1]
    return {
        "symbol": result.version.symbol,
        "session": result.version.session,
        "lineage": [{"symbol": doc.symbol, "session": doc.session, "doc_id": r["doc_id"]}
                    for r, doc, _ in chain],
        "paragraphs": [{
            "paragraph": p.paragraph,
            "first_session": p.first.session,
            "first_symbol": p.first.symbol,
            "changed_in": [{"session": v.session, "symbol": v.symbol} for v in p.changed_in],
            "opening": opening_words(p.text),
        } for p in result.paragraphs],
    }
