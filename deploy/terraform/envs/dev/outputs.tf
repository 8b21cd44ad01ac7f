# What a person needs after `terraform apply`: where the API is, where to push the image, and the
# managed endpoints the services were given.

output "gateway_url" {
  description = "Base URL of the API through the ALB (API_BASE for the load tests)."
  value       = module.asg_service.gateway_url
}

output "alb_dns_name" {
  description = "DNS name of the ALB, for a CNAME or alias record."
  value       = module.asg_service.alb_dns_name
}

output "ecr_repository_url" {
  description = "Where to push the project image (tag it with image_tag)."
  value       = aws_ecr_repository.app.repository_url
}

output "queue_url" {
  description = "SQS matching queue (SQS_QUEUE_URL)."
  value       = module.sqs.queue_url
}

output "dlq_url" {
  description = "SQS dead-letter queue (SQS_DLQ_URL)."
  value       = module.sqs.dlq_url
}

output "db_primary_endpoint" {
  description = "RDS primary host (USER_DB_DSN, TRIP_DB_DSN, DRIVER_DB_DSN)."
  value       = module.rds.address
}

output "db_replica_endpoint" {
  description = "RDS read replica host (TRIP_DB_REPLICA_DSN)."
  value       = module.rds_replica.address
}

output "redis_endpoint" {
  description = "ElastiCache primary endpoint (REDIS_URL)."
  value       = module.redis.primary_endpoint_address
}

output "ssm_parameter_names" {
  description = "SSM SecureString parameters holding the secrets."
  value       = module.secrets.parameter_names
}

output "log_group_name" {
  description = "CloudWatch Logs group of the containers."
  value       = aws_cloudwatch_log_group.services.name
}

output "autoscaling_group_name" {
  description = "Auto Scaling Group of the service instances."
  value       = module.asg_service.autoscaling_group_name
}
