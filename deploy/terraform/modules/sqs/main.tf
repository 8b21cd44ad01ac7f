# SQS queue that carries TripEvents from trip-service's outbox to driver-service's matchers, its
# dead-letter queue, and alarms on backlog and dead letters.

locals {
  queue_name = "${var.name_prefix}${var.queue_name}"
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${local.queue_name}_dlq"
  message_retention_seconds = var.dlq_message_retention_seconds

  # Either SQS-managed keys or the given KMS key; the two settings exclude each other.
  sqs_managed_sse_enabled = var.kms_key_id == null
  kms_master_key_id       = var.kms_key_id

  tags = var.tags
}

resource "aws_sqs_queue" "main" {
  name                       = local.queue_name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = var.receive_wait_time_seconds

  sqs_managed_sse_enabled = var.kms_key_id == null
  kms_master_key_id       = var.kms_key_id

  # A message received max_receive_count times without being deleted (a poison event, or a
  # matcher that keeps crashing on it) moves to the DLQ; `uitgo match-dlq` lists and replays.
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

# Only the matching queue may move messages into the DLQ.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.main.arn]
  })
}

data "aws_iam_policy_document" "tls_only" {
  for_each = {
    main = aws_sqs_queue.main.arn
    dlq  = aws_sqs_queue.dlq.arn
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value]

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

resource "aws_sqs_queue_policy" "tls_only" {
  for_each = {
    main = aws_sqs_queue.main.id
    dlq  = aws_sqs_queue.dlq.id
  }

  queue_url = each.value
  policy    = data.aws_iam_policy_document.tls_only[each.key].json
}

# SPEC: an alert fires when the matching backlog exceeds 1,000 (as deploy/prometheus/alerts.yml
# does for the Redis stream: two minutes above the threshold).
resource "aws_cloudwatch_metric_alarm" "backlog" {
  alarm_name          = "${local.queue_name}-backlog"
  alarm_description   = "More than ${var.backlog_alarm_threshold} trip events waiting for a matcher for 2 minutes"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.backlog_alarm_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  dimensions = {
    QueueName = aws_sqs_queue.main.name
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${local.queue_name}-dead-letters"
  alarm_description   = "Trip events reached the dead-letter queue: inspect with uitgo match-dlq list"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions

  dimensions = {
    QueueName = aws_sqs_queue.dlq.name
  }

  tags = var.tags
}
