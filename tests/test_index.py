"""Index rows (pure) and the search index on both backends.

Every behavioural test of the index runs twice, through the ``index`` fixture: on
SQLite FTS5 in a real file and on PostgreSQL in the session's throwaway cluster
(``postgres_url`` in conftest.py, never the machine's own server).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest

from docpipe.search_index import (
    Hit, PostgresIndex, QueryError, SearchIndex, SQLiteIndex, open_index, parse_query, to_fts5,
)
from pipeline.diff import diff
from pipeline.index import index_rows, opening_phrase
from pipeline.model import Citation, Document, Footnote, OperativeParagraph, Paragraph


def make_doc(symbol="A/C.2/58/L.37", session=58, body="General Assembly, Second Committee",
             extra_op=None) -> Document:
    ops = [
        "Takes note of the report of the Secretary-General;[^2]",
        "Also requests the Secretary-General to continue exploring possibilities for a "
        "United Nations conference on international migration and development;",
        "Calls upon all relevant bodies of the United Nations system to continue to address "
        "the issue of international migration and development;",
    ]
    if extra_op:
        ops.append(extra_op)
    return Document(
        symbol=symbol, session=session, body=body, kind="draft resolution",
        title="International migration and development", agenda_item="93 (c)",
        preamble=[
            Paragraph(text="Recalling also its resolutions 54/212 of 22 December 1999 and "
                           "56/203 of 21 December 2001 on international migration and development,"),
            Paragraph(text="Reaffirming the Universal Declaration of Human Rights,[^1]"),
        ],
        operative=[OperativeParagraph(number=str(i), text=t) for i, t in enumerate(ops, 1)],
        footnotes=[Footnote(mark="1", text="Resolution 217 A (III)."),
                   Footnote(mark="2", text="A/58/98.")],
        cites=["A/RES/54/212", "A/RES/56/203", "A/RES/217(III)", "A/58/98"],
        citations=[Citation(symbol="A/RES/56/203", paragraph="P1"),
                   Citation(symbol="A/RES/217(III)", paragraph="F1")],
    )


# --- rows --------------------------------------------------------------------------

def test_rows_cover_paragraphs_and_footnotes_with_metadata():
    rows = index_rows("d1", make_doc(), None)
    assert [r.paragraph for r in rows] == ["P1", "P2", "O1", "O2", "O3", "F1", "F2"]
    assert [r.type for r in rows][:3] == ["preamble", "preamble", "operative"]
    assert [r.phrase for r in rows[:5]] == ["Recalling also", "Reaffirming", "Takes note of",
                                            "Also requests", "Calls upon"]
    p2 = rows[1]
    assert p2.text == "Reaffirming the Universal Declaration of Human Rights,"
    assert p2.display_text.endswith("[^1]")
    assert rows[0].refs == ["A/RES/56/203"] and rows[5].refs == ["A/RES/217(III)"]
    assert rows[2].number == "1" and rows[5].number == "1"
    assert all(r.change is None for r in rows)  # no predecessor
    assert all(r.symbol == "A/C.2/58/L.37" and r.session == 58 for r in rows)


def test_rows_carry_change_status_from_the_diff():
    old = make_doc()
    new = make_doc(symbol="A/C.2/58/L.37/Rev.1",
                   extra_op="Decides to include the sub-item in the provisional agenda;")
    new.operative[0].text = "Takes note with appreciation of the report of the Secretary-General;"
    rows = index_rows("d2", new, diff(old, new))
    change = {r.paragraph: r.change for r in rows}
    assert change["P1"] == "unchanged" and change["O1"] == "modified"
    assert change["O4"] == "added" and change["F1"] is None


def test_opening_phrases():
    assert opening_phrase("Further requests the Secretary-General") == "Further requests"
    assert opening_phrase("Taking note with appreciation of the report") == \
        "Taking note with appreciation of"
    assert opening_phrase("Bearing in mind that") == "Bearing in mind"
    assert opening_phrase("(a) to hold") is None


# --- the index, on each backend ----------------------------------------------------

BACKENDS = ["sqlite", "postgres"]


def _empty_postgres_index(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('paragraphs')").fetchone()[0]:
            conn.execute("TRUNCATE paragraphs RESTART IDENTITY")


@pytest.fixture(params=BACKENDS)
def index_url(request, tmp_path):
    """A URL to an empty index: a new SQLite file, or the throwaway PostgreSQL emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/index.db"
    url = request.getfixturevalue("postgres_url")
    _empty_postgres_index(url)
    return url


