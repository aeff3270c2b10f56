# A root module that uses the synthesized façade stack as a Terraform module.
#
#   CONFIG=examples/module.config.ts npm run synth      # writes cdktf.out/stacks/mcp-oauth-module
#   cd examples/module-root
#   terraform init
#   TF_VAR_signing_keys="$(openssl rand -base64 48)" terraform apply
#
# The module has no provider and no backend: this root supplies both (here the default local
# backend; add an s3 or cloud backend as usual). Its region must be the config's `region`.

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
  region = "eu-west-1"
  default_tags {
    tags = { project = "mcp-oauth" }
  }
}

variable "signing_keys" {
  description = "Façade signing keys: >= 32 random characters, or the rotation JSON"
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "signing_keys_version" {
  description = "Bump to write a new signing_keys value"
  type        = number
  default     = 1
}

module "mcp_oauth" {
  source = "../../cdktf.out/stacks/mcp-oauth-module"

  signing_keys         = var.signing_keys
  signing_keys_version = var.signing_keys_version
}

output "mcp_url" {
  description = "Paste this into your MCP client"
  value       = module.mcp_oauth.mcp_url
}

output "issuer" {
  value = module.mcp_oauth.issuer
}

output "user_flow_client_id" {
  description = "Add this to the existing gateway's allowed_clients"
  value       = module.mcp_oauth.user_flow_client_id
}
