# One façade in front of a Cognito user pool and an AgentCore Gateway that already exist.
#
#   cp terraform.tfvars.example terraform.tfvars   # then fill in your pool, domain, scopes and gateway
#   terraform init
#   TF_VAR_signing_keys="$(openssl rand -base64 48)" terraform apply
#
# After apply: add the output user_flow_client_id (and, with enterprise_identity_providers,
# enterprise_assertion_client_id) to the gateway's allowed_clients, and give your MCP
# client the output mcp_url. Outside this repository, pin the module to a release instead:
#   source = "git::https://github.com/<org>/agentcore-mcp-oauth.git//terraform/modules/facade?ref=v0.4.0"

terraform {
  required_version = ">= 1.11.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.26.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region of the pool and the gateway (the façade is created there)"
  type        = string
}

variable "user_pool_id" {
  description = "Id of the existing Cognito user pool (<region>_<id>)"
  type        = string
}

variable "cognito_domain" {
  description = "The pool's sign-in domain: its Cognito prefix, or its custom domain"
  type        = string
}

variable "scopes" {
  description = "Scopes the façade's app client may request (openid, email, profile, <resource server>/<scope>)"
  type        = list(string)
}

variable "gateway_url" {
  description = "MCP URL of the existing AgentCore Gateway"
  type        = string
}

variable "enterprise_identity_providers" {
  description = "Optional: enterprise IdPs whose ID-JAGs the façade accepts (the module input of the same name); [] = off"
  type        = any
  default     = []
}

variable "signing_keys" {
  description = "Façade key material (>= 32 random characters); never in plan or state"
  type        = string
  sensitive   = true
  ephemeral   = true
}

module "facade" {
  source = "../../modules/facade"

  name           = "mcp-facade"
  user_pool_id   = var.user_pool_id
  cognito_domain = var.cognito_domain
  scopes         = var.scopes
  gateway_url    = var.gateway_url
  signing_keys   = var.signing_keys

  enterprise_identity_providers = var.enterprise_identity_providers
}

output "mcp_url" {
  description = "Paste this into your MCP client"
  value       = module.facade.mcp_url
}

output "user_flow_client_id" {
  description = "Add this to the gateway's allowed_clients"
  value       = module.facade.user_flow_client_id
}

output "cognito_domain" {
  description = "Where users sign in"
  value       = module.facade.cognito_domain
}

output "enterprise_assertion_client_id" {
  description = "With enterprise_identity_providers: add this to the gateway's allowed_clients (and the interceptor's) too"
  value       = module.facade.enterprise_assertion_client_id
}
