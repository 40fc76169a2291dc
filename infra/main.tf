# docpipe on AWS: the store bucket, the S3 -> SQS event path with a dead-letter queue,
# and least-privilege IAM for the stage workers and the event listener.
#
# Object layout (docpipe's prefixes):
#   inbox/       originals dropped by users; ObjectCreated here starts a run
#   artifacts/   per-stage outputs written by the workers
#   quarantine/  originals and outputs set aside with a reason (poison, too large, ...)
#   archive/     originals moved out of inbox/ after a finished run (the sweep)

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  bucket     = coalesce(var.bucket_name, "${var.name}-${local.account_id}-${var.region}")

  inbox_prefix      = "inbox/"
  artifacts_prefix  = "artifacts/"
  quarantine_prefix = "quarantine/"
  archive_prefix    = "archive/"
  reports_prefix    = "reports/"
}

# --------------------------------------------------------------------------------------
# Store bucket
# --------------------------------------------------------------------------------------

resource "aws_s3_bucket" "store" {
  # Accepted checkov findings (see infra/README.md):
  #checkov:skip=CKV_AWS_18:Access logging needs a second, log bucket; CloudTrail data events are the chosen audit trail.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a DR decision (cost, second region); originals are also kept under archive/ with versioning.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES256) chosen: no KMS key policy or grants to manage for workers; switch to aws:kms if a CMK is required.
  bucket = local.bucket
}

resource "aws_s3_bucket_ownership_controls" "store" {
  bucket = aws_s3_bucket.store.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "store" {
  bucket                  = aws_s3_bucket.store.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "store" {
  bucket = aws_s3_bucket.store.id
  versioning_configuration {
    status = "Enabled"
  }
}

# SSE-S3: readable by any principal the IAM policies allow, with no KMS grants to manage.
resource "aws_s3_bucket_server_side_encryption_configuration" "store" {
  bucket = aws_s3_bucket.store.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "store" {
  bucket = aws_s3_bucket.store.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.store]
}

data "aws_iam_policy_document" "store_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.store.arn,
      "${aws_s3_bucket.store.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "store" {
  bucket     = aws_s3_bucket.store.id
  policy     = data.aws_iam_policy_document.store_bucket.json
  depends_on = [aws_s3_bucket_public_access_block.store]
}

# --------------------------------------------------------------------------------------
# Event queue (S3 ObjectCreated under inbox/) and its dead-letter queue
# --------------------------------------------------------------------------------------

resource "aws_sqs_queue" "events_dlq" {
  name                      = "${var.name}-events-dlq"
  message_retention_seconds = var.dlq_retention_seconds
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "events" {
  name = "${var.name}-events"

  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.event_retention_seconds
  max_message_size           = 262144 # 256 KiB; S3 needs at least 64 KiB
  receive_wait_time_seconds  = 20     # long polling, as `docpipe listen` does

  # SSE-SQS: S3 can deliver to it without a customer-managed KMS key policy.
  sqs_managed_sse_enabled = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.events_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  lifecycle {
    precondition {
      condition     = var.visibility_timeout_seconds > var.max_task_seconds
      error_message = "visibility_timeout_seconds must be greater than max_task_seconds."
    }
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "events_dlq" {
  queue_url = aws_sqs_queue.events_dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.events.arn]
  })
}

# Only this bucket, in this account, may send to the event queue.
data "aws_iam_policy_document" "events_queue" {
  statement {
    sid       = "AllowStoreBucketNotifications"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events.arn]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.store.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  policy    = data.aws_iam_policy_document.events_queue.json
}

resource "aws_s3_bucket_notification" "store" {
  bucket = aws_s3_bucket.store.id

  queue {
    id            = "docpipe-inbox"
    queue_arn     = aws_sqs_queue.events.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.inbox_prefix
  }

  # S3 checks that it may send to the queue when the notification is created.
  depends_on = [aws_sqs_queue_policy.events]
}

# --------------------------------------------------------------------------------------
# IAM: stage workers
# --------------------------------------------------------------------------------------

data "aws_iam_policy_document" "worker" {
  statement {
    sid     = "ReadOriginals"
    effect  = "Allow"
    actions = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [
      "${aws_s3_bucket.store.arn}/${local.inbox_prefix}*",
      "${aws_s3_bucket.store.arn}/${local.archive_prefix}*",
    ]
  }

  statement {
    sid     = "ReadWriteOutputs"
    effect  = "Allow"
    actions = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = [
      "${aws_s3_bucket.store.arn}/${local.artifacts_prefix}*",
      "${aws_s3_bucket.store.arn}/${local.quarantine_prefix}*",
      "${aws_s3_bucket.store.arn}/${local.archive_prefix}*",
    ]
  }

  # The sweep copies a finished original to archive/ (or quarantine/), then removes it
  # from inbox/; `docpipe retry` moves a quarantined original back (put in inbox/, delete
  # from quarantine/); the sweep prunes superseded artifacts. Nothing else is deleted.
  statement {
    sid     = "MoveOriginalsAndPrune"
    effect  = "Allow"
    actions = ["s3:DeleteObject"]
    resources = [
      "${aws_s3_bucket.store.arn}/${local.inbox_prefix}*",
      "${aws_s3_bucket.store.arn}/${local.quarantine_prefix}*",
      "${aws_s3_bucket.store.arn}/${local.artifacts_prefix}*",
    ]
  }

  statement {
    sid     = "RetryAndReport"
    effect  = "Allow"
    actions = ["s3:PutObject"]
    resources = [
      "${aws_s3_bucket.store.arn}/${local.inbox_prefix}*",
      "${aws_s3_bucket.store.arn}/${local.reports_prefix}*",
    ]
  }

  statement {
    sid       = "ListOwnPrefixes"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.store.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values = [
        "${local.inbox_prefix}*",
        "${local.artifacts_prefix}*",
        "${local.quarantine_prefix}*",
        "${local.archive_prefix}*",
      ]
    }
  }
}

resource "aws_iam_policy" "worker" {
  name        = "${var.name}-worker"
  description = "docpipe stage workers: read originals, write artifacts/quarantine/archive, delete archived originals from inbox/."
  policy      = data.aws_iam_policy_document.worker.json
}

# --------------------------------------------------------------------------------------
# IAM: event listener (`docpipe listen`)
# --------------------------------------------------------------------------------------

data "aws_iam_policy_document" "listener" {
  statement {
    sid    = "ConsumeEvents"
    effect = "Allow"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      # DOCPIPE_EVENTS_URL=sqs://<name> is resolved to the queue URL with GetQueueUrl.
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.events.arn]
  }
}

resource "aws_iam_policy" "listener" {
  name        = "${var.name}-listener"
  description = "docpipe event listener: consume S3 events from the docpipe event queue only."
  policy      = data.aws_iam_policy_document.listener.json
}

# --------------------------------------------------------------------------------------
# Roles for the compute that runs them (ECS tasks by default)
# --------------------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [var.worker_principal_service]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "${var.name}-worker"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "worker" {
  role       = aws_iam_role.worker.name
  policy_arn = aws_iam_policy.worker.arn
}

resource "aws_iam_role" "listener" {
  name               = "${var.name}-listener"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "listener" {
  role       = aws_iam_role.listener.name
  policy_arn = aws_iam_policy.listener.arn
}
