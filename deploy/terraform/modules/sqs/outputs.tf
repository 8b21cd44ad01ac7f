# Queue addresses for the services (SQS_QUEUE_URL, SQS_DLQ_URL), ARNs for IAM, the name for
# the scaling alarm.

output "queue_url" {
  description = "URL of the matching queue (SQS_QUEUE_URL)."
  value       = aws_sqs_queue.main.id
}

output "queue_arn" {
  description = "ARN of the matching queue."
  value       = aws_sqs_queue.main.arn
}

output "queue_name" {
  description = "Name of the matching queue (CloudWatch dimension)."
  value       = aws_sqs_queue.main.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue (SQS_DLQ_URL)."
  value       = aws_sqs_queue.dlq.id
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "max_receive_count" {
  description = "Deliveries before dead-lettering; the matchers' MATCH_MAX_DELIVERIES must agree."
  value       = var.max_receive_count
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the matching queue; the matchers' MATCH_VISIBILITY_TIMEOUT_MS must agree."
  value       = var.visibility_timeout_seconds
}

output "backlog_alarm_arn" {
  description = "ARN of the backlog alarm."
  value       = aws_cloudwatch_metric_alarm.backlog.arn
}
