"""The stage runner: the one place where a stage's input is read and its output written.

The same code runs in both modes. In the embedded mode ``run_document`` calls
the stages one after another in-process; in the distributed mode each Celery
task in ``workers.tasks`` calls ``StageRunner.run`` for its own stage and sends
the returned reference to the next queue. A reference is a small JSON dict of
ids and keys (``original_id``, ``key``, ``sha256``): artifacts never travel in
messages, they live in the object store under content-addressed keys.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import structlog

from config.settings import STAGES, Settings
from docpipe.events import ObjectCreated
from docpipe.ledger import TERMINAL_STATES, Ledger, Registration, utcnow
from docpipe.moves import move_verified, relative_key
from docpipe.store import ObjectStore, ObjectTooLarge, open_store
from pipeline import clean as clean_stage
from pipeline import diff as diff_stage
from pipeline import extract as extract_stage
from pipeline import genealogy as genealogy_stage
from pipeline import index as index_stage
from pipeline import segment as segment_stage
from pipeline.errors import InputTooLarge, PermanentError, TransientError
from pipeline.model import Cleaned, DiffResult, Document, Extracted

log = structlog.get_logger("docpipe.runner")

Ref = dict  # {"original_id": int, "key": str, "sha256": str | None, "symbol"?: str}

QUARANTINE_PREFIX = "quarantine/"

STAGE_MODULES = {"extract": extract_stage, "clean": clean_stage, "segment": segment_stage,
                 "diff": diff_stage, "index": index_stage}


def stage_version(stage: str) -> str:
    """A stage's version together with its upstream stages' versions.

    An artifact depends on every stage before it, so a new clean version must
    not reuse a segment artifact made from the old clean output.
    """
    upto = STAGES[: STAGES.index(stage) + 1]
    return ".".join(str(getattr(STAGE_MODULES[s], "VERSION", "0")) for s in upto)


def artifact_key(sha256: str, stage: str) -> str:
    return f"artifacts/{sha256}/{stage}-v{stage_version(stage)}.json"


def genealogy_key(doc_id: str) -> str:
    """A document's paragraph genealogy, rewritten whenever its diff is (it depends on the
    predecessor chain, not only on the document's bytes)."""
    return f"artifacts/{doc_id}/genealogy-v{stage_version('index')}.json"


def next_stage(stage: str) -> str | None:
    i = STAGES.index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


class ArtifactCache:
    """The bytes of recently read segment artifacts, least recently used out first.

    A segment artifact's key names its document's sha256 and the stage versions, so its
    bytes never change: a worker that diffs many documents of one lineage reads each
    predecessor from the store once, not once per document (with an archive of similar
    documents that was dozens of GETs per document). Diff artifacts are rewritten in place
    (a late predecessor refreshes them) and are not cached."""

    def __init__(self, max_bytes: int = 64 * 2**20):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def cacheable(key: str) -> bool:
        return key.startswith("artifacts/") and "/segment-v" in key

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size += len(data) - (len(old) if old is not None else 0)
            self._items[key] = data
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


