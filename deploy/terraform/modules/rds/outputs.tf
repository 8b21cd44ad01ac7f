# Where the primary is, and what the replica module needs to follow it.

output "identifier" {
  description = "Identifier of the primary (the replica's replicate_source_db)."
  value       = aws_db_instance.primary.identifier
}

output "arn" {
  description = "ARN of the primary."
  value       = aws_db_instance.primary.arn
}

output "address" {
  description = "Host name of the primary (USER_DB_DSN, TRIP_DB_DSN, DRIVER_DB_DSN)."
  value       = aws_db_instance.primary.address
}

output "port" {
  description = "Port of the primary."
  value       = aws_db_instance.primary.port
}

output "username" {
  description = "Master user the services connect as."
  value       = aws_db_instance.primary.username
}

output "parameter_group_name" {
  description = "Parameter group, shared with the replica."
  value       = aws_db_parameter_group.this.name
}
