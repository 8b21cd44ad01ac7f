# ElastiCache Redis replication group shared by the services (driver GEO index, home cache,
# read-your-writes positions, trip pub/sub): encrypted at rest and in transit, AUTH required.

resource "aws_elasticache_subnet_group" "this" {
  name        = "${var.name}-redis"
  description = "UIT-Go Redis: private subnets"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = "${var.name}-redis"
  description          = "UIT-Go Redis"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_clusters   = var.num_cache_clusters
  port                 = var.port
  parameter_group_name = var.parameter_group_name

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = var.security_group_ids

  automatic_failover_enabled = var.num_cache_clusters > 1
  multi_az_enabled           = var.num_cache_clusters > 1

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_id
  transit_encryption_enabled = true
  auth_token                 = var.auth_token

  # TLS is on at the server. The services' Redis client has no TLS yet (src/core/redis/options.cpp
  # accepts redis:// only), so until it does the group also accepts plain connections; set
  # client_tls = true once rediss:// works and the group then refuses anything but TLS.
  transit_encryption_mode = var.client_tls ? "required" : "preferred"

  snapshot_retention_limit = var.snapshot_retention_limit
  maintenance_window       = var.maintenance_window
  apply_immediately        = var.apply_immediately

  tags = var.tags
}
