# Inputs of the redis module.

variable "name" {
  description = "Prefix of every resource name, e.g. uitgo-dev."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cache subnet group."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the nodes (Redis from the services only)."
  type        = list(string)
}

variable "node_type" {
  description = "Node type of each cache node."
  type        = string
  default     = "cache.t4g.micro"
}

variable "engine_version" {
  description = "Redis OSS version."
  type        = string
  default     = "7.1"
}

variable "parameter_group_name" {
  description = "Cache parameter group (the default's volatile-lru never evicts the GEO index, which has no TTL)."
  type        = string
  default     = "default.redis7"
}

variable "num_cache_clusters" {
  description = "Nodes: one primary plus replicas; two or more enable automatic failover across zones."
  type        = number
  default     = 2
}

variable "port" {
  description = "Port Redis listens on."
  type        = number
  default     = 6379
}

variable "auth_token" {
  description = "AUTH token (from the secrets module)."
  type        = string
  sensitive   = true
}

variable "client_tls" {
  description = "Whether the services connect with TLS (rediss://). While false the group accepts plain connections too (transit_encryption_mode = preferred)."
  type        = bool
  default     = false
}

variable "kms_key_id" {
  description = "KMS key ARN for at-rest encryption; null uses the AWS-managed key."
  type        = string
  default     = null
}

variable "snapshot_retention_limit" {
  description = "Days of daily snapshots (0 disables). Postgres is the source of truth; Redis holds caches, the GEO index and pub/sub."
  type        = number
  default     = 1
}

variable "apply_immediately" {
  description = "Apply modifications now instead of in the next maintenance window."
  type        = bool
  default     = false
}

variable "maintenance_window" {
  description = "Weekly maintenance window, UTC."
  type        = string
  default     = "sun:21:30-sun:22:30"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
