output "mcp_url" {
  value       = "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/mcp"
  description = "Paste this into your MCP client"
}

output "issuer" {
  value       = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"
  description = "The façade's OAuth issuer (RFC 8414) and base URL"
}

output "callback_url" {
  value       = "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/callback"
  description = "The user-flow app client's only callback URL (the façade's /callback)"
}

output "user_flow_client_id" {
  value       = aws_cognito_user_pool_client.user_flow.id
  description = "The façade's Cognito app client: add it to the gateway's allowed_clients (CUSTOM_JWT authorizer)"
}

output "cognito_domain" {
  value       = "https://${local.cognito_domain_host}"
  description = "The hosted UI / managed login base URL users sign in at (from cognito_domain)"
}

output "key_secret_arns" {
  value = {
    registration = aws_secretsmanager_secret.registration_keys.arn
    flow         = aws_secretsmanager_secret.flow_keys.arn
    token        = aws_secretsmanager_secret.token_keys.arn
  }
  description = "Secrets Manager secrets with the façade keys, one per key group (docs/security.md)"
}

output "api_id" {
  value       = aws_api_gateway_rest_api.this.id
  description = "The façade's REST API id"
}

output "enterprise_assertion_client_id" {
  value       = one(aws_cognito_user_pool_client.enterprise_assertion[*].id)
  description = "Enterprise-managed authorization: the Cognito app client whose access tokens the jwt-bearer grant returns; add it to the gateway's allowed_clients and to the interceptor module's allowed_clients. null without enterprise_identity_providers"
}

output "enterprise_bridge_issuer" {
  value       = (length(var.enterprise_identity_providers) > 0) ? "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/enterprise" : null
  description = "Enterprise-managed authorization: the assertion bridge's OIDC issuer, federated into the pool as <name>-enterprise. null without enterprise_identity_providers"
}

output "facade_domain_target" {
  value       = one([for d in aws_api_gateway_domain_name.this : { name = d.regional_domain_name, zone_id = d.regional_zone_id }])
  description = "Alias target (name, zone_id) for the façade custom domain; null without custom_domain"
}
