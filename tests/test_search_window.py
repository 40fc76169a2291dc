"""PostgreSQL's ranking window: a query expected to match many paragraphs is ranked among
its ``rank_window`` most recent matches; a selective one is ranked in full, as before.

Runs on the session's throwaway PostgreSQL cluster (``postgres_database`` in conftest.py).
The index holds 60 documents of 5 paragraphs, all with "development"; the 20 oldest
documents say it three times, so that a ranking of every match puts old paragraphs first
and a ranking in the window cannot.
"""

from __future__ import annotations

import pytest

from pipeline.index import IndexRow

DOCS, PARAS, WINDOW = 60, 5, 20


def rows(i: int) -> list[IndexRow]:
    doc_id = f"d{i:03d}"
    out = []
    for k in range(PARAS):
        text = (f"Requests the Secretary-General to report on sustainable development"
                f" in paragraph {k} of document {i}")
        if i < 20:
            text += "; development, development"
        if k == 0 and i in (3, 30, 57):
            text += "; Zanzibar"
        out.append(IndexRow(doc_id=doc_id, paragraph=f"O{k + 1}", position=k, type="operative",
                            text=text, display_text=text, symbol=f"A/C.2/{40 + i}/L.{k + 1}",
                            session=40 + i, body="General Assembly, Second Committee"))
    return out


@pytest.fixture
def indexes(postgres_database):
    from docpipe.search_index import PostgresIndex
    windowed = PostgresIndex(postgres_database, rank_window=WINDOW)
    exact = PostgresIndex(postgres_database, rank_window=None)
    for i in range(DOCS):  # one transaction per document, oldest first, as the pipeline does
        windowed.replace(f"d{i:03d}", rows(i))
    windowed._run(lambda conn: conn.execute("ANALYZE paragraphs"))
    yield windowed, exact
    windowed.close()
    exact.close()


def keys(hits):
    return [(h.doc_id, h.paragraph) for h in hits]


def latest_matches(index, query: str, n: int) -> set[tuple[str, str]]:
    tsquery = index.tsquery(query)
    return set(index._run(lambda conn: conn.execute(
        "SELECT doc_id, paragraph FROM paragraphs WHERE tsv @@ %s::tsquery"
        " ORDER BY id DESC LIMIT %s", (tsquery, n)).fetchall()))


def test_a_common_word_is_ranked_among_its_latest_matches(indexes):
    windowed, exact = indexes
    assert windowed.facets("development")["total"] == DOCS * PARAS  # counts stay exact
    everything = exact.search("development", limit=10)
    # Ranked in full, the old paragraphs that repeat the word come first...
    assert {doc for doc, _ in keys(everything)} <= {f"d{i:03d}" for i in range(20)}
    # ...in the window, only the latest WINDOW matches compete (the floor reads a span
    # of 1.5 windows: the latest WINDOW of what it finds are kept).
    hits = windowed.search("development", limit=10)
    assert len(hits) == 10
    assert set(keys(hits)) <= latest_matches(windowed, "development", WINDOW)
    # Ranked as the exact ranking ranks those same rows: ties broken by document, position.
    assert keys(hits) == sorted(keys(hits))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_common_phrase_is_windowed_too(indexes):
    windowed, exact = indexes
    # The planner takes "sustainable" and "development" as independent; the rarest word's
    # estimate decides that the phrase is common.
    hits = windowed.search('"sustainable development"', limit=5)
    assert len(hits) == 5
    assert set(keys(hits)) <= latest_matches(windowed, '"sustainable development"', WINDOW)
    assert keys(exact.search('"sustainable development"', limit=5)) != keys(hits)


@pytest.mark.parametrize("query, filters", [
    ("Zanzibar", {}),  # 3 matches: below the window, ranked in full
    ("development", {"session": 41}),  # the filter makes it selective
    ("development", {"symbol_prefix": "A/C.2/45/"}),
    ("development Zanzibar", {}),
    ('"development in paragraph 4 of document 5"', {}),  # one old match: below the floor
    ("development", {"until": 45}),  # all of its matches are older than the window's floor
])
def test_selective_queries_are_ranked_exactly(indexes, query, filters):
    windowed, exact = indexes
    want = keys(exact.search(query, limit=50, **filters))
    assert want, (query, filters)
    assert keys(windowed.search(query, limit=50, **filters)) == want
    top = windowed.search(query, limit=2, **filters)
    assert keys(top) == want[:2]


def test_a_window_with_fewer_matches_than_the_limit_ranks_everything(indexes):
    windowed, exact = indexes
    # 300 matches: more than the window, but a limit above the window's size can only be
    # met by ranking them all.
    hits = windowed.search("development", limit=WINDOW * 3)
    assert len(hits) == WINDOW * 3
    assert keys(hits) == keys(exact.search("development", limit=WINDOW * 3))
