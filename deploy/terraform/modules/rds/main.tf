# RDS Postgres 15 primary of user_db, trip_db and driver_db: encrypted storage, automated backups,
# and a parameter group suited to streaming a read replica.

resource "aws_db_subnet_group" "this" {
  name        = "${var.name}-pg"
  description = "UIT-Go Postgres: private subnets"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

# The same group serves the primary and the replica: settings that only matter on a standby
# (hot_standby_feedback, max_standby_streaming_delay) are ignored by the primary.
resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-pg15-"
  family      = var.parameter_group_family
  description = "UIT-Go Postgres: TLS only, replica-friendly WAL settings"

  # Only encrypted connections: the DSNs the instances build say sslmode=require.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # A replica that lags or vanishes keeps its slot; without a cap the primary would keep WAL
  # until its disk fills (seen locally with a stopped replica, PLATFORM-NOTES.md).
  parameter {
    name  = "max_slot_wal_keep_size"
    value = tostring(var.max_slot_wal_keep_size_mb)
  }

  # Trip reads run on the replica; feedback keeps vacuum on the primary from removing rows a
  # replica query still needs, so those reads are not cancelled by replay conflicts.
  parameter {
    name  = "hot_standby_feedback"
    value = "1"
  }

  # How long replay may wait for a conflicting replica query before cancelling it (ms).
  parameter {
    name  = "max_standby_streaming_delay"
    value = "30000"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = tostring(var.log_min_duration_ms)
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = var.tags
}

resource "aws_db_instance" "primary" {
  identifier     = "${var.name}-pg"
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_id

  username = var.username
  password = var.password
  port     = var.port

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = var.security_group_ids
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.name}-pg-final"

  auto_minor_version_upgrade      = true
  apply_immediately               = var.apply_immediately
  performance_insights_enabled    = var.performance_insights_enabled
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  tags = var.tags
}
