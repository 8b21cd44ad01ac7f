# The dev environment: every module wired together. Managed RDS, ElastiCache and SQS replace the
# local Postgres, Redis and Redis-stream queue; one Auto Scaling Group runs the whole stack.

locals {
  name     = "${var.project}-${var.environment}"
  ssm_path = "/${var.project}/${var.environment}"
  image    = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
}

# ---- shared pieces that belong to no module

resource "aws_ecr_repository" "app" {
  name                 = "${var.project}/${var.environment}/uitgo"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

# Keeps the repository (and its storage bill) from growing without bound.
resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 20 most recent images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = 20
      }
      action = {
        type = "expire"
      }
    }]
  })
}

resource "aws_cloudwatch_log_group" "services" {
  name              = "/${var.project}/${var.environment}/services"
  retention_in_days = var.log_retention_days
}

# ---- modules

module "network" {
  source = "../../modules/network"

  name               = local.name
  vpc_cidr           = var.vpc_cidr
  single_nat_gateway = var.single_nat_gateway
}

module "secrets" {
  source = "../../modules/secrets"

  parameter_path = local.ssm_path
}

module "rds" {
  source = "../../modules/rds"

  name                = local.name
  subnet_ids          = module.network.private_subnet_ids
  security_group_ids  = [module.network.db_security_group_id]
  instance_class      = var.db_instance_class
  multi_az            = var.db_multi_az
  password            = module.secrets.db_password
  deletion_protection = var.deletion_protection
  skip_final_snapshot = var.skip_final_snapshot
}

module "rds_replica" {
  source = "../../modules/rds_replica"

  name                 = local.name
  source_db_identifier = module.rds.identifier
  instance_class       = var.db_replica_instance_class
  security_group_ids   = [module.network.db_security_group_id]
  parameter_group_name = module.rds.parameter_group_name
  deletion_protection  = var.deletion_protection
}

module "redis" {
  source = "../../modules/redis"

  name               = local.name
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.network.redis_security_group_id]
  node_type          = var.redis_node_type
  auth_token         = module.secrets.redis_auth_token
  client_tls         = var.redis_client_tls
}

module "sqs" {
  source = "../../modules/sqs"

  name_prefix                = "${local.name}-"
  max_receive_count          = var.queue_max_receive_count
  visibility_timeout_seconds = var.queue_visibility_timeout_seconds
  alarm_actions              = var.alarm_actions
}

module "iam" {
  source = "../../modules/iam"

  name               = local.name
  queue_arn          = module.sqs.queue_arn
  dlq_arn            = module.sqs.dlq_arn
  ssm_parameter_arns = module.secrets.parameter_arns
  ecr_repository_arn = aws_ecr_repository.app.arn
  log_group_arn      = aws_cloudwatch_log_group.services.arn
}

module "asg_service" {
  source = "../../modules/asg_service"

  name       = local.name
  aws_region = var.region

  vpc_id                    = module.network.vpc_id
  vpc_cidr                  = module.network.vpc_cidr
  public_subnet_ids         = module.network.public_subnet_ids
  private_subnet_ids        = module.network.private_subnet_ids
  alb_security_group_id     = module.network.alb_security_group_id
  service_security_group_id = module.network.service_security_group_id

  image             = local.image
  services          = var.services
  extra_environment = merge({ PG_POOL_SIZE = tostring(var.pg_pool_size) }, var.extra_environment)

  db_host             = module.rds.address
  db_port             = module.rds.port
  db_username         = module.rds.username
  db_replica_host     = module.rds_replica.address
  db_replica_port     = module.rds_replica.port
  redis_host          = module.redis.primary_endpoint_address
  redis_port          = module.redis.port
  redis_url_scheme    = module.redis.url_scheme
  ssm_parameter_names = module.secrets.parameter_names

  queue_url                        = module.sqs.queue_url
  dlq_url                          = module.sqs.dlq_url
  queue_name                       = module.sqs.queue_name
  queue_max_receive_count          = module.sqs.max_receive_count
  queue_visibility_timeout_seconds = module.sqs.visibility_timeout_seconds

  instance_profile_name = module.iam.instance_profile_name
  log_group_name        = aws_cloudwatch_log_group.services.name
  instance_type         = var.instance_type
  min_size              = var.min_size
  max_size              = var.max_size
  desired_capacity      = var.desired_capacity
  certificate_arn       = var.certificate_arn
}
