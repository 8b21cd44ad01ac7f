# Inputs of the sqs module.

variable "name_prefix" {
  description = "Prepended to the queue names (several environments may share an account)."
  type        = string
  default     = ""
}

variable "queue_name" {
  description = "Name of the matching queue (after name_prefix); the dead-letter queue adds _dlq."
  type        = string
  default     = "trip_match_queue"
}

variable "max_receive_count" {
  description = "Deliveries before SQS moves a message to the dead-letter queue (also MATCH_MAX_DELIVERIES)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden before another matcher may take it (also MATCH_VISIBILITY_TIMEOUT_MS)."
  type        = number
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be between 0 and 43200."
  }
}

variable "message_retention_seconds" {
  description = "How long the matching queue keeps a message (trips are cancelled long before: MATCH_DEADLINE_SECONDS)."
  type        = number
  default     = 345600
}

variable "dlq_message_retention_seconds" {
  description = "How long dead letters are kept for inspection and replay (the SQS maximum: 14 days)."
  type        = number
  default     = 1209600
}

variable "receive_wait_time_seconds" {
  description = "Default long-poll wait of ReceiveMessage (a consumer's own WaitTimeSeconds wins); fewer empty receives."
  type        = number
  default     = 20
}

variable "kms_key_id" {
  description = "KMS key for server-side encryption; null uses SQS-managed keys (SSE-SQS)."
  type        = string
  default     = null
}

variable "backlog_alarm_threshold" {
  description = "Visible messages above which the backlog alarm fires (SPEC: 1,000)."
  type        = number
  default     = 1000
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or clears (e.g. an SNS topic)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
