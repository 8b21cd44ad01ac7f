# Inputs of the secrets module.

variable "parameter_path" {
  description = "SSM Parameter Store path the secrets live under, e.g. /uitgo/dev."
  type        = string

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]+[^/]$", var.parameter_path))
    error_message = "parameter_path must start with / and not end with /."
  }
}

variable "kms_key_id" {
  description = "KMS key for the SecureString parameters; null uses the AWS-managed aws/ssm key."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