@pytest.fixture
def index(index_url):
    idx = open_index(index_url)
    yield idx
    idx.close()


def search_rows(index_url: str) -> int:
    """Rows in the backend's search structure (the FTS table; PostgreSQL's tsvectors)."""
    if index_url.startswith("sqlite:"):
        with sqlite3.connect(index_url[len("sqlite:///"):]) as conn:
            return conn.execute("SELECT count(*) FROM paragraphs_fts").fetchone()[0]
    import psycopg

    with psycopg.connect(index_url) as conn:
        return conn.execute("SELECT count(*) FROM paragraphs WHERE length(tsv) > 0").fetchone()[0]


def fill(idx):
    idx.replace("d1", index_rows("d1", make_doc(), None))
    other = make_doc(symbol="A/C.3/59/L.5", session=59, body="General Assembly, Third Committee")
    other.operative[1].text = "Requests the Secretary-General to report on trafficking in women;"
    idx.replace("d3", index_rows("d3", other, None))


def test_is_a_search_index(index):
    assert isinstance(index, SearchIndex)


def test_replace_twice_never_duplicates(index, index_url):
    rows = index_rows("d1", make_doc(), None)
    index.replace("d1", rows)
    index.replace("d1", rows)
    assert index.count() == len(rows)
    fewer = rows[:3]
    index.replace("d1", fewer)
    assert index.count() == 3
    assert len(index.search("migration")) == 1  # only P1 left with the word among 3 rows
    # The search structure follows the rows (no orphan rows left behind).
    assert search_rows(index_url) == 3
    assert index.delete("d1") == 3 and index.count() == 0
    assert search_rows(index_url) == 0


def test_replace_rejects_rows_of_another_document(index):
    with pytest.raises(ValueError):
        index.replace("d1", index_rows("other", make_doc(), None))
    assert index.count() == 0


def test_replace_is_atomic(index):
    rows = index_rows("d1", make_doc(), None)
    index.replace("d1", rows)
    bad = [r.model_dump() for r in rows] + [{"doc_id": "d1", "paragraph": "P1"}]  # invalid row
    with pytest.raises(Exception):
        index.replace("d1", bad)
    assert index.count() == len(rows)


def test_search_words_phrase_prefix(index):
    fill(index)
    hits = index.search("migration development")
    assert hits and all(isinstance(h, Hit) for h in hits)
    assert "<mark>" in hits[0].snippet
    assert hits[0].score >= hits[-1].score
    phrase = index.search('"international migration and development"')
    assert {h.paragraph for h in phrase} >= {"P1", "O3"}
    assert all("trafficking" not in h.snippet for h in phrase)
    prefix = index.search("traffick*")
    assert [(h.doc_id, h.paragraph) for h in prefix] == [("d3", "O2")]
    assert index.search("migr*")


def test_boolean_operators(index):
    fill(index)
    both = {(h.doc_id, h.paragraph) for h in index.search("Secretary-General AND trafficking")}
    assert both == {("d3", "O2")}
    either = {(h.doc_id, h.paragraph) for h in index.search("trafficking OR Universal")}
    assert ("d3", "O2") in either and ("d1", "P2") in either
    without = {(h.doc_id, h.paragraph) for h in index.search("Secretary-General NOT trafficking")}
    assert ("d3", "O2") not in without and ("d1", "O1") in without
    assert {(h.doc_id, h.paragraph) for h in index.search("Secretary-General -trafficking")} == without


def test_filters(index):
    fill(index)
    assert {h.doc_id for h in index.search("Secretary-General", session=59)} == {"d3"}
    assert {h.doc_id for h in index.search("Secretary-General", symbol_prefix="A/C.2/")} == {"d1"}
    assert {h.doc_id for h in index.search("Secretary-General",
                                           body="general assembly, third committee")} == {"d3"}
    assert [h.paragraph for h in index.search("Secretary-General", phrase="also requests")] == ["O2"]
    assert {h.type for h in index.search("Resolution", type="footnote")} == {"footnote"}
    assert index.search("Secretary-General", change="modified") == []
    assert index.search("Secretary-General", symbol_prefix="%") == []  # LIKE wildcards escaped


