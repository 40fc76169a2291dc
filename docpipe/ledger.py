"""The ledger: every original, every run and every stage's state.

SQLite in the embedded default, PostgreSQL at scale (``DOCPIPE_DB_URL``),
through SQLAlchemy Core so that one set of statements serves both. All the
idempotency of the pipeline rests on three unique keys here:

* ``originals (bucket, key, etag)``: a second event for the same upload (S3's
  at-least-once delivery, moto's double multipart event, a reconcile pass that
  races the listener) finds the row and starts nothing;
* ``contents (sha256)``: the same bytes under a second key are a ``duplicate``
  of the first original, never a second document;
* ``stages (original_id, stage)``: a redelivered stage task updates its row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from config.settings import STAGES

metadata = sa.MetaData()

originals = sa.Table(
    "originals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("bucket", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("etag", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger),
    sa.Column("sequencer", sa.Text),
    sa.Column("sha256", sa.Text),
    sa.Column("state", sa.Text, nullable=False, default="queued"),
    sa.Column("duplicate_of", sa.Integer),
    sa.Column("symbol", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("indexed_at", sa.DateTime(timezone=True)),
    # Where the original is now when it is no longer at ``key`` (quarantine/..., archive/...);
    # ``key`` stays the upload's key, so a late event for the same upload is still recognised.
    sa.Column("location", sa.Text),
    sa.Column("error_transient", sa.Boolean),  # the quarantine reason was a transient failure
    sa.Column("auto_retries", sa.Integer),  # retries started by the sweep
    sa.UniqueConstraint("bucket", "key", "etag", name="uq_original_upload"),
)
sa.Index("ix_originals_state", originals.c.state)
sa.Index("ix_originals_key", originals.c.key)

contents = sa.Table(
    "contents", metadata,
    sa.Column("sha256", sa.Text, primary_key=True),
    sa.Column("original_id", sa.Integer, nullable=False),
)

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("original_id", sa.Integer, nullable=False, index=True),
    sa.Column("trigger", sa.Text, nullable=False),  # sqs, webhook, reconcile, ingest, retry
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("outcome", sa.Text),
    sa.Column("error", sa.Text),  # why this run was quarantined (history survives a retry)
)

stages = sa.Table(
    "stages", metadata,
    sa.Column("original_id", sa.Integer, primary_key=True),
    sa.Column("stage", sa.Text, primary_key=True),
    sa.Column("state", sa.Text, nullable=False),  # running, done, failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("artifact", sa.Text),
    sa.Column("task_id", sa.Text),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("error", sa.Text),
)

documents = sa.Table(
    "documents", metadata,
    sa.Column("doc_id", sa.Text, primary_key=True),  # sha256 of the original
    sa.Column("original_id", sa.Integer, nullable=False),
    sa.Column("symbol", sa.Text, index=True),
    sa.Column("session", sa.Integer),
    sa.Column("kind", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("document_artifact", sa.Text, nullable=False),
    sa.Column("diff_artifact", sa.Text),
    sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
)

# Lineage keys (normalised title, agenda item, series, cited symbols...), so that
# finding a document's predecessors is an indexed lookup, not an archive scan.
document_keys = sa.Table(
    "document_keys", metadata,
    sa.Column("doc_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    # The document's session, copied here so that a key shared by thousands of documents
    # (a title repeated every session) is read only around the session asked for.
    sa.Column("session", sa.Integer),
    sa.PrimaryKeyConstraint("doc_id", "name", "value"),
)
sa.Index("ix_document_keys_lookup", document_keys.c.name, document_keys.c.value)
KEYS_BY_SESSION = sa.Index("ix_document_keys_session", document_keys.c.name,
                           document_keys.c.value, document_keys.c.session)

# How many documents one key contributes to a lineage lookup: the nearest sessions on each
# side. A predecessor is the same resolution a session or a few earlier, so this bounds the
# lookup without losing it, whatever the size of the archive.
KEY_FANOUT = 40

# A named lock with an expiry: one sweep at a time when there is no Redis (embedded mode).
locks = sa.Table(
    "locks", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

# Columns added after the first release: (table, column) -> DDL type.
_ADDED_COLUMNS = {("originals", "location"): "TEXT", ("originals", "error_transient"): "BOOLEAN",
                  ("originals", "auto_retries"): "INTEGER", ("runs", "error"): "TEXT",
                  ("document_keys", "session"): "INTEGER"}

TERMINAL_STATES = ("indexed", "duplicate", "quarantined")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _engine_url(url: str) -> str:
    # Users write postgresql://; SQLAlchemy needs the driver named (psycopg 3).
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@dataclass(frozen=True)
class Registration:
    original_id: int
    new: bool  # False: this upload was already known (a duplicate event)
    state: str


class Ledger:
    def __init__(self, url: str):
        url = _engine_url(url)
        # A pre-ping costs a round trip per checkout; a SQLite file never drops a connection.
        self.engine = sa.create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """A ledger made by an earlier version gains the newer columns (all nullable)."""
        inspector = sa.inspect(self.engine)
        have = {t: {c["name"] for c in inspector.get_columns(t)}
                for t in {table for table, _ in _ADDED_COLUMNS}}
        with self.engine.begin() as conn:
            for (table, column), ddl in _ADDED_COLUMNS.items():
                if column not in have[table]:
                    conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))
            if "session" not in have["document_keys"]:  # keys written before it existed
                conn.execute(document_keys.update().values(session=sa.select(
                    documents.c.session).where(documents.c.doc_id == document_keys.c.doc_id)
                    .scalar_subquery()))
        KEYS_BY_SESSION.create(self.engine, checkfirst=True)

    # --- helpers -------------------------------------------------------------

    def _insert_ignore(self, table: sa.Table, **values: Any) -> sa.Insert:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table).values(**values).on_conflict_do_nothing()

    # --- originals and runs --------------------------------------------------

    def register(self, bucket: str, key: str, etag: str, size: int | None,
                 trigger: str, sequencer: str | None = None) -> Registration:
        """Record an upload once; later events for the same upload change nothing."""
        now = utcnow()
        with self.engine.begin() as conn:
            result = conn.execute(self._insert_ignore(
                originals, bucket=bucket, key=key, etag=etag, size=size, sequencer=sequencer,
                state="queued", created_at=now, updated_at=now).returning(originals.c.id))
            # rowcount is -1 on PostgreSQL with RETURNING; a returned row means we inserted.
            new = result.first() is not None
            row = conn.execute(sa.select(originals.c.id, originals.c.state).where(
                originals.c.bucket == bucket, originals.c.key == key,
                originals.c.etag == etag)).one()
            if new:
                conn.execute(runs.insert().values(original_id=row.id, trigger=trigger,
                                                  started_at=now))
        return Registration(row.id, new, row.state)

    def knows(self, bucket: str, key: str, etag: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(originals.c.id).where(
                originals.c.bucket == bucket, originals.c.key == key,
                originals.c.etag == etag)).first() is not None

    def start_run(self, original_id: int, trigger: str, auto: bool = False) -> None:
        """A new run of a known original (retry): its stages start afresh.

        Earlier runs keep their rows (trigger, outcome, error): that is the history.
        ``auto`` counts a retry the sweep started, for its cap."""
        now = utcnow()
        values = dict(state="queued", error=None, error_transient=None, updated_at=now)
        if auto:
            values["auto_retries"] = sa.func.coalesce(originals.c.auto_retries, 0) + 1
        with self.engine.begin() as conn:
            conn.execute(stages.delete().where(stages.c.original_id == original_id))
            conn.execute(originals.update().where(originals.c.id == original_id).values(
                **values))
            conn.execute(runs.insert().values(original_id=original_id, trigger=trigger,
                                              started_at=now))

    def claim_content(self, original_id: int, sha256: str) -> int:
        """Record the original's hash; return the id of the first original with these bytes."""
        return self.claim(original_id, sha256)[0]

    def claim(self, original_id: int, sha256: str) -> tuple[int, bool]:
        """``claim_content``, and whether these bytes were seen for the first time just now
        (then nothing can have been made from them yet)."""
        with self.engine.begin() as conn:
            conn.execute(originals.update().where(originals.c.id == original_id).values(
                sha256=sha256, updated_at=utcnow()))
            fresh = conn.execute(self._insert_ignore(
                contents, sha256=sha256, original_id=original_id)).rowcount == 1
            first = conn.execute(sa.select(contents.c.original_id).where(
                contents.c.sha256 == sha256)).scalar_one()
        return first, fresh

    def original(self, original_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(originals).where(
                originals.c.id == original_id)).mappings().first()
            return dict(row) if row else None

    def originals_by_key(self, key: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(originals).where(
                originals.c.key == key).order_by(originals.c.id)).mappings()]

    # --- stage state ---------------------------------------------------------

    def stage_started(self, original_id: int, stage: str, task_id: str | None) -> int:
        """Mark a stage running; return how many times it has been delivered."""
        with self.engine.begin() as conn:
            return self._stage_started(conn, original_id, stage, task_id)

    def begin_stage(self, original_id: int, stage: str,
                    task_id: str | None) -> tuple[dict | None, int]:
        """The original's row and, unless it is gone or already finished (indexed, duplicate,
        quarantined: then 0 and nothing changes), the stage marked running and its delivery
        count: ``original`` and ``stage_started`` on one connection."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(originals).where(
                originals.c.id == original_id)).mappings().first()
            if row is None or row["state"] in TERMINAL_STATES:
                return (dict(row) if row else None), 0
            return dict(row), self._stage_started(conn, original_id, stage, task_id)

    def _stage_started(self, conn, original_id: int, stage: str, task_id: str | None) -> int:
        now = utcnow()
        conn.execute(self._insert_ignore(stages, original_id=original_id, stage=stage,
                                         state="running", attempts=0))
        conn.execute(stages.update().where(
            stages.c.original_id == original_id, stages.c.stage == stage).values(
            state="running", attempts=stages.c.attempts + 1, task_id=task_id,
            started_at=now, error=None))
        conn.execute(originals.update().where(
            originals.c.id == original_id,
            originals.c.state.not_in(TERMINAL_STATES)).values(
            state="running", updated_at=now))
        return conn.execute(sa.select(stages.c.attempts).where(
            stages.c.original_id == original_id, stages.c.stage == stage)).scalar_one()

    def stage_done(self, original_id: int, stage: str, artifact: str | None,
                   symbol: str | None = None) -> None:
        """The stage finished; ``symbol`` (segment) is recorded in the same transaction."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(stages.update().where(
                stages.c.original_id == original_id, stages.c.stage == stage).values(
                state="done", artifact=artifact, finished_at=now, error=None))
            if symbol is not None:
                conn.execute(originals.update().where(originals.c.id == original_id).values(
                    symbol=symbol, updated_at=now))

    def stage_failed(self, original_id: int, stage: str, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(stages.update().where(
                stages.c.original_id == original_id, stages.c.stage == stage).values(
                state="failed", finished_at=utcnow(), error=error))

    def stage_states(self, original_id: int) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(stages.c.stage, stages.c.state).where(
                stages.c.original_id == original_id)).all()
        found = dict(rows)
        return {stage: found.get(stage, "pending") for stage in STAGES}

    # --- outcomes ------------------------------------------------------------

    def _finish(self, conn, original_id: int, outcome: str, error: str | None = None) -> None:
        last_run = sa.select(sa.func.max(runs.c.id)).where(
            runs.c.original_id == original_id).scalar_subquery()
        conn.execute(runs.update().where(runs.c.id == last_run).values(
            finished_at=utcnow(), outcome=outcome, error=error))

    def set_symbol(self, original_id: int, symbol: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(originals.update().where(originals.c.id == original_id).values(
                symbol=symbol, updated_at=utcnow()))

    def mark_duplicate(self, original_id: int, of: int) -> None:
        with self.engine.begin() as conn:
            symbol = conn.execute(sa.select(originals.c.symbol).where(
                originals.c.id == of)).scalar()
            conn.execute(originals.update().where(originals.c.id == original_id).values(
                state="duplicate", duplicate_of=of, symbol=symbol, updated_at=utcnow()))
            self._finish(conn, original_id, "duplicate")

    def mark_quarantined(self, original_id: int, reason: str, transient: bool = False) -> None:
        with self.engine.begin() as conn:
            conn.execute(originals.update().where(originals.c.id == original_id).values(
                state="quarantined", error=reason, error_transient=transient,
                updated_at=utcnow()))
            self._finish(conn, original_id, "quarantined", error=reason)

    def set_location(self, original_id: int, location: str | None) -> None:
        """Record where the original now is (None: back at its upload key)."""
        with self.engine.begin() as conn:
            conn.execute(originals.update().where(originals.c.id == original_id).values(
                location=location, updated_at=utcnow()))

    def find_original(self, key: str) -> dict | None:
        """The original now at ``key``, or else the latest uploaded under ``key``."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(originals).where(originals.c.location == key)
                               .order_by(originals.c.id.desc())).mappings().first()
            if row is None:
                row = conn.execute(sa.select(originals).where(originals.c.key == key)
                                   .order_by(originals.c.id.desc())).mappings().first()
            return dict(row) if row else None

    def originals_in_state(self, *states: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(originals).where(
                originals.c.state.in_(states)).order_by(originals.c.id)).mappings()]

    def stage_rows(self, original_id: int) -> dict[str, dict]:
        with self.engine.connect() as conn:
            return {r["stage"]: dict(r) for r in conn.execute(sa.select(stages).where(
                stages.c.original_id == original_id)).mappings()}

    def runs_of(self, original_id: int) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(runs).where(
                runs.c.original_id == original_id).order_by(runs.c.id)).mappings()]

    def referenced_artifacts(self) -> set[str]:
        """Artifacts something still points at: indexed documents and stages of live runs."""
        with self.engine.connect() as conn:
            refs = {r for row in conn.execute(sa.select(documents.c.document_artifact,
                                                        documents.c.diff_artifact))
                    for r in row if r}
            live = sa.select(originals.c.id).where(originals.c.state.not_in(TERMINAL_STATES))
            refs |= {r for (r,) in conn.execute(sa.select(stages.c.artifact).where(
                stages.c.original_id.in_(live), stages.c.artifact.is_not(None)))}
        return refs

    # --- a lock for maintenance (embedded mode) -------------------------------

    def acquire_lock(self, name: str, holder: str, ttl_seconds: float) -> bool:
        """Take ``name`` unless someone else holds it and it has not expired."""
        now = utcnow()
        expires = now + dt.timedelta(seconds=ttl_seconds)
        with self.engine.begin() as conn:
            conn.execute(self._insert_ignore(locks, name=name, holder=holder,
                                             expires_at=expires))
            conn.execute(locks.update().where(
                locks.c.name == name,
                sa.or_(locks.c.holder == holder, locks.c.expires_at < now)).values(
                holder=holder, expires_at=expires))
            current = conn.execute(sa.select(locks.c.holder).where(
                locks.c.name == name)).scalar_one()
        return current == holder

    def release_lock(self, name: str, holder: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(locks.delete().where(locks.c.name == name, locks.c.holder == holder))

    def mark_indexed(self, original_id: int, *, doc_id: str, symbol: str | None,
                     session: int | None, kind: str | None, body: str | None,
                     title: str | None, document_artifact: str, diff_artifact: str | None,
                     keys: Iterable[tuple[str, str]]) -> None:
        """The run's last step: the document becomes visible to status and to lineage."""
        now = utcnow()
        row = dict(original_id=original_id, symbol=symbol, session=session, kind=kind,
                   body=body, title=title, document_artifact=document_artifact,
                   diff_artifact=diff_artifact, indexed_at=now)
        with self.engine.begin() as conn:
            conn.execute(documents.delete().where(documents.c.doc_id == doc_id))
            conn.execute(documents.insert().values(doc_id=doc_id, **row))
            conn.execute(document_keys.delete().where(document_keys.c.doc_id == doc_id))
            unique_keys = sorted(set(keys))
            if unique_keys:
                conn.execute(document_keys.insert(), [
                    dict(doc_id=doc_id, name=name, value=value, session=session)
                    for name, value in unique_keys])
            conn.execute(originals.update().where(originals.c.id == original_id).values(
                state="indexed", symbol=symbol, error=None, indexed_at=now, updated_at=now))
            self._finish(conn, original_id, "indexed")

    # --- documents and lineage ----------------------------------------------

    def documents_with_keys(self, keys: Iterable[tuple[str, str]], exclude: str | None = None,
                            weights: dict[str, int] | None = None, near_session: int | None = None,
                            min_session: int | None = None, limit: int = 50) -> list[dict]:
        """Documents sharing at least one lineage key, best first: the heaviest shared
        keys (``weights`` by key name, 1 where not given), then the nearest session.

        Each key contributes at most ``KEY_FANOUT`` documents on each side of
        ``near_session`` (an index range scan on (name, value, session)), and the answer
        is capped at ``limit``: the cost follows the keys, not the size of the archive nor
        how many documents share a title."""
        pairs = sorted(set(keys))
        if not pairs:
            return []
        weights = weights or {}
        k = document_keys.c

        def nearest(name: str, value: str, side: str):
            """The documents with this key nearest to ``near_session`` on one side."""
            q = sa.select(k.doc_id).where(k.name == name, k.value == value)
            if exclude:
                q = q.where(k.doc_id != exclude)
            if min_session is not None:
                q = q.where(sa.or_(k.session.is_(None), k.session >= min_session))
            if near_session is None:
                q = q.order_by(k.session.desc())
            elif side == "below":
                q = q.where(k.session <= near_session).order_by(k.session.desc())
            elif side == "above":
                q = q.where(k.session > near_session).order_by(k.session.asc())
            else:
                q = q.where(k.session.is_(None))
            w = weights.get(name, 1)
            sub = q.limit(KEY_FANOUT).subquery()
            return sa.select(sub.c.doc_id, sa.literal(w).label("w"))

        sides = ("below", "above", "none") if near_session is not None else ("all",)
        hits = sa.union_all(*[nearest(n, v, side) for n, v in pairs for side in sides]).subquery()
        shared = (sa.select(hits.c.doc_id, sa.func.sum(hits.c.w).label("shared"))
                  .group_by(hits.c.doc_id).subquery())
        order = [shared.c.shared.desc()]
        if near_session is not None:
            order.append(sa.func.abs(sa.func.coalesce(documents.c.session, 0) - near_session))
        query = (sa.select(documents, shared.c.shared)
                 .join(shared, shared.c.doc_id == documents.c.doc_id)
                 .order_by(*order, documents.c.doc_id).limit(limit))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def document_by_symbol(self, symbol: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(documents).where(documents.c.symbol == symbol)
                               .order_by(documents.c.indexed_at.desc())).mappings().first()
            return dict(row) if row else None

    def document(self, doc_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(documents).where(
                documents.c.doc_id == doc_id)).mappings().first()
            return dict(row) if row else None

    # --- status --------------------------------------------------------------

    def status(self) -> list[dict]:
        """Every original with its state and its stages' states, oldest first."""
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(
                sa.select(originals).order_by(originals.c.id)).mappings()]
            stage_rows = conn.execute(sa.select(stages.c.original_id, stages.c.stage,
                                                stages.c.state)).all()
        by_original: dict[int, dict[str, str]] = {}
        for original_id, stage, state in stage_rows:
            by_original.setdefault(original_id, {})[stage] = state
        for row in rows:
            found = by_original.get(row["id"], {})
            row["stages"] = {stage: found.get(stage, "pending") for stage in STAGES}
        return rows


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Several worker processes share one file: WAL lets readers and a writer
    # proceed together, and the busy timeout makes writers wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
