# Inputs of the network module: address plan, NAT layout and the ports the security groups open.

variable "name" {
  description = "Prefix of every resource name, e.g. uitgo-dev."
  type        = string
}

variable "vpc_cidr" {
  description = "Address range of the VPC; subnets are /20 slices of it."
  type        = string
  default     = "10.20.0.0/16"
}

variable "az_count" {
  description = "Availability zones to spread subnets over (RDS and ElastiCache subnet groups need two)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count must be between 2 and 4."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper) instead of one per zone (survives a zone outage)."
  type        = bool
  default     = true
}

variable "gateway_port" {
  description = "Port of the nginx gateway on each instance: the ALB forwards traffic there."
  type        = number
  default     = 8080
}

variable "service_ports" {
  description = "Internal ports of user-, trip- and driver-service; instances may call each other on them."
  type        = list(number)
  default     = [8081, 8082, 8083]
}

variable "health_check_port" {
  description = "Port the ALB health check reaches directly (the /ready of one service)."
  type        = number
  default     = 8082
}

variable "postgres_port" {
  description = "Port of the RDS instances."
  type        = number
  default     = 5432
}

variable "redis_port" {
  description = "Port of the ElastiCache replication group."
  type        = number
  default     = 6379
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
