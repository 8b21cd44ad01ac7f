# Where the replica is: its address feeds TRIP_DB_REPLICA_DSN.

output "identifier" {
  description = "Identifier of the replica."
  value       = aws_db_instance.replica.identifier
}

output "address" {
  description = "Host name of the replica (TRIP_DB_REPLICA_DSN)."
  value       = aws_db_instance.replica.address
}

output "port" {
  description = "Port of the replica."
  value       = aws_db_instance.replica.port
}

output "endpoint" {
  description = "host:port of the replica."
  value       = aws_db_instance.replica.endpoint
}
