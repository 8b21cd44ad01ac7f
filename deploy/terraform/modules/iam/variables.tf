# Inputs of the iam module: the exact resources the instances may touch.

variable "name" {
  description = "Prefix of every resource name, e.g. uitgo-dev."
  type        = string
}

variable "queue_arn" {
  description = "ARN of the matching queue (send, receive, delete, change visibility, read attributes)."
  type        = string
}

variable "dlq_arn" {
  description = "ARN of the dead-letter queue (attributes only: its depth is exported as a metric)."
  type        = string
}

variable "ssm_parameter_arns" {
  description = "ARNs of the SSM parameters the boot script reads."
  type        = list(string)
}

variable "ssm_kms_key_arn" {
  description = "KMS key of the SecureString parameters when not the AWS-managed aws/ssm key (then kms:Decrypt is needed)."
  type        = string
  default     = null
}

variable "sqs_kms_key_arn" {
  description = "KMS key of the queues when they use SSE-KMS instead of SSE-SQS."
  type        = string
  default     = null
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository holding the project's image (pull only)."
  type        = string
}

variable "log_group_arn" {
  description = "ARN of the CloudWatch Logs group the containers write to."
  type        = string
}

variable "enable_session_manager" {
  description = "Attach AmazonSSMManagedInstanceCore for shell access without SSH. Off by default: that AWS policy also grants ssm:GetParameter on every parameter."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