def test_change_filter(index):
    old = make_doc()
    new = make_doc(symbol="A/C.2/58/L.37/Rev.1")
    new.operative[0].text = "Takes note with appreciation of the report of the Secretary-General;"
    index.replace("rev", index_rows("rev", new, diff(old, new)))
    assert [h.paragraph for h in index.search("report", change="modified")] == ["O1"]
    assert index.search("report", change="unchanged") == []


def lineage_rows():
    """Two versions of one resolution: session 58, then a session-59 revision that changes
    O1 and adds O4. Rows as the index stage makes them with the lineage's genealogy."""
    from pipeline.genealogy import genealogy
    v58 = make_doc()
    v59 = make_doc(symbol="A/C.2/59/L.8", session=59,
                   extra_op="Decides to remain seized of the question of migration;")
    v59.operative[0].text = "Takes note with appreciation of the report of the Secretary-General;"
    d = diff(v58, v59)
    g58, g59 = genealogy([v58, v59], [None, d])
    return index_rows("d58", v58, None, genealogy=g58), index_rows("d59", v59, d, genealogy=g59)


def test_rows_with_introduced_session_are_stored_and_searched(index):
    rows58, rows59 = lineage_rows()
    introduced = {r.paragraph: r.introduced_session for r in rows59}
    assert introduced == {"P1": 58, "P2": 58, "O1": 58, "O2": 58, "O3": 58, "O4": 59,
                          "F1": None, "F2": None}  # a modified paragraph keeps its origin
    index.replace("d58", rows58)
    index.replace("d59", rows59)
    by_key = {(h.doc_id, h.paragraph): h.introduced_session
              for h in index.search("Secretary-General OR migration OR Resolution", limit=100)}
    assert by_key[("d59", "O4")] == 59 and by_key[("d59", "O1")] == 58
    assert by_key[("d58", "O1")] == 58 and by_key[("d58", "F1")] is None

    # Operative paragraphs that first appeared in session 58, wherever they are now.
    hits = index.search("Secretary-General", type="operative", introduced=58)
    assert {(h.doc_id, h.paragraph) for h in hits} == {("d58", "O1"), ("d58", "O2"),
                                                       ("d59", "O1"), ("d59", "O2")}
    assert all(h.introduced_session == 58 and h.type == "operative" for h in hits)
    assert [(h.doc_id, h.paragraph) for h in index.search("migration", introduced=59)] == \
        [("d59", "O4")]
    assert index.search("Secretary-General", introduced=59) == []
    assert index.search("migration", introduced="59", session=59)  # as text, as the API sends it
    assert index.search("migration", introduced=59, session=58) == []
    assert index.search("Resolution", introduced=58, type="footnote") == []  # never set on footnotes
    # Combined with the other filters.
    assert {h.doc_id for h in index.search("Secretary-General", introduced=58, since=59)} == {"d59"}
    assert {h.paragraph for h in index.search("Secretary-General", introduced=58,
                                              change="modified")} == {"O1"}


def test_facets_with_the_introduced_filter(index):
    rows58, rows59 = lineage_rows()
    index.replace("d58", rows58)
    index.replace("d59", rows59)
    facets = index.facets("Secretary-General OR migration", introduced=58)
    hits = index.search("Secretary-General OR migration", introduced=58, limit=500)
    assert facets["total"] == len(hits) > 0
    assert facets["session"] == {s: sum(h.session == s for h in hits) for s in (59, 58)}
    assert list(facets["session"]) == [59, 58]
    assert facets["body"] == {"General Assembly, Second Committee": len(hits)}
    assert index.facets("Secretary-General OR migration", introduced=59) == {
        "session": {59: 1}, "body": {"General Assembly, Second Committee": 1}, "total": 1}
    assert index.facets("migration", introduced=60)["total"] == 0


def test_symbol_tokens(index):
    fill(index)
    hits = index.search("56/203")
    assert {(h.doc_id, h.paragraph) for h in hits} == {("d1", "P1"), ("d3", "P1")}
    assert {(h.doc_id, h.paragraph) for h in index.search("A/RES/56/203")} >= {("d1", "P1")}
    assert index.search("A/C.2/58/L.37")  # the document's own symbol is searchable
    assert index.search("217(III)")  # footnote citation form
    assert index.search("56/999") == []


