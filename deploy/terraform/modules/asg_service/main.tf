# The compute tier: an Auto Scaling Group of instances that each run the UIT-Go services and the
# nginx gateway (user_data/backend.sh.tpl), behind an internet-facing ALB, scaled on CPU (target
# tracking) and on the matching queue's backlog per instance (step scaling).
#
# Trade-off of one group running the whole stack per instance (the seed's design): one launch
# template, one target group and one scaling rule set, every instance interchangeable, and calls
# between services stay on the instance (127.0.0.1, no extra hop). The price: services cannot
# scale apart. A backlog of trip events adds whole instances although only the driver-service
# matchers consume it, and a CPU-hungry user-service (argon2id hashing) grows trip- and
# driver-service too. The `services` variable is the way out when that cost shows: a second
# instance of this module with services = ["driver-service"] (and peer_base_urls pointing at the
# first group) scales the matchers alone.

data "aws_ssm_parameter" "al2023" {
  count = var.ami_id == null ? 1 : 0

  name = var.ami_ssm_parameter
}

locals {
  ami_id                = var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.al2023[0].insecure_value
  registry              = split("/", var.image)[0]
  gateway_template_path = coalesce(var.gateway_template_path, "${path.module}/../../../nginx/gateway.conf.template")
  health_check_port     = var.service_ports[var.health_check_service]

  # Where an instance finds each service: itself when it runs it, otherwise the given peer.
  service_urls = {
    for service, port in var.service_ports :
    service => contains(var.services, service) ? "http://127.0.0.1:${port}" : lookup(var.peer_base_urls, service, "")
  }
  # nginx upstream address (host:port) of each service.
  upstreams = { for service, url in local.service_urls : service => trimprefix(url, "http://") }

  user_data = templatefile("${path.module}/user_data/backend.sh.tpl", {
    region                = var.aws_region
    image                 = var.image
    registry              = local.registry
    image_binary          = var.image_binary
    services              = var.services
    ports                 = var.service_ports
    gateway_port          = var.gateway_port
    gateway_template      = file(local.gateway_template_path)
    vpc_cidr              = var.vpc_cidr
    auth_rate             = var.auth_rate
    auth_burst            = var.auth_burst
    upstreams             = local.upstreams
    driver_service_url    = local.service_urls["driver-service"]
    trip_service_url      = local.service_urls["trip-service"]
    db_host               = var.db_host
    db_port               = var.db_port
    db_username           = var.db_username
    db_replica_host       = var.db_replica_host
    db_replica_port       = var.db_replica_port
    db_sslmode            = var.db_sslmode
    redis_scheme          = var.redis_url_scheme
    redis_host            = var.redis_host
    redis_port            = var.redis_port
    ssm_jwt_secret        = var.ssm_parameter_names["jwt_secret"]
    ssm_internal_token    = var.ssm_parameter_names["internal_token"]
    ssm_db_password       = var.ssm_parameter_names["db_password"]
    ssm_redis_auth_token  = var.ssm_parameter_names["redis_auth_token"]
    queue_url             = var.queue_url
    dlq_url               = var.dlq_url
    max_deliveries        = var.queue_max_receive_count
    visibility_timeout_ms = var.queue_visibility_timeout_seconds * 1000
    log_group             = var.log_group_name
    extra_environment     = var.extra_environment
  })
}

# ---- load balancer

resource "aws_lb" "this" {
  name                       = "${var.name}-alb"
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [var.alb_security_group_id]
  subnets                    = var.public_subnet_ids
  idle_timeout               = var.alb_idle_timeout
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection

  tags = var.tags
}

