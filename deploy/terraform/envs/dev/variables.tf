# Settings of the dev environment; terraform.tfvars.example shows the ones usually changed.

variable "project" {
  description = "Project name, first part of every resource name."
  type        = string
  default     = "uitgo"
}

variable "environment" {
  description = "Environment name, second part of every resource name."
  type        = string
  default     = "dev"
}

variable "region" {
  description = "AWS region (Singapore is the closest to Vietnam)."
  type        = string
  default     = "ap-southeast-1"
}

variable "image_tag" {
  description = "Tag of the project image in the ECR repository this environment creates (e.g. the git commit)."
  type        = string
}

variable "services" {
  description = "Services each instance runs."
  type        = list(string)
  default     = ["user-service", "trip-service", "driver-service"]
}

variable "pg_pool_size" {
  description = "PG_POOL_SIZE of every service. Each instance holds up to three such pools on the primary and one on the replica; db.t4g.micro allows about 110 connections, so 5 keeps max_size = 6 instances under it."
  type        = number
  default     = 5
}

variable "extra_environment" {
  description = "More variables for every container (see `uitgo <service> --help`)."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "Address range of the VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per zone (cheaper, not zone-redundant)."
  type        = bool
  default     = true
}

variable "instance_type" {
  description = "EC2 type of the service instances."
  type        = string
  default     = "t3.medium"
}

variable "min_size" {
  description = "Fewest service instances."
  type        = number
  default     = 2
}

variable "max_size" {
  description = "Most service instances."
  type        = number
  default     = 6
}

variable "desired_capacity" {
  description = "Service instances at creation."
  type        = number
  default     = 2
}

variable "db_instance_class" {
  description = "Instance class of the RDS primary."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_replica_instance_class" {
  description = "Instance class of the RDS read replica."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_multi_az" {
  description = "Synchronous standby of the primary in a second zone."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the RDS instances from deletion; set false and apply before `terraform destroy`."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Destroy the primary without a final snapshot."
  type        = bool
  default     = false
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.micro"
}

variable "redis_client_tls" {
  description = "Services connect to Redis with TLS (rediss://). Keep false until the Redis client supports TLS."
  type        = bool
  default     = false
}

variable "queue_max_receive_count" {
  description = "Deliveries of a trip event before it goes to the dead-letter queue."
  type        = number
  default     = 5
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the matching queue."
  type        = number
  default     = 30
}

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified by the queue alarms."
  type        = list(string)
  default     = []
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS; null serves HTTP only."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps container logs."
  type        = number
  default     = 14
}

variable "ecr_force_delete" {
  description = "Let `terraform destroy` delete the ECR repository with its images."
  type        = bool
  default     = false
}
