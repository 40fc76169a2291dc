"""Read-side views shared by the CLI and the HTTP API: one document, status, search."""

from __future__ import annotations

import datetime as dt

from docpipe.runner import StageRunner
from pipeline.evidence import apply_corrections
from pipeline.model import DiffResult, Document


def iso_utc(value: dt.datetime | None) -> str | None:
    """SQLite hands datetimes back naive; every time the ledger writes is UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def stored_document(runner: StageRunner, doc_row: dict) -> Document:
    """The segmented Document of an indexed document (a ledger ``documents`` row)."""
    return Document.model_validate_json(runner.store.get(doc_row["document_artifact"]))


def stored_diff(runner: StageRunner, doc_row: dict) -> DiffResult | None:
    """Its stored diff against its predecessor, or None when there is none (yet)."""
    if doc_row.get("diff_artifact") and runner.store.exists(doc_row["diff_artifact"]):
        return DiffResult.model_validate_json(runner.store.get(doc_row["diff_artifact"]))
    return None


def stored_comparison(runner: StageRunner, doc_row: dict
                      ) -> tuple[DiffResult | None, Document, Document | None]:
    """(diff, the document, the predecessor it was compared with or None).

    The document carries the corrections its predecessor gave evidence for (the diff's
    links and word changes were computed on that text)."""
    diff = stored_diff(runner, doc_row)
    new = apply_corrections(stored_document(runner, doc_row), diff.corrections if diff else None)
    old = None
    if diff is not None and diff.predecessor_id:
        old_row = runner.ledger.document(diff.predecessor_id)
        if old_row is not None and runner.store.exists(old_row["document_artifact"]):
            old = stored_document(runner, old_row)
    return diff, new, old


def document_view(runner: StageRunner, doc_row: dict) -> dict:
    """A document in the gold format's terms plus its lineage and diff.

    Paragraph texts include the corrections an earlier version gave evidence for (as the
    index has them); ``corrections`` lists each one, so a user can audit it."""
    diff = stored_diff(runner, doc_row)
    corrections = diff.corrections if diff else {}
    view = apply_corrections(stored_document(runner, doc_row), corrections).gold_view()
    view["doc_id"] = doc_row["doc_id"]
    view["corrections"] = [{"paragraph": pid, **change.model_dump()}
                           for pid, changes in (corrections or {}).items() for change in changes]
    view["predecessor"] = diff.predecessor if diff else None
    view["predecessor_confidence"] = diff.predecessor_confidence if diff else None
    view["diff"] = [link.as_gold() for link in diff.links] if diff else []
    view["changes"] = diff.counts() if diff else {}
    return view


def original_view(runner: StageRunner, original_id: int, source: str | None = None) -> dict:
    """The outcome of one original: its document when indexed, its reason when not."""
    row = runner.ledger.original(original_id)
    state = row["state"]
    view: dict = {}
    if state == "duplicate":
        first = runner.ledger.original(row["duplicate_of"])
        doc_row = runner.ledger.document(first["sha256"]) if first and first["sha256"] else None
        if doc_row:
            view.update(document_view(runner, doc_row))
        view["duplicate_of"] = first["key"] if first else None
    elif state == "indexed":
        view.update(document_view(runner, runner.ledger.document(row["sha256"])))
    view.update({"source": source or row["key"], "key": row["key"], "status": state})
    if state == "quarantined":
        view["error"] = row["error"]
    return view


def status_rows(runner: StageRunner) -> list[dict]:
    # "key" is the decoded object key exactly as uploaded (what a user knows the file
    # by); "location" is where the original is now (inbox/, quarantine/ or archive/...).
    return [{"key": row["key"], "location": row.get("location") or row["key"],
             "symbol": row["symbol"], "state": row["state"],
             "indexed_at": iso_utc(row["indexed_at"]), "stages": row["stages"],
             "sha256": row["sha256"], "error": row["error"],
             "duplicate_of": row["duplicate_of"]}
            for row in runner.ledger.status()]
