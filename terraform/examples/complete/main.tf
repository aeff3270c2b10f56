# The whole stack in Terraform alone, no Node step: a Cognito user pool with its sign-in domain, a
# resource server and one federated OIDC identity provider; an AgentCore Gateway (CUSTOM_JWT
# authorizer) with one MCP-server target; the tool-policy interceptor module attached to it; and
# the façade module in front. Why an example that composes modules with plain resources rather
# than one root module with map inputs: docs/terraform-only.md.
#
#   cp terraform.tfvars.example terraform.tfvars   # then fill in names, the IdP and the target
#   terraform init
#   TF_VAR_oidc_client_secret=… TF_VAR_signing_keys="$(openssl rand -base64 48)" terraform apply
#
# After apply: register the output idp_redirect_url as the redirect (callback) URL of the OIDC
# client at your identity provider, create users or groups there, and give your MCP client mcp_url.
# Outside this repository, pin the modules to a release instead of the relative sources:
#   source = "git::https://github.com/<org>/agentcore-mcp-oauth.git//terraform/modules/facade?ref=v0.4.0"
#   source = "git::https://github.com/<org>/agentcore-mcp-oauth.git//terraform/modules/interceptor?ref=v0.4.0"
#
# No cycle between the gateway and the façade: the gateway reads the façade's user_flow_client_id,
# the façade's functions read the gateway's gateway_url, and Terraform orders resources, not
# modules (the app client comes first, then the gateway, then the façade's functions).

terraform {
  required_version = ">= 1.11.0"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.25.0: aws_bedrockagentcore_gateway interceptor_configuration; 6.26.0: the façade module;
      # 6.36.0 broke custom_jwt_authorizer (terraform-provider-aws #46895).
      version = ">= 6.26.0, != 6.36.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region of everything in this example"
  type        = string
}

variable "name" {
  description = "Prefix of every physical name (3–24 lowercase letters, digits, single hyphens)"
  type        = string
}

variable "cognito_domain_prefix" {
  description = "Cognito prefix domain users sign in at (<prefix>.auth.<region>.amazoncognito.com); unique in the region"
  type        = string
}

variable "resource_server_identifier" {
  description = "Identifier of the resource server whose scope the tools need (e.g. https://tools.<your domain>)"
  type        = string
}

variable "oidc_provider" {
  description = "The federated OIDC identity provider: its name in the pool, issuer URL and the client registered there"
  type = object({
    name      = string
    issuer    = string
    client_id = string
    scopes    = optional(list(string), ["openid", "email", "profile"])
  })
}

variable "oidc_client_secret" {
  description = "Client secret of the OIDC client at the identity provider (Cognito keeps it in provider_details: it is in state)"
  type        = string
  sensitive   = true
}

variable "mcp_server_url" {
  description = "HTTPS endpoint of the MCP server the gateway's target calls"
  type        = string
  validation {
    condition     = startswith(var.mcp_server_url, "https://")
    error_message = "mcp_server_url must be an https URL."
  }
}

variable "signing_keys" {
  description = "Façade key material (>= 32 random characters); never in plan or state"
  type        = string
  sensitive   = true
  ephemeral   = true
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  tools_scope = "${aws_cognito_resource_server.tools.identifier}/tools"
  # Tokens the gateway and the interceptor accept: the façade's users and the machine client.
  allowed_clients = [module.facade.user_flow_client_id, aws_cognito_user_pool_client.machine.id]
  # docs/tool-authorization.md: the target's tools need the tools scope; search is open to every caller.
  tool_policy = jsonencode({
    default = "deny"
    tools = {
      "tools___*"                      = { scopes = [local.tools_scope] }
      "x_amz_bedrock_agentcore_search" = "allow"
    }
  })
}

# --- Cognito: pool, sign-in domain, resource server, federated IdP, machine client -------------

resource "aws_cognito_user_pool" "main" {
  name                     = "${var.name}-users"
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = "ACTIVE"
  mfa_configuration        = "OPTIONAL"

  admin_create_user_config {
    allow_admin_create_user_only = true
  }
  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_numbers                  = true
    require_symbols                  = false
    require_uppercase                = true
    temporary_password_validity_days = 7
  }
  software_token_mfa_configuration {
    enabled = true
  }
  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }
}

resource "aws_cognito_user_pool_domain" "main" {
  domain                = var.cognito_domain_prefix
  user_pool_id          = aws_cognito_user_pool.main.id
  managed_login_version = 2
}

resource "aws_cognito_resource_server" "tools" {
  user_pool_id = aws_cognito_user_pool.main.id
  identifier   = var.resource_server_identifier
  name         = "${var.name}-tools"

  scope {
    scope_name        = "tools"
    scope_description = "Call the gateway's tools"
  }
}

