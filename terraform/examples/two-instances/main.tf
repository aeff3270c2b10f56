# Two façades side by side, each in front of its own Cognito user pool and AgentCore Gateway
# (one per team), from one module block with for_each. Each instance gets its own names, its own
# app client in its pool and its own sign-in domain.
#
#   cp terraform.tfvars.example terraform.tfvars   # then describe your instances
#   terraform init
#   TF_VAR_signing_keys='{"team-a":"…","team-b":"…"}' terraform apply   # >= 32 random characters each
#
# Outside this repository, pin the module to a release instead:
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
  description = "Region of the pools and gateways (the façades are created there)"
  type        = string
}

variable "instances" {
  description = "One façade per key (the key prefixes its names): the pool, its sign-in domain, the scopes and the gateway it fronts"
  type = map(object({
    user_pool_id   = string
    cognito_domain = string
    scopes         = list(string)
    gateway_url    = string
  }))
}

variable "signing_keys" {
  description = "Façade key material per instance key (>= 32 random characters each); never in plan or state"
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

module "facade" {
  source   = "../../modules/facade"
  for_each = var.instances

  name           = "mcp-${each.key}"
  user_pool_id   = each.value.user_pool_id
  cognito_domain = each.value.cognito_domain
  scopes         = each.value.scopes
  gateway_url    = each.value.gateway_url
  signing_keys   = var.signing_keys[each.key]
  tags           = { team = each.key }
}

output "mcp_url" {
  description = "Per instance: paste this into your MCP client"
  value       = { for k, m in module.facade : k => m.mcp_url }
}

output "user_flow_client_id" {
  description = "Per instance: add this to that instance's gateway allowed_clients"
  value       = { for k, m in module.facade : k => m.user_flow_client_id }
}

output "cognito_domain" {
  description = "Per instance: where its users sign in"
  value       = { for k, m in module.facade : k => m.cognito_domain }
}
