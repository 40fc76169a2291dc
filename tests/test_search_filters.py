"""Filters on every field, facet counts and safe snippets, on both index backends.

Uses the ``index`` fixture of ``tests/test_index.py``: each test runs on SQLite FTS5 and on
the session's throwaway PostgreSQL.
"""

from __future__ import annotations

import pytest

from docpipe.search_index import (Facets, Filters, QueryError, check_filters)
from pipeline.diff import diff
from pipeline.index import index_rows
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
        assert conn.execute("SELECT version FROM paragraphs_schema").fetchall() == [(2,)]
