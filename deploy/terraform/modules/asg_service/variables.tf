# Inputs of the asg_service module: where instances run, what they run, the managed endpoints
# they are given, and how the group scales.

variable "name" {
  description = "Prefix of every resource name, e.g. uitgo-dev (the ALB and target group names keep it under 32 characters)."
  type        = string

  validation {
    condition     = length(var.name) <= 24
    error_message = "name must be at most 24 characters (ALB and target group names are limited to 32)."
  }
}

variable "aws_region" {
  description = "Region of the deployment (AWS_REGION of the services, region of the AWS CLI at boot)."
  type        = string
}

# ---- network

variable "vpc_id" {
  description = "VPC of the target group."
  type        = string
}

variable "vpc_cidr" {
  description = "VPC range: the gateway takes the client address from X-Forwarded-For only when the ALB (inside it) sent it."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the ALB."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the instances."
  type        = list(string)
}

variable "alb_security_group_id" {
  description = "Security group of the ALB."
  type        = string
}

variable "service_security_group_id" {
  description = "Security group of the instances."
  type        = string
}

# ---- what an instance runs

variable "image" {
  description = "Project container image with tag, e.g. 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/uitgo:abc123."
  type        = string
}

variable "image_binary" {
  description = "The uitgo binary inside the image (an entrypoint override, so the image's own ENTRYPOINT does not matter)."
  type        = string
  default     = "uitgo"
}

variable "services" {
  description = "Services each instance runs; all three by default (see the trade-off in main.tf)."
  type        = list(string)
  default     = ["user-service", "trip-service", "driver-service"]

  validation {
    condition     = length(var.services) > 0 && alltrue([for s in var.services : contains(["user-service", "trip-service", "driver-service"], s)])
    error_message = "services must list some of user-service, trip-service, driver-service."
  }
}

variable "service_ports" {
  description = "Port of each service on an instance (HTTP_PORT)."
  type        = map(number)
  default = {
    "user-service"   = 8081
    "trip-service"   = 8082
    "driver-service" = 8083
  }
}

variable "peer_base_urls" {
  description = "Base URL (http://host:port) of each service these instances do not run themselves, e.g. an internal ALB of another group."
  type        = map(string)
  default     = {}
}

variable "gateway_port" {
  description = "Port of the nginx gateway on each instance; the ALB forwards there."
  type        = number
  default     = 8080
}

variable "gateway_template_path" {
  description = "nginx template the gateway is rendered from; null means the repository's deploy/nginx/gateway.conf.template."
  type        = string
  default     = null
}

variable "auth_rate" {
  description = "nginx rate limit of /auth/* per client address."
  type        = string
  default     = "10r/s"
}

variable "auth_burst" {
  description = "Burst allowed above auth_rate."
  type        = number
  default     = 20
}

variable "health_check_service" {
  description = "Service whose /ready, on its own port, decides whether an instance receives traffic."
  type        = string
  default     = "trip-service"
}

variable "extra_environment" {
  description = "More variables for every container (MIGRATIONS_DIR, LOG_LEVEL, MATCHER_WORKERS, ...); `uitgo <service> --help` lists them."
  type        = map(string)
  default     = {}

  validation {
    condition     = lower(lookup(var.extra_environment, "UITGO_DEV_MODE", "false")) == "false"
    error_message = "UITGO_DEV_MODE must not be enabled on AWS (it lifts the secret checks)."
  }
}

# ---- managed endpoints and secrets

variable "db_host" {
  description = "Host of the RDS primary."
  type        = string
}

variable "db_port" {
  description = "Port of the RDS primary."
  type        = number
  default     = 5432
}

variable "db_username" {
  description = "User the services connect to Postgres as."
  type        = string
}

variable "db_replica_host" {
  description = "Host of the RDS read replica (TRIP_DB_REPLICA_DSN)."
  type        = string
}

variable "db_replica_port" {
  description = "Port of the RDS read replica."
  type        = number
  default     = 5432
}

variable "db_sslmode" {
  description = "libpq sslmode of every DSN; verify-full would also need the RDS CA bundle inside the image."
  type        = string
  default     = "require"
}

