"""A new document's index stage does the same work however large the archive is.

The archive is built with the real pipeline (``bench.growth.Archive``: text variants of the
corpus sources, a real SQLite ledger and index in a temporary folder). The same source is
ingested as a new document at two archive sizes, and every SQL statement its index stage
runs on the ledger and on the search index is recorded: the statements must be the same
(the same kinds, as many of each), and each must find its rows through an index (SQLite's
query plan has no full scan of a table), so that none of them grows with the archive.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

import pytest
import sqlalchemy as sa

pytest.importorskip("corpus.build")

# A full scan in EXPLAIN QUERY PLAN: "SCAN documents" (a covering index reads
# "SCAN t USING COVERING INDEX", also a full pass). FTS5's "SCAN ... VIRTUAL TABLE INDEX
# 0:=" is a rowid lookup, and a subquery's or a constant row's scan is no table's.
# A scan of a table; not of a derived table (``anon_N``, a bounded subquery's rows).
_FULL_SCAN = re.compile(r"^SCAN (?!CONSTANT ROW)(?!anon_\d)(?!.*VIRTUAL TABLE INDEX \d+:\S)")


def _index_stage_statements(archive, probe: int) -> list[tuple[str, str, object]]:
    """(database, SQL, parameters) of every statement the probe's index stage ran."""
    runner = archive.runner
    recording: list[tuple[str, str, object]] = []
    active = {"on": False}

    def ledger_statement(conn, cursor, statement, parameters, context, executemany):
        if active["on"]:
            recording.append(("ledger", statement, parameters))

    def index_statement(statement: str) -> None:
        # FTS5's own statements on its shadow tables start with "--".
        if active["on"] and not statement.startswith("--"):
            recording.append(("index", statement, ()))

    original = runner._index

    def index_stage(ref):
        active["on"] = True
        try:
            return original(ref)
        finally:
            active["on"] = False

    sa.event.listen(runner.ledger.engine, "before_cursor_execute", ledger_statement)
    runner.index._connection().set_trace_callback(index_statement)
    runner._index = index_stage
    try:
        result = archive.probe(probe)
    finally:
        runner._index = original
        runner.index._connection().set_trace_callback(None)
        sa.event.remove(runner.ledger.engine, "before_cursor_execute", ledger_statement)
    assert result["state"] == "indexed"
    return recording


def _full_scans(folder, statements) -> list[tuple[str, str]]:
    found = []
    dbs = {"ledger": sqlite3.connect(folder / "ledger.db"),
           "index": sqlite3.connect(folder / "index.db")}
    try:
        for db, sql, params in statements:
            if sql.split()[0].upper() not in ("SELECT", "UPDATE", "DELETE"):
                continue  # an INSERT of given values reads no table
            args = params if isinstance(params, (tuple, list, dict)) else ()
            for *_, detail in dbs[db].execute("EXPLAIN QUERY PLAN " + sql, args).fetchall():
                if _FULL_SCAN.match(detail):
                    found.append((detail, " ".join(sql.split())[:120]))
    finally:
        for conn in dbs.values():
            conn.close()
    return found


def _shapes(statements) -> Counter:
    """How many statements of each kind, less the two INSERTs per paragraph written (they
    follow the new document's length, which differs between the two probes)."""
    shapes = Counter((db, re.sub(r"'[^']*'", "?", " ".join(sql.split()))[:60])
                     for db, sql, _ in statements)
    per_row = [k for k in shapes if k[0] == "index" and k[1].startswith("INSERT INTO paragraphs")]
    assert len(per_row) == 2 and len({shapes[k] for k in per_row}) == 1, per_row
    for k in per_row:
        del shapes[k]
    return shapes


def test_the_index_stage_does_not_grow_with_the_archive(tmp_path):
    from bench.growth import Archive
    archive = Archive(tmp_path)
    archive.grow_to(4)
    small = _index_stage_statements(archive, 0)
    archive.grow_to(40)  # ten times the documents, each source with several versions
    large = _index_stage_statements(archive, 13)  # the same source, a later session
    assert small and _shapes(large) == _shapes(small)
    assert _full_scans(tmp_path, small + large) == []
