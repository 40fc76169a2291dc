"""The object store: a local folder (embedded default) or an S3 bucket.

Both speak the same small interface so that the stage runner does not care
where originals and artifacts live. Keys are plain strings with ``/``; the
local store maps them under its root and refuses keys that would escape it
(``../``), since keys come from users.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol
from urllib.parse import urlparse

from pipeline.errors import PermanentError, TransientError


class ObjectMissing(PermanentError):
    """The object named by an event or a run is not in the store."""


class ObjectTooLarge(PermanentError):
    """``get(key, max_bytes=...)`` found an object larger than that; nothing was read."""

    def __init__(self, key: str, size: int):
        super().__init__(f"object {key!r} has {size:,} bytes")
        self.size = size


class UnsafeKey(PermanentError):
    """A key that cannot be stored safely (escapes the store, empty, too long)."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str


class ObjectStore(Protocol):
    bucket: str

    def get(self, key: str, max_bytes: int | None = None) -> bytes: ...
    def put(self, key: str, data: bytes) -> None: ...
    def exists(self, key: str) -> bool: ...
    def head(self, key: str) -> ObjectInfo: ...
    def list(self, prefix: str) -> Iterator[ObjectInfo]: ...
    def delete(self, key: str) -> None: ...


class LocalStore:
    """Objects as files under a root folder; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.bucket = self.root.name

    def _path(self, key: str) -> Path:
        if not key or len(key.encode()) > 1024 or "\x00" in key:
            raise UnsafeKey(f"unusable object key {key[:80]!r}")
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise UnsafeKey(f"object key {key[:200]!r} escapes the store")
        return path

    def get(self, key: str, max_bytes: int | None = None) -> bytes:
        try:
            with open(self._path(key), "rb") as f:
                if max_bytes is not None:
                    size = os.fstat(f.fileno()).st_size
                    if size > max_bytes:
                        raise ObjectTooLarge(key, size)
                return f.read()
        except FileNotFoundError:
            raise ObjectMissing(f"no object {key!r} in {self.root}") from None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        if not path.is_file():
            raise ObjectMissing(f"no object {key!r} in {self.root}")
        # A local file has no ETag; the MD5 of its bytes is what S3 gives for a simple PUT.
        return ObjectInfo(key, path.stat().st_size, hashlib.md5(path.read_bytes()).hexdigest())

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        base = self.root / prefix if prefix.endswith("/") else (self.root / prefix).parent
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield self.head(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """Objects in an S3 bucket (AWS, MinIO, moto), optionally under a key prefix."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None):
        import boto3  # imported here so that the embedded mode never needs AWS configuration
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client("s3", endpoint_url=endpoint_url,
                                   config=Config(retries={"max_attempts": 5, "mode": "standard"}))

    def _errors(self):
        from botocore.exceptions import BotoCoreError, ClientError
        return BotoCoreError, ClientError

    def _call(self, fn, key: str, **kwargs):
        BotoCoreError, ClientError = self._errors()
        try:
            return fn(Bucket=self.bucket, Key=self.prefix + key, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise ObjectMissing(f"no object {key!r} in s3://{self.bucket}") from None
            if code in ("AccessDenied", "NoSuchBucket", "InvalidBucketName"):
                raise PermanentError(f"S3 refused {key!r}: {code}") from None
            raise TransientError(f"S3 error on {key!r}: {code or exc}") from exc
        except BotoCoreError as exc:
            raise TransientError(f"S3 unreachable for {key!r}: {exc}") from exc

    def get(self, key: str, max_bytes: int | None = None) -> bytes:
        """The object's bytes; with ``max_bytes``, ObjectTooLarge before reading a larger
        body (one request where head-then-get took two)."""
        reply = self._call(self.client.get_object, key)
        if max_bytes is not None and reply["ContentLength"] > max_bytes:
            reply["Body"].close()
            raise ObjectTooLarge(key, reply["ContentLength"])
        return reply["Body"].read()

    def put(self, key: str, data: bytes) -> None:
        self._call(self.client.put_object, key, Body=data)

    def exists(self, key: str) -> bool:
        try:
            self.head(key)
            return True
        except ObjectMissing:
            return False

    def head(self, key: str) -> ObjectInfo:
        meta = self._call(self.client.head_object, key)
        return ObjectInfo(key, meta["ContentLength"], meta["ETag"].strip('"'))

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                yield ObjectInfo(item["Key"][len(self.prefix):], item["Size"],
                                 item["ETag"].strip('"'))

    def delete(self, key: str) -> None:
        self._call(self.client.delete_object, key)


def open_store(url: str, endpoint_url: str | None = None) -> ObjectStore:
    """``file:///path`` -> LocalStore, ``s3://bucket[/prefix]`` -> S3Store."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalStore(Path(parsed.path))
    if parsed.scheme == "s3":
        return S3Store(parsed.netloc, parsed.path, endpoint_url)
    raise ValueError(f"DOCPIPE_STORE_URL must be file:///path or s3://bucket[/prefix], not {url!r}")
