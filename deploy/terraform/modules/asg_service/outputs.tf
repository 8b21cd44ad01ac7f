# The public address of the gateway and handles on the group for dashboards and runbooks.

output "alb_dns_name" {
  description = "DNS name of the ALB (point a CNAME or alias record here)."
  value       = aws_lb.this.dns_name
}

output "gateway_url" {
  description = "Base URL of the API (API_BASE of the load tests)."
  value       = "${var.certificate_arn == null ? "http" : "https"}://${aws_lb.this.dns_name}"
}

output "autoscaling_group_name" {
  description = "Name of the Auto Scaling Group."
  value       = aws_autoscaling_group.this.name
}

output "target_group_arn" {
  description = "ARN of the gateway target group."
  value       = aws_lb_target_group.gateway.arn
}

output "launch_template_id" {
  description = "ID of the launch template."
  value       = aws_launch_template.this.id
}

output "backlog_alarm_arn" {
  description = "ARN of the backlog-per-instance alarm that drives step scaling."
  value       = aws_cloudwatch_metric_alarm.backlog_per_instance.arn
}