resource "aws_cognito_identity_provider" "oidc" {
  user_pool_id  = aws_cognito_user_pool.main.id
  provider_name = var.oidc_provider.name
  provider_type = "OIDC"

  provider_details = {
    client_id                 = var.oidc_provider.client_id
    client_secret             = var.oidc_client_secret
    authorize_scopes          = join(" ", var.oidc_provider.scopes)
    oidc_issuer               = var.oidc_provider.issuer
    attributes_request_method = "GET"
  }
  attribute_mapping = {
    email    = "email"
    username = "sub"
  }

  lifecycle {
    # Cognito adds these from the issuer's discovery document (modules/identity/identity-providers.ts).
    ignore_changes = [
      provider_details["attributes_url"],
      provider_details["attributes_url_add_attributes"],
      provider_details["authorize_url"],
      provider_details["jwks_uri"],
      provider_details["token_url"],
    ]
  }
}

resource "aws_cognito_user_pool_client" "machine" {
  name                                 = "${var.name}-machine"
  user_pool_id                         = aws_cognito_user_pool.main.id
  generate_secret                      = true
  allowed_oauth_flows                  = ["client_credentials"]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_scopes                 = [local.tools_scope]
  supported_identity_providers         = ["COGNITO"]
}

# --- The gateway, its target and the interceptor ---------------------------------------------

# Trusted only by bedrock-agentcore for gateways of this account and region (confused deputy).
resource "aws_iam_role" "gateway" {
  name        = "${var.name}-gateway"
  description = "Service role of AgentCore gateway ${var.name}-gateway"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "bedrock-agentcore.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:bedrock-agentcore:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:gateway/*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "gateway_invokes_interceptor" {
  name   = "invoke-interceptor"
  role   = aws_iam_role.gateway.id
  policy = module.interceptor.invoke_policy
}

module "interceptor" {
  source = "../../modules/interceptor"

  name            = var.name
  user_pool_id    = aws_cognito_user_pool.main.id
  allowed_clients = local.allowed_clients
  tool_policy     = local.tool_policy
}

resource "aws_bedrockagentcore_gateway" "main" {
  name            = "${var.name}-gateway"
  description     = "MCP tools behind the ${var.name} façade"
  role_arn        = aws_iam_role.gateway.arn
  protocol_type   = "MCP"
  authorizer_type = "CUSTOM_JWT"

  authorizer_configuration {
    custom_jwt_authorizer {
      # Cognito access tokens carry client_id and no aud: the gateway checks the client.
      discovery_url   = "https://${aws_cognito_user_pool.main.endpoint}/.well-known/openid-configuration"
      allowed_clients = local.allowed_clients
    }
  }
  protocol_configuration {
    mcp {
      supported_versions = ["2025-11-25", "2025-06-18", "2025-03-26"]
    }
  }
  interceptor_configuration {
    interception_points = module.interceptor.interceptor_configuration.interception_points
    interceptor {
      lambda {
        arn = module.interceptor.interceptor_configuration.interceptor.lambda.arn
      }
    }
    input_configuration {
      pass_request_headers = module.interceptor.interceptor_configuration.input_configuration.pass_request_headers
    }
  }

  # The role must be able to call the interceptor before the gateway does.
  depends_on = [aws_iam_role_policy.gateway_invokes_interceptor]
}

resource "aws_bedrockagentcore_gateway_target" "tools" {
  gateway_identifier = aws_bedrockagentcore_gateway.main.gateway_id
  name               = "tools"
  description        = "The MCP server at mcp_server_url"

  target_configuration {
    mcp {
      mcp_server {
        endpoint = var.mcp_server_url
      }
    }
  }
}

# --- The façade ------------------------------------------------------------------------------

module "facade" {
  source = "../../modules/facade"

  name               = var.name
  user_pool_id       = aws_cognito_user_pool.main.id
  cognito_domain     = aws_cognito_user_pool_domain.main.domain
  identity_providers = ["COGNITO", aws_cognito_identity_provider.oidc.provider_name]
  scopes             = ["openid", "email", "profile", local.tools_scope]
  gateway_url        = aws_bedrockagentcore_gateway.main.gateway_url
  signing_keys       = var.signing_keys
}

output "mcp_url" {
  description = "Paste this into your MCP client"
  value       = module.facade.mcp_url
}

output "idp_redirect_url" {
  description = "Register this as the redirect URL of the OIDC client at the identity provider"
  value       = "${module.facade.cognito_domain}/oauth2/idpresponse"
}

output "gateway_url" {
  description = "The AgentCore Gateway's MCP URL (clients use mcp_url)"
  value       = aws_bedrockagentcore_gateway.main.gateway_url
}

output "machine_client_id" {
  description = "Client-credentials app client (scope <resource server>/tools); its secret is in the pool"
  value       = aws_cognito_user_pool_client.machine.id
}

output "user_pool_id" {
  description = "The Cognito user pool"
  value       = aws_cognito_user_pool.main.id
}
