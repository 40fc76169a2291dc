"""Moving an original between prefixes (inbox/, quarantine/, archive/) without losing it.

A move is copy, verify, delete: the copy's sha256 must equal the source's
before the source is deleted, so a crash at any point leaves at least one
complete copy. On S3 the copy is server-side (``copy_object``, optionally into
another storage class); elsewhere it is get + put.
"""

from __future__ import annotations

import hashlib

from docpipe.store import ObjectStore
from pipeline.errors import TransientError


class ChecksumMismatch(TransientError):
    """The copy's bytes differ from the source's: the source is kept."""


def sha256_of(store: ObjectStore, key: str) -> str:
    return hashlib.sha256(store.get(key)).hexdigest()


def relative_key(key: str, prefix: str) -> str:
    """``inbox/a/b.pdf`` -> ``a/b.pdf`` (a key outside ``prefix`` stays whole)."""
    return key[len(prefix):] if key.startswith(prefix) else key


def copy_object(store: ObjectStore, src: str, dst: str, storage_class: str | None = None) -> None:
    client = getattr(store, "client", None)
    if client is not None and hasattr(store, "prefix"):  # S3: server-side copy
        extra = {"StorageClass": storage_class} if storage_class else {}
        store._call(client.copy_object, dst,
                    CopySource={"Bucket": store.bucket, "Key": store.prefix + src},
                    MetadataDirective="COPY", **extra)
        return
    store.put(dst, store.get(src))


def move_verified(store: ObjectStore, src: str, dst: str, expected_sha256: str | None = None,
                  storage_class: str | None = None) -> str:
    """Move ``src`` to ``dst``; return the sha256 of the bytes moved.

    ``expected_sha256``: the source must have these bytes (else nothing moves).
    If ``src`` is gone but ``dst`` holds the expected bytes, an earlier move was
    interrupted after its delete: that counts as done.
    """
    if not store.exists(src) and store.exists(dst):
        got = sha256_of(store, dst)
        if expected_sha256 is None or got == expected_sha256:
            return got
    source_sha = sha256_of(store, src)
    if expected_sha256 is not None and source_sha != expected_sha256:
        raise ChecksumMismatch(f"{src} has sha256 {source_sha[:12]}..., the ledger "
                               f"{expected_sha256[:12]}...; not moved")
    copy_object(store, src, dst, storage_class)
    copied = sha256_of(store, dst)
    if copied != source_sha:
        raise ChecksumMismatch(f"copy {dst} has sha256 {copied[:12]}..., source "
                               f"{source_sha[:12]}...; source kept")
    store.delete(src)
    return source_sha