# Traffic goes to the gateway; the health check goes straight to one service's /ready on its own
# port, because the gateway does not serve /ready to the public. /ready answers 200 only when the
# service reaches Postgres and Redis, so a node that lost them stops receiving traffic.
resource "aws_lb_target_group" "gateway" {
  name                 = "${var.name}-gw"
  port                 = var.gateway_port
  protocol             = "HTTP"
  vpc_id               = var.vpc_id
  target_type          = "instance"
  deregistration_delay = 30

  health_check {
    path                = "/ready"
    port                = tostring(local.health_check_port)
    protocol            = "HTTP"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  # With a certificate, plain HTTP only redirects to HTTPS.
  default_action {
    type             = var.certificate_arn == null ? "forward" : "redirect"
    target_group_arn = var.certificate_arn == null ? aws_lb_target_group.gateway.arn : null

    dynamic "redirect" {
      for_each = var.certificate_arn == null ? [] : ["HTTPS"]

      content {
        protocol    = redirect.value
        port        = "443"
        status_code = "HTTP_301"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = var.certificate_arn == null ? 0 : 1

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }

  tags = var.tags
}

# SPEC: /metrics and /ready are not reachable through the public gateway. The gateway template
# answers them 404 itself; the ALB answers them with 404 first as a second line.
resource "aws_lb_listener_rule" "hide_probes" {
  listener_arn = var.certificate_arn == null ? aws_lb_listener.http.arn : aws_lb_listener.https[0].arn
  priority     = 10

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = jsonencode({ error = "not found", code = "not_found" })
      status_code  = "404"
    }
  }

  condition {
    path_pattern {
      values = ["/*-service/ready", "/*-service/metrics"]
    }
  }

  tags = var.tags
}

# ---- instances

resource "aws_launch_template" "this" {
  name_prefix            = "${var.name}-node-"
  description            = "UIT-Go node: ${join(", ", var.services)} and the gateway"
  image_id               = local.ami_id
  instance_type          = var.instance_type
  vpc_security_group_ids = [var.service_security_group_id]
  update_default_version = true

  # Gzipped: the gateway template alone is 10 KiB and user_data is limited to 16 KiB;
  # cloud-init recognises and unpacks gzip.
  user_data = base64gzip(local.user_data)

  iam_instance_profile {
    name = var.instance_profile_name
  }

  # IMDSv2 only. One hop is enough: the containers share the host's network namespace. No static
  # keys exist on the instances: the SQS client must take the instance role's temporary
  # credentials from this metadata service (and refresh them before they expire).
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  monitoring {
    enabled = var.detailed_monitoring
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.root_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-node" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = "${var.name}-node" })
  }

  lifecycle {
    precondition {
      condition     = contains(var.services, var.health_check_service)
      error_message = "health_check_service must be one of the services the instances run."
    }
    precondition {
      condition     = alltrue([for service, url in local.service_urls : url != ""])
      error_message = "Every service not in `services` needs its address in peer_base_urls."
    }
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "this" {
  name                      = "${var.name}-nodes"
  vpc_zone_identifier       = var.private_subnet_ids
  min_size                  = var.min_size
  max_size                  = var.max_size
  desired_capacity          = var.desired_capacity
  health_check_type         = "ELB"
  health_check_grace_period = var.health_check_grace_period
  target_group_arns         = [aws_lb_target_group.gateway.arn]
  default_instance_warmup   = var.instance_warmup_seconds

  # GroupInServiceInstances feeds the backlog-per-instance alarm below.
  metrics_granularity = "1Minute"
  enabled_metrics     = ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupPendingInstances", "GroupTerminatingInstances"]

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  # A new launch template version (new image tag, new endpoints) replaces instances gradually.
  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 50
    }
  }

  tag {
    key                 = "Name"
    value               = "${var.name}-node"
    propagate_at_launch = true
  }

  dynamic "tag" {
    for_each = var.tags

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  # The scaling policies own the instance count after creation.
  lifecycle {
    ignore_changes = [desired_capacity]
  }
}

# ---- scaling

resource "aws_autoscaling_policy" "cpu" {
  name                   = "${var.name}-cpu-target"
  autoscaling_group_name = aws_autoscaling_group.this.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = var.cpu_target_percent
  }
}

# Scale-out only: when the backlog clears, CPU target tracking brings the group back down.
# Bounds are relative to the alarm threshold: up to twice the threshold adds one instance,
# beyond it two.
resource "aws_autoscaling_policy" "queue_backlog" {
  name                    = "${var.name}-queue-backlog"
  autoscaling_group_name  = aws_autoscaling_group.this.name
  policy_type             = "StepScaling"
  adjustment_type         = "ChangeInCapacity"
  metric_aggregation_type = "Maximum"

  step_adjustment {
    metric_interval_lower_bound = 0
    metric_interval_upper_bound = var.backlog_per_instance_threshold
    scaling_adjustment          = 1
  }

  step_adjustment {
    metric_interval_lower_bound = var.backlog_per_instance_threshold
    scaling_adjustment          = 2
  }
}

resource "aws_cloudwatch_metric_alarm" "backlog_per_instance" {
  alarm_name          = "${var.name}-backlog-per-instance"
  alarm_description   = "More than ${var.backlog_per_instance_threshold} trip events waiting per in-service instance: add instances"
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.backlog_per_instance_threshold
  evaluation_periods  = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_autoscaling_policy.queue_backlog.arn]

  metric_query {
    id          = "backlog_per_instance"
    label       = "Visible messages per in-service instance"
    expression  = "visible / IF(instances > 0, instances, 1)"
    return_data = true
  }

  metric_query {
    id = "visible"

    metric {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      period      = 60
      stat        = "Maximum"
      dimensions = {
        QueueName = var.queue_name
      }
    }
  }

  metric_query {
    id = "instances"

    metric {
      namespace   = "AWS/AutoScaling"
      metric_name = "GroupInServiceInstances"
      period      = 60
      stat        = "Average"
      dimensions = {
        AutoScalingGroupName = aws_autoscaling_group.this.name
      }
    }
  }

  tags = var.tags
}
