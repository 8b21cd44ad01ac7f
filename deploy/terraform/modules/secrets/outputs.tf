# Parameter names for the boot script, ARNs for the IAM policy, and the two values that RDS and
# ElastiCache must be created with.

output "parameter_names" {
  description = "SSM parameter name of each secret (jwt_secret, internal_token, db_password, redis_auth_token)."
  value       = { for key, parameter in aws_ssm_parameter.this : key => parameter.name }
}

output "parameter_arns" {
  description = "ARNs of the SSM parameters, for the instance role's policy."
  value       = [for parameter in aws_ssm_parameter.this : parameter.arn]
}

output "db_password" {
  description = "Master password of the RDS primary."
  value       = random_password.this["db_password"].result
  sensitive   = true
}

output "redis_auth_token" {
  description = "AUTH token of the ElastiCache replication group."
  value       = random_password.this["redis_auth_token"].result
  sensitive   = true
}
