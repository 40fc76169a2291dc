"""The paragraph search index: one interface, one class per backend.

``open_index(url)`` picks the backend by URL scheme:

* ``sqlite:///path/index.db`` -> ``SQLiteIndex`` (FTS5, WAL, busy timeout: several
  processes may write and read the same file).
* ``postgresql://...`` (or ``postgresql+psycopg://``) -> ``PostgresIndex`` (a generated
  tsvector with a GIN index, pg_trgm on symbols; one transaction per document).

Every backend takes the user's query text through ``parse_query`` first, which never
fails on odd input: only a query with nothing to search raises ``QueryError``.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol, runtime_checkable

from pydantic import BaseModel

from pipeline.errors import DocpipeError
from pipeline.index import IndexRow

# Larger queries are cut: nobody types more, and FTS5 cost grows with the terms.
MAX_QUERY_CHARS = 2000
MAX_TERMS = 32
MAX_LIMIT = 500
# A query that matches more paragraphs is ranked among its latest this many (see
# ``SQLiteIndex._window_floor`` and ``PostgresIndex._window_floor``); None ranks every match.
RANK_WINDOW = 10_000
HIGHLIGHT = ("<mark>", "</mark>")
# What the backends wrap matched words in: private-use characters that indexed text
# never contains (``_clean_text`` removes them), so that a snippet can be turned into
# HTML exactly: the document's text escaped, and only these become <mark> tags.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
TYPES = ("preamble", "operative", "footnote")
CHANGES = ("added", "modified", "moved", "unchanged")


class QueryError(DocpipeError):
    """The query has nothing to search for (empty, only punctuation, only exclusions)."""

    exit_code = 2


class Hit(BaseModel):
    doc_id: str
    symbol: str | None
    paragraph: str  # P3 / O7 / F1
    type: str
    snippet: str  # matched words wrapped in HIGHLIGHT; the text itself as stored (not HTML)
    snippet_html: str = ""  # the same as HTML: text escaped, only HIGHLIGHT tags are markup
    score: float  # higher is better (negated bm25 for SQLite)
    session: int | None
    phrase: str | None = None
    change: str | None = None
    # The session in which the paragraph (or the earliest one it descends from) first
    # appeared; None when its lineage is not known (and always for footnotes).
    introduced_session: int | None = None


@dataclass(frozen=True)
class Filters:
    """What a search may be narrowed to; every field is optional and they combine (AND).

    ``session`` is one session, ``since``/``until`` an inclusive range; ``introduced`` keeps
    the paragraphs that first appeared in that session (``IndexRow.introduced_session``:
    the paragraph or the earliest one it descends from); ``body``, ``kind``
    and ``agenda_item`` match whole values case-insensitively; ``phrase`` is the opening
    phrase (case and spacing ignored); ``symbol_prefix`` is case-insensitive and may end
    in ``*`` (``A/C.2/58/*``). Values outside the known ones (a ``type`` or ``change``
    no paragraph has) simply match nothing: ``check_filters`` is for callers that want
    to refuse them.
    """

    session: int | None = None
    since: int | None = None
    until: int | None = None
    body: str | None = None
    kind: str | None = None
    agenda_item: str | None = None
    type: str | None = None
    phrase: str | None = None
    change: str | None = None
    symbol_prefix: str | None = None
    introduced: int | None = None

    @classmethod
    def of(cls, **values) -> "Filters":
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown search filters: {', '.join(sorted(unknown))}")
        clean: dict = {}
        for name, value in values.items():
            if value is None:
                continue
            if name in _SESSION_FILTERS:
                value = _whole_number(name, value)
            else:
                value = _clean_text(str(value)).strip()
                if name == "symbol_prefix":
                    value = value.rstrip("*").strip()
                if name == "phrase":
                    value = " ".join(value.lower().split())
                if not value:
                    continue
            clean[name] = value
        return cls(**clean)


# The filters whose value is a session number (a whole number).
_SESSION_FILTERS = ("session", "since", "until", "introduced")


def _whole_number(name: str, value) -> int:
    """``value`` as an int, or ``QueryError`` naming the filter: "58", 58 and 58.0 are 58;
    "58.5", 58.5, "fifty-eight" and True are refused (never silently truncated)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    shown = value if isinstance(value, (str, int, float)) else type(value).__name__
    if isinstance(shown, str) and len(shown) > 40:
        shown = shown[:40] + "…"
    raise QueryError(f"{name} must be a session number (a whole number such as 58), "
                     f"not {shown!r}")


def check_filters(filters: Filters) -> None:
    """Refuse values no paragraph can have, with a message a user can act on."""
    if filters.type and filters.type not in TYPES:
        raise QueryError(f"type must be one of {', '.join(TYPES)}, not {filters.type!r}")
    if filters.change and filters.change not in CHANGES:
        raise QueryError(f"change must be one of {', '.join(CHANGES)}, not {filters.change!r}")
    for name in _SESSION_FILTERS:
        value = getattr(filters, name)
        if value is not None:
            value = _whole_number(name, value)  # a Filters built directly may hold anything
        if value is not None and not 1 <= value <= 999:
            raise QueryError(f"{name} must be a session number between 1 and 999, not {value}")
    if filters.since is not None and filters.until is not None and filters.since > filters.until:
        raise QueryError(f"since ({filters.since}) is after until ({filters.until})")


class Facets(dict):
    """``{"session": {58: 3, ...}, "body": {"General Assembly": 2, ...}, "total": 5}``."""


def _facets(groups: Iterable[tuple[int | None, str | None, int]]) -> Facets:
    sessions: dict[int, int] = {}
    bodies: dict[str, int] = {}
    total = 0
    for session, body, n in groups:
        total += n
        if session is not None:
            sessions[session] = sessions.get(session, 0) + n
        if body:
            bodies[body] = bodies.get(body, 0) + n
    return Facets(session=dict(sorted(sessions.items(), key=lambda kv: -kv[0])),
                  body=dict(sorted(bodies.items(), key=lambda kv: (-kv[1], kv[0]))),
                  total=total)


def _clean_text(text: str) -> str:
    """No NUL or other control characters, no lone surrogates, no highlight sentinels."""
    text = _CONTROL.sub(" ", text).replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "")
    return text.encode("utf-8", "replace").decode("utf-8")


def _snippets(raw: str) -> tuple[str, str]:
    """(plain snippet with <mark>, HTML snippet) from a backend's sentinel-marked one."""
    plain = raw.replace(_MARK_OPEN, HIGHLIGHT[0]).replace(_MARK_CLOSE, HIGHLIGHT[1])
    escaped = html.escape(raw, quote=False)
    return plain, escaped.replace(_MARK_OPEN, HIGHLIGHT[0]).replace(_MARK_CLOSE, HIGHLIGHT[1])


@runtime_checkable
class SearchIndex(Protocol):
    def replace(self, doc_id: str, rows: Iterable[IndexRow | dict]) -> int: ...
    def delete(self, doc_id: str) -> int: ...
    def search(self, query: str, *, limit: int = 20, session: int | None = None,
               type: str | None = None, phrase: str | None = None, change: str | None = None,
               symbol_prefix: str | None = None, body: str | None = None,
               **filters) -> list[Hit]: ...
    def facets(self, query: str, **filters) -> Facets: ...
    def count(self) -> int: ...
    def close(self) -> None: ...


def open_index(url: str, **options) -> SearchIndex:
    if url.startswith("sqlite://"):
        return SQLiteIndex(_sqlite_path(url), **options)
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return PostgresIndex(url, **options)
    raise ValueError(f"unsupported index URL {url!r}: use sqlite:///path or postgresql://...")


def _sqlite_path(url: str) -> str:
    rest = url[len("sqlite://"):]
    if rest in ("", "/", "/:memory:"):
        return ":memory:"
    if not rest.startswith("/"):
        raise ValueError(f"index URL {url!r}: expected sqlite:///relative or sqlite:////absolute")
    return rest[1:]  # SQLAlchemy's convention: sqlite:////abs/path, sqlite:///rel/path


# --- query parsing (backend-neutral) -------------------------------------------

@dataclass
class Term:
    text: str  # the words, as the user typed them
    phrase: bool = False  # quoted: words must be adjacent
    prefix: bool = False  # word* : any word starting so


@dataclass
class ParsedQuery:
    """Groups joined by OR; in a group all ``include`` terms and none of ``exclude``."""

    groups: list[tuple[list[Term], list[Term]]] = field(default_factory=list)
    truncated: bool = False


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LEXEME = re.compile(r'"([^"]*)"?|(\S+)')
_HAS_WORD = re.compile(r"\w")
_OPERATORS = {"AND", "OR", "NOT"}


def parse_query(query: str) -> ParsedQuery:
    """User text -> terms and operators, dropping whatever cannot be searched.

    Words, "quoted phrases" (an unclosed quote runs to the end), AND / OR / NOT in
    capitals, a leading ``-`` for NOT, ``word*`` for a prefix. Stray operators,
    brackets and punctuation are ignored rather than refused.
    """
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    truncated = len(query) > MAX_QUERY_CHARS
    text = _clean_text(query[:MAX_QUERY_CHARS])
    parsed = ParsedQuery(truncated=truncated)
    include: list[Term] = []
    exclude: list[Term] = []
    negate = excluded_any = False
    nterms = 0
    for m in _LEXEME.finditer(text):
        quoted, word = m.group(1), m.group(2)
        if word in _OPERATORS:
            if word == "OR":
                _close_group(parsed, include, exclude)
                include, exclude = [], []
                negate = False
            elif word == "NOT":
                negate = True
            continue
        term = _term(quoted, word)
        if term is None:
            continue
        if word and word.startswith("-") and len(word) > 1 and term.text[0] != "-":
            negate = True
        nterms += 1
        if nterms > MAX_TERMS:
            parsed.truncated = True
            break
        (exclude if negate else include).append(term)
        excluded_any = excluded_any or negate
        negate = False
    _close_group(parsed, include, exclude)
    if not parsed.groups:
        if excluded_any:
            raise QueryError("the query only excludes words: add a word to search for")
        raise QueryError("the query is empty: type words to search for")
    return parsed


def _term(quoted: str | None, word: str | None) -> Term | None:
    if quoted is not None:
        words = quoted.strip()
        return Term(words, phrase=True) if _HAS_WORD.search(words) else None
    prefix = word.endswith("*")
    # Brackets, stray quotes and leading/trailing punctuation are not part of a word,
    # but inner ones are (56/203, A/RES/56/203, Secretary-General).
    core = word.strip("()[]{}\"'*,;:!?.-+^~")
    if not _HAS_WORD.search(core):
        return None
    return Term(core, prefix=prefix)


def _close_group(parsed: ParsedQuery, include: list[Term], exclude: list[Term]) -> None:
    if include:  # a group with only exclusions cannot be searched: drop it
        parsed.groups.append((include, exclude))


# --- SQLite FTS5 -----------------------------------------------------------------

_SYMBOL_RES = re.compile(r"^A/RES/(.+)$", re.I)


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_term(term: Term) -> str:
    """A term as an FTS5 string: always quoted, so no character can be an operator."""
    expr = _fts_string(term.text)
    if term.prefix and not term.phrase:
        expr += "*"
    # "A/RES/56/203" is printed "resolution 56/203" in the text: accept either.
    m = _SYMBOL_RES.match(term.text)
    if m and not term.prefix:
        expr = f"({expr} OR {_fts_string(m.group(1))})"
    return expr


def to_fts5(parsed: ParsedQuery) -> str:
    groups = []
    for include, exclude in parsed.groups:
        expr = "(" + " AND ".join(_fts_term(t) for t in include) + ")"
        if exclude:
            expr += " NOT (" + " OR ".join(_fts_term(t) for t in exclude) + ")"
        groups.append("(" + expr + ")")
    return " OR ".join(groups)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS paragraphs (
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    paragraph TEXT NOT NULL,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    number TEXT,
    phrase TEXT,
    phrase_key TEXT,
    display_text TEXT NOT NULL,
    symbol TEXT,
    session INTEGER,
    body TEXT,
    kind TEXT,
    agenda_item TEXT,
    title TEXT,
    cites TEXT NOT NULL DEFAULT '[]',
    change TEXT,
    introduced_session INTEGER,
    UNIQUE (doc_id, paragraph)
);
CREATE INDEX IF NOT EXISTS paragraphs_session ON paragraphs(session);
CREATE INDEX IF NOT EXISTS paragraphs_introduced ON paragraphs(introduced_session);
CREATE INDEX IF NOT EXISTS paragraphs_symbol ON paragraphs(symbol);
CREATE INDEX IF NOT EXISTS paragraphs_phrase ON paragraphs(phrase_key);
-- Standalone FTS table sharing rowids with paragraphs: text for search, refs for symbols,
-- filters for the row's filter values as reserved tokens (``_filter_tokens``).
CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5(
    text, refs, filters, tokenize = 'unicode61 remove_diacritics 2'
);
"""
_FTS_V3 = ("CREATE VIRTUAL TABLE {name} USING fts5("
           "text, refs, filters, tokenize = 'unicode61 remove_diacritics 2')")
# 2: introduced_session (an index of version 1 gets the column, NULL, keeping its rows)
# 3: paragraphs_fts.filters (filter values as tokens: a filtered query is one FTS match;
#    an older index gets its FTS table rebuilt from the stored text, rows kept)
SCHEMA_VERSION = 3
# The user's words match only these columns, never the filter tokens.
_TEXT_COLUMNS = "{text refs}"
# A session range becomes an OR of session tokens when it spans at most this many
# sessions present in the index; a wider one is checked on the paragraphs table (each
# token of an OR is one more list for FTS5 to merge, and a wide range narrows little:
# measured at 1M rows, since=55 as 26 tokens was slower than the check).
_MAX_RANGE_TOKENS = 4
# How many of a word's latest matches ``_rarest`` walks to compare word frequencies.
_DENSITY_PROBE = 1000
_WORD = re.compile(r"[^\W_]+")


def _hashed(letter: str, value: str) -> str:
    """A filter value as one token: a letter and a hash (any value, any characters)."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return letter + digest


def _session_token(letter: str, session: int) -> str:
    return f"{letter}{session}" if session >= 0 else f"{letter}m{-session}"


def _symbol_prefixes(symbol: str) -> list[str]:
    """``a/c.2/58/l.17`` -> ``a/``, ``a/c.2/``, ``a/c.2/58/``: each part up to a slash."""
    symbol = symbol.lower()
    return [symbol[:i + 1] for i, ch in enumerate(symbol) if ch == "/"]


def _filter_tokens(*, session, introduced, type, change, body, kind, agenda_item,
                   phrase_key, symbol) -> str:
    """The FTS ``filters`` column of a row: one token per filter value it can match.

    Sessions as ``s58`` / ``i58`` (introduced); type, change and the opening phrase as
    hashes of the exact value (the filters compare them exactly); body, kind and
    agenda item as hashes of the lower-cased value, and the symbol as hashes of each
    prefix ending in "/": those filters are case-insensitive or prefixes, so their token
    only narrows the match and the paragraphs table still decides.
    """
    tokens = []
    if session is not None:
        tokens.append(_session_token("s", session))
    if introduced is not None:
        tokens.append(_session_token("i", introduced))
    for letter, value in (("t", type), ("c", change), ("h", phrase_key)):
        if value:
            tokens.append(_hashed(letter, value))
    for letter, value in (("b", body), ("k", kind), ("a", agenda_item)):
        if value:
            tokens.append(_hashed(letter, value.lower()))
    if symbol:
        tokens += [_hashed("y", prefix) for prefix in _symbol_prefixes(symbol)]
    return " ".join(tokens)


class _NoMatch(Exception):
    """The filters cannot match any paragraph (a session range with no session in it)."""


class SQLiteIndex:
    """FTS5 index in one SQLite file; safe across threads (one lock) and processes (WAL)."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 30000,
                 rank_window: int | None = RANK_WINDOW) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.rank_window = rank_window
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._ensure_schema()

    # connection handling: one per process (a forked worker must not reuse its parent's)
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                # Reads map the file and keep more pages: the join from FTS rows to their
                # metadata is random access.
                conn.execute("PRAGMA mmap_size = 1073741824")
                conn.execute("PRAGMA cache_size = -65536")
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    class _Tx:
        def __init__(self, index: "SQLiteIndex") -> None:
            self.index = index

        def __enter__(self) -> sqlite3.Connection:
            self.index._lock.acquire()
            self.conn = self.index._connection()
            # IMMEDIATE takes the write lock now, so two writers wait (busy timeout)
            # instead of deadlocking on a read-to-write upgrade.
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, exc_type, exc, tb) -> None:
            try:
                self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
            finally:
                self.index._lock.release()

    def _write(self) -> "SQLiteIndex._Tx":
        return SQLiteIndex._Tx(self)

    def _ensure_schema(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"index {self.path} has schema {version}, newer than this code")
            # Migrations first: the schema's indexes name the newer columns. By the columns
            # present rather than by the version, so an index written before versions
            # existed is brought up to date too.
            columns = {r[1] for r in conn.execute("PRAGMA table_info(paragraphs)")}
            if columns and "introduced_session" not in columns:
                conn.execute("ALTER TABLE paragraphs ADD COLUMN introduced_session INTEGER")
            fts_columns = {r[1] for r in conn.execute("PRAGMA table_info(paragraphs_fts)")}
            if fts_columns and "filters" not in fts_columns:
                self._rebuild_fts(conn)
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @staticmethod
    def _rebuild_fts(conn: sqlite3.Connection) -> None:
        """Schema 3: the FTS table of an older index again, with the filters column."""
        conn.execute("DROP TABLE IF EXISTS paragraphs_fts_v3")
        conn.execute(_FTS_V3.format(name="paragraphs_fts_v3"))
        rows = conn.execute(
            "SELECT f.rowid, f.text, f.refs, p.session, p.introduced_session, p.type, p.change,"
            " p.body, p.kind, p.agenda_item, p.phrase_key, p.symbol"
            " FROM paragraphs_fts f LEFT JOIN paragraphs p ON p.rowid = f.rowid")
        conn.executemany(
            "INSERT INTO paragraphs_fts_v3 (rowid, text, refs, filters) VALUES (?,?,?,?)",
            ((r[0], r[1], r[2], _filter_tokens(
                session=r[3], introduced=r[4], type=r[5], change=r[6], body=r[7], kind=r[8],
                agenda_item=r[9], phrase_key=r[10], symbol=r[11])) for r in rows.fetchall()))
        conn.execute("DROP TABLE paragraphs_fts")
        conn.execute("ALTER TABLE paragraphs_fts_v3 RENAME TO paragraphs_fts")

    def optimize(self) -> None:
        """Merge the FTS index into one segment (after a bulk load: fewer pages per query)."""
        with self._write() as conn:
            conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize')")

    # --- writes ---
    def replace(self, doc_id: str, rows: Iterable[IndexRow | dict]) -> int:
        """Make the document's rows exactly ``rows``, in one transaction (idempotent)."""
        rows = [r if isinstance(r, IndexRow) else IndexRow.model_validate(r) for r in rows]
        if any(r.doc_id != doc_id for r in rows):
            raise ValueError(f"rows for another document given to replace({doc_id!r})")
        with self._write() as conn:
            self._delete(conn, doc_id)
            for r in rows:
                cur = conn.execute(
                    "INSERT INTO paragraphs (doc_id, paragraph, position, type, number, phrase,"
                    " phrase_key, display_text, symbol, session, body, kind, agenda_item, title,"
                    " cites, change, introduced_session)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (r.doc_id, r.paragraph, r.position, r.type, r.number, r.phrase,
                     r.phrase.lower() if r.phrase else None, r.display_text, r.symbol, r.session,
                     r.body, r.kind, r.agenda_item, r.title, json.dumps(r.cites), r.change,
                     r.introduced_session))
                refs = " ".join(r.refs + ([r.symbol] if r.symbol else []))
                tokens = _filter_tokens(
                    session=r.session, introduced=r.introduced_session, type=r.type,
                    change=r.change, body=r.body, kind=r.kind, agenda_item=r.agenda_item,
                    phrase_key=r.phrase.lower() if r.phrase else None, symbol=r.symbol)
                conn.execute("INSERT INTO paragraphs_fts (rowid, text, refs, filters)"
                             " VALUES (?,?,?,?)", (cur.lastrowid, _clean_text(r.text), refs, tokens))
        return len(rows)

    @staticmethod
    def _delete(conn: sqlite3.Connection, doc_id: str) -> int:
        conn.execute("DELETE FROM paragraphs_fts WHERE rowid IN "
                     "(SELECT rowid FROM paragraphs WHERE doc_id = ?)", (doc_id,))
        return conn.execute("DELETE FROM paragraphs WHERE doc_id = ?", (doc_id,)).rowcount

    def delete(self, doc_id: str) -> int:
        with self._write() as conn:
            return self._delete(conn, doc_id)

    # --- reads ---
    def count(self, doc_id: str | None = None) -> int:
        with self._lock:
            conn = self._connection()
            if doc_id is None:
                return conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
            return conn.execute("SELECT count(*) FROM paragraphs WHERE doc_id = ?",
                                (doc_id,)).fetchone()[0]

    def search(self, query: str, *, limit: int = 20, session: int | None = None,
               type: str | None = None, phrase: str | None = None, change: str | None = None,
               symbol_prefix: str | None = None, body: str | None = None,
               **filters) -> list[Hit]:
        """Paragraphs matching ``query`` under ``filters`` (see ``Filters``), best first.

        The filters are part of the FTS match (``_filter_tokens``), so a filtered query
        is one match, ranked in its own window; only the case-insensitive and prefix
        filters are checked again on the paragraphs table, for the rows being ranked.
        A query with a phrase ("quoted words", Secretary-General) on an index where it
        has more than ``rank_window`` candidates is ranked by ``_ranked_by_probe``.
        """
        f = Filters.of(session=session, type=type, phrase=phrase, change=change,
                       symbol_prefix=symbol_prefix, body=body, **filters)
        parsed = parse_query(query)
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self._lock:
            try:
                tokens, where, params = self._filter_plan(f)
            except _NoMatch:
                return []
            user = to_fts5(parsed)
            match = self._match(user, tokens)
            top = None
            probe = self._probe(parsed) if self.rank_window else None
            if probe is not None:
                top = self._ranked_by_probe(match, probe, tokens, where, params, limit)
            if top is None:
                # bm25 of the user's words only: the filter tokens would cost a pass over
                # each token's rows (its frequency) and add nothing to the score (their
                # column weighs 0).
                floor = self._window_floor(match)
                rank = self._match(user, None)
                top = self._ranked(match, rank, floor, where, params, limit)
                if floor is not None and len(top) < limit:
                    # The checked filters kept too few recent matches: rank them all.
                    top = self._ranked(match, rank, None, where, params, limit)
            if not top:
                return []
            # Then snippet() for the kept rows only, each found by its rowid (a join on
            # the ranked rows would make SQLite walk every match again).
            found = {r[0]: r for r in self._read(
                "SELECT paragraphs_fts.rowid, p.doc_id, p.symbol, p.paragraph, p.type,"
                " p.session, p.phrase, p.change, p.introduced_session,"
                " snippet(paragraphs_fts, 0, ?, ?, '…', 24)"
                " FROM paragraphs_fts JOIN paragraphs p ON p.rowid = paragraphs_fts.rowid"
                " WHERE paragraphs_fts MATCH ? AND paragraphs_fts.rowid IN"
                f" ({','.join('?' * len(top))})",
                [_MARK_OPEN, _MARK_CLOSE, match, *(rowid for rowid, _ in top)])}
        rows = [(*found[rowid][1:], rank) for rowid, rank in top if rowid in found]
        hits = []
        for r in rows:
            plain, markup = _snippets(r[8])
            hits.append(Hit(doc_id=r[0], symbol=r[1], paragraph=r[2], type=r[3], session=r[4],
                            phrase=r[5], change=r[6], introduced_session=r[7], snippet=plain,
                            snippet_html=markup, score=round(-r[9], 6)))
        return hits

    def _ranked(self, match: str, rank: str, floor: int | None, where: str,
                params: list, limit: int) -> list[tuple[int, float]]:
        """(rowid, bm25) of the best ``limit`` matches of ``match`` at or above ``floor``.

        bm25 is that of ``rank``: ``match`` without its filter tokens, or a probe (see
        ``_ranked_by_probe``), which matches every row ``match`` does.
        """
        window = " AND paragraphs_fts.rowid >= ?" if floor is not None else ""
        floor_args = [floor] if floor is not None else []
        # Without checked filters the ranking needs no join: ties go by rowid, which is
        # the order rows were written (a document's paragraphs in their order).
        join = " JOIN paragraphs p ON p.rowid = paragraphs_fts.rowid" if where else ""
        exact = ""
        args: list = [rank, *floor_args]
        if rank != match:
            # "+": a filter on the subquery's rows, not a rowid lookup per value.
            exact = (" AND +paragraphs_fts.rowid IN (SELECT rowid FROM paragraphs_fts"
                     f" WHERE paragraphs_fts MATCH ?{window.replace('paragraphs_fts.', '')})")
            args += [match, *floor_args]
        sql = (f"SELECT paragraphs_fts.rowid, bm25(paragraphs_fts, 1.0, 0.5, 0.0) AS rank"
               f" FROM paragraphs_fts{join} WHERE paragraphs_fts MATCH ?{window}{exact}{where}"
               " ORDER BY rank, paragraphs_fts.rowid LIMIT ?")
        return self._read(sql, [*args, *params, limit])

    def _ranked_by_probe(self, match: str, probe_expr: str, tokens: str | None, where: str,
                         params: list, limit: int) -> list[tuple[int, float]] | None:
        """Rank a phrase query without reading its words' whole position lists.

        bm25 weighs each phrase by its document frequency, which FTS5 finds by matching
        the phrase in the whole index: for "report of the" that is every position of
        "of" and "the". The probe is the query with each phrase replaced by its rarest
        word (a superset of the matches, whose frequency is cheap to count). The
        window is the latest ``rank_window`` matches of the probe; the phrase is
        matched only there (a rowid range) and its rows are ranked by the probe's
        bm25. A window with fewer than ``limit`` of them grows four times, twice, and
        then spans the index. None when the probe has no more than ``rank_window``
        matches: the query is ranked as any other then.
        """
        probe, rank = self._match(probe_expr, tokens), self._match(probe_expr, None)
        offset = self.rank_window
        floor = self._window_floor(probe, offset)
        if floor is None:
            return None
        for _ in range(3):
            top = self._ranked(match, rank, floor, where, params, limit)
            if len(top) >= limit:
                return top
            offset *= 4
            floor = self._window_floor(probe, offset)
            if floor is None:
                break
        return self._ranked(match, rank, None, where, params, limit)

    def _probe(self, parsed: ParsedQuery) -> str | None:
        """The query with each phrase replaced by its rarest word; None without phrases.

        Only included words are replaced (an excluded phrase must stay exact for the
        probe to match every row the query matches); prefixes and symbols stay as typed.
        """
        groups, changed = [], False
        for include, exclude in parsed.groups:
            terms = []
            for term in include:
                words = _WORD.findall(term.text)
                if len(words) >= 2 and not term.prefix and not _SYMBOL_RES.match(term.text):
                    terms.append(Term(self._rarest(words)))
                    changed = True
                else:
                    terms.append(term)
            groups.append((terms, exclude))
        return to_fts5(ParsedQuery(groups)) if changed else None

    def _rarest(self, words: list[str]) -> str:
        """The word with the fewest recent matches (its ``_DENSITY_PROBE``-th latest
        match is the oldest); a word with fewer matches than that wins outright."""
        best, best_floor = words[0], None
        for word in dict.fromkeys(w.lower() for w in words):
            floor = self._window_floor(self._match(_fts_string(word), None), _DENSITY_PROBE)
            if floor is None:
                return word
            if best_floor is None or floor < best_floor:
                best, best_floor = word, floor
        return best

    @staticmethod
    def _match(expr: str, tokens: str | None) -> str:
        """The user's expression on the text columns, AND the filter tokens if any."""
        match = f"{_TEXT_COLUMNS} : ({expr})"
        return f"({match}) AND filters : ({tokens})" if tokens else match

    def facets(self, query: str, **filters) -> Facets:
        """How many paragraphs match, per session and per body (filters applied)."""
        f = Filters.of(**filters)
        parsed = parse_query(query)
        with self._lock:
            try:
                tokens, where, params = self._filter_plan(f)
            except _NoMatch:
                return _facets([])
            sql = ("SELECT p.session, p.body, count(*) FROM paragraphs_fts"
                   " JOIN paragraphs p ON p.rowid = paragraphs_fts.rowid"
                   f" WHERE paragraphs_fts MATCH ?{where} GROUP BY p.session, p.body")
            return _facets(self._read(sql, [self._match(to_fts5(parsed), tokens), *params]))

    def _window_floor(self, match: str, window: int | None = None) -> int | None:
        """The smallest rowid among the ``rank_window`` latest matches, or None if fewer.

        bm25 costs a lookup per matching row (about 1 µs each: 150 ms or more for a word in
        300,000 of a million paragraphs), while walking the match list by rowid is cheap. So a query
        matching more than ``rank_window`` paragraphs is ranked among its most recently
        indexed ``rank_window`` matches; counts (``facets``) stay exact.
        """
        window = window or self.rank_window
        if not window:
            return None
        row = self._read("SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH ?"
                         " ORDER BY rowid DESC LIMIT 1 OFFSET ?", [match, window - 1])
        return row[0][0] if row else None

    def _filter_plan(self, f: Filters) -> tuple[str | None, str, list]:
        """(FTS expression on the filters column or None, checked WHERE, its parameters).

        Sessions, type, change and the opening phrase are exact as tokens; body, kind,
        agenda item and symbol prefix narrow the match by token and are checked on the
        paragraphs table. ``_NoMatch`` if a session range holds no indexed session.
        """
        tokens: list[str] = []
        where, params = [], []
        if f.session is not None:
            tokens.append(_session_token("s", f.session))
        if f.introduced is not None:
            tokens.append(_session_token("i", f.introduced))
        if f.since is not None or f.until is not None:
            sessions = self._sessions_between(f.since, f.until)
            if sessions is None:  # too many to list: checked on the table instead
                if f.since is not None:
                    where.append("p.session >= ?")
                    params.append(f.since)
                if f.until is not None:
                    where.append("p.session <= ?")
                    params.append(f.until)
            elif not sessions:
                raise _NoMatch
            else:
                tokens.append("(" + " OR ".join(_session_token("s", s) for s in sessions) + ")")
        for letter, name in (("t", "type"), ("c", "change"), ("h", "phrase")):
            if getattr(f, name):
                tokens.append(_hashed(letter, getattr(f, name)))
        if f.symbol_prefix:
            prefixes = _symbol_prefixes(f.symbol_prefix)
            if prefixes:
                tokens.append(_hashed("y", prefixes[-1]))
            where.append("p.symbol LIKE ? ESCAPE '\\'")
            params.append(_like_prefix(f.symbol_prefix))
        for letter, name in (("b", "body"), ("k", "kind"), ("a", "agenda_item")):
            if getattr(f, name):
                tokens.append(_hashed(letter, getattr(f, name).lower()))
                where.append(f"p.{name} = ? COLLATE NOCASE")
                params.append(getattr(f, name))
        return (" AND ".join(tokens) or None), "".join(" AND " + w for w in where), params

    def _sessions_between(self, since: int | None, until: int | None) -> list[int] | None:
        """The sessions indexed in [since, until] (one index seek each), or None if more
        than ``_MAX_RANGE_TOKENS``."""
        found: list[int] = []
        low, strict = since, False
        while len(found) <= _MAX_RANGE_TOKENS:
            sql = "SELECT session FROM paragraphs WHERE session IS NOT NULL"
            args: list = []
            if low is not None:
                sql += " AND session > ?" if strict else " AND session >= ?"
                args.append(low)
            if until is not None:
                sql += " AND session <= ?"
                args.append(until)
            row = self._read(sql + " ORDER BY session LIMIT 1", args)
            if not row:
                return found
            found.append(row[0][0])
            low, strict = row[0][0], True
        return None

    def _read(self, sql: str, params: list) -> list[tuple]:
        with self._lock:
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
                    # parse_query should make this impossible; if not, say so clearly.
                    raise QueryError("the query could not be searched; use words, "
                                     '"quoted phrases", OR, NOT or -word') from None
                raise

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> "SQLiteIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


# --- PostgreSQL ------------------------------------------------------------------

# The PostgreSQL parser reads "56/203" or "A/RES/56/203" as one ``file`` token, but
# "A/C.2/58/L.37" as several and "ES-10/19" as pieces: matching would depend on the
# neighbours. So every "/" is followed by a unit separator (U+001F, a blank to the
# parser) on both sides, in the stored tsvector, in each query term and in the text
# given to ts_headline, and a symbol becomes a phrase: 56/203 -> '56' <-> '203'. The
# separator is removed from snippets again.
# "<" gets the same separator: the parser reads "<script>...</script>" and other tags as
# markup and skips them (and, once "/" is separated, everything after an opening
# <script>), so a paragraph quoting a tag would lose its words.
_SLASH_SQL = "E'/\\x1f'"
_SLASH = "/\x1f"
_SEP = "\x1f"


def _pg_parse_input(column: str) -> str:
    """SQL: the text the PostgreSQL parser sees for ``column`` (separators added)."""
    return f"replace(replace({column}, '/', {_SLASH_SQL}), '<', E'<\\x1f')"


# 2: "<" separated in the tsvector (1 lost words after a <script>)
# 3: introduced_session (added to an index of version 2 or earlier, NULL, rows kept)
PG_SCHEMA_VERSION = 3
_PG_TSV = f"""tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, {_pg_parse_input('text')}), 'A')
        || setweight(to_tsvector('english'::regconfig, {_pg_parse_input('refs')}), 'B')
        || setweight(to_tsvector('simple'::regconfig, {_pg_parse_input('text')}), 'D')
    ) STORED"""

_PG_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS paragraphs (
    id bigserial PRIMARY KEY,
    doc_id text NOT NULL,
    paragraph text NOT NULL,
    position integer NOT NULL,
    type text NOT NULL,
    number text,
    phrase text,
    phrase_key text,
    text text NOT NULL,
    display_text text NOT NULL,
    refs text NOT NULL DEFAULT '',
    symbol text,
    session integer,
    body text,
    kind text,
    agenda_item text,
    title text,
    cites text[] NOT NULL DEFAULT '{{}}',
    change text,
    introduced_session integer,
    -- The text (weight A, English stems), the cited symbols (B) and the text's unstemmed
    -- words (D: only so that a prefix such as developm* finds "development", whose
    -- English stem "develop" it does not begin).
    {_PG_TSV},
    UNIQUE (doc_id, paragraph)
);
CREATE INDEX IF NOT EXISTS paragraphs_tsv ON paragraphs USING gin (tsv);
CREATE INDEX IF NOT EXISTS paragraphs_session ON paragraphs (session);
CREATE INDEX IF NOT EXISTS paragraphs_phrase ON paragraphs (phrase_key);
CREATE INDEX IF NOT EXISTS paragraphs_body ON paragraphs (lower(body));
CREATE TABLE IF NOT EXISTS paragraphs_schema (version integer NOT NULL);
"""
# Case-insensitive prefix (ILIKE 'A/C.2/%'), as SQLite's LIKE, and similarity lookups.
_PG_TRGM = ("CREATE INDEX IF NOT EXISTS paragraphs_symbol_trgm"
            " ON paragraphs USING gin (symbol gin_trgm_ops)")
# After the migrations, which may have to add the column first.
_PG_INTRODUCED_INDEX = ("CREATE INDEX IF NOT EXISTS paragraphs_introduced"
                        " ON paragraphs (introduced_session)")
_PG_SYMBOL_BTREE = "CREATE INDEX IF NOT EXISTS paragraphs_symbol ON paragraphs (symbol)"
# Advisory lock keys: (namespace, key). The namespace is "dpix" as an int.
_LOCK_NS = 0x64706978
_SCHEMA_LOCK = 0
_HEADLINE_OPTIONS = (f'StartSel="{_MARK_OPEN}", StopSel="{_MARK_CLOSE}", MaxWords=24, '
                     'MinWords=10, MaxFragments=2, FragmentDelimiter=" … "')
_WORDS = re.compile(r"[^\W_]+")
# A query is ranked in a window when the planner expects this many windows of matches
# (below, ranking every match costs little more than picking the window); the id range
# read for the window holds ``_PG_WINDOW_SPAN`` windows of matches at the estimated rate
# (``PostgresIndex._window_floor``).
_PG_WINDOW_MIN = 2
_PG_WINDOW_SPAN = 1.5
# A lexeme in a tsquery's text form, with its weights or prefix mark: 'rights':A, 'develop':*
_TSQUERY_LEXEME = re.compile(r"'(?:[^']|'')*'(?::[*A-D]+)?")


def _pg_text(text: str) -> str:
    """Text psycopg can send: no NUL (PostgreSQL refuses it), no lone surrogates,
    no highlight sentinels."""
    text = text.replace("\x00", " ").replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "")
    return text.encode("utf-8", "replace").decode("utf-8")


def _pg_term(term: Term, params: list) -> str:
    """One term as a SQL tsquery expression; its values are appended to ``params``.

    Words and phrases go through ``websearch_to_tsquery`` inside double quotes, so that
    nothing in them is an operator and the words must be adjacent (hyphenated words
    and symbols too). A prefix becomes ``'word':*`` lexemes built from the term's
    letters and digits only, which ``to_tsquery`` cannot fail on.
    """
    if term.prefix and not term.phrase:
        words = _WORDS.findall(term.text)
        if not words:
            return "''::tsquery"
        lexemes = " <-> ".join(f"'{w}'" for w in words) + ":*"
        params += [lexemes, lexemes]
        return "(to_tsquery('english', %s) || to_tsquery('simple', %s))"

    def phrase(text: str) -> str:
        params.append('"' + _pg_text(text).replace('"', " ").replace("/", _SLASH)
                      .replace("<", "<" + _SEP) + '"')
        return "websearch_to_tsquery('english', %s)"

    expr = phrase(term.text)
    m = _SYMBOL_RES.match(term.text)
    if m:  # "A/RES/56/203" is printed "resolution 56/203" in the text: accept either.
        expr = f"({expr} || {phrase(m.group(1))})"
    return expr


def to_pg_tsquery(parsed: ParsedQuery) -> tuple[str, list]:
    """A SQL expression (with its parameters) evaluating to the query's ``tsquery``."""
    params: list = []
    groups = []
    for include, exclude in parsed.groups:
        inc = " && ".join(_pg_term(t, params) for t in include)
        exc = " || ".join(_pg_term(t, params) for t in exclude) if exclude else "''::tsquery"
        # A group whose words are all stop words ("the -migration") must match nothing,
        # not every paragraph without the excluded word.
        groups.append(f"(SELECT CASE WHEN numnode(g.i) = 0 THEN ''::tsquery ELSE g.i && !! g.e END"
                      f" FROM (SELECT {inc} AS i, {exc} AS e) AS g)")
    return " || ".join(groups), params


class PostgresIndex:
    """The index in PostgreSQL: a ``paragraphs`` table with a generated tsvector.

    One psycopg connection per index object (and per process: a forked worker opens its
    own), opened again when it was closed or broke; one lock serialises its use across
    threads. ``replace`` and ``delete`` run in one transaction under a per-document
    advisory lock, so two deliveries of the same document never interleave. A query
    runs in two steps: its ``tsquery`` is built (and found empty or not), then the
    paragraphs are matched through the GIN index, ranked with ``ts_rank_cd``, and
    ``ts_headline`` (which re-parses the text) runs on the ``limit`` best rows only.
    A query the planner expects to match many paragraphs is ranked among its
    ``rank_window`` most recent matches (``_window_floor``), as on SQLite.
    """

    def __init__(self, url: str, *, connect_timeout: int = 10,
                 application_name: str = "docpipe-index",
                 rank_window: int | None = RANK_WINDOW) -> None:
        import psycopg  # only this backend needs it

        self._psycopg = psycopg
        self.url = _psycopg_url(url)
        self.connect_timeout = connect_timeout
        self.application_name = application_name
        self.rank_window = rank_window
        self._lock = threading.RLock()
        self._conn = None
        self._pid: int | None = None
        self.trigram = False
        self._ensure_schema()

    # --- connection handling ---
    def _connection(self):
        conn = self._conn
        if conn is None or conn.closed or conn.broken or self._pid != os.getpid():
            if conn is not None and self._pid == os.getpid() and not conn.closed:
                conn.close()
            conn = self._psycopg.connect(self.url, autocommit=True,
                                         connect_timeout=self.connect_timeout,
                                         application_name=self.application_name)
            # "query contains only stop words" notices are expected, not news.
            conn.execute("SET client_min_messages = warning")
            self._conn, self._pid = conn, os.getpid()
        return conn

    def _run(self, work):
        """``work(conn)`` under the lock; once more on a fresh connection if it broke.

        Every caller is idempotent (a read, or a whole-document replace/delete in one
        transaction), so repeating it after a lost connection is safe.
        """
        with self._lock:
            for attempt in (1, 2):
                conn = self._connection()
                try:
                    return work(conn)
                except self._psycopg.OperationalError:
                    if attempt == 2 or not (conn.closed or conn.broken):
                        raise

    def _ensure_schema(self) -> None:
        def work(conn):
            with conn.transaction():
                # Two processes starting at once would race on CREATE ... IF NOT EXISTS.
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_NS, _SCHEMA_LOCK))
                exists = conn.execute("SELECT to_regclass('paragraphs_schema')").fetchone()[0]
                version = None
                if exists:
                    version = conn.execute("SELECT max(version) FROM paragraphs_schema").fetchone()[0]
                    if version is not None and version > PG_SCHEMA_VERSION:
                        raise RuntimeError(f"index {self._location()} has schema {version}, "
                                           "newer than this code")
                conn.execute(_PG_SCHEMA)
                if version is not None and version < 2:
                    # The generated column's expression changed: rebuild it and its index.
                    conn.execute("ALTER TABLE paragraphs DROP COLUMN tsv")
                    conn.execute(f"ALTER TABLE paragraphs ADD COLUMN {_PG_TSV}")
                    conn.execute("CREATE INDEX IF NOT EXISTS paragraphs_tsv"
                                 " ON paragraphs USING gin (tsv)")
                # By the column rather than the version (a table from before versions
                # existed has none); ALTER only when needed, as it locks the table.
                if not conn.execute(
                        "SELECT 1 FROM pg_attribute WHERE attrelid = 'paragraphs'::regclass"
                        " AND attname = 'introduced_session' AND NOT attisdropped").fetchone():
                    conn.execute("ALTER TABLE paragraphs ADD COLUMN introduced_session integer")
                conn.execute(_PG_INTRODUCED_INDEX)
                if version is not None and version < PG_SCHEMA_VERSION:
                    conn.execute("DELETE FROM paragraphs_schema")
                if not conn.execute("SELECT 1 FROM paragraphs_schema").fetchone():
                    conn.execute("INSERT INTO paragraphs_schema (version) VALUES (%s)",
                                 (PG_SCHEMA_VERSION,))
                try:
                    with conn.transaction():  # a savepoint: failing leaves the rest intact
                        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                        conn.execute(_PG_TRGM)
                    self.trigram = True
                except self._psycopg.Error as exc:
                    # Not installed (postgresql-contrib) or not allowed: prefixes still
                    # work, through a plain index and a scan of the matching rows.
                    logging.getLogger(__name__).warning(
                        "pg_trgm unavailable (%s): symbol filters use a btree index only",
                        str(exc).strip())
                    conn.execute(_PG_SYMBOL_BTREE)
        self._run(work)

    def _location(self) -> str:
        """host:port/dbname, for messages (``_where`` builds the WHERE clause)."""
        info = self._conn.info if self._conn is not None else None
        return f"{info.host}:{info.port}/{info.dbname}" if info else "postgresql"

    # --- writes ---
    @staticmethod
    def _lock_document(conn, doc_id: str) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_NS, doc_id))

    def replace(self, doc_id: str, rows: Iterable[IndexRow | dict]) -> int:
        """Make the document's rows exactly ``rows``, in one transaction (idempotent)."""
        rows = [r if isinstance(r, IndexRow) else IndexRow.model_validate(r) for r in rows]
        if any(r.doc_id != doc_id for r in rows):
            raise ValueError(f"rows for another document given to replace({doc_id!r})")
        values = [
            (r.doc_id, r.paragraph, r.position, r.type, r.number, r.phrase,
             " ".join(r.phrase.lower().split()) if r.phrase else None, _pg_text(r.text),
             _pg_text(r.display_text), _pg_text(" ".join(r.refs + [r.symbol] * bool(r.symbol))),
             r.symbol, r.session, r.body, r.kind, r.agenda_item, r.title, list(r.cites), r.change,
             r.introduced_session)
            for r in rows]

        def work(conn):
            with conn.transaction():
                self._lock_document(conn, doc_id)
                conn.execute("DELETE FROM paragraphs WHERE doc_id = %s", (doc_id,))
                if values:
                    with conn.cursor() as cur:
                        cur.executemany(
                            "INSERT INTO paragraphs (doc_id, paragraph, position, type, number,"
                            " phrase, phrase_key, text, display_text, refs, symbol, session, body,"
                            " kind, agenda_item, title, cites, change, introduced_session)"
                            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                            " %s, %s, %s, %s, %s)", values)
            return len(values)
        return self._run(work)

    def delete(self, doc_id: str) -> int:
        def work(conn):
            with conn.transaction():
                self._lock_document(conn, doc_id)
                return conn.execute("DELETE FROM paragraphs WHERE doc_id = %s", (doc_id,)).rowcount
        return self._run(work)

    # --- reads ---
    def count(self, doc_id: str | None = None) -> int:
        if doc_id is None:
            return self._run(lambda conn: conn.execute(
                "SELECT count(*) FROM paragraphs").fetchone()[0])
        return self._run(lambda conn: conn.execute(
            "SELECT count(*) FROM paragraphs WHERE doc_id = %s", (doc_id,)).fetchone()[0])

    def tsquery(self, query: str) -> str:
        """The ``tsquery`` a user's query becomes (text form; empty if only stop words)."""
        expr, params = to_pg_tsquery(parse_query(query))
        return self._run(lambda conn: conn.execute(
            f"SELECT ({expr})::text", params).fetchone()[0])

    def search(self, query: str, *, limit: int = 20, session: int | None = None,
               type: str | None = None, phrase: str | None = None, change: str | None = None,
               symbol_prefix: str | None = None, body: str | None = None,
               **filters) -> list[Hit]:
        """Paragraphs matching ``query`` under ``filters`` (see ``Filters``), best first."""
        f = Filters.of(session=session, type=type, phrase=phrase, change=change,
                       symbol_prefix=symbol_prefix, body=body, **filters)
        expr, expr_params = to_pg_tsquery(parse_query(query))
        where, params = self._where(f)
        limit = params["limit"] = max(1, min(int(limit), MAX_LIMIT))
        params["headline"] = _HEADLINE_OPTIONS
        params["window"] = self.rank_window

        def ranked(condition: str) -> str:
            """Rank and cut first; ts_headline re-parses each text, so only the top rows
            get it."""
            return (
                "SELECT p.doc_id, p.symbol, p.paragraph, p.type, p.session, p.phrase, p.change,"
                " p.introduced_session,"
                f" ts_headline('english', {_pg_parse_input('p.text')}, %(q)s::tsquery,"
                " %(headline)s) AS snip, top.rank"
                " FROM (SELECT p.id, ts_rank_cd(p.tsv, %(q)s::tsquery, 1) AS rank"
                f" FROM paragraphs p WHERE {condition}"
                " ORDER BY rank DESC, p.doc_id, p.position LIMIT %(limit)s) AS top"
                " JOIN paragraphs p ON p.id = top.id"
                " ORDER BY top.rank DESC, p.doc_id, p.position")

        def work(conn):
            tsquery = conn.execute(f"SELECT ({expr})::text", expr_params).fetchone()[0]
            if not tsquery:  # only stop words: nothing can match
                return []
            run = {**params, "q": tsquery}
            floor = self._window_floor(conn, where, run)
            if floor is not None:
                with conn.transaction():
                    # The matches in the id range: the GIN index's matches intersected with
                    # the range (a bitmap AND). The planner would rather walk the primary key
                    # backwards testing each paragraph, which it thinks cheap and which is
                    # not (each tsvector read from TOAST): 475 ms instead of 111 ms for a
                    # word in 10% of 200,000 paragraphs.
                    conn.execute("SET LOCAL enable_indexscan = off")
                    window = [r[0] for r in conn.execute(
                        f"SELECT p.id FROM paragraphs p WHERE {where} AND p.id >= %(floor)s"
                        " ORDER BY p.id DESC LIMIT %(window)s", {**run, "floor": floor})]
                if len(window) >= limit:
                    return conn.execute(ranked("p.id = ANY(%(window_ids)s::bigint[])"),
                                        {**run, "window_ids": window}).fetchall()
                # Fewer than ``limit`` matches in the range (the filters, or an estimate
                # too high): rank them all.
            return conn.execute(ranked(where), run).fetchall()

        rows = self._run(work)
        hits = []
        for r in rows:
            plain, markup = _snippets(r[8].replace(_SEP, ""))
            hits.append(Hit(doc_id=r[0], symbol=r[1], paragraph=r[2], type=r[3], session=r[4],
                            phrase=r[5], change=r[6], introduced_session=r[7], snippet=plain,
                            snippet_html=markup, score=round(float(r[9]), 6)))
        return hits

    def facets(self, query: str, **filters) -> Facets:
        """How many paragraphs match, per session and per body (filters applied)."""
        f = Filters.of(**filters)
        expr, expr_params = to_pg_tsquery(parse_query(query))
        where, params = self._where(f)
        sql = f"SELECT p.session, p.body, count(*) FROM paragraphs p WHERE {where} GROUP BY 1, 2"
        return _facets(self._query(expr, expr_params, sql, params))

    def _window_floor(self, conn, where: str, params: dict) -> int | None:
        """The lowest id worth reading for the ``rank_window`` latest matches, or None to
        rank every match.

        ``ts_rank_cd`` reads each match's tsvector, and the GIN index returns matches in
        no useful order: a word in 300,000 of a million paragraphs took 2.4 s ranked in
        full. So a query the planner expects to match ``_PG_WINDOW_MIN`` windows or more
        is ranked among its ``rank_window`` most recent matches (highest ids, as SQLite's
        rowids). The floor is where the ids hold ``_PG_WINDOW_SPAN`` windows of matches at
        the estimated rate: the matches above it are found (the GIN index's matches
        intersected with the id range), the latest ``rank_window`` of them ranked. An
        estimate too high finds fewer (with fewer than ``limit``, every match is ranked),
        one too low finds more (still at most ``rank_window`` ranked). The estimate is the
        planner's (EXPLAIN, nothing executed: its statistics on the tsvector's lexemes,
        and the filters'). Counts (``facets``) stay exact.
        """
        window = self.rank_window
        if not window:
            return None

        def estimate(tsquery: str) -> float:
            return float(conn.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM paragraphs p WHERE {where}",
                {**params, "q": tsquery}).fetchone()[0][0]["Plan"]["Plan Rows"])

        tsquery = params["q"]
        matches = estimate(tsquery)
        lexemes = _TSQUERY_LEXEME.findall(tsquery)
        if "<" in tsquery and "|" not in tsquery and "!" not in tsquery and lexemes:
            # The planner takes a phrase's words as independent ("Member States": 8,300
            # expected, 28,800 found in 200,000 paragraphs). Words and phrases that must
            # all match cannot match more often than their rarest word.
            matches = max(matches, min(estimate(lexeme) for lexeme in lexemes))
        if matches < _PG_WINDOW_MIN * window:
            return None
        low, high = conn.execute("SELECT min(id), max(id) FROM paragraphs").fetchone()
        if high is None:
            return None
        # In ids, not rows: deleted rows leave gaps, and the estimate counts live rows.
        span = _PG_WINDOW_SPAN * window * (high - low + 1) / matches
        return int(high - span) if high - span > low else None

    def _query(self, expr: str, expr_params: list, sql: str, params: dict) -> list[tuple]:
        def work(conn):
            tsquery = conn.execute(f"SELECT ({expr})::text", expr_params).fetchone()[0]
            if not tsquery:  # only stop words: nothing can match
                return []
            return conn.execute(sql, {**params, "q": tsquery}).fetchall()
        return self._run(work)

    @staticmethod
    def _where(f: Filters) -> tuple[str, dict]:
        where, params = ["p.tsv @@ %(q)s::tsquery"], {}
        if f.session is not None:
            where.append("p.session = %(session)s")
            params["session"] = f.session
        if f.since is not None:
            where.append("p.session >= %(since)s")
            params["since"] = f.since
        if f.until is not None:
            where.append("p.session <= %(until)s")
            params["until"] = f.until
        if f.introduced is not None:
            where.append("p.introduced_session = %(introduced)s")
            params["introduced"] = f.introduced
        for name in ("type", "change"):
            if getattr(f, name):
                where.append(f"p.{name} = %({name})s")
                params[name] = _pg_text(getattr(f, name))
        if f.phrase:
            where.append("p.phrase_key = %(phrase)s")
            params["phrase"] = _pg_text(f.phrase)
        if f.symbol_prefix:
            where.append("p.symbol ILIKE %(symbol)s ESCAPE '\\'")
            params["symbol"] = _pg_text(_like_prefix(f.symbol_prefix))
        for name in ("body", "kind", "agenda_item"):
            if getattr(f, name):
                where.append(f"lower(p.{name}) = lower(%({name})s)")
                params[name] = _pg_text(getattr(f, name))
        return " AND ".join(where), params

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> "PostgresIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _psycopg_url(url: str) -> str:
    """SQLAlchemy-style URLs name the driver; libpq does not accept that."""
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql+psycopg", "postgresql+psycopg2", "postgres"):
        scheme = "postgresql"
    return f"{scheme}://{rest}"
