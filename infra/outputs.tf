output "bucket_name" {
  description = "The store bucket."
  value       = aws_s3_bucket.store.bucket
}

output "store_url" {
  description = "Value for DOCPIPE_STORE_URL."
  value       = "s3://${aws_s3_bucket.store.bucket}"
}

output "events_url" {
  description = "Value for DOCPIPE_EVENTS_URL (the full queue URL)."
  value       = aws_sqs_queue.events.url
}

output "events_queue_arn" {
  value = aws_sqs_queue.events.arn
}

output "events_dlq_url" {
  description = "Dead-letter queue: S3 events that failed max_receive_count deliveries."
  value       = aws_sqs_queue.events_dlq.url
}

output "worker_role_arn" {
  value = aws_iam_role.worker.arn
}

output "listener_role_arn" {
  value = aws_iam_role.listener.arn
}

output "worker_policy_arn" {
  value = aws_iam_policy.worker.arn
}

output "listener_policy_arn" {
  value = aws_iam_policy.listener.arn
}