HOSTILE = [
    '"unbalanced', 'migration"', '"', '""', "''", "AND", "OR", "NOT", "NOT migration",
    "migration AND", "AND OR NOT", "OR OR migration", "migration NOT", "(migration", "migration)",
    "((()))", "*", "mig**", "***migr", "-", "--", "-migration", "NEAR(a b)", "a NEAR b",
    "text:migration", "refs:56", "{text refs}: migration", "^migration", "migration^2",
    "'; DROP TABLE paragraphs; --", "1 OR 1=1", "\" OR 1=1 --", "x') UNION SELECT * FROM paragraphs --",
    "%", "_", "\\", "\x00migration", "migration\x00", "\u202emigration", "😀 migration", "😀",
    "A/RES/56/203*", "56/", "/203", "///", "A/RES/", "a" * 10000, "migration " * 2000,
    ("migration OR " * 1500) + "x", "\"" * 5000, "NOT " * 3000, "é migração", "   \t\n ", "",
    "MATCH", "bm25(paragraphs_fts)", "snippet(", "\"a\" \"b\" \"c", "[^1]", "{}", "()", "NOT NOT a",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_answer_or_raise_query_error(index, query):
    fill(index)
    try:
        hits = index.search(query)
    except QueryError as exc:
        assert str(exc)
        return
    assert isinstance(hits, list)
    assert index.count() > 0  # nothing was dropped


def test_empty_queries_raise_query_error(index):
    for query in ["", "   ", '""', "AND OR", "*", "-", "((()))"]:
        with pytest.raises(QueryError, match="empty"):
            index.search(query)
    with pytest.raises(QueryError, match="only excludes"):
        index.search("NOT migration")


def test_fts_expression_is_quoted():
    expr = to_fts5(parse_query('migr* "human rights" 56/203 NOT drop OR x'))
    assert expr == ('(("migr"* AND "human rights" AND "56/203") NOT ("drop")) OR (("x"))')


def test_postgres_tsquery_is_built_from_terms(postgres_url):
    with PostgresIndex(postgres_url) as idx:
        assert idx.tsquery('migr* "human rights" 56/203 NOT drop OR x') == (
            "( 'migr':* | 'migr':* ) & 'human' <-> 'right' & '56' <-> '203' & !'drop' | 'x'")
        # The printed form of a resolution symbol is accepted too; operators inside a
        # term are words, not operators.
        assert idx.tsquery("A/RES/56/203") == "'res' <-> '56' <-> '203' | '56' <-> '203'"
        assert idx.tsquery("'; DROP TABLE paragraphs; --") == "'drop' & 'tabl' & 'paragraph'"
        assert idx.tsquery("the") == ""  # only stop words: nothing to match
        assert idx.search("the") == []
        assert idx.search("the -migration") == []  # not "everything without migration"


def test_open_index_urls(tmp_path):
    with pytest.raises(ValueError):
        open_index("mysql://x")
    assert isinstance(open_index(f"sqlite:///{tmp_path}/a.db"), SQLiteIndex)
    mem = open_index("sqlite://")
    mem.replace("d1", index_rows("d1", make_doc(), None))
    assert mem.count() == 7


def test_open_index_picks_postgres(postgres_url):
    for url in (postgres_url, postgres_url.replace("postgresql://", "postgresql+psycopg://")):
        idx = open_index(url)
        assert isinstance(idx, PostgresIndex) and isinstance(idx, SearchIndex)
        assert idx.trigram  # pg_trgm is installed and indexes the symbols
        idx.close()


def _writer(url: str, worker: int, rounds: int) -> None:
    idx = open_index(url)
    rows_by_doc = {}
    for r in range(rounds):
        doc_id = f"w{worker}-{r % 3}"
        rows = rows_by_doc.setdefault(doc_id, index_rows(doc_id, make_doc(), None))
        idx.replace(doc_id, rows)
        idx.search("migration", limit=5)
    idx.close()


def test_several_processes_write_and_read(index_url):
    open_index(index_url).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(index_url, w, 15)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    idx = open_index(index_url)
    assert idx.count() == 4 * 3 * 7  # 4 workers x 3 documents x 7 rows, no duplicates
    idx.close()
    if index_url.startswith("sqlite:"):
        path = index_url[len("sqlite:///"):]
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_redeliveries_of_one_document_never_duplicate(index_url):
    """Two workers replacing the same document at once (a redelivered task)."""
    open_index(index_url).close()
    rows = index_rows("same", make_doc(), None)
    errors: list[BaseException] = []

    def worker() -> None:
        idx = open_index(index_url)
        try:
            for _ in range(10):
                idx.replace("same", rows)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            idx.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with open_index(index_url) as idx:
        assert idx.count() == idx.count("same") == len(rows)


# --- PostgreSQL only -------------------------------------------------------------------

def test_postgres_reconnects_when_its_connection_was_closed_or_lost(postgres_url):
    import psycopg

    _empty_postgres_index(postgres_url)
    idx = open_index(postgres_url)
    fill(idx)
    assert idx.search("migration")
    idx.close()
    assert idx.search("migration")  # closed: opened again
    pid = idx._connection().info.backend_pid
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    assert idx.search("migration")  # lost: the search is repeated on a new connection
    assert idx._connection().info.backend_pid != pid
    idx.replace("d1", index_rows("d1", make_doc(), None))
    assert idx.count() == 14
    idx.close()


def test_postgres_filters_are_parameters(postgres_url):
    _empty_postgres_index(postgres_url)
    with open_index(postgres_url) as idx:
        fill(idx)
        for hostile in ["' OR 1=1 --", "A/C.2/%' OR symbol LIKE '%", "%(q)s", "%s", "\\"]:
            assert idx.search("Secretary-General", symbol_prefix=hostile) == []
            assert idx.search("Secretary-General", body=hostile) == []
            assert idx.search("Secretary-General", phrase=hostile) == []
            assert idx.search("Secretary-General", type=hostile, change=hostile) == []
        assert idx.count() == 14
        # A prefix is case-insensitive, as SQLite's LIKE.
        assert {h.doc_id for h in idx.search("Secretary-General", symbol_prefix="a/c.3/")} == {"d3"}


# --- schema migration, on each backend ---------------------------------------------------

# The SQLite index as version 1 wrote it (SCHEMA_VERSION 1: no introduced_session).
_SQLITE_V1 = """
CREATE TABLE paragraphs (
    rowid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, paragraph TEXT NOT NULL,
    position INTEGER NOT NULL, type TEXT NOT NULL, number TEXT, phrase TEXT, phrase_key TEXT,
    display_text TEXT NOT NULL, symbol TEXT, session INTEGER, body TEXT, kind TEXT,
    agenda_item TEXT, title TEXT, cites TEXT NOT NULL DEFAULT '[]', change TEXT,
    UNIQUE (doc_id, paragraph)
);
CREATE INDEX paragraphs_session ON paragraphs(session);
CREATE INDEX paragraphs_symbol ON paragraphs(symbol);
CREATE INDEX paragraphs_phrase ON paragraphs(phrase_key);
CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
    text, refs, tokenize = 'unicode61 remove_diacritics 2'
);
PRAGMA user_version = 1;
"""


def _write_previous_sqlite(path: str, rows) -> None:
    import json
    conn = sqlite3.connect(path)
    conn.executescript(_SQLITE_V1)
    for r in rows:
        cur = conn.execute(
            "INSERT INTO paragraphs (doc_id, paragraph, position, type, number, phrase, phrase_key,"
            " display_text, symbol, session, body, kind, agenda_item, title, cites, change)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (r.doc_id, r.paragraph, r.position, r.type, r.number, r.phrase,
             r.phrase.lower() if r.phrase else None, r.display_text, r.symbol, r.session, r.body,
             r.kind, r.agenda_item, r.title, json.dumps(r.cites), r.change))
        conn.execute("INSERT INTO paragraphs_fts (rowid, text, refs) VALUES (?,?,?)",
                     (cur.lastrowid, r.text, " ".join(r.refs + [r.symbol])))
    conn.commit()
    conn.close()


