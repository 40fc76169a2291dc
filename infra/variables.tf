variable "region" {
  description = "AWS region for the bucket and the queues."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name prefix for every resource (queues, roles, policies)."
  type        = string
  default     = "docpipe"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name: 3-32 lower-case letters, digits and hyphens."
  }
}

variable "bucket_name" {
  description = "S3 bucket name; default \"<name>-<account id>-<region>\" (bucket names are global)."
  type        = string
  default     = null
}

variable "max_task_seconds" {
  description = "Hard time limit of the longest docpipe task (the OCR of a large original). The event queue's visibility timeout must exceed it."
  type        = number
  default     = 900
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the event queue: how long a received S3 event stays hidden before SQS delivers it again. Must exceed max_task_seconds."
  type        = number
  default     = 1800

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "SQS allows a visibility timeout of 0-43200 seconds."
  }
}

variable "max_receive_count" {
  description = "Deliveries of one event before SQS moves it to the dead-letter queue."
  type        = number
  default     = 5
}

variable "event_retention_seconds" {
  description = "How long an unconsumed event stays in the queue (4 days)."
  type        = number
  default     = 345600
}

variable "dlq_retention_seconds" {
  description = "How long a dead-lettered event is kept for inspection and redrive (14 days, the SQS maximum)."
  type        = number
  default     = 1209600
}

variable "noncurrent_version_days" {
  description = "Days after which superseded object versions are deleted."
  type        = number
  default     = 90
}

variable "worker_principal_service" {
  description = "AWS service that assumes the worker and listener roles (ecs-tasks.amazonaws.com for ECS/Fargate, ec2.amazonaws.com for instances)."
  type        = string
  default     = "ecs-tasks.amazonaws.com"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
