"""All of docpipe's configuration, in one pydantic-settings model.

Every value can be set from the environment with the ``DOCPIPE_`` prefix
(``DOCPIPE_BROKER_URL``...). Credentials and region for S3/SQS are the standard
AWS variables (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``), read by boto3 itself, so they never pass through here.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The pipeline's stages, in order. Each is also the name of its Celery queue.
STAGES: tuple[str, ...] = ("extract", "clean", "segment", "diff", "index")


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "docpipe"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCPIPE_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir,
                           description="Where the embedded store, ledger and index live.")
    store_url: str | None = Field(None, description="`s3://bucket[/prefix]` or `file:///path`; "
                                  "default `file://<data_dir>/store`.")
    s3_endpoint_url: str | None = Field(None, description="S3/SQS endpoint (MinIO, moto); "
                                        "unset for AWS.")
    events_url: str | None = Field(None, description="`sqs://queue-name` (resolved at the S3 "
                                   "endpoint) or a full SQS queue URL.")
    db_url: str | None = Field(None, description="Ledger database; default "
                               "`sqlite:///<data_dir>/ledger.db`, or `postgresql://...`.")
    index_url: str | None = Field(None, description="Search index; default "
                                  "`sqlite:///<data_dir>/index.db`, or `postgresql://...`.")
    broker_url: str = Field("redis://127.0.0.1:6379/0", description="Celery broker (Redis).")
    webhook_token: SecretStr | None = Field(None, description="Shared token the S3-compatible "
                                            "store sends to the webhook.")
    inbox_prefix: str = Field("inbox/", description="Only objects under this prefix are ingested.")
    max_input_bytes: int = Field(200 * 1024 * 1024, description="Larger originals are quarantined.")
    max_deliveries: int = Field(10, description="A stage delivered more often than this is "
                                "quarantined (poison message).")
    ocr_dpi: int = Field(300, description="Rendering resolution for OCR.")
    ocr_language: str = Field("eng", description="Tesseract language.")
    ocr_background_lift: float = Field(
        0.4, ge=0.0, le=1.0, description="Paper whitening before Tesseract reads a scanned "
        "page: grey lighter than the ink level plus this share of the way to white becomes "
        "white (0: off).")
    log_json: bool | None = Field(None, description="JSON log lines; default: on in workers "
                                  "and the listener, off in the CLI.")
    # --- unattended operation: sweep, recovery, archive, Flower -------------------------
    sweep_hour_utc: int = Field(3, ge=0, le=23, description="Hour (UTC) of the nightly sweep.")
    sweep_cron: str | None = Field(None, description="Five-field crontab (UTC) for the sweep; "
                                   "overrides sweep_hour_utc.")
    recover_interval_seconds: int = Field(60, ge=0, description="How often beat runs the "
                                          "stuck-run recovery (0: only in the nightly sweep).")
    stuck_after_seconds: int = Field(180, ge=1, description="A stage with no live task and no "
                                     "progress for this long is dispatched again.")
    archive_prefix: str = Field("archive/", description="Where indexed originals are moved.")
    archive_storage_class: str | None = Field(None, description="S3 storage class of archived "
                                              "originals (STANDARD_IA, GLACIER_IR...).")
    sweep_retry_cap: int = Field(3, ge=0, description="Automatic retries of a document "
                                 "quarantined for a transient failure.")
    flower_basic_auth: SecretStr | None = Field(None, description="`user:password` for Flower "
                                                "(exported as FLOWER_BASIC_AUTH).")

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        self.data_dir = Path(self.data_dir).expanduser()
        if self.store_url is None:
            self.store_url = (self.data_dir / "store").resolve().as_uri()
        if self.db_url is None:
            self.db_url = f"sqlite:///{(self.data_dir / 'ledger.db').resolve()}"
        if self.index_url is None:
            self.index_url = f"sqlite:///{(self.data_dir / 'index.db').resolve()}"
        return self

    @property
    def distributed(self) -> bool:
        """True when runs go through Celery rather than in-process."""
        return self.store_url.startswith("s3://")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