variable "redis_host" {
  description = "Host of the ElastiCache primary endpoint."
  type        = string
}

variable "redis_port" {
  description = "Port of ElastiCache."
  type        = number
  default     = 6379
}

variable "redis_url_scheme" {
  description = "redis or rediss (the redis module's url_scheme output)."
  type        = string
  default     = "redis"

  validation {
    condition     = contains(["redis", "rediss"], var.redis_url_scheme)
    error_message = "redis_url_scheme must be redis or rediss."
  }
}

variable "ssm_parameter_names" {
  description = "SSM names of the secrets: keys jwt_secret, internal_token, db_password, redis_auth_token."
  type        = map(string)

  validation {
    condition     = length(setsubtract(["jwt_secret", "internal_token", "db_password", "redis_auth_token"], keys(var.ssm_parameter_names))) == 0
    error_message = "ssm_parameter_names needs jwt_secret, internal_token, db_password and redis_auth_token."
  }
}

variable "queue_url" {
  description = "URL of the matching queue (SQS_QUEUE_URL)."
  type        = string
}

variable "dlq_url" {
  description = "URL of the dead-letter queue (SQS_DLQ_URL)."
  type        = string
}

variable "queue_name" {
  description = "Name of the matching queue, for the backlog-per-instance alarm."
  type        = string
}

variable "queue_max_receive_count" {
  description = "The queue's maxReceiveCount (MATCH_MAX_DELIVERIES: matchers re-publish a message before SQS dead-letters it)."
  type        = number
}

variable "queue_visibility_timeout_seconds" {
  description = "The queue's visibility timeout (MATCH_VISIBILITY_TIMEOUT_MS)."
  type        = number
}

variable "log_group_name" {
  description = "CloudWatch Logs group of the containers."
  type        = string
}

# ---- instances

variable "instance_profile_name" {
  description = "Instance profile from the iam module."
  type        = string
}

variable "instance_type" {
  description = "EC2 type; x86_64 to match an image built on a usual workstation (Graviton t4g needs an arm64 image and AMI)."
  type        = string
  default     = "t3.medium"
}

variable "ami_id" {
  description = "AMI of the instances; null takes the latest Amazon Linux 2023 from ami_ssm_parameter."
  type        = string
  default     = null
}

variable "ami_ssm_parameter" {
  description = "Public SSM parameter naming the current Amazon Linux 2023 AMI."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

variable "root_volume_gb" {
  description = "Root volume size (OS, Docker images, logs)."
  type        = number
  default     = 20
}

variable "detailed_monitoring" {
  description = "One-minute EC2 metrics, so CPU target tracking reacts in minutes (small extra cost per instance)."
  type        = bool
  default     = true
}

# ---- load balancer

variable "certificate_arn" {
  description = "ACM certificate for HTTPS on 443; null serves plain HTTP on 80 only."
  type        = string
  default     = null
}

variable "alb_idle_timeout" {
  description = "Seconds an idle connection stays open at the ALB; trip WebSockets ping every 20 s (WS_PING_SECONDS)."
  type        = number
  default     = 120
}

variable "alb_deletion_protection" {
  description = "Refuse to delete the ALB."
  type        = bool
  default     = false
}

# ---- scaling

variable "min_size" {
  description = "Fewest instances (two keep the service up through an instance or zone failure)."
  type        = number
  default     = 2
}

variable "max_size" {
  description = "Most instances."
  type        = number
  default     = 6
}

variable "desired_capacity" {
  description = "Instances at creation; afterwards the scaling policies own the number."
  type        = number
  default     = 2
}

variable "health_check_grace_period" {
  description = "Seconds after launch before failed health checks replace an instance (boot installs packages and pulls the image)."
  type        = number
  default     = 600
}

variable "cpu_target_percent" {
  description = "Average CPU the target-tracking policy keeps the group at."
  type        = number
  default     = 60
}

variable "backlog_per_instance_threshold" {
  description = "Visible queue messages per in-service instance above which the step policy adds instances."
  type        = number
  default     = 1000
}

variable "instance_warmup_seconds" {
  description = "Seconds a new instance needs before its metrics count in scaling decisions."
  type        = number
  default     = 300
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