def _write_previous_postgres(url: str, rows) -> None:
    """The PostgreSQL index as version 2 wrote it: today's schema without introduced_session."""
    import psycopg

    from docpipe import search_index
    line = "    introduced_session integer,\n"
    assert search_index._PG_SCHEMA.count(line) == 1
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(search_index._PG_SCHEMA.replace(line, ""))
        conn.execute("INSERT INTO paragraphs_schema (version) VALUES (2)")
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO paragraphs (doc_id, paragraph, position, type, number, phrase,"
                " phrase_key, text, display_text, refs, symbol, session, body, kind, agenda_item,"
                " title, cites, change) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                " %s, %s, %s, %s, %s, %s)",
                [(r.doc_id, r.paragraph, r.position, r.type, r.number, r.phrase,
                  r.phrase.lower() if r.phrase else None, r.text, r.display_text,
                  " ".join(r.refs + [r.symbol]), r.symbol, r.session, r.body, r.kind,
                  r.agenda_item, r.title, list(r.cites), r.change) for r in rows])


def _schema_state(url: str) -> tuple[int, bool]:
    """(schema version, whether paragraphs has introduced_session) as stored."""
    if url.startswith("sqlite:"):
        with sqlite3.connect(url[len("sqlite:///"):]) as conn:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(paragraphs)")}
            return conn.execute("PRAGMA user_version").fetchone()[0], "introduced_session" in columns
    import psycopg

    with psycopg.connect(url) as conn:
        [(version,)] = conn.execute("SELECT version FROM paragraphs_schema").fetchall()
        has = conn.execute("SELECT 1 FROM information_schema.columns WHERE table_name ="
                           " 'paragraphs' AND column_name = 'introduced_session'").fetchone()
        return version, has is not None


