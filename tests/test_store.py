"""Both stores behind one interface: a local folder and S3 (moto's server)."""

import pytest

from docpipe.store import LocalStore, ObjectMissing, UnsafeKey, open_store


def exercise(store):
    store.put("inbox/copy of A.txt", b"one")
    store.put("inbox/sub/B.pdf", b"two")
    store.put("artifacts/x/extract-v1.json", b"{}")
    assert store.get("inbox/copy of A.txt") == b"one"
    assert store.exists("inbox/sub/B.pdf") and not store.exists("inbox/none")
    listed = {info.key: info for info in store.list("inbox/")}
    assert set(listed) == {"inbox/copy of A.txt", "inbox/sub/B.pdf"}
    # The ETag of a simple upload is the MD5 of its bytes, in both stores.
    assert listed["inbox/copy of A.txt"].etag == "f97c5d29941bfb1b2fdab0874906ab82"
    assert store.head("inbox/sub/B.pdf").size == 3
    store.put("inbox/copy of A.txt", b"changed")
    assert store.get("inbox/copy of A.txt") == b"changed"
    store.delete("inbox/sub/B.pdf")
    with pytest.raises(ObjectMissing):
        store.get("inbox/sub/B.pdf")


def test_local_store(tmp_path):
    exercise(LocalStore(tmp_path / "store"))


def test_local_store_refuses_keys_that_escape_it(tmp_path):
    store = LocalStore(tmp_path / "store")
    for key in ("../outside", "inbox/../../etc/passwd", "", "a\x00b", "x" * 2000):
        with pytest.raises(UnsafeKey):
            store.put(key, b"x")
    assert not (tmp_path / "outside").exists()


def test_s3_store_on_moto_server(moto_server, aws_env):
    import boto3
    boto3.client("s3", endpoint_url=moto_server).create_bucket(Bucket="docpipe-test")
    exercise(open_store("s3://docpipe-test", moto_server))
    prefixed = open_store("s3://docpipe-test/tenant-a", moto_server)
    prefixed.put("inbox/C.txt", b"three")
    assert [i.key for i in prefixed.list("inbox/")] == ["inbox/C.txt"]
