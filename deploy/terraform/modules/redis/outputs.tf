# Where Redis is, and which URL scheme the services must use to reach it.

output "primary_endpoint_address" {
  description = "Host name of the primary node (REDIS_URL)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint_address" {
  description = "Host name that balances over the replicas."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "port" {
  description = "Port of the nodes."
  value       = var.port
}

output "url_scheme" {
  description = "rediss when the services must use TLS, redis while plain connections are still accepted."
  value       = var.client_tls ? "rediss" : "redis"
}
