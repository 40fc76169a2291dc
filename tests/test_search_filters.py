"""Filters on every field, facet counts and safe snippets, on both index backends.

Uses the ``index`` fixture of ``tests/test_index.py``: each test runs on SQLite FTS5 and on
the session's throwaway PostgreSQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest

from docpipe.search_index import (Facets, Filters, QueryError, check_filters)
from pipeline.diff import diff
from pipeline.index import index_rows
from tests.conftest import BIN, DATA, ROOT
from tests.test_index import HOSTILE, fill, index, index_url, make_doc  # noqa: F401 (fixtures)


def fill_more(idx):
    """fill() (d1: A/C.2/58/L.37, d3: A/C.3/59/L.5) plus a session-61 revision with changes."""
    fill(idx)
    old = make_doc()
    new = make_doc(symbol="A/C.2/61/L.9", session=61, extra_op="Decides to remain seized;")
    new.kind = "revised draft resolution"
    new.agenda_item = "54"
    new.operative[0].text = "Takes note with appreciation of the report of the Secretary-General;"
    idx.replace("d4", index_rows("d4", new, diff(old, new)))


def keys(hits):
    return {(h.doc_id, h.paragraph) for h in hits}


def test_session_range_kind_and_agenda_item(index):
    fill_more(index)
    assert {h.session for h in index.search("Secretary-General", limit=100)} == {58, 59, 61}
    assert {h.doc_id for h in index.search("Secretary-General", since=59)} == {"d3", "d4"}
    assert {h.doc_id for h in index.search("Secretary-General", until=59)} == {"d1", "d3"}
    assert {h.doc_id for h in index.search("Secretary-General", since=59, until=60)} == {"d3"}
    assert {h.doc_id for h in index.search("Secretary-General",
                                           kind="Revised Draft Resolution")} == {"d4"}
    assert {h.doc_id for h in index.search("Secretary-General", agenda_item="54")} == {"d4"}
    assert {h.doc_id for h in index.search("Secretary-General", agenda_item="93 (c)")} == {"d1", "d3"}


def test_symbol_prefix_with_a_star_and_combined_filters(index):
    fill_more(index)
    assert {h.doc_id for h in index.search("Secretary-General", symbol_prefix="A/C.2/58/*")} == {"d1"}
    assert {h.doc_id for h in index.search("Secretary-General", symbol_prefix="a/c.2/*")} == {"d1", "d4"}
    assert index.search("Secretary-General", symbol_prefix="*") != []  # "*" alone: no filter
    hits = index.search("Secretary-General", symbol_prefix="A/C.2/", since=60, type="operative",
                        change="modified", body="general assembly, second committee")
    assert keys(hits) == {("d4", "O1")}
    assert index.search("Secretary-General", session=61, change="added") == []
    assert keys(index.search("remain seized", change="added")) == {("d4", "O4")}


def test_facets_count_per_session_and_body(index):
    fill_more(index)
    facets = index.facets("Secretary-General")
    assert isinstance(facets, Facets)
    everything = index.search("Secretary-General", limit=500)
    assert facets["total"] == len(everything)
    for session in (58, 59, 61):
        assert facets["session"][session] == sum(h.session == session for h in everything)
    assert list(facets["session"]) == [61, 59, 58]  # latest first
    assert facets["body"] == {"General Assembly, Second Committee": facets["session"][58]
                              + facets["session"][61],
                              "General Assembly, Third Committee": facets["session"][59]}
    narrowed = index.facets("Secretary-General", since=59, type="operative")
    assert set(narrowed["session"]) == {59, 61}
    assert narrowed["total"] == len(index.search("Secretary-General", since=59, type="operative",
                                                 limit=500))
    assert index.facets("nowhereword") == {"session": {}, "body": {}, "total": 0}


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_facets_on_hostile_queries_answer_or_raise_query_error(index, query):
    fill(index)
    try:
        facets = index.facets(query, symbol_prefix="A/", since=1)
    except QueryError as exc:
        assert str(exc) and "sqlite" not in str(exc).lower() and "syntax" not in str(exc).lower()
        return
    assert set(facets) == {"session", "body", "total"}


HOSTILE_VALUES = ["\x00", "a\x00b", "'; DROP TABLE paragraphs; --", "%", "_", "\\", "\ud800",
                  "😀", "x" * 10_000, "\ue000", "%(q)s", "NEAR(", "*"]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_hostile_filter_values_match_nothing_or_everything_but_never_fail(index, value):
    fill(index)
    for name in ("body", "kind", "agenda_item", "phrase", "symbol_prefix", "type", "change"):
        hits = index.search("Secretary-General", **{name: value})
        assert isinstance(hits, list)
        assert index.facets("Secretary-General", **{name: value})["total"] == len(
            index.search("Secretary-General", limit=500, **{name: value}))
    assert index.count() == 14


def test_hostile_query_text_with_lone_surrogates_and_sentinels(index):
    fill(index)
    assert index.search("\ud800migration") is not None
    assert index.search("migr\ue000ation\ue001") == [] or True  # answers, never fails
    with pytest.raises(QueryError, match="empty"):
        index.search("\ud800")


def test_snippet_html_escapes_the_text_and_keeps_only_the_index_marks(index):
    doc = make_doc(extra_op="Condemns <script>alert('x')</script> & <b>bold</b> "
                            "<mark>fake</mark> trafficking \ue000sentinel\ue001;")
    index.replace("d1", index_rows("d1", doc, None))
    [hit] = index.search("trafficking")
    assert "<script>" not in hit.snippet_html and "<b>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html and "&amp;" in hit.snippet_html
    assert "&lt;mark&gt;fake&lt;/mark&gt;" in hit.snippet_html  # the text's own tag is text
    assert hit.snippet_html.count("<mark>") == 1 == hit.snippet_html.count("</mark>")
    assert "<mark>trafficking</mark>" in hit.snippet_html
    assert "\ue000" not in hit.snippet and "\ue000" not in hit.snippet_html
    assert "<mark>trafficking</mark>" in hit.snippet  # the plain field keeps its old form


def test_filters_of_and_check_filters():
    assert Filters.of(session="58", symbol_prefix=" A/C.2/58/* ", phrase="  Also  Requests ",
                      body="", type=None) == Filters(session=58, symbol_prefix="A/C.2/58/",
                                                     phrase="also requests")
    with pytest.raises(QueryError, match="session must be a session number"):
        Filters.of(session="fifty-eight")
    with pytest.raises(TypeError):
        Filters.of(colour="red")
    with pytest.raises(QueryError, match="type must be one of"):
        check_filters(Filters(type="table"))
    with pytest.raises(QueryError, match="change must be one of"):
        check_filters(Filters(change="deleted"))
    with pytest.raises(QueryError, match="after until"):
        check_filters(Filters(since=70, until=60))
    with pytest.raises(QueryError, match="between 1 and 999"):
        check_filters(Filters(session=10**12))
    check_filters(Filters(session=58, type="operative", change="moved"))


def test_the_introduced_filter_is_a_whole_session_number():
    assert Filters.of(introduced="58") == Filters(introduced=58) == Filters.of(introduced=58.0)
    assert Filters.of(introduced=" 61 ", since="60").introduced == 61
    for bad in ("58.5", 58.5, "fifty-eight", "", "5 8", True, [58]):
        with pytest.raises(QueryError, match=r"introduced must be a session number \(a whole"):
            Filters.of(introduced=bad)
    with pytest.raises(QueryError, match="since must be a session number"):
        Filters.of(since="58.7")  # no longer cut to 58 without a word
    for bad in (0, -3, 1000):
        with pytest.raises(QueryError, match="introduced must be a session number between 1 and 999"):
            check_filters(Filters(introduced=bad))
    with pytest.raises(QueryError, match="introduced must be a session number"):
        check_filters(Filters(introduced="x"))  # built directly, not through Filters.of
    check_filters(Filters.of(introduced=58, type="operative", since=58, until=61))


# --- the docpipe search command ----------------------------------------------------------

@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """``docpipe`` on a data folder filled by ``docpipe ingest tests/data/*.txt``.

    A/RES/58/208 (session 58, General Assembly) and A/C.2/60/L.12/Rev.1 (session 60, Second
    Committee). They share no lineage, so the introduced session of each paragraph is
    set here as a genealogy would give it: the document's own session, except that
    A/C.2/60/L.12/Rev.1's O3 (a request to the Secretary-General) is taken to descend from
    a session-58 paragraph.
    """
    data = tmp_path_factory.mktemp("cli") / "data"
    env = {**os.environ, "DOCPIPE_DATA_DIR": str(data), "COLUMNS": "200"}
    for key in ("DOCPIPE_STORE_URL", "DOCPIPE_DB_URL", "DOCPIPE_INDEX_URL", "DOCPIPE_EVENTS_URL"):
        env.pop(key, None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "docpipe"), *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)

    proc = run("ingest", *map(str, sorted(DATA.glob("*.txt"))), "--json")
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(data / "index.db") as conn:
        conn.execute("UPDATE paragraphs SET introduced_session = session WHERE type != 'footnote'")
        conn.execute("UPDATE paragraphs SET introduced_session = 58"
                     " WHERE symbol = 'A/C.2/60/L.12/Rev.1' AND paragraph = 'O3'")
        # The FTS row carries the filter values as tokens (schema 3): write them again, as
        # the index's own replace() would have.
        from docpipe.search_index import _filter_tokens
        rows = conn.execute(
            "SELECT rowid, session, introduced_session, type, change, body, kind, agenda_item,"
            " phrase_key, symbol FROM paragraphs").fetchall()
        conn.executemany("UPDATE paragraphs_fts SET filters = ? WHERE rowid = ?", [
            (_filter_tokens(session=r[1], introduced=r[2], type=r[3], change=r[4], body=r[5],
                            kind=r[6], agenda_item=r[7], phrase_key=r[8], symbol=r[9]), r[0])
            for r in rows])
    run.data_dir = data
    return run


def search_json(cli, *args: str) -> tuple[list[dict], dict | None]:
    """(hits, facets line or None) of ``docpipe search ... --json``."""
    proc = cli("search", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    facets = lines.pop()["facets"] if lines and "facets" in lines[-1] else None
    return lines, facets


def where(hits):
    return {(h["symbol"], h["paragraph"]) for h in hits}


def test_cli_search_filters(cli):
    hits, facets = search_json(cli, "Secretary-General")
    assert where(hits) == {("A/RES/58/208", "P4"), ("A/RES/58/208", "O1"), ("A/RES/58/208", "O3"),
                           ("A/C.2/60/L.12/Rev.1", "O3")}
    assert facets is None  # only with --facets
    for h in hits:  # the fields scripts read are all there
        assert {"symbol", "paragraph", "snippet", "snippet_html", "doc_id", "type", "session",
                "score", "phrase", "change", "introduced_session"} <= set(h)
        assert "<mark>" in h["snippet"]
    # Operative paragraphs introduced in session 58, wherever they are now.
    hits, _ = search_json(cli, "Secretary-General", "--type", "operative", "--introduced", "58")
    assert where(hits) == {("A/RES/58/208", "O1"), ("A/RES/58/208", "O3"),
                           ("A/C.2/60/L.12/Rev.1", "O3")}
    assert {h["introduced_session"] for h in hits} == {58}
    assert search_json(cli, "Secretary-General", "--introduced", "60")[0] == []
    assert where(search_json(cli, "Member States", "--introduced", "60")[0]) == \
        {("A/C.2/60/L.12/Rev.1", "O2")}
    assert {h["session"] for h in search_json(cli, "Secretary-General", "--since", "59")[0]} == {60}
    assert {h["session"] for h in search_json(cli, "Secretary-General", "--until", "59")[0]} == {58}
    assert search_json(cli, "Secretary-General", "--since", "59", "--until", "59")[0] == []
    assert {h["symbol"] for h in search_json(cli, "Secretary-General",
                                             "--body", "general assembly")[0]} == {"A/RES/58/208"}
    assert {h["symbol"] for h in search_json(cli, "Secretary-General", "--body",
                                             "General Assembly, Second Committee")[0]} == \
        {"A/C.2/60/L.12/Rev.1"}
    assert {h["symbol"] for h in search_json(cli, "Secretary-General", "--kind",
                                             "Revised Draft Resolution")[0]} == {"A/C.2/60/L.12/Rev.1"}
    assert {h["symbol"] for h in search_json(cli, "Secretary-General", "--agenda-item",
                                             "89 (b)")[0]} == {"A/RES/58/208"}
    for prefix in ("A/C.2/60/*", "a/c.2/*", "A/C.2/60/L.12/Rev.1"):
        assert {h["symbol"] for h in search_json(cli, "Secretary-General", "--symbol",
                                                 prefix)[0]} == {"A/C.2/60/L.12/Rev.1"}
    assert search_json(cli, "Secretary-General", "--symbol", "A/C.2/58/*")[0] == []


def test_cli_search_facets(cli):
    hits, facets = search_json(cli, "Secretary-General", "--facets")
    assert facets == {"session": {"60": 1, "58": 3},
                      "body": {"General Assembly": 3, "General Assembly, Second Committee": 1},
                      "total": 4}
    assert len(hits) == 4
    # Counts follow the filters, the limit does not cut them.
    hits, facets = search_json(cli, "Secretary-General", "--facets", "--limit", "1",
                               "--type", "operative", "--introduced", "58")
    assert len(hits) == 1 and facets["total"] == 3 and facets["session"] == {"60": 1, "58": 2}
    assert search_json(cli, "nowhereword", "--facets") == (
        [], {"session": {}, "body": {}, "total": 0})
    # For people: after the hits, the counts per session and per body.
    proc = cli("search", "Secretary-General", "--facets")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.index("A/RES/58/208") < text.index("4 paragraphs match") < \
        text.index("per session:") < text.index("per body:")
    assert "  60  1" in text and "  58  3" in text
    assert "General Assembly, Second Committee" in text.split("per body:")[1]


@pytest.mark.parametrize("args, message", [
    (["--introduced", "fifty-eight"],
     "introduced must be a session number (a whole number such as 58), not 'fifty-eight'"),
    (["--introduced", "58.5"], "introduced must be a session number (a whole number such as 58)"),
    (["--since", "LVIII"], "since must be a session number (a whole number such as 58)"),
    (["--introduced", "0"], "introduced must be a session number between 1 and 999, not 0"),
    (["--session", "1000"], "session must be a session number between 1 and 999"),
    (["--since", "61", "--until", "59"], "since (61) is after until (59)"),
    (["--type", "table"], "type must be one of preamble, operative, footnote, not 'table'"),
    (["--change", "deleted"], "change must be one of added, modified, moved, unchanged"),
    (["--symbol", "[/red]"], None),  # matches nothing: not an error, and not markup either
], ids=["introduced-word", "introduced-fraction", "since-roman", "introduced-0", "session-range",
        "since-after-until", "type", "change", "markup-in-a-value"])
def test_cli_search_refuses_a_bad_filter_with_exit_2(cli, args, message):
    proc = cli("search", "Secretary-General", *args, "--json")
    if message is None:
        assert proc.returncode == 0 and proc.stdout == "", proc.stderr
        return
    stderr = " ".join(proc.stderr.replace("│", " ").split())
    assert proc.returncode == 2, proc.stderr
    assert message in stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr


@pytest.mark.parametrize("query, message", [
    ("", "the query is empty"),
    ("((( *", "the query is empty"),
    ("NOT migration", "the query only excludes words"),
    ("NOT [/bold]", "the query only excludes words"),  # rich markup in the message is text
])
def test_cli_search_refuses_a_query_with_nothing_to_search_with_exit_2(cli, query, message):
    for extra in ([], ["--json"], ["--facets", "--introduced", "58"]):
        proc = cli("search", query, *extra)
        assert proc.returncode == 2, proc.stderr
        assert message in proc.stderr and "Traceback" not in proc.stderr


def test_sqlite_rank_window_ranks_recent_matches_and_falls_back_for_filters(tmp_path):
    from docpipe.search_index import SQLiteIndex
    with SQLiteIndex(tmp_path / "w.db", rank_window=3) as idx:
        fill_more(idx)
        total = idx.facets("Secretary-General")["total"]
        assert total > 3
        # More matches than the window: hits come from it, the counts stay exact.
        assert len(idx.search("Secretary-General", limit=2)) == 2
        # Filters that keep too few rows of the window: every match is ranked.
        assert {h.doc_id for h in idx.search("Secretary-General", session=58, limit=50)} == {"d1"}
        assert len(idx.search("Secretary-General", limit=50)) == total
    with SQLiteIndex(tmp_path / "exact.db", rank_window=None) as exact:
        fill_more(exact)
        assert len(exact.search("Secretary-General", limit=50)) == total


def test_postgres_index_of_schema_1_is_migrated(postgres_database):
    import psycopg

    from docpipe.search_index import PostgresIndex
    doc = make_doc(extra_op="Condemns <script>x</script> trafficking;")
    with PostgresIndex(postgres_database) as idx:
        idx.replace("d1", index_rows("d1", doc, None))
    with psycopg.connect(postgres_database, autocommit=True) as conn:
        # What version 1 stored: only "/" separated, so "<script>" swallowed the rest.
        conn.execute("ALTER TABLE paragraphs DROP COLUMN tsv")
        conn.execute("ALTER TABLE paragraphs ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
                     "to_tsvector('english'::regconfig, replace(text, '/', E'/\\x1f'))) STORED")
        conn.execute("UPDATE paragraphs_schema SET version = 1")
    with PostgresIndex(postgres_database) as idx:
        assert keys(idx.search("trafficking")) == {("d1", "O4")}
        assert idx.count() == 8
    with psycopg.connect(postgres_database) as conn:
        assert conn.execute("SELECT version FROM paragraphs_schema").fetchall() == [(3,)]
        assert conn.execute("SELECT count(*) FROM paragraphs WHERE introduced_session IS NULL"
                            ).fetchone()[0] == 8  # the column added, the rows kept


def test_api_search_introduced(cli):
    from fastapi.testclient import TestClient

    from config.settings import Settings
    from docpipe.api import create_app
    from docpipe.runner import StageRunner
    settings = Settings(data_dir=cli.data_dir)
    client = TestClient(create_app(settings, StageRunner.from_settings(settings), lambda ref: None))
    r = client.get("/api/search", params={"q": "Secretary-General", "type": "operative",
                                          "introduced": 58})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {(h["symbol"], h["paragraph"]) for h in body["hits"]} == {
        ("A/RES/58/208", "O1"), ("A/RES/58/208", "O3"), ("A/C.2/60/L.12/Rev.1", "O3")}
    assert {h["introduced_session"] for h in body["hits"]} == {58}
    assert body["total"] == 3 and body["facets"]["session"] == {"60": 1, "58": 2}
    r = client.get("/api/search", params={"q": "Secretary-General", "introduced": 0})
    assert r.status_code == 400 and "introduced must be a session number" in r.json()["detail"]
    r = client.get("/api/search", params={"q": "x", "introduced": "58.5"})
    assert r.status_code == 400 and "introduced" in r.text, r.text  # the API's validation answer
    params = client.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"]
    assert "introduced" in {p["name"] for p in params}


@pytest.mark.parametrize("range_tokens", [64, 1])
def test_sqlite_filter_tokens_and_phrase_probe_keep_the_results_exact(tmp_path, monkeypatch,
                                                                       range_tokens):
    """Schema 3: filters as FTS tokens, phrases ranked by their rarest word in a window.
    With a window of 3 rows every path (window, growth, whole index) is taken, and the
    rows found are those of the exact ranking (no window), under every kind of filter;
    with range_tokens=1 a session range is checked on the table instead of as tokens."""
    from docpipe import search_index
    from docpipe.search_index import SQLiteIndex
    monkeypatch.setattr(search_index, "_MAX_RANGE_TOKENS", range_tokens)
    with SQLiteIndex(tmp_path / "w.db", rank_window=3) as idx, \
            SQLiteIndex(tmp_path / "exact.db", rank_window=None) as exact:
        fill_more(idx)
        fill_more(exact)
        # The tokens are in their own column: the user's words never match them.
        tokens = {t for (row,) in idx._read("SELECT filters FROM paragraphs_fts", [])
                  for t in row.split()}
        assert tokens and all(idx.search(t) == [] for t in list(tokens)[:50])
        for query in ['"the Secretary-General"', "Secretary-General", '"General Assembly"',
                      "Secretary-General -report", '"requests the" OR migration']:
            for filters in ({}, {"session": 58}, {"type": "operative"},
                            {"since": 58, "until": 60}, {"since": 1}, {"until": 59},
                            {"body": "general assembly"}, {"symbol_prefix": "A/C.2/6"},
                            {"symbol_prefix": "a/res/58/*"}, {"change": "modified"},
                            {"introduced": 58}, {"since": 61}):
                want = keys(exact.search(query, limit=500, **filters))
                assert keys(idx.search(query, limit=500, **filters)) == want, (query, filters)
                assert idx.facets(query, **filters)["total"] == len(want), (query, filters)
                top = idx.search(query, limit=2, **filters)
                assert len(top) == min(2, len(want)) and keys(top) <= want
