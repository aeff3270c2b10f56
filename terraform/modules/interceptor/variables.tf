variable "name" {
  description = "Prefix of the physical names: the function and its role are `<name>-interceptor`, its log group `/aws/lambda/<name>-interceptor`; it must be 3–24 lowercase letters, digits or single hyphens, starting with a letter and not ending with a hyphen."
  type        = string
  validation {
    error_message = "name must be 3–24 lowercase letters, digits or single hyphens, starting with a letter and not ending with a hyphen."
    condition     = length(var.name) >= 3 && length(var.name) <= 24 && can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name))
  }
  nullable = false
}

variable "user_pool_id" {
  description = "Id of the Cognito user pool whose access tokens the gateway accepts (`<region>_<id>`); the interceptor verifies each caller's JWT against this pool's issuer and keys."
  type        = string
  validation {
    error_message = "user_pool_id must be a Cognito user pool id, `<region>_<id>`."
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]_[0-9A-Za-z]+$", var.user_pool_id))
  }
  nullable = false
}

variable "allowed_clients" {
  description = "App client ids whose access tokens are accepted: the gateway's `allowed_clients` (the façade's `user_flow_client_id` and any machine clients). Tokens of other clients of the pool are refused."
  type        = list(string)
  validation {
    error_message = "allowed_clients must name at least one app client id."
    condition     = length(var.allowed_clients) > 0
  }
  validation {
    error_message = "allowed_clients entries must be Cognito app client ids (letters, digits, _ or +, at most 128 characters)."
    condition     = alltrue([for c in var.allowed_clients : can(regex("^[A-Za-z0-9_+]{1,128}$", c))])
  }
  nullable = false
}

variable "tool_policy" {
  description = "The tool policy as JSON (`jsonencode({...})` or `file(\"policy.json\")`): `{ \"default\": \"deny\" | \"allow\", \"tools\": { \"<pattern>\": \"allow\" | \"deny\" | { \"scopes\": [...], \"groups\": [...] } | [ ... ] } }` (docs/tool-authorization.md). Terraform checks its outline; the interceptor checks every field at cold start and refuses tool calls and lists (HTTP 503) while it is invalid. No default: there is no policy that is both safe and useful for every gateway."
  type        = string
  validation {
    error_message = "tool_policy must be JSON (docs/tool-authorization.md)."
    condition     = can(jsondecode(var.tool_policy))
  }
  validation {
    error_message = "tool_policy must be a JSON object with only the keys \"default\" and \"tools\"."
    condition     = try(length(setsubtract(keys(jsondecode(var.tool_policy)), ["default", "tools"])) == 0, false)
  }
  validation {
    error_message = "tool_policy.default must be \"allow\" or \"deny\"."
    condition     = try(contains(["allow", "deny"], lookup(jsondecode(var.tool_policy), "default", "deny")), false)
  }
  nullable = false
}

variable "log_retention_days" {
  default     = 30
  description = "CloudWatch Logs retention of the function's log group, in days."
  type        = number
  validation {
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
  }
  nullable = false
}

variable "log_level" {
  default     = "info"
  description = "The function's log level (debug, info, warn, error): `LOG_LEVEL` and Lambda's application log-level filter."
  type        = string
  validation {
    error_message = "log_level must be one of debug, info, warn, error."
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
  }
  nullable = false
}

variable "metrics_namespace" {
  default     = "AgentCoreMcpOAuth"
  description = "CloudWatch namespace of the interceptor's EMF metrics (docs/observability.md); their `Service` dimension is `name`."
  type        = string
  validation {
    error_message = "metrics_namespace must be 1–255 characters."
    condition     = length(var.metrics_namespace) > 0 && length(var.metrics_namespace) <= 255
  }
  nullable = false
}

variable "tags" {
  default = {
  }
  description = "Tags for the function, its role and its log group."
  type        = map(string)
  nullable    = false
}
