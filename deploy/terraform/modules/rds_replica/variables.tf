# Inputs of the rds_replica module.

variable "name" {
  description = "Prefix of every resource name, e.g. uitgo-dev."
  type        = string
}

variable "source_db_identifier" {
  description = "Identifier of the primary to replicate (same region)."
  type        = string
}

variable "instance_class" {
  description = "Instance class of the replica; it replays every write of the primary, so not much smaller."
  type        = string
  default     = "db.t4g.micro"
}

variable "security_group_ids" {
  description = "Security groups of the replica (Postgres from the services only)."
  type        = list(string)
}

variable "parameter_group_name" {
  description = "Parameter group (the primary's: hot_standby_feedback and the standby delay apply here)."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the replica."
  type        = bool
  default     = true
}

variable "apply_immediately" {
  description = "Apply modifications now instead of in the next maintenance window."
  type        = bool
  default     = false
}

variable "maintenance_window" {
  description = "Weekly maintenance window, UTC."
  type        = string
  default     = "sun:20:30-sun:21:30"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
