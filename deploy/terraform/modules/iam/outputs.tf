# The instance profile the launch template attaches.

output "instance_profile_name" {
  description = "Name of the instance profile."
  value       = aws_iam_instance_profile.instance.name
}

output "role_arn" {
  description = "ARN of the instance role."
  value       = aws_iam_role.instance.arn
}
