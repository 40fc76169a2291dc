"""The ledger's idempotency: duplicate events, duplicate content, redeliveries."""

import threading

import pytest

from docpipe.ledger import Ledger


@pytest.fixture
def ledger(tmp_path):
    return Ledger(f"sqlite:///{tmp_path / 'ledger.db'}")


def test_the_same_upload_announced_twice_is_one_original(ledger):
    first = ledger.register("b", "inbox/a.txt", "etag1", 10, "sqs")
    again = ledger.register("b", "inbox/a.txt", "etag1", 10, "webhook")
    assert first.new and not again.new
    assert again.original_id == first.original_id
    assert len(ledger.status()) == 1


def test_an_overwritten_key_is_a_new_original(ledger):
    a = ledger.register("b", "inbox/a.txt", "etag1", 10, "sqs")
    b = ledger.register("b", "inbox/a.txt", "etag2", 11, "sqs")
    assert b.new and b.original_id != a.original_id


def test_the_same_bytes_under_a_second_key_point_to_the_first(ledger):
    a = ledger.register("b", "inbox/a.txt", "e", 10, "sqs").original_id
    b = ledger.register("b", "inbox/copy of a.txt", "e", 10, "sqs").original_id
    assert ledger.claim_content(a, "sha") == a
    assert ledger.claim_content(b, "sha") == a
    assert ledger.claim_content(a, "sha") == a  # a redelivered extract stays the first
    ledger.mark_duplicate(b, a)
    assert ledger.original(b)["state"] == "duplicate"


def test_concurrent_registrations_make_one_original(ledger):
    results = []

    def register():
        results.append(ledger.register("b", "inbox/race.txt", "e", 1, "sqs"))

    threads = [threading.Thread(target=register) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.new for r in results) == 1
    assert len({r.original_id for r in results}) == 1


def test_stage_deliveries_are_counted_and_states_reported(ledger):
    oid = ledger.register("b", "inbox/a.txt", "e", 1, "sqs").original_id
    assert ledger.stage_started(oid, "extract", "t1") == 1
    assert ledger.stage_started(oid, "extract", "t2") == 2  # redelivered after a worker died
    ledger.stage_done(oid, "extract", "artifacts/x/extract-v1.json")
    ledger.stage_started(oid, "clean", "t3")
    ledger.stage_failed(oid, "clean", "boom")
    row = ledger.status()[0]
    assert row["state"] == "running"
    assert row["stages"] == {"extract": "done", "clean": "failed", "segment": "pending",
                             "diff": "pending", "index": "pending"}


def test_indexed_documents_are_found_by_lineage_keys(ledger):
    oid = ledger.register("b", "inbox/a.txt", "e", 1, "sqs").original_id
    ledger.mark_indexed(oid, doc_id="d1", symbol="A/RES/56/203", session=56, kind="resolution",
                        body="General Assembly", title="International migration",
                        document_artifact="artifacts/d1/segment.json", diff_artifact=None,
                        keys=[("title", "international migration"), ("symbol", "A/RES/56/203")])
    assert ledger.original(oid)["state"] == "indexed"
    found = ledger.documents_with_keys([("symbol", "A/RES/56/203"), ("title", "other")])
    assert [row["doc_id"] for row in found] == ["d1"]
    assert ledger.documents_with_keys([("title", "unrelated")]) == []
    assert ledger.document_by_symbol("A/RES/56/203")["doc_id"] == "d1"


def _index_doc(ledger, n: int, session: int, keys) -> None:
    reg = ledger.register("b", f"inbox/{n}.txt", f"e{n}", 1, "test")
    oid = reg.original_id
    ledger.mark_indexed(oid, doc_id=f"d{n}", symbol=f"A/RES/{session}/{n}", session=session,
                        kind="resolution", body="General Assembly", title="Oceans",
                        document_artifact=f"artifacts/d{n}/segment.json", diff_artifact=None,
                        keys=keys)


def test_a_key_shared_by_many_documents_is_read_only_around_the_session(ledger):
    from docpipe.ledger import KEY_FANOUT
    # A title repeated every session for 300 sessions (and three documents a session):
    # the lookup reads a bounded slice around the session asked for, and finds the
    # nearest earlier version first.
    n = 0
    for session in range(1, 301):
        for _ in range(3):
            n += 1
            _index_doc(ledger, n, session, [("title", "oceans and the law of the sea")])
    found = ledger.documents_with_keys([("title", "oceans and the law of the sea")],
                                       near_session=150, limit=10)
    assert {row["session"] for row in found} <= {149, 150, 151, 148, 152}
    assert found[0]["session"] == 150
    with ledger.engine.connect() as conn:
        import sqlalchemy as sa
        rows = conn.execute(sa.text(
            "SELECT count(*) FROM document_keys WHERE session IS NULL")).scalar_one()
    assert rows == 0  # every key carries its document's session
    assert KEY_FANOUT < 3 * 300 / 2


def test_a_ledger_made_before_keys_carried_sessions_is_upgraded(tmp_path):
    import sqlalchemy as sa
    path = tmp_path / "old.db"
    old = Ledger(f"sqlite:///{path}")
    _index_doc(old, 1, 58, [("title", "migration")])
    with old.engine.begin() as conn:  # the table as an earlier version made it
        conn.execute(sa.text("DROP INDEX ix_document_keys_session"))
        conn.execute(sa.text("ALTER TABLE document_keys DROP COLUMN session"))
    old.engine.dispose()
    upgraded = Ledger(f"sqlite:///{path}")
    found = upgraded.documents_with_keys([("title", "migration")], near_session=59)
    assert [(row["doc_id"], row["session"]) for row in found] == [("d1", 58)]
    with upgraded.engine.connect() as conn:
        plan = " ".join(r[-1] for r in conn.execute(sa.text(
            "EXPLAIN QUERY PLAN SELECT doc_id FROM document_keys WHERE name='title' "
            "AND value='migration' AND session <= 59 ORDER BY session DESC LIMIT 40")))
    assert "ix_document_keys_session" in plan
