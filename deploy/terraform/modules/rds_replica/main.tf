# Streaming read replica of the RDS primary; trip-service sends its reads there through
# TRIP_DB_REPLICA_DSN and falls back to the primary for read-your-writes.

resource "aws_db_instance" "replica" {
  identifier          = "${var.name}-pg-replica"
  replicate_source_db = var.source_db_identifier
  instance_class      = var.instance_class

  # Engine, version, master user, password and storage encryption (with its key) are the
  # source's: a same-region replica of an encrypted primary is encrypted with the same key.
  # The replica stays in the source's DB subnet group.
  vpc_security_group_ids = var.security_group_ids
  parameter_group_name   = var.parameter_group_name
  publicly_accessible    = false
  multi_az               = false

  # Backups are the primary's job; a replica cannot take a final snapshot.
  backup_retention_period = 0
  skip_final_snapshot     = true
  deletion_protection     = var.deletion_protection

  auto_minor_version_upgrade = true
  apply_immediately          = var.apply_immediately
  maintenance_window         = var.maintenance_window

  tags = merge(var.tags, { Role = "replica" })
}
