# Inputs of the rds module: size, engine, backups and protection of the Postgres primary.

variable "name" {
  description = "Prefix of every resource name, e.g. uitgo-dev."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (two zones or more) of the DB subnet group."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the instance (Postgres from the services only)."
  type        = list(string)
}

variable "engine_version" {
  description = "Postgres version; a major version alone lets RDS pick the current minor release."
  type        = string
  default     = "15"
}

variable "parameter_group_family" {
  description = "Parameter group family matching engine_version."
  type        = string
  default     = "postgres15"
}

variable "instance_class" {
  description = "Instance class of the primary."
  type        = string
  default     = "db.t4g.micro"
}

variable "allocated_storage" {
  description = "Initial storage in GiB (gp3)."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB (0 disables autoscaling)."
  type        = number
  default     = 100
}

variable "username" {
  description = "Master user; the services connect as this user (one role owning user_db, trip_db and driver_db)."
  type        = string
  default     = "uitgo"
}

variable "password" {
  description = "Master password (from the secrets module)."
  type        = string
  sensitive   = true
}

variable "port" {
  description = "Port Postgres listens on."
  type        = number
  default     = 5432
}

variable "multi_az" {
  description = "Synchronous standby in a second zone (doubles the instance cost)."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery; a read replica requires at least 1."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35 (read replicas need backups)."
  }
}

variable "backup_window" {
  description = "Daily backup window, UTC (default: 01:00-02:00 in Vietnam)."
  type        = string
  default     = "18:00-19:00"
}

variable "maintenance_window" {
  description = "Weekly maintenance window, UTC; must not overlap the backup window."
  type        = string
  default     = "sun:19:30-sun:20:30"
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (turn off, apply, then destroy)."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete without a final snapshot."
  type        = bool
  default     = false
}

variable "kms_key_id" {
  description = "KMS key ARN for storage encryption; null uses the AWS-managed aws/rds key."
  type        = string
  default     = null
}

variable "apply_immediately" {
  description = "Apply modifications now instead of in the next maintenance window."
  type        = bool
  default     = false
}

variable "performance_insights_enabled" {
  description = "Performance Insights (7 days free on most classes)."
  type        = bool
  default     = false
}

variable "max_slot_wal_keep_size_mb" {
  description = "WAL a replication slot may hold back, in MB; beyond it the slot is invalidated instead of filling the disk."
  type        = number
  default     = 4096
}

variable "log_min_duration_ms" {
  description = "Statements slower than this are logged (-1 disables)."
  type        = number
  default     = 500
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