@pytest.fixture(params=BACKENDS)
def previous_index_url(request, tmp_path):
    """An index as the previous schema version left it, holding d58 and d59 (no lineage)."""
    rows58, rows59 = lineage_rows()
    old_rows = [r.model_copy(update={"introduced_session": None}) for r in rows58 + rows59]
    if request.param == "sqlite":
        path = f"{tmp_path}/old.db"
        _write_previous_sqlite(path, old_rows)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    _write_previous_postgres(url, old_rows)
    return url


def test_previous_schema_is_migrated_without_losing_rows(previous_index_url):
    from docpipe.search_index import PG_SCHEMA_VERSION, SCHEMA_VERSION
    url = previous_index_url
    current = SCHEMA_VERSION if url.startswith("sqlite:") else PG_SCHEMA_VERSION
    assert _schema_state(url) == (1 if url.startswith("sqlite:") else current - 1, False)
    with open_index(url) as idx:
        assert _schema_state(url) == (current, True)
        if url.startswith("sqlite:"):  # schema 3: the FTS table rebuilt with its filter tokens
            with sqlite3.connect(url[len("sqlite:///"):]) as conn:
                assert "filters" in {r[1] for r in conn.execute("PRAGMA table_info(paragraphs_fts)")}
                assert conn.execute("SELECT count(*) FROM paragraphs_fts WHERE filters != ''"
                                    ).fetchone()[0] == 15
        assert idx.count() == 15 and idx.count("d58") == 7 and idx.count("d59") == 8
        assert len(idx.search("Secretary-General", session=58, type="operative")) == 2
        before = [(h.doc_id, h.paragraph) for h in idx.search("Secretary-General", limit=100)]
        assert sorted(before) == [("d58", "O1"), ("d58", "O2"), ("d59", "O1"), ("d59", "O2")]
        assert all(h.introduced_session is None for h in idx.search("migration"))
        assert idx.search("Secretary-General", introduced=58) == []  # not known yet
        assert idx.facets("Secretary-General")["total"] == 4
        # Documents indexed again (the runner's reindex) get the column filled.
        rows58, rows59 = lineage_rows()
        idx.replace("d58", rows58)
        idx.replace("d59", rows59)
        assert idx.count() == 15
        assert [(h.doc_id, h.paragraph) for h in idx.search("migration", introduced=59)] == \
            [("d59", "O4")]
        assert idx.facets("Secretary-General", introduced=58, type="operative")["total"] == 4
    # Opening it again changes nothing.
    with open_index(url) as idx:
        assert _schema_state(url) == (current, True)
        assert idx.count() == 15
        assert sorted((h.doc_id, h.paragraph) for h in idx.search("Secretary-General", limit=100)) \
            == sorted(before)


def test_an_index_of_a_newer_schema_is_refused(previous_index_url):
    from docpipe.search_index import PG_SCHEMA_VERSION, SCHEMA_VERSION
    url = previous_index_url
    open_index(url).close()
    if url.startswith("sqlite:"):
        with sqlite3.connect(url[len("sqlite:///"):]) as conn:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        import psycopg
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE paragraphs_schema SET version = %s", (PG_SCHEMA_VERSION + 1,))
    with pytest.raises(RuntimeError, match="newer than this code"):
        open_index(url)