@dataclass
class StageRunner:
    settings: Settings
    store: ObjectStore
    ledger: Ledger

    @classmethod
    def from_settings(cls, settings: Settings) -> "StageRunner":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings, open_store(settings.store_url, settings.s3_endpoint_url),
                   Ledger(settings.db_url))

    @cached_property
    def artifacts(self) -> ArtifactCache:
        return ArtifactCache()

    def read_artifact(self, key: str) -> bytes:
        """An artifact's bytes, from this process's cache when it cannot have changed."""
        if not ArtifactCache.cacheable(key):
            return self.store.get(key)
        data = self.artifacts.get(key)
        if data is None:
            data = self.store.get(key)
            self.artifacts.put(key, data)
        return data

    @cached_property
    def index(self):
        from docpipe.search_index import open_index
        return open_index(self.settings.index_url)

    # --- entry: an upload becomes a run -------------------------------------

    def submit(self, event: ObjectCreated, trigger: str,
               start: Callable[[Ref], None]) -> Registration:
        """Record an upload and start its run, once, however often it is announced."""
        etag, size = event.etag, event.size
        if not etag:
            info = self.store.head(event.key)
            etag, size = info.etag, info.size
        reg = self.ledger.register(event.bucket, event.key, etag, size, trigger,
                                   sequencer=event.sequencer)
        if reg.new:
            log.info("run.queued", key=event.key, original_id=reg.original_id, trigger=trigger)
            start({"original_id": reg.original_id, "key": event.key, "sha256": None})
        else:
            log.info("event.duplicate", key=event.key, original_id=reg.original_id,
                     state=reg.state)
        return reg

    # --- one stage -----------------------------------------------------------

    def run(self, stage: str, ref: Ref, task_id: str | None = None) -> Ref | None:
        """Run one stage; return the reference for the next stage, or None to stop.

        Permanent failures and unexpected errors quarantine the document (a
        crash loop helps nobody); transient ones are raised for the caller to
        retry with backoff.
        """
        original_id = ref["original_id"]
        with structlog.contextvars.bound_contextvars(
                stage=stage, key=ref["key"], original_id=original_id, task_id=task_id,
                doc_id=ref.get("sha256")):
            # The original's row and the stage marked running, in one ledger round trip.
            row, attempts = self.ledger.begin_stage(original_id, stage, task_id)
            if row is None or row["state"] in TERMINAL_STATES:
                # A late redelivery (or a recovery dispatch that raced the real task):
                # the document is already indexed, a duplicate or quarantined.
                log.info("stage.skipped", state=row and row["state"])
                return None
            if attempts > self.settings.max_deliveries:
                self.quarantine(ref, stage, f"the {stage} stage was delivered {attempts} times "
                                "without finishing (a worker keeps dying on this document)")
                return None
            started = time.perf_counter()
            try:
                if stage == "extract":
                    out, artifact = self._extract(ref, row)
                else:
                    out, artifact = getattr(self, f"_{stage}")(ref)
            except TransientError as exc:
                self.ledger.stage_failed(original_id, stage, str(exc))
                log.warning("stage.transient_error", error=str(exc))
                raise
            except PermanentError as exc:
                self.quarantine(ref, stage, str(exc))
                return None
            except Exception as exc:  # a bug or a library's crash on hostile input
                log.exception("stage.internal_error")
                self.quarantine(ref, stage, f"internal error in {stage}: "
                                f"{type(exc).__name__}: {exc}")
                return None
            # segment's symbol goes into the ledger with the stage's completion.
            self.ledger.stage_done(original_id, stage, artifact,
                                   symbol=out.get("symbol") if stage == "segment" and out
                                   else None)
            log.info("stage.done", ms=round((time.perf_counter() - started) * 1000, 1))
            return out

    def quarantine(self, ref: Ref, stage: str, reason: str, transient: bool = False) -> None:
        """Stop the document: the ledger gets the reason, the original moves out of
        the inbox to ``quarantine/<same relative key>`` with ``<key>.reason.json`` beside it."""
        original_id = ref["original_id"]
        self.ledger.stage_failed(original_id, stage, reason)
        self.ledger.mark_quarantined(original_id, f"{stage}: {reason}", transient=transient)
        row = self.ledger.original(original_id) or {}
        attempts = (self.ledger.stage_rows(original_id).get(stage) or {}).get("attempts")
        where = None
        try:
            where = self._move_to_quarantine(row)
        except Exception:  # the ledger holds the reason; the original stays where it was
            log.exception("quarantine.move_failed")
        record = {"key": row.get("key", ref["key"]), "quarantine_key": where,
                  "original_id": original_id, "sha256": row.get("sha256") or ref.get("sha256"),
                  "stage": stage, "reason": reason, "transient": transient,
                  "time": utcnow().isoformat().replace("+00:00", "Z"), "attempts": attempts}
        try:
            reason_key = (where or QUARANTINE_PREFIX + relative_key(
                row.get("key", ref["key"]), self.settings.inbox_prefix)) + ".reason.json"
            self.store.put(reason_key, json.dumps(record, ensure_ascii=False).encode())
        except Exception:  # e.g. an unusable key: the ledger already holds the reason
            log.exception("quarantine.write_failed")
        log.warning("document.quarantined", reason=reason, moved_to=where)

    def _move_to_quarantine(self, row: dict) -> str | None:
        """Move the original out of the inbox; its new key, or None if it is not there."""
        src = row.get("location") or row.get("key")
        if not src or not src.startswith(self.settings.inbox_prefix) or not self.store.exists(src):
            return row.get("location")
        dst = QUARANTINE_PREFIX + relative_key(src, self.settings.inbox_prefix)
        if self.store.exists(dst) and self.store.head(dst).etag != self.store.head(src).etag:
            dst = f"{dst}~{row['id']}"  # another upload under the same key is there already
        move_verified(self.store, src, dst, expected_sha256=row.get("sha256"))
        self.ledger.set_location(row["id"], dst)
        return dst

    def source_key(self, ref: Ref, row: dict | None = None) -> str:
        """Where the run's original is now (the inbox, or archive/ after a sweep).

        ``row``: the original's ledger row, when the caller has just read it."""
        row = row or self.ledger.original(ref["original_id"])
        return (row and row.get("location")) or ref["key"]

    # --- artifacts -----------------------------------------------------------

    def _load(self, ref: Ref, stage: str, model):
        return model.model_validate_json(self.read_artifact(artifact_key(ref["sha256"], stage)))

    def _save(self, ref: Ref, stage: str, artifact) -> str:
        key = artifact_key(ref["sha256"], stage)
        data = artifact.model_dump_json().encode()
        self.store.put(key, data)
        if ArtifactCache.cacheable(key):
            self.artifacts.put(key, data)
        return key

    # --- the five stages -----------------------------------------------------

    def _extract(self, ref: Ref, row: dict | None = None) -> tuple[Ref | None, str | None]:
        source = self.source_key(ref, row)
        try:
            # One GET: the size is checked before the body is read (no HEAD first).
            data = self.store.get(source, max_bytes=self.settings.max_input_bytes)
        except ObjectTooLarge as exc:
            raise InputTooLarge(f"the file has {exc.size:,} bytes; the limit is "
                                f"{self.settings.max_input_bytes:,} (DOCPIPE_MAX_INPUT_BYTES)"
                                ) from None
        sha256 = hashlib.sha256(data).hexdigest()
        ref = {**ref, "sha256": sha256}
        first, fresh = self.ledger.claim(ref["original_id"], sha256)
        if first != ref["original_id"]:
            self.ledger.mark_duplicate(ref["original_id"], first)
            log.info("document.duplicate", of=first)
            return None, None
        key = artifact_key(sha256, "extract")
        # Content-addressed: a redelivery or a retry reuses it. Bytes claimed for the first
        # time just now cannot have an artifact yet, so no HEAD request for them.
        if not fresh and self.store.exists(key):
            return ref, key
        options = extract_stage.ExtractOptions(
            max_bytes=self.settings.max_input_bytes, ocr_dpi=self.settings.ocr_dpi,
            ocr_language=self.settings.ocr_language)
        extracted = extract_stage.extract(data, ref["key"].rsplit("/", 1)[-1], options)
        self._save(ref, "extract", extracted)
        return ref, key

    def _clean(self, ref: Ref) -> tuple[Ref, str]:
        cleaned = clean_stage.clean(self._load(ref, "extract", Extracted))
        return ref, self._save(ref, "clean", cleaned)

    def _segment(self, ref: Ref) -> tuple[Ref, str]:
        document = segment_stage.segment(self._load(ref, "clean", Cleaned))
        # The symbol is recorded with the stage's completion (run).
        # The symbol travels on, so that every later task names its document (Flower).
        return {**ref, "symbol": document.symbol}, self._save(ref, "segment", document)

    def _diff(self, ref: Ref) -> tuple[Ref, str]:
        document = self._load(ref, "segment", Document)
        return ref, self._save(ref, "diff", self._diff_in_archive(ref["sha256"], document))

    def _lineage_candidates(self, doc_id: str, document: Document) -> list[dict]:
        """The archived documents best keyed to be ``document``'s predecessor."""
        return self.ledger.documents_with_keys(
            diff_stage.lookup_keys(document), exclude=doc_id, weights=diff_stage.key_weights(),
            near_session=document.session, limit=diff_stage.MAX_CANDIDATES)

    def _diff_in_archive(self, doc_id: str, document: Document) -> DiffResult:
        """The document against its best predecessor among the archived documents that
        share a lineage key with it (an indexed lookup, not an archive scan)."""
        candidates = []
        for row in self._lineage_candidates(doc_id, document):
            try:
                earlier = Document.model_validate_json(
                    self.read_artifact(row["document_artifact"]))
            except PermanentError:
                continue  # its artifact was pruned; it cannot serve as evidence
            candidates.append((row["doc_id"], earlier))
        result = diff_stage.diff_against_archive(document, candidates)
        result.considered = sorted(doc for doc, _ in candidates)
        return result

    def _index(self, ref: Ref) -> tuple[Ref, str]:
        document = self._load(ref, "segment", Document)
        diff = self._load(ref, "diff", DiffResult)
        # A possible predecessor indexed since the diff stage ran (another worker's
        # document, arriving at the same time) would be missed: diff again if so.
        now_known = {row["doc_id"] for row in self._lineage_candidates(ref["sha256"], document)}
        if not now_known <= set(diff.considered):
            diff = self._diff_in_archive(ref["sha256"], document)
            self._save(ref, "diff", diff)
        self._write_index(ref["original_id"], ref["sha256"], document, diff)
        log.info("document.indexed", symbol=document.symbol)
        self._refresh_successors(ref["sha256"], document)
        return ref, f"index:{ref['sha256']}"

    def _write_index(self, original_id: int, doc_id: str, document: Document,
                     diff: DiffResult) -> None:
        rows = index_stage.index_rows(doc_id, document, diff,
                                      genealogy=self._genealogy(doc_id, document, diff))
        self.index.replace(doc_id, rows)
        self.ledger.mark_indexed(
            original_id, doc_id=doc_id, symbol=document.symbol,
            session=document.session, kind=document.kind, body=document.body,
            title=document.title, document_artifact=artifact_key(doc_id, "segment"),
            diff_artifact=artifact_key(doc_id, "diff"),
            keys=diff_stage.archive_keys(document))

    def _genealogy(self, doc_id: str, document: Document, diff: DiffResult):
        """Where each paragraph first appeared, so that the index can filter on it
        (operative paragraphs added in session 58).

        Each indexed document keeps its genealogy as an artifact; a new one extends its
        predecessor's, so the cost does not grow with the length of the lineage. A
        predecessor without one (indexed by an older version) is walked back once."""
        previous = None
        if diff.predecessor_id:
            try:
                previous = genealogy_stage.DocumentGenealogy.model_validate_json(
                    self.store.get(genealogy_key(diff.predecessor_id)))
            except PermanentError:
                from docpipe.history import predecessor_chain
                row = self.ledger.document(diff.predecessor_id)
                chain = predecessor_chain(self, row) if row else []
                if chain:
                    previous = genealogy_stage.genealogy(
                        [earlier for _, earlier, _ in chain],
                        [None] + [earlier_diff for _, _, earlier_diff in chain[1:]])[-1]
        result = genealogy_stage.extend(previous, document, diff if previous else None)
        self.store.put(genealogy_key(doc_id), result.model_dump_json().encode())
        return result

    def _refresh_successors(self, doc_id: str, document: Document) -> list[str]:
        """Order of arrival must not matter: when an earlier version arrives after a later
        one, the later one's diff is computed again, and re-indexed if it changed.

        Only the later documents' diffs change, never their content or keys, so the
        lookup does not cascade; but a paragraph's genealogy (the session it first
        appeared in) runs down the whole lineage, so a later document whose predecessor
        was refreshed is re-indexed too, its diff unchanged. Earliest first, so that each
        extends an already refreshed genealogy."""
        refreshed: list[str] = []
        rows = self.ledger.documents_with_keys(
            diff_stage.successor_lookup_keys(document), exclude=doc_id,
            weights=diff_stage.key_weights(), near_session=document.session,
            min_session=document.session)
        for row in sorted(rows, key=lambda r: (r.get("session") or 0, str(r.get("indexed_at")))):
            try:
                later = Document.model_validate_json(self.read_artifact(row["document_artifact"]))
            except PermanentError:
                continue
            # Usually the new document is the latest of its lineage and precedes none of
            # them: ask before reading their diffs (a GET each, not cacheable).
            if not diff_stage.may_precede(document, later):
                continue
            try:
                old = DiffResult.model_validate_json(self.store.get(row["diff_artifact"]))
            except PermanentError:
                continue
            new = self._diff_in_archive(row["doc_id"], later)
            if same_diff(new, old):
                if new.predecessor_id in refreshed:  # only its genealogy changed
                    self._write_index(row["original_id"], row["doc_id"], later, old)
                    refreshed.append(row["doc_id"])
                continue
            self.store.put(artifact_key(row["doc_id"], "diff"), new.model_dump_json().encode())
            self._write_index(row["original_id"], row["doc_id"], later, new)
            log.info("lineage.refreshed", symbol=later.symbol, predecessor=new.predecessor)
            refreshed.append(row["doc_id"])
        return refreshed


def same_diff(a: DiffResult, b: DiffResult) -> bool:
    """The same predecessor, links and evidence corrections (what the index shows)."""
    def seen(d: DiffResult):
        return (d.predecessor_id, [link.as_gold() for link in d.links],
                {pid: [c.model_dump() for c in changes]
                 for pid, changes in (d.corrections or {}).items()})
    return seen(a) == seen(b)


def run_document(runner: StageRunner, ref: Ref, retries: int = 3,
                 on_stage: Callable[[str], None] | None = None,
                 first: str = "extract") -> Ref | None:
    """The embedded mode: every stage in-process, in order, with retries for transient errors.

    ``first``: resume a run at this stage (its earlier artifacts exist)."""
    for stage in STAGES[STAGES.index(first):]:
        if on_stage:
            on_stage(stage)
        for attempt in range(retries + 1):
            try:
                ref = runner.run(stage, ref)
                break
            except TransientError as exc:
                if attempt == retries:
                    runner.quarantine(ref, stage, f"gave up after {retries + 1} tries: {exc}",
                                      transient=True)
                    return None
                time.sleep(min(2 ** attempt, 10))
        if ref is None:
            return None
    return ref
