# A root module that uses the built façade module twice, side by side (one instance per team).
#
#   npm run build:module                                  # writes terraform-module/ (examples/module.config.ts)
#   cd examples/module-root
#   terraform init
#   TF_VAR_signing_keys="$(openssl rand -base64 48)" terraform apply
#
# The module has no provider and no backend: this root supplies both (here the default local
# backend; add an s3 or cloud backend as usual). Its provider region must be the one the module was
# built for (a precondition refuses any other). Platform teams pin a released build instead:
#   source = "git::https://github.com/<org>/agentcore-mcp-oauth.git//terraform-module?ref=module-v0.1.0"

terraform {
  required_version = ">= 1.11.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.26.0, != 6.36.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { project = "mcp-oauth" }
  }
}

variable "signing_keys" {
  description = "Façade signing keys: >= 32 random characters, or the rotation JSON (one per instance in real use)"
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  instances = {
    team-a = { redirect_allowlist = ["https://app-a.acme.example/callback"], log_retention_days = 30 }
    team-b = { redirect_allowlist = ["https://app-b.acme.example/callback"], log_retention_days = 90 }
  }
}

module "mcp_oauth" {
  source   = "../../terraform-module"
  for_each = local.instances

  name_prefix        = "mcp-${each.key}"
  redirect_allowlist = each.value.redirect_allowlist
  log_retention_days = each.value.log_retention_days
  tags               = { team = each.key }
  signing_keys       = var.signing_keys
}

output "mcp_url" {
  description = "Paste this into your MCP client (per instance)"
  value       = { for k, m in module.mcp_oauth : k => m.mcp_url }
}

output "user_flow_client_id" {
  description = "Add these to the existing gateway's allowed_clients"
  value       = { for k, m in module.mcp_oauth : k => m.user_flow_client_id }
}
