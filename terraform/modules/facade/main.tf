locals {
  cognito_domain_host             = (strcontains(var.cognito_domain, ".") ? var.cognito_domain : "${var.cognito_domain}.${data.aws_partition.current.partition == "aws-us-gov" ? "auth-fips" : "auth"}.${data.aws_region.current.region}.amazoncognito.com")
  issuer                          = ("https://cognito-idp.${data.aws_region.current.region}.${data.aws_partition.current.dns_suffix}/${var.user_pool_id}")
  default_scopes                  = (var.default_scopes != null ? var.default_scopes : var.scopes)
  authorization_scopes            = ([for s in var.scopes : s if strcontains(s, "/")])
  enterprise_scopes               = (sort(distinct(flatten(var.enterprise_identity_providers[*].scopes))))
  enterprise_idps                 = (jsonencode([for idp in var.enterprise_identity_providers : merge({ name = idp.name, issuer = idp.issuer, jwksUrl = idp.jwks_url, clients = idp.clients, scopes = idp.scopes, maxAgeSeconds = idp.max_assertion_age_seconds }, { for k, v in { linkProvider = try(idp.federated_as.provider, null), linkClaim = try(idp.federated_as.claim, null) } : k => v if v != null }, )]))
  enterprise_bridge_provider_name = (substr("${var.name}-enterprise", 0, 32))
}

data "aws_region" "current" {
}

data "aws_partition" "current" {
}

resource "aws_api_gateway_rest_api" "this" {
  description                  = "MCP OAuth façade in front of Amazon Bedrock AgentCore Gateway"
  disable_execute_api_endpoint = (var.custom_domain != null) ? true : false
  name                         = "${var.name}-facade"
  tags                         = var.tags
  endpoint_configuration {
    types = [
      "REGIONAL"
    ]
  }
  lifecycle {
    precondition {
      condition     = (startswith(var.user_pool_id, "${data.aws_region.current.region}_"))
      error_message = "user_pool_id must be a pool in the region of the aws provider passed to this module (its id starts with that region)."
    }
  }
}

resource "aws_api_gateway_domain_name" "this" {
  domain_name              = var.custom_domain.domain_name
  regional_certificate_arn = var.custom_domain.certificate_arn
  security_policy          = "TLS_1_2"
  tags                     = var.tags
  endpoint_configuration {
    types = [
      "REGIONAL"
    ]
  }
  count = (var.custom_domain != null) ? 1 : 0
}

resource "aws_route53_record" "dns" {
  name    = one(aws_api_gateway_domain_name.this[*].domain_name)
  type    = "A"
  zone_id = var.custom_domain.hosted_zone_id
  alias {
    evaluate_target_health = false
    name                   = one(aws_api_gateway_domain_name.this[*].regional_domain_name)
    zone_id                = one(aws_api_gateway_domain_name.this[*].regional_zone_id)
  }
  count = ((var.custom_domain != null) && (try(var.custom_domain.hosted_zone_id, null) != null)) ? 1 : 0
}

resource "aws_cognito_user_pool_client" "user_flow" {
  access_token_validity = 15
  allowed_oauth_flows = [
    "code"
  ]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_scopes                 = var.scopes
  auth_session_validity                = 3
  callback_urls = [
    "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/callback"
  ]
  enable_token_revocation = true
  explicit_auth_flows = [
    "ALLOW_USER_SRP_AUTH"
  ]
  generate_secret   = true
  id_token_validity = 60
  logout_urls = [
    "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/"
  ]
  name                          = "${var.name}-facade"
  prevent_user_existence_errors = "ENABLED"
  refresh_token_validity        = 30
  supported_identity_providers  = var.identity_providers
  user_pool_id                  = var.user_pool_id
  refresh_token_rotation {
    feature                    = "ENABLED"
    retry_grace_period_seconds = 60
  }
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
  depends_on = [
  ]
}

resource "aws_cognito_identity_provider" "enterprise_bridge" {
  attribute_mapping = {
    username       = "sub"
    email          = "email"
    email_verified = "email_verified"
    name           = "name"
    given_name     = "given_name"
    family_name    = "family_name"
  }
  provider_details = {
    client_id                 = "${var.name}-user-pool"
    client_secret             = sha256("agentcore-mcp-oauth/enterprise-bridge-client/v1/${aws_cognito_user_pool_client.user_flow.client_secret}")
    authorize_scopes          = "openid email profile"
    oidc_issuer               = "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/enterprise"
    attributes_request_method = "GET"
    authorize_url             = "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/enterprise/authorize"
    token_url                 = "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/enterprise/token"
    attributes_url            = "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/enterprise/userinfo"
    jwks_uri                  = "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/enterprise/jwks"
  }
  provider_name = local.enterprise_bridge_provider_name
  provider_type = "OIDC"
  user_pool_id  = var.user_pool_id
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
  lifecycle {
    ignore_changes = [
      provider_details["attributes_url_add_attributes"],
    ]
  }
}

resource "aws_cognito_user_pool_client" "enterprise_assertion" {
  access_token_validity = 15
  allowed_oauth_flows = [
    "code"
  ]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_scopes                 = distinct(concat(["openid"], local.enterprise_scopes))
  callback_urls = [
    "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/enterprise/cognito-return"
  ]
  enable_token_revocation = true
  explicit_auth_flows = [
    "ALLOW_REFRESH_TOKEN_AUTH"
  ]
  generate_secret               = true
  id_token_validity             = 15
  name                          = "${var.name}-enterprise-assertion"
  prevent_user_existence_errors = "ENABLED"
  refresh_token_validity        = 60
  supported_identity_providers = [
    one(aws_cognito_identity_provider.enterprise_bridge[*].provider_name)
  ]
  user_pool_id = var.user_pool_id
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "minutes"
  }
  count = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_cognito_managed_login_branding" "enterprise_assertion" {
  client_id                   = one(aws_cognito_user_pool_client.enterprise_assertion[*].id)
  use_cognito_provided_values = true
  user_pool_id                = var.user_pool_id
  count                       = (var.managed_login && (length(var.enterprise_identity_providers) > 0)) ? 1 : 0
}

resource "aws_cognito_managed_login_branding" "this" {
  client_id                   = aws_cognito_user_pool_client.user_flow.id
  use_cognito_provided_values = true
  user_pool_id                = var.user_pool_id
  count                       = var.managed_login ? 1 : 0
}

resource "aws_secretsmanager_secret" "registration_keys" {
  description             = "MCP OAuth façade: keys that sign registrations (client_id)"
  name                    = "${var.name}/facade/registration-keys"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "registration_keys" {
  secret_id                = aws_secretsmanager_secret.registration_keys.id
  secret_string_wo         = sha256("agentcore-mcp-oauth/registration-keys/v1/${var.signing_keys}")
  secret_string_wo_version = var.signing_keys_version
}

resource "aws_secretsmanager_secret" "flow_keys" {
  description             = "MCP OAuth façade: keys that sign authorization state, consent pages and remembered consents"
  name                    = "${var.name}/facade/flow-keys"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "flow_keys" {
  secret_id                = aws_secretsmanager_secret.flow_keys.id
  secret_string_wo         = sha256("agentcore-mcp-oauth/flow-keys/v1/${var.signing_keys}")
  secret_string_wo_version = var.signing_keys_version
}

resource "aws_secretsmanager_secret" "token_keys" {
  description             = "MCP OAuth façade: keys that seal authorization codes and refresh tokens"
  name                    = "${var.name}/facade/token-keys"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "token_keys" {
  secret_id                = aws_secretsmanager_secret.token_keys.id
  secret_string_wo         = sha256("agentcore-mcp-oauth/token-keys/v1/${var.signing_keys}")
  secret_string_wo_version = var.signing_keys_version
}

resource "aws_secretsmanager_secret" "client_secret" {
  description             = "MCP OAuth façade: secret of the Cognito user-flow app client"
  name                    = "${var.name}/facade/cognito-client-secret"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "client_secret" {
  secret_id                = aws_secretsmanager_secret.client_secret.id
  secret_string_wo         = aws_cognito_user_pool_client.user_flow.client_secret
  secret_string_wo_version = 1
  lifecycle {
    replace_triggered_by = [
      aws_cognito_user_pool_client.user_flow.id,
    ]
  }
}

resource "aws_secretsmanager_secret" "bridge_keys" {
  description             = "MCP OAuth façade: keys that seal the enterprise assertion bridge's codes"
  name                    = "${var.name}/facade/enterprise-bridge-keys"
  recovery_window_in_days = 7
  tags                    = var.tags
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_secretsmanager_secret_version" "bridge_keys" {
  secret_id                = one(aws_secretsmanager_secret.bridge_keys[*].id)
  secret_string_wo         = sha256("agentcore-mcp-oauth/bridge-keys/v1/${var.signing_keys}")
  secret_string_wo_version = var.signing_keys_version
  count                    = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_secretsmanager_secret" "bridge_signing_key" {
  description             = "MCP OAuth façade: seed of the enterprise assertion bridge's ID-token signing key"
  name                    = "${var.name}/facade/enterprise-bridge-signing-key"
  recovery_window_in_days = 7
  tags                    = var.tags
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_secretsmanager_secret_version" "bridge_signing_key" {
  secret_id                = one(aws_secretsmanager_secret.bridge_signing_key[*].id)
  secret_string_wo         = sha256("agentcore-mcp-oauth/bridge-signing-key/v1/${var.signing_keys}")
  secret_string_wo_version = var.signing_keys_version
  count                    = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_secretsmanager_secret" "bridge_client_secret" {
  description             = "MCP OAuth façade: secret Cognito presents at the enterprise assertion bridge"
  name                    = "${var.name}/facade/enterprise-bridge-client-secret"
  recovery_window_in_days = 7
  tags                    = var.tags
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_secretsmanager_secret_version" "bridge_client_secret" {
  secret_id                = one(aws_secretsmanager_secret.bridge_client_secret[*].id)
  secret_string_wo         = sha256("agentcore-mcp-oauth/enterprise-bridge-client/v1/${aws_cognito_user_pool_client.user_flow.client_secret}")
  secret_string_wo_version = 1
  count                    = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
  lifecycle {
    replace_triggered_by = [
      aws_cognito_user_pool_client.user_flow.id,
    ]
  }
}

resource "aws_secretsmanager_secret" "assertion_client_secret" {
  description             = "MCP OAuth façade: secret of the Cognito enterprise assertion app client"
  name                    = "${var.name}/facade/enterprise-assertion-client-secret"
  recovery_window_in_days = 7
  tags                    = var.tags
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_secretsmanager_secret_version" "assertion_client_secret" {
  secret_id                = one(aws_secretsmanager_secret.assertion_client_secret[*].id)
  secret_string_wo         = one(aws_cognito_user_pool_client.enterprise_assertion[*].client_secret)
  secret_string_wo_version = 1
  count                    = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
  lifecycle {
    replace_triggered_by = [
      aws_cognito_user_pool_client.enterprise_assertion[count.index].id,
    ]
  }
}

resource "aws_cloudwatch_log_group" "mcp_proxy" {
  name              = "/aws/lambda/${var.name}-mcp-proxy"
  retention_in_days = var.log_retention_days
  tags              = var.tags
  count             = (var.mcp_mode == "lambda") ? 1 : 0
}

resource "aws_iam_role" "mcp_proxy" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-mcp-proxy"
  name               = "${var.name}-mcp-proxy"
  tags               = var.tags
  count              = (var.mcp_mode == "lambda") ? 1 : 0
}

resource "aws_iam_role_policy" "mcp_proxy" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${one(aws_cloudwatch_log_group.mcp_proxy[*].arn)}:log-stream:*"] }] })
  role   = one(aws_iam_role.mcp_proxy[*].id)
  count  = (var.mcp_mode == "lambda") ? 1 : 0
}

resource "aws_lambda_function" "mcp_proxy" {
  architectures = [
    "arm64"
  ]
  description      = "MCP OAuth façade: mcp-proxy"
  filename         = "${path.module}/assets/mcp-proxy.zip"
  function_name    = "${var.name}-mcp-proxy"
  handler          = "index.handler"
  memory_size      = 256
  role             = one(aws_iam_role.mcp_proxy[*].arn)
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/mcp-proxy.zip")
  tags             = var.tags
  timeout          = 65
  environment {
    variables = {
      SCOPES_SUPPORTED           = join(" ", var.scopes)
      CORS_ALLOWED_ORIGINS       = join(" ", var.cors_allowed_origins)
      LOG_LEVEL                  = var.log_level
      PUBLIC_BASE_URL            = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : ""
      GATEWAY_URL                = var.gateway_url
      MCP_MAX_BODY_BYTES         = "1048576"
      MCP_UPSTREAM_TIMEOUT_MS    = "60000"
      MCP_STREAM_IDLE_TIMEOUT_MS = "60000"
      MCP_MERGE_TOOLS_LIST_PAGES = "0"
      METRICS_NAMESPACE          = "AgentCoreMcpOAuth"
      METRICS_SERVICE            = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = one(aws_cloudwatch_log_group.mcp_proxy[*].name)
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.mcp_proxy,
    aws_cloudwatch_log_group.mcp_proxy,
  ]
  count = (var.mcp_mode == "lambda") ? 1 : 0
}

resource "aws_cloudwatch_log_group" "discovery" {
  name              = "/aws/lambda/${var.name}-discovery"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "discovery" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-discovery"
  name               = "${var.name}-discovery"
  tags               = var.tags
}

resource "aws_iam_role_policy" "discovery" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${aws_cloudwatch_log_group.discovery.arn}:log-stream:*"] }] })
  role   = aws_iam_role.discovery.id
}

resource "aws_lambda_function" "discovery" {
  architectures = [
    "arm64"
  ]
  description      = "MCP OAuth façade: discovery"
  filename         = "${path.module}/assets/discovery.zip"
  function_name    = "${var.name}-discovery"
  handler          = "index.handler"
  memory_size      = 256
  role             = aws_iam_role.discovery.arn
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/discovery.zip")
  tags             = var.tags
  timeout          = 10
  environment {
    variables = {
      SCOPES_SUPPORTED             = join(" ", var.scopes)
      CORS_ALLOWED_ORIGINS         = join(" ", var.cors_allowed_origins)
      LOG_LEVEL                    = var.log_level
      PUBLIC_BASE_URL              = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : ""
      CLIENT_ID_METADATA_DOCUMENTS = var.client_id_metadata_documents
      IDP_ISSUER                   = local.issuer
      IDP_AUTHORIZATION_ENDPOINT   = "https://${local.cognito_domain_host}/oauth2/authorize"
      IDP_TOKEN_ENDPOINT           = "https://${local.cognito_domain_host}/oauth2/token"
      IDP_REVOCATION_ENDPOINT      = "https://${local.cognito_domain_host}/oauth2/revoke"
      IDP_JWKS_URI                 = "${local.issuer}/.well-known/jwks.json"
      IDP_USERINFO_ENDPOINT        = "https://${local.cognito_domain_host}/oauth2/userInfo"
      ENTERPRISE_IDPS              = (length(var.enterprise_identity_providers) > 0) ? local.enterprise_idps : ""
      METRICS_NAMESPACE            = "AgentCoreMcpOAuth"
      METRICS_SERVICE              = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.discovery.name
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.discovery,
    aws_cloudwatch_log_group.discovery,
  ]
}

resource "aws_cloudwatch_log_group" "register" {
  name              = "/aws/lambda/${var.name}-register"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "register" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-register"
  name               = "${var.name}-register"
  tags               = var.tags
}

resource "aws_iam_role_policy" "register" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${aws_cloudwatch_log_group.register.arn}:log-stream:*"] }, { "Sid" = "ReadRegistrationKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.registration_keys.arn] }] })
  role   = aws_iam_role.register.id
}

resource "aws_lambda_function" "register" {
  architectures = [
    "arm64"
  ]
  description      = "MCP OAuth façade: register"
  filename         = "${path.module}/assets/register.zip"
  function_name    = "${var.name}-register"
  handler          = "index.handler"
  memory_size      = 256
  role             = aws_iam_role.register.arn
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/register.zip")
  tags             = var.tags
  timeout          = 10
  environment {
    variables = {
      SCOPES_SUPPORTED     = join(" ", var.scopes)
      CORS_ALLOWED_ORIGINS = join(" ", var.cors_allowed_origins)
      LOG_LEVEL            = var.log_level
      PUBLIC_BASE_URL      = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : ""
      KEY_OVERLAP_DAYS     = "30"
      REDIRECT_ALLOWLIST   = join(" ", var.redirect_allowlist)
      SECRET_CACHE_SECONDS = "300"
      SECRET_TIMEOUT_MS    = "3000"
      REGISTRATION_KEYS    = aws_secretsmanager_secret.registration_keys.arn
      METRICS_NAMESPACE    = "AgentCoreMcpOAuth"
      METRICS_SERVICE      = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.register.name
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.register,
    aws_cloudwatch_log_group.register,
  ]
}

resource "aws_cloudwatch_log_group" "authorize" {
  name              = "/aws/lambda/${var.name}-authorize"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "authorize" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-authorize"
  name               = "${var.name}-authorize"
  tags               = var.tags
}

resource "aws_iam_role_policy" "authorize" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${aws_cloudwatch_log_group.authorize.arn}:log-stream:*"] }, { "Sid" = "ReadRegistrationKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.registration_keys.arn] }, { "Sid" = "ReadFlowKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.flow_keys.arn] }] })
  role   = aws_iam_role.authorize.id
}

resource "aws_lambda_function" "authorize" {
  architectures = [
    "arm64"
  ]
  description      = "MCP OAuth façade: authorize"
  filename         = "${path.module}/assets/authorize.zip"
  function_name    = "${var.name}-authorize"
  handler          = "index.handler"
  memory_size      = 256
  role             = aws_iam_role.authorize.arn
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/authorize.zip")
  tags             = var.tags
  timeout          = 10
  environment {
    variables = {
      SCOPES_SUPPORTED             = join(" ", var.scopes)
      CORS_ALLOWED_ORIGINS         = join(" ", var.cors_allowed_origins)
      LOG_LEVEL                    = var.log_level
      PUBLIC_BASE_URL              = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : ""
      CLIENT_ID_METADATA_DOCUMENTS = var.client_id_metadata_documents
      CONSENT_FOR_LOOPBACK         = var.consent.for_loopback
      CONSENT_REMEMBER_DAYS        = var.consent.remember_days
      STATE_TTL_SECONDS            = "600"
      IDP_AUTHORIZATION_ENDPOINT   = "https://${local.cognito_domain_host}/oauth2/authorize"
      IDP_CLIENT_ID                = aws_cognito_user_pool_client.user_flow.id
      KEY_OVERLAP_DAYS             = "30"
      REDIRECT_ALLOWLIST           = join(" ", var.redirect_allowlist)
      SECRET_CACHE_SECONDS         = "300"
      SECRET_TIMEOUT_MS            = "3000"
      CLOCK_SKEW_SECONDS           = "60"
      DEFAULT_SCOPES               = join(" ", local.default_scopes)
      RESOURCE_TO_IDP              = "strip"
      REGISTRATION_KEYS            = aws_secretsmanager_secret.registration_keys.arn
      FLOW_KEYS                    = aws_secretsmanager_secret.flow_keys.arn
      METRICS_NAMESPACE            = "AgentCoreMcpOAuth"
      METRICS_SERVICE              = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.authorize.name
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.authorize,
    aws_cloudwatch_log_group.authorize,
  ]
}

resource "aws_cloudwatch_log_group" "callback" {
  name              = "/aws/lambda/${var.name}-callback"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "callback" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-callback"
  name               = "${var.name}-callback"
  tags               = var.tags
}

resource "aws_iam_role_policy" "callback" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${aws_cloudwatch_log_group.callback.arn}:log-stream:*"] }, { "Sid" = "ReadRegistrationKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.registration_keys.arn] }, { "Sid" = "ReadFlowKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.flow_keys.arn] }, { "Sid" = "ReadTokenKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.token_keys.arn] }, { "Sid" = "ReadClientSecret", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.client_secret.arn] }] })
  role   = aws_iam_role.callback.id
}

resource "aws_lambda_function" "callback" {
  architectures = [
    "arm64"
  ]
  description      = "MCP OAuth façade: callback"
  filename         = "${path.module}/assets/callback.zip"
  function_name    = "${var.name}-callback"
  handler          = "index.handler"
  memory_size      = 256
  role             = aws_iam_role.callback.arn
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/callback.zip")
  tags             = var.tags
  timeout          = 20
  environment {
    variables = {
      SCOPES_SUPPORTED             = join(" ", var.scopes)
      CORS_ALLOWED_ORIGINS         = join(" ", var.cors_allowed_origins)
      LOG_LEVEL                    = var.log_level
      PUBLIC_BASE_URL              = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : ""
      CLIENT_ID_METADATA_DOCUMENTS = var.client_id_metadata_documents
      CONSENT_FOR_LOOPBACK         = var.consent.for_loopback
      CONSENT_REMEMBER_DAYS        = var.consent.remember_days
      STATE_TTL_SECONDS            = "600"
      IDP_AUTHORIZATION_ENDPOINT   = "https://${local.cognito_domain_host}/oauth2/authorize"
      IDP_CLIENT_ID                = aws_cognito_user_pool_client.user_flow.id
      KEY_OVERLAP_DAYS             = "30"
      REDIRECT_ALLOWLIST           = join(" ", var.redirect_allowlist)
      SECRET_CACHE_SECONDS         = "300"
      SECRET_TIMEOUT_MS            = "3000"
      CLOCK_SKEW_SECONDS           = "60"
      REGISTRATION_KEYS            = aws_secretsmanager_secret.registration_keys.arn
      FLOW_KEYS                    = aws_secretsmanager_secret.flow_keys.arn
      TOKEN_KEYS                   = aws_secretsmanager_secret.token_keys.arn
      IDP_TOKEN_ENDPOINT           = "https://${local.cognito_domain_host}/oauth2/token"
      IDP_CLIENT_SECRET            = aws_secretsmanager_secret.client_secret.arn
      IDP_TIMEOUT_MS               = "10000"
      METRICS_NAMESPACE            = "AgentCoreMcpOAuth"
      METRICS_SERVICE              = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.callback.name
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.callback,
    aws_cloudwatch_log_group.callback,
  ]
}

resource "aws_cloudwatch_log_group" "token" {
  name              = "/aws/lambda/${var.name}-token"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "token" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-token"
  name               = "${var.name}-token"
  tags               = var.tags
}

resource "aws_iam_role_policy" "token" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = concat([{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${aws_cloudwatch_log_group.token.arn}:log-stream:*"] }, { "Sid" = "ReadRegistrationKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.registration_keys.arn] }, { "Sid" = "ReadTokenKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.token_keys.arn] }, { "Sid" = "ReadClientSecret", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [aws_secretsmanager_secret.client_secret.arn] }], (length(var.enterprise_identity_providers) > 0) ? [{ "Sid" = "ReadBridgeKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [one(aws_secretsmanager_secret.bridge_keys[*].arn)] }] : [], (length(var.enterprise_identity_providers) > 0) ? [{ "Sid" = "ReadAssertionClientSecret", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [one(aws_secretsmanager_secret.assertion_client_secret[*].arn)] }] : [], (length(var.enterprise_identity_providers) > 0) ? [{ "Sid" = "LinkEnterpriseUsers", "Effect" = "Allow", "Action" = ["cognito-idp:AdminLinkProviderForUser"], "Resource" = ["arn:${data.aws_partition.current.partition}:cognito-idp:${data.aws_region.current.region}:${element(split(":", aws_api_gateway_rest_api.this.execution_arn), 4)}:userpool/${var.user_pool_id}"] }] : []) })
  role   = aws_iam_role.token.id
}

resource "aws_lambda_function" "token" {
  architectures = [
    "arm64"
  ]
  description      = "MCP OAuth façade: token"
  filename         = "${path.module}/assets/token.zip"
  function_name    = "${var.name}-token"
  handler          = "index.handler"
  memory_size      = 256
  role             = aws_iam_role.token.arn
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/token.zip")
  tags             = var.tags
  timeout          = 20
  environment {
    variables = {
      SCOPES_SUPPORTED             = join(" ", var.scopes)
      CORS_ALLOWED_ORIGINS         = join(" ", var.cors_allowed_origins)
      LOG_LEVEL                    = var.log_level
      PUBLIC_BASE_URL              = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : ""
      CLIENT_ID_METADATA_DOCUMENTS = var.client_id_metadata_documents
      KEY_OVERLAP_DAYS             = "30"
      REDIRECT_ALLOWLIST           = join(" ", var.redirect_allowlist)
      SECRET_CACHE_SECONDS         = "300"
      SECRET_TIMEOUT_MS            = "3000"
      CLOCK_SKEW_SECONDS           = "60"
      REGISTRATION_KEYS            = aws_secretsmanager_secret.registration_keys.arn
      TOKEN_KEYS                   = aws_secretsmanager_secret.token_keys.arn
      IDP_TOKEN_ENDPOINT           = "https://${local.cognito_domain_host}/oauth2/token"
      IDP_CLIENT_ID                = aws_cognito_user_pool_client.user_flow.id
      IDP_CLIENT_SECRET            = aws_secretsmanager_secret.client_secret.arn
      IDP_TIMEOUT_MS               = "10000"
      IDP_REVOCATION_ENDPOINT      = "https://${local.cognito_domain_host}/oauth2/revoke"
      RESOURCE_TO_IDP              = "strip"
      ENTERPRISE_IDPS              = (length(var.enterprise_identity_providers) > 0) ? local.enterprise_idps : ""
      ASSERTION_CLIENT_ID          = (length(var.enterprise_identity_providers) > 0) ? one(aws_cognito_user_pool_client.enterprise_assertion[*].id) : ""
      ASSERTION_CLIENT_SECRET      = (length(var.enterprise_identity_providers) > 0) ? one(aws_secretsmanager_secret.assertion_client_secret[*].arn) : ""
      ASSERTION_PROVIDER_NAME      = (length(var.enterprise_identity_providers) > 0) ? one(aws_cognito_identity_provider.enterprise_bridge[*].provider_name) : ""
      IDP_AUTHORIZE_ENDPOINT       = "https://${local.cognito_domain_host}/oauth2/authorize"
      USER_POOL_ID                 = (length(var.enterprise_identity_providers) > 0) ? var.user_pool_id : ""
      BRIDGE_KEYS                  = (length(var.enterprise_identity_providers) > 0) ? one(aws_secretsmanager_secret.bridge_keys[*].arn) : ""
      METRICS_NAMESPACE            = "AgentCoreMcpOAuth"
      METRICS_SERVICE              = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.token.name
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.token,
    aws_cloudwatch_log_group.token,
  ]
}

resource "aws_cloudwatch_log_group" "enterprise_bridge" {
  name              = "/aws/lambda/${var.name}-enterprise-bridge"
  retention_in_days = var.log_retention_days
  tags              = var.tags
  count             = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_iam_role" "enterprise_bridge" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-enterprise-bridge"
  name               = "${var.name}-enterprise-bridge"
  tags               = var.tags
  count              = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_iam_role_policy" "enterprise_bridge" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${one(aws_cloudwatch_log_group.enterprise_bridge[*].arn)}:log-stream:*"] }, { "Sid" = "ReadBridgeKeys", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [one(aws_secretsmanager_secret.bridge_keys[*].arn)] }, { "Sid" = "ReadBridgeSigningKey", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [one(aws_secretsmanager_secret.bridge_signing_key[*].arn)] }, { "Sid" = "ReadBridgeClientSecret", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = [one(aws_secretsmanager_secret.bridge_client_secret[*].arn)] }] })
  role   = one(aws_iam_role.enterprise_bridge[*].id)
  count  = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_lambda_function" "enterprise_bridge" {
  architectures = [
    "arm64"
  ]
  description      = "MCP OAuth façade: enterprise-bridge"
  filename         = "${path.module}/assets/enterprise-bridge.zip"
  function_name    = "${var.name}-enterprise-bridge"
  handler          = "index.handler"
  memory_size      = 256
  role             = one(aws_iam_role.enterprise_bridge[*].arn)
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/enterprise-bridge.zip")
  tags             = var.tags
  timeout          = 10
  environment {
    variables = {
      SCOPES_SUPPORTED     = join(" ", var.scopes)
      CORS_ALLOWED_ORIGINS = join(" ", var.cors_allowed_origins)
      LOG_LEVEL            = var.log_level
      PUBLIC_BASE_URL      = (var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : ""
      BRIDGE_CLIENT_ID     = "${var.name}-user-pool"
      BRIDGE_CLIENT_SECRET = one(aws_secretsmanager_secret.bridge_client_secret[*].arn)
      BRIDGE_SIGNING_KEY   = one(aws_secretsmanager_secret.bridge_signing_key[*].arn)
      BRIDGE_KEYS          = (length(var.enterprise_identity_providers) > 0) ? one(aws_secretsmanager_secret.bridge_keys[*].arn) : ""
      CLOCK_SKEW_SECONDS   = "60"
      SECRET_CACHE_SECONDS = "300"
      SECRET_TIMEOUT_MS    = "3000"
      METRICS_NAMESPACE    = "AgentCoreMcpOAuth"
      METRICS_SERVICE      = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = one(aws_cloudwatch_log_group.enterprise_bridge[*].name)
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.enterprise_bridge,
    aws_cloudwatch_log_group.enterprise_bridge,
  ]
  count = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "well_known" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = ".well-known"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "well_known_oauth_protected_resource" {
  parent_id   = aws_api_gateway_resource.well_known.id
  path_part   = "oauth-protected-resource"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "well_known_oauth_protected_resource_mcp" {
  parent_id   = aws_api_gateway_resource.well_known_oauth_protected_resource.id
  path_part   = "mcp"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "well_known_oauth_authorization_server" {
  parent_id   = aws_api_gateway_resource.well_known.id
  path_part   = "oauth-authorization-server"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "well_known_openid_configuration" {
  parent_id   = aws_api_gateway_resource.well_known.id
  path_part   = "openid-configuration"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "register" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "register"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "authorize" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "authorize"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "callback" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "callback"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "token" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "token"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "revoke" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "revoke"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "mcp" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "mcp"
  rest_api_id = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_resource" "enterprise" {
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "enterprise"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "enterprise_authorize" {
  parent_id   = one(aws_api_gateway_resource.enterprise[*].id)
  path_part   = "authorize"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "enterprise_token" {
  parent_id   = one(aws_api_gateway_resource.enterprise[*].id)
  path_part   = "token"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "enterprise_userinfo" {
  parent_id   = one(aws_api_gateway_resource.enterprise[*].id)
  path_part   = "userinfo"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "enterprise_jwks" {
  parent_id   = one(aws_api_gateway_resource.enterprise[*].id)
  path_part   = "jwks"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "enterprise_cognito_return" {
  parent_id   = one(aws_api_gateway_resource.enterprise[*].id)
  path_part   = "cognito-return"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "enterprise_well_known" {
  parent_id   = one(aws_api_gateway_resource.enterprise[*].id)
  path_part   = ".well-known"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_resource" "enterprise_well_known_openid_configuration" {
  parent_id   = one(aws_api_gateway_resource.enterprise_well_known[*].id)
  path_part   = "openid-configuration"
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_method" "get_enterprise_authorize" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = one(aws_api_gateway_resource.enterprise_authorize[*].id)
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_integration" "get_enterprise_authorize" {
  http_method             = one(aws_api_gateway_method.get_enterprise_authorize[*].http_method)
  integration_http_method = "POST"
  resource_id             = one(aws_api_gateway_resource.enterprise_authorize[*].id)
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = one(aws_lambda_function.enterprise_bridge[*].invoke_arn)
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_lambda_permission" "get_enterprise_authorize" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.enterprise_bridge[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/enterprise/authorize"
  statement_id  = "apigw-get-enterprise-authorize"
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_method" "post_enterprise_token" {
  authorization = "NONE"
  http_method   = "POST"
  resource_id   = one(aws_api_gateway_resource.enterprise_token[*].id)
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_integration" "post_enterprise_token" {
  http_method             = one(aws_api_gateway_method.post_enterprise_token[*].http_method)
  integration_http_method = "POST"
  resource_id             = one(aws_api_gateway_resource.enterprise_token[*].id)
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = one(aws_lambda_function.enterprise_bridge[*].invoke_arn)
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_lambda_permission" "post_enterprise_token" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.enterprise_bridge[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/POST/enterprise/token"
  statement_id  = "apigw-post-enterprise-token"
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_method" "get_enterprise_userinfo" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = one(aws_api_gateway_resource.enterprise_userinfo[*].id)
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_integration" "get_enterprise_userinfo" {
  http_method             = one(aws_api_gateway_method.get_enterprise_userinfo[*].http_method)
  integration_http_method = "POST"
  resource_id             = one(aws_api_gateway_resource.enterprise_userinfo[*].id)
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = one(aws_lambda_function.enterprise_bridge[*].invoke_arn)
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_lambda_permission" "get_enterprise_userinfo" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.enterprise_bridge[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/enterprise/userinfo"
  statement_id  = "apigw-get-enterprise-userinfo"
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_method" "get_enterprise_jwks" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = one(aws_api_gateway_resource.enterprise_jwks[*].id)
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_integration" "get_enterprise_jwks" {
  http_method             = one(aws_api_gateway_method.get_enterprise_jwks[*].http_method)
  integration_http_method = "POST"
  resource_id             = one(aws_api_gateway_resource.enterprise_jwks[*].id)
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = one(aws_lambda_function.enterprise_bridge[*].invoke_arn)
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_lambda_permission" "get_enterprise_jwks" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.enterprise_bridge[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/enterprise/jwks"
  statement_id  = "apigw-get-enterprise-jwks"
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_method" "get_enterprise_cognito_return" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = one(aws_api_gateway_resource.enterprise_cognito_return[*].id)
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_integration" "get_enterprise_cognito_return" {
  http_method             = one(aws_api_gateway_method.get_enterprise_cognito_return[*].http_method)
  integration_http_method = "POST"
  resource_id             = one(aws_api_gateway_resource.enterprise_cognito_return[*].id)
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = one(aws_lambda_function.enterprise_bridge[*].invoke_arn)
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_lambda_permission" "get_enterprise_cognito_return" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.enterprise_bridge[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/enterprise/cognito-return"
  statement_id  = "apigw-get-enterprise-cognito-return"
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_method" "get_enterprise_well_known_openid_configuration" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = one(aws_api_gateway_resource.enterprise_well_known_openid_configuration[*].id)
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_integration" "get_enterprise_well_known_openid_configuration" {
  http_method             = one(aws_api_gateway_method.get_enterprise_well_known_openid_configuration[*].http_method)
  integration_http_method = "POST"
  resource_id             = one(aws_api_gateway_resource.enterprise_well_known_openid_configuration[*].id)
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = one(aws_lambda_function.enterprise_bridge[*].invoke_arn)
  count                   = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_lambda_permission" "get_enterprise_well_known_openid_configuration" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.enterprise_bridge[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/enterprise/.well-known/openid-configuration"
  statement_id  = "apigw-get-enterprise-well-known-openid-configuration"
  count         = (length(var.enterprise_identity_providers) > 0) ? 1 : 0
}

resource "aws_api_gateway_authorizer" "direct_mcp_authorizer" {
  authorizer_result_ttl_in_seconds = 0
  identity_source                  = "method.request.header.Authorization"
  name                             = "mcp-cognito"
  provider_arns = [
    "arn:${data.aws_partition.current.partition}:cognito-idp:${data.aws_region.current.region}:${element(split(":", aws_api_gateway_rest_api.this.execution_arn), 4)}:userpool/${var.user_pool_id}"
  ]
  rest_api_id = aws_api_gateway_rest_api.this.id
  type        = "COGNITO_USER_POOLS"
  count       = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "direct_post_mcp" {
  authorization        = "COGNITO_USER_POOLS"
  authorization_scopes = local.authorization_scopes
  authorizer_id        = one(aws_api_gateway_authorizer.direct_mcp_authorizer[*].id)
  http_method          = "POST"
  request_parameters = {
    "method.request.header.Authorization"        = false
    "method.request.header.Content-Type"         = false
    "method.request.header.Accept"               = false
    "method.request.header.MCP-Protocol-Version" = false
    "method.request.header.Mcp-Session-Id"       = false
    "method.request.header.Last-Event-ID"        = false
    "method.request.header.Mcp-Method"           = false
    "method.request.header.Mcp-Name"             = false
  }
  resource_id = aws_api_gateway_resource.mcp.id
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "direct_post_mcp" {
  http_method             = one(aws_api_gateway_method.direct_post_mcp[*].http_method)
  integration_http_method = "POST"
  request_parameters = {
    "integration.request.header.Authorization"        = "method.request.header.Authorization"
    "integration.request.header.Content-Type"         = "method.request.header.Content-Type"
    "integration.request.header.Accept"               = "method.request.header.Accept"
    "integration.request.header.MCP-Protocol-Version" = "method.request.header.MCP-Protocol-Version"
    "integration.request.header.Mcp-Session-Id"       = "method.request.header.Mcp-Session-Id"
    "integration.request.header.Last-Event-ID"        = "method.request.header.Last-Event-ID"
    "integration.request.header.Mcp-Method"           = "method.request.header.Mcp-Method"
    "integration.request.header.Mcp-Name"             = "method.request.header.Mcp-Name"
  }
  resource_id            = aws_api_gateway_resource.mcp.id
  response_transfer_mode = "STREAM"
  rest_api_id            = aws_api_gateway_rest_api.this.id
  timeout_milliseconds   = 60000
  type                   = "HTTP_PROXY"
  uri                    = var.gateway_url
  count                  = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "direct_get_mcp" {
  authorization        = "COGNITO_USER_POOLS"
  authorization_scopes = local.authorization_scopes
  authorizer_id        = one(aws_api_gateway_authorizer.direct_mcp_authorizer[*].id)
  http_method          = "GET"
  request_parameters = {
    "method.request.header.Authorization"        = false
    "method.request.header.Content-Type"         = false
    "method.request.header.Accept"               = false
    "method.request.header.MCP-Protocol-Version" = false
    "method.request.header.Mcp-Session-Id"       = false
    "method.request.header.Last-Event-ID"        = false
    "method.request.header.Mcp-Method"           = false
    "method.request.header.Mcp-Name"             = false
  }
  resource_id = aws_api_gateway_resource.mcp.id
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "direct_get_mcp" {
  http_method             = one(aws_api_gateway_method.direct_get_mcp[*].http_method)
  integration_http_method = "GET"
  request_parameters = {
    "integration.request.header.Authorization"        = "method.request.header.Authorization"
    "integration.request.header.Content-Type"         = "method.request.header.Content-Type"
    "integration.request.header.Accept"               = "method.request.header.Accept"
    "integration.request.header.MCP-Protocol-Version" = "method.request.header.MCP-Protocol-Version"
    "integration.request.header.Mcp-Session-Id"       = "method.request.header.Mcp-Session-Id"
    "integration.request.header.Last-Event-ID"        = "method.request.header.Last-Event-ID"
    "integration.request.header.Mcp-Method"           = "method.request.header.Mcp-Method"
    "integration.request.header.Mcp-Name"             = "method.request.header.Mcp-Name"
  }
  resource_id            = aws_api_gateway_resource.mcp.id
  response_transfer_mode = "STREAM"
  rest_api_id            = aws_api_gateway_rest_api.this.id
  timeout_milliseconds   = 60000
  type                   = "HTTP_PROXY"
  uri                    = var.gateway_url
  count                  = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "direct_head_mcp" {
  authorization        = "COGNITO_USER_POOLS"
  authorization_scopes = local.authorization_scopes
  authorizer_id        = one(aws_api_gateway_authorizer.direct_mcp_authorizer[*].id)
  http_method          = "HEAD"
  request_parameters = {
    "method.request.header.Authorization"        = false
    "method.request.header.Content-Type"         = false
    "method.request.header.Accept"               = false
    "method.request.header.MCP-Protocol-Version" = false
    "method.request.header.Mcp-Session-Id"       = false
    "method.request.header.Last-Event-ID"        = false
    "method.request.header.Mcp-Method"           = false
    "method.request.header.Mcp-Name"             = false
  }
  resource_id = aws_api_gateway_resource.mcp.id
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "direct_head_mcp" {
  http_method             = one(aws_api_gateway_method.direct_head_mcp[*].http_method)
  integration_http_method = "GET"
  request_parameters = {
    "integration.request.header.Authorization"        = "method.request.header.Authorization"
    "integration.request.header.Content-Type"         = "method.request.header.Content-Type"
    "integration.request.header.Accept"               = "method.request.header.Accept"
    "integration.request.header.MCP-Protocol-Version" = "method.request.header.MCP-Protocol-Version"
    "integration.request.header.Mcp-Session-Id"       = "method.request.header.Mcp-Session-Id"
    "integration.request.header.Last-Event-ID"        = "method.request.header.Last-Event-ID"
    "integration.request.header.Mcp-Method"           = "method.request.header.Mcp-Method"
    "integration.request.header.Mcp-Name"             = "method.request.header.Mcp-Name"
  }
  resource_id            = aws_api_gateway_resource.mcp.id
  response_transfer_mode = "STREAM"
  rest_api_id            = aws_api_gateway_rest_api.this.id
  timeout_milliseconds   = 60000
  type                   = "HTTP_PROXY"
  uri                    = var.gateway_url
  count                  = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "direct_delete_mcp" {
  authorization        = "COGNITO_USER_POOLS"
  authorization_scopes = local.authorization_scopes
  authorizer_id        = one(aws_api_gateway_authorizer.direct_mcp_authorizer[*].id)
  http_method          = "DELETE"
  request_parameters = {
    "method.request.header.Authorization"        = false
    "method.request.header.Content-Type"         = false
    "method.request.header.Accept"               = false
    "method.request.header.MCP-Protocol-Version" = false
    "method.request.header.Mcp-Session-Id"       = false
    "method.request.header.Last-Event-ID"        = false
    "method.request.header.Mcp-Method"           = false
    "method.request.header.Mcp-Name"             = false
  }
  resource_id = aws_api_gateway_resource.mcp.id
  rest_api_id = aws_api_gateway_rest_api.this.id
  count       = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "direct_delete_mcp" {
  http_method             = one(aws_api_gateway_method.direct_delete_mcp[*].http_method)
  integration_http_method = "DELETE"
  request_parameters = {
    "integration.request.header.Authorization"        = "method.request.header.Authorization"
    "integration.request.header.Content-Type"         = "method.request.header.Content-Type"
    "integration.request.header.Accept"               = "method.request.header.Accept"
    "integration.request.header.MCP-Protocol-Version" = "method.request.header.MCP-Protocol-Version"
    "integration.request.header.Mcp-Session-Id"       = "method.request.header.Mcp-Session-Id"
    "integration.request.header.Last-Event-ID"        = "method.request.header.Last-Event-ID"
    "integration.request.header.Mcp-Method"           = "method.request.header.Mcp-Method"
    "integration.request.header.Mcp-Name"             = "method.request.header.Mcp-Name"
  }
  resource_id            = aws_api_gateway_resource.mcp.id
  response_transfer_mode = "STREAM"
  rest_api_id            = aws_api_gateway_rest_api.this.id
  timeout_milliseconds   = 60000
  type                   = "HTTP_PROXY"
  uri                    = var.gateway_url
  count                  = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_gateway_response" "direct_unauthorized" {
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Headers"  = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'"
    "gatewayresponse.header.Access-Control-Allow-Methods"  = "'GET,POST,DELETE,OPTIONS'"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'"
    "gatewayresponse.header.Access-Control-Allow-Origin"   = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin"
    "gatewayresponse.header.Vary"                          = "'Origin'"
    "gatewayresponse.header.WWW-Authenticate"              = format("'Bearer error=\"invalid_token\", error_description=\"The access token is missing, invalid or expired\", resource_metadata=\"%s\"'", "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/.well-known/oauth-protected-resource/mcp")
  }
  response_templates = {
    "application/json" = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"Unauthorized: the access token is missing, invalid or expired\"}}"
  }
  response_type = "UNAUTHORIZED"
  rest_api_id   = aws_api_gateway_rest_api.this.id
  status_code   = "401"
  count         = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_gateway_response" "direct_access_denied" {
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Headers"  = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'"
    "gatewayresponse.header.Access-Control-Allow-Methods"  = "'GET,POST,DELETE,OPTIONS'"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'"
    "gatewayresponse.header.Access-Control-Allow-Origin"   = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin"
    "gatewayresponse.header.Vary"                          = "'Origin'"
    "gatewayresponse.header.WWW-Authenticate"              = format("'Bearer error=\"insufficient_scope\", scope=\"%s\", resource_metadata=\"%s\"'", join(" ", local.authorization_scopes), "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/.well-known/oauth-protected-resource/mcp")
  }
  response_templates = {
    "application/json" = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"Forbidden: the access token lacks the required scope\"}}"
  }
  response_type = "ACCESS_DENIED"
  rest_api_id   = aws_api_gateway_rest_api.this.id
  status_code   = "403"
  count         = (var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "post_mcp" {
  authorization = "NONE"
  http_method   = "POST"
  resource_id   = aws_api_gateway_resource.mcp.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "post_mcp" {
  http_method             = one(aws_api_gateway_method.post_mcp[*].http_method)
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.mcp.id
  response_transfer_mode  = "STREAM"
  rest_api_id             = aws_api_gateway_rest_api.this.id
  timeout_milliseconds    = 65000
  type                    = "AWS_PROXY"
  uri                     = "arn:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 1)}:apigateway:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 3)}:lambda:path/2021-11-15/functions/${one(aws_lambda_function.mcp_proxy[*].arn)}/response-streaming-invocations"
  count                   = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_lambda_permission" "post_mcp" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.mcp_proxy[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/POST/mcp"
  statement_id  = "apigw-post-mcp"
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "get_mcp" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = aws_api_gateway_resource.mcp.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "get_mcp" {
  http_method             = one(aws_api_gateway_method.get_mcp[*].http_method)
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.mcp.id
  response_transfer_mode  = "STREAM"
  rest_api_id             = aws_api_gateway_rest_api.this.id
  timeout_milliseconds    = 65000
  type                    = "AWS_PROXY"
  uri                     = "arn:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 1)}:apigateway:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 3)}:lambda:path/2021-11-15/functions/${one(aws_lambda_function.mcp_proxy[*].arn)}/response-streaming-invocations"
  count                   = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_lambda_permission" "get_mcp" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.mcp_proxy[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/mcp"
  statement_id  = "apigw-get-mcp"
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "head_mcp" {
  authorization = "NONE"
  http_method   = "HEAD"
  resource_id   = aws_api_gateway_resource.mcp.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "head_mcp" {
  http_method             = one(aws_api_gateway_method.head_mcp[*].http_method)
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.mcp.id
  response_transfer_mode  = "STREAM"
  rest_api_id             = aws_api_gateway_rest_api.this.id
  timeout_milliseconds    = 65000
  type                    = "AWS_PROXY"
  uri                     = "arn:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 1)}:apigateway:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 3)}:lambda:path/2021-11-15/functions/${one(aws_lambda_function.mcp_proxy[*].arn)}/response-streaming-invocations"
  count                   = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_lambda_permission" "head_mcp" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.mcp_proxy[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/HEAD/mcp"
  statement_id  = "apigw-head-mcp"
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "delete_mcp" {
  authorization = "NONE"
  http_method   = "DELETE"
  resource_id   = aws_api_gateway_resource.mcp.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "delete_mcp" {
  http_method             = one(aws_api_gateway_method.delete_mcp[*].http_method)
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.mcp.id
  response_transfer_mode  = "STREAM"
  rest_api_id             = aws_api_gateway_rest_api.this.id
  timeout_milliseconds    = 65000
  type                    = "AWS_PROXY"
  uri                     = "arn:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 1)}:apigateway:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 3)}:lambda:path/2021-11-15/functions/${one(aws_lambda_function.mcp_proxy[*].arn)}/response-streaming-invocations"
  count                   = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_lambda_permission" "delete_mcp" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.mcp_proxy[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/DELETE/mcp"
  statement_id  = "apigw-delete-mcp"
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "options_mcp" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.mcp.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_integration" "options_mcp" {
  http_method             = one(aws_api_gateway_method.options_mcp[*].http_method)
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.mcp.id
  response_transfer_mode  = "STREAM"
  rest_api_id             = aws_api_gateway_rest_api.this.id
  timeout_milliseconds    = 65000
  type                    = "AWS_PROXY"
  uri                     = "arn:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 1)}:apigateway:${element(split(":", one(aws_lambda_function.mcp_proxy[*].arn)), 3)}:lambda:path/2021-11-15/functions/${one(aws_lambda_function.mcp_proxy[*].arn)}/response-streaming-invocations"
  count                   = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_lambda_permission" "options_mcp" {
  action        = "lambda:InvokeFunction"
  function_name = one(aws_lambda_function.mcp_proxy[*].function_name)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/mcp"
  statement_id  = "apigw-options-mcp"
  count         = !(var.mcp_mode == "direct") ? 1 : 0
}

resource "aws_api_gateway_method" "get_well_known_oauth_protected_resource" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = aws_api_gateway_resource.well_known_oauth_protected_resource.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "get_well_known_oauth_protected_resource" {
  http_method             = aws_api_gateway_method.get_well_known_oauth_protected_resource.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_oauth_protected_resource.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "get_well_known_oauth_protected_resource" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/.well-known/oauth-protected-resource"
  statement_id  = "apigw-get-well-known-oauth-protected-resource"
}

resource "aws_api_gateway_method" "options_well_known_oauth_protected_resource" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.well_known_oauth_protected_resource.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "options_well_known_oauth_protected_resource" {
  http_method             = aws_api_gateway_method.options_well_known_oauth_protected_resource.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_oauth_protected_resource.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "options_well_known_oauth_protected_resource" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/.well-known/oauth-protected-resource"
  statement_id  = "apigw-options-well-known-oauth-protected-resource"
}

resource "aws_api_gateway_method" "get_well_known_oauth_protected_resource_mcp" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = aws_api_gateway_resource.well_known_oauth_protected_resource_mcp.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "get_well_known_oauth_protected_resource_mcp" {
  http_method             = aws_api_gateway_method.get_well_known_oauth_protected_resource_mcp.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_oauth_protected_resource_mcp.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "get_well_known_oauth_protected_resource_mcp" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/.well-known/oauth-protected-resource/mcp"
  statement_id  = "apigw-get-well-known-oauth-protected-resource-mcp"
}

resource "aws_api_gateway_method" "options_well_known_oauth_protected_resource_mcp" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.well_known_oauth_protected_resource_mcp.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "options_well_known_oauth_protected_resource_mcp" {
  http_method             = aws_api_gateway_method.options_well_known_oauth_protected_resource_mcp.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_oauth_protected_resource_mcp.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "options_well_known_oauth_protected_resource_mcp" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/.well-known/oauth-protected-resource/mcp"
  statement_id  = "apigw-options-well-known-oauth-protected-resource-mcp"
}

resource "aws_api_gateway_method" "get_well_known_oauth_authorization_server" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = aws_api_gateway_resource.well_known_oauth_authorization_server.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "get_well_known_oauth_authorization_server" {
  http_method             = aws_api_gateway_method.get_well_known_oauth_authorization_server.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_oauth_authorization_server.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "get_well_known_oauth_authorization_server" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/.well-known/oauth-authorization-server"
  statement_id  = "apigw-get-well-known-oauth-authorization-server"
}

resource "aws_api_gateway_method" "options_well_known_oauth_authorization_server" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.well_known_oauth_authorization_server.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "options_well_known_oauth_authorization_server" {
  http_method             = aws_api_gateway_method.options_well_known_oauth_authorization_server.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_oauth_authorization_server.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "options_well_known_oauth_authorization_server" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/.well-known/oauth-authorization-server"
  statement_id  = "apigw-options-well-known-oauth-authorization-server"
}

resource "aws_api_gateway_method" "get_well_known_openid_configuration" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = aws_api_gateway_resource.well_known_openid_configuration.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "get_well_known_openid_configuration" {
  http_method             = aws_api_gateway_method.get_well_known_openid_configuration.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_openid_configuration.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "get_well_known_openid_configuration" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/.well-known/openid-configuration"
  statement_id  = "apigw-get-well-known-openid-configuration"
}

resource "aws_api_gateway_method" "options_well_known_openid_configuration" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.well_known_openid_configuration.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "options_well_known_openid_configuration" {
  http_method             = aws_api_gateway_method.options_well_known_openid_configuration.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.well_known_openid_configuration.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.discovery.invoke_arn
}

resource "aws_lambda_permission" "options_well_known_openid_configuration" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.discovery.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/.well-known/openid-configuration"
  statement_id  = "apigw-options-well-known-openid-configuration"
}

resource "aws_api_gateway_method" "post_register" {
  authorization = "NONE"
  http_method   = "POST"
  resource_id   = aws_api_gateway_resource.register.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "post_register" {
  http_method             = aws_api_gateway_method.post_register.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.register.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.register.invoke_arn
}

resource "aws_lambda_permission" "post_register" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.register.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/POST/register"
  statement_id  = "apigw-post-register"
}

resource "aws_api_gateway_method" "options_register" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.register.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "options_register" {
  http_method             = aws_api_gateway_method.options_register.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.register.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.register.invoke_arn
}

resource "aws_lambda_permission" "options_register" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.register.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/register"
  statement_id  = "apigw-options-register"
}

resource "aws_api_gateway_method" "get_authorize" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = aws_api_gateway_resource.authorize.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "get_authorize" {
  http_method             = aws_api_gateway_method.get_authorize.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.authorize.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.authorize.invoke_arn
}

resource "aws_lambda_permission" "get_authorize" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.authorize.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/authorize"
  statement_id  = "apigw-get-authorize"
}

resource "aws_api_gateway_method" "post_authorize" {
  authorization = "NONE"
  http_method   = "POST"
  resource_id   = aws_api_gateway_resource.authorize.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "post_authorize" {
  http_method             = aws_api_gateway_method.post_authorize.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.authorize.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.authorize.invoke_arn
}

resource "aws_lambda_permission" "post_authorize" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.authorize.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/POST/authorize"
  statement_id  = "apigw-post-authorize"
}

resource "aws_api_gateway_method" "get_callback" {
  authorization = "NONE"
  http_method   = "GET"
  resource_id   = aws_api_gateway_resource.callback.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "get_callback" {
  http_method             = aws_api_gateway_method.get_callback.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.callback.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.callback.invoke_arn
}

resource "aws_lambda_permission" "get_callback" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.callback.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/GET/callback"
  statement_id  = "apigw-get-callback"
}

resource "aws_api_gateway_method" "post_token" {
  authorization = "NONE"
  http_method   = "POST"
  resource_id   = aws_api_gateway_resource.token.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "post_token" {
  http_method             = aws_api_gateway_method.post_token.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.token.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.token.invoke_arn
}

resource "aws_lambda_permission" "post_token" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.token.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/POST/token"
  statement_id  = "apigw-post-token"
}

resource "aws_api_gateway_method" "options_token" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.token.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "options_token" {
  http_method             = aws_api_gateway_method.options_token.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.token.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.token.invoke_arn
}

resource "aws_lambda_permission" "options_token" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.token.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/token"
  statement_id  = "apigw-options-token"
}

resource "aws_api_gateway_method" "post_revoke" {
  authorization = "NONE"
  http_method   = "POST"
  resource_id   = aws_api_gateway_resource.revoke.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "post_revoke" {
  http_method             = aws_api_gateway_method.post_revoke.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.revoke.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.token.invoke_arn
}

resource "aws_lambda_permission" "post_revoke" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.token.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/POST/revoke"
  statement_id  = "apigw-post-revoke"
}

resource "aws_api_gateway_method" "options_revoke" {
  authorization = "NONE"
  http_method   = "OPTIONS"
  resource_id   = aws_api_gateway_resource.revoke.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_integration" "options_revoke" {
  http_method             = aws_api_gateway_method.options_revoke.http_method
  integration_http_method = "POST"
  resource_id             = aws_api_gateway_resource.revoke.id
  rest_api_id             = aws_api_gateway_rest_api.this.id
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.token.invoke_arn
}

resource "aws_lambda_permission" "options_revoke" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.token.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/prod/OPTIONS/revoke"
  statement_id  = "apigw-options-revoke"
}

resource "aws_api_gateway_gateway_response" "default_4xx" {
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Headers"  = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'"
    "gatewayresponse.header.Access-Control-Allow-Methods"  = "'GET,POST,DELETE,OPTIONS'"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'"
    "gatewayresponse.header.Access-Control-Allow-Origin"   = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin"
    "gatewayresponse.header.Vary"                          = "'Origin'"
  }
  response_type = "DEFAULT_4XX"
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_gateway_response" "default_5xx" {
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Headers"  = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'"
    "gatewayresponse.header.Access-Control-Allow-Methods"  = "'GET,POST,DELETE,OPTIONS'"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'"
    "gatewayresponse.header.Access-Control-Allow-Origin"   = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin"
    "gatewayresponse.header.Vary"                          = "'Origin'"
  }
  response_type = "DEFAULT_5XX"
  rest_api_id   = aws_api_gateway_rest_api.this.id
}

resource "aws_api_gateway_gateway_response" "not_found" {
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Headers"  = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'"
    "gatewayresponse.header.Access-Control-Allow-Methods"  = "'GET,POST,DELETE,OPTIONS'"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'"
    "gatewayresponse.header.Access-Control-Allow-Origin"   = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin"
    "gatewayresponse.header.Vary"                          = "'Origin'"
  }
  response_templates = {
    "application/json" = "{\"error\":\"invalid_request\",\"error_description\":\"no such route or method\"}"
  }
  response_type = "MISSING_AUTHENTICATION_TOKEN"
  rest_api_id   = aws_api_gateway_rest_api.this.id
  status_code   = "404"
}

resource "aws_api_gateway_deployment" "this" {
  description = "Managed by Terraform; replaced whenever a route, integration or gateway response changes"
  rest_api_id = aws_api_gateway_rest_api.this.id
  triggers = {
    redeployment = sha1(jsonencode(["6d46484d97ba5d7f4b908d9def1fae61f687aa1dfd637a6da3f9c4a767bc36c6", one(aws_api_gateway_authorizer.direct_mcp_authorizer[*].id), (var.custom_domain != null) ? true : false, [{ "responseType" = "DEFAULT_4XX", "responseParameters" = { "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'", "gatewayresponse.header.Access-Control-Allow-Methods" = "'GET,POST,DELETE,OPTIONS'", "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'", "gatewayresponse.header.Access-Control-Allow-Origin" = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin", "gatewayresponse.header.Vary" = "'Origin'" } }, { "responseType" = "DEFAULT_5XX", "responseParameters" = { "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'", "gatewayresponse.header.Access-Control-Allow-Methods" = "'GET,POST,DELETE,OPTIONS'", "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'", "gatewayresponse.header.Access-Control-Allow-Origin" = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin", "gatewayresponse.header.Vary" = "'Origin'" } }, { "responseType" = "MISSING_AUTHENTICATION_TOKEN", "statusCode" = "404", "responseParameters" = { "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'", "gatewayresponse.header.Access-Control-Allow-Methods" = "'GET,POST,DELETE,OPTIONS'", "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'", "gatewayresponse.header.Access-Control-Allow-Origin" = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin", "gatewayresponse.header.Vary" = "'Origin'" }, "responseTemplates" = { "application/json" = "{\"error\":\"invalid_request\",\"error_description\":\"no such route or method\"}" } }, { "responseType" = "UNAUTHORIZED", "statusCode" = "401", "responseParameters" = { "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'", "gatewayresponse.header.Access-Control-Allow-Methods" = "'GET,POST,DELETE,OPTIONS'", "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'", "gatewayresponse.header.Access-Control-Allow-Origin" = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin", "gatewayresponse.header.Vary" = "'Origin'", "gatewayresponse.header.WWW-Authenticate" = format("'Bearer error=\"invalid_token\", error_description=\"The access token is missing, invalid or expired\", resource_metadata=\"%s\"'", "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/.well-known/oauth-protected-resource/mcp") }, "responseTemplates" = { "application/json" = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"Unauthorized: the access token is missing, invalid or expired\"}}" } }, { "responseType" = "ACCESS_DENIED", "statusCode" = "403", "responseParameters" = { "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type,Accept,MCP-Protocol-Version,Mcp-Session-Id,Last-Event-ID,Mcp-Method,Mcp-Name'", "gatewayresponse.header.Access-Control-Allow-Methods" = "'GET,POST,DELETE,OPTIONS'", "gatewayresponse.header.Access-Control-Expose-Headers" = "'Mcp-Session-Id,WWW-Authenticate,MCP-Protocol-Version'", "gatewayresponse.header.Access-Control-Allow-Origin" = (length(var.cors_allowed_origins) == 1) ? "'${element(var.cors_allowed_origins, 0)}'" : "method.request.header.origin", "gatewayresponse.header.Vary" = "'Origin'", "gatewayresponse.header.WWW-Authenticate" = format("'Bearer error=\"insufficient_scope\", scope=\"%s\", resource_metadata=\"%s\"'", join(" ", local.authorization_scopes), "${(var.custom_domain != null) ? "https://${var.custom_domain.domain_name}" : "https://${aws_api_gateway_rest_api.this.id}.execute-api.${element(split(":", aws_api_gateway_rest_api.this.arn), 3)}.${data.aws_partition.current.dns_suffix}/prod"}/.well-known/oauth-protected-resource/mcp") }, "responseTemplates" = { "application/json" = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"Forbidden: the access token lacks the required scope\"}}" } }], local.authorization_scopes, (var.mcp_mode == "direct"), aws_api_gateway_method.get_well_known_oauth_protected_resource.id, aws_api_gateway_integration.get_well_known_oauth_protected_resource.id, aws_api_gateway_integration.get_well_known_oauth_protected_resource.uri, aws_api_gateway_method.options_well_known_oauth_protected_resource.id, aws_api_gateway_integration.options_well_known_oauth_protected_resource.id, aws_api_gateway_integration.options_well_known_oauth_protected_resource.uri, aws_api_gateway_method.get_well_known_oauth_protected_resource_mcp.id, aws_api_gateway_integration.get_well_known_oauth_protected_resource_mcp.id, aws_api_gateway_integration.get_well_known_oauth_protected_resource_mcp.uri, aws_api_gateway_method.options_well_known_oauth_protected_resource_mcp.id, aws_api_gateway_integration.options_well_known_oauth_protected_resource_mcp.id, aws_api_gateway_integration.options_well_known_oauth_protected_resource_mcp.uri, aws_api_gateway_method.get_well_known_oauth_authorization_server.id, aws_api_gateway_integration.get_well_known_oauth_authorization_server.id, aws_api_gateway_integration.get_well_known_oauth_authorization_server.uri, aws_api_gateway_method.options_well_known_oauth_authorization_server.id, aws_api_gateway_integration.options_well_known_oauth_authorization_server.id, aws_api_gateway_integration.options_well_known_oauth_authorization_server.uri, aws_api_gateway_method.get_well_known_openid_configuration.id, aws_api_gateway_integration.get_well_known_openid_configuration.id, aws_api_gateway_integration.get_well_known_openid_configuration.uri, aws_api_gateway_method.options_well_known_openid_configuration.id, aws_api_gateway_integration.options_well_known_openid_configuration.id, aws_api_gateway_integration.options_well_known_openid_configuration.uri, aws_api_gateway_method.post_register.id, aws_api_gateway_integration.post_register.id, aws_api_gateway_integration.post_register.uri, aws_api_gateway_method.options_register.id, aws_api_gateway_integration.options_register.id, aws_api_gateway_integration.options_register.uri, aws_api_gateway_method.get_authorize.id, aws_api_gateway_integration.get_authorize.id, aws_api_gateway_integration.get_authorize.uri, aws_api_gateway_method.post_authorize.id, aws_api_gateway_integration.post_authorize.id, aws_api_gateway_integration.post_authorize.uri, aws_api_gateway_method.get_callback.id, aws_api_gateway_integration.get_callback.id, aws_api_gateway_integration.get_callback.uri, aws_api_gateway_method.post_token.id, aws_api_gateway_integration.post_token.id, aws_api_gateway_integration.post_token.uri, aws_api_gateway_method.options_token.id, aws_api_gateway_integration.options_token.id, aws_api_gateway_integration.options_token.uri, aws_api_gateway_method.post_revoke.id, aws_api_gateway_integration.post_revoke.id, aws_api_gateway_integration.post_revoke.uri, aws_api_gateway_method.options_revoke.id, aws_api_gateway_integration.options_revoke.id, aws_api_gateway_integration.options_revoke.uri, one(aws_api_gateway_method.direct_post_mcp[*].id), one(aws_api_gateway_integration.direct_post_mcp[*].id), one(aws_api_gateway_integration.direct_post_mcp[*].uri), one(aws_api_gateway_method.direct_get_mcp[*].id), one(aws_api_gateway_integration.direct_get_mcp[*].id), one(aws_api_gateway_integration.direct_get_mcp[*].uri), one(aws_api_gateway_method.direct_head_mcp[*].id), one(aws_api_gateway_integration.direct_head_mcp[*].id), one(aws_api_gateway_integration.direct_head_mcp[*].uri), one(aws_api_gateway_method.direct_delete_mcp[*].id), one(aws_api_gateway_integration.direct_delete_mcp[*].id), one(aws_api_gateway_integration.direct_delete_mcp[*].uri), one(aws_api_gateway_method.post_mcp[*].id), one(aws_api_gateway_integration.post_mcp[*].id), one(aws_api_gateway_integration.post_mcp[*].uri), one(aws_api_gateway_method.get_mcp[*].id), one(aws_api_gateway_integration.get_mcp[*].id), one(aws_api_gateway_integration.get_mcp[*].uri), one(aws_api_gateway_method.head_mcp[*].id), one(aws_api_gateway_integration.head_mcp[*].id), one(aws_api_gateway_integration.head_mcp[*].uri), one(aws_api_gateway_method.delete_mcp[*].id), one(aws_api_gateway_integration.delete_mcp[*].id), one(aws_api_gateway_integration.delete_mcp[*].uri), one(aws_api_gateway_method.options_mcp[*].id), one(aws_api_gateway_integration.options_mcp[*].id), one(aws_api_gateway_integration.options_mcp[*].uri), one(aws_api_gateway_method.get_enterprise_authorize[*].id), one(aws_api_gateway_integration.get_enterprise_authorize[*].id), one(aws_api_gateway_integration.get_enterprise_authorize[*].uri), one(aws_api_gateway_method.post_enterprise_token[*].id), one(aws_api_gateway_integration.post_enterprise_token[*].id), one(aws_api_gateway_integration.post_enterprise_token[*].uri), one(aws_api_gateway_method.get_enterprise_userinfo[*].id), one(aws_api_gateway_integration.get_enterprise_userinfo[*].id), one(aws_api_gateway_integration.get_enterprise_userinfo[*].uri), one(aws_api_gateway_method.get_enterprise_jwks[*].id), one(aws_api_gateway_integration.get_enterprise_jwks[*].id), one(aws_api_gateway_integration.get_enterprise_jwks[*].uri), one(aws_api_gateway_method.get_enterprise_cognito_return[*].id), one(aws_api_gateway_integration.get_enterprise_cognito_return[*].id), one(aws_api_gateway_integration.get_enterprise_cognito_return[*].uri), one(aws_api_gateway_method.get_enterprise_well_known_openid_configuration[*].id), one(aws_api_gateway_integration.get_enterprise_well_known_openid_configuration[*].id), one(aws_api_gateway_integration.get_enterprise_well_known_openid_configuration[*].uri), aws_api_gateway_gateway_response.default_4xx.id, aws_api_gateway_gateway_response.default_5xx.id, aws_api_gateway_gateway_response.not_found.id, one(aws_api_gateway_gateway_response.direct_unauthorized[*].id), one(aws_api_gateway_gateway_response.direct_access_denied[*].id)]))
  }
  depends_on = [
    aws_api_gateway_method.get_well_known_oauth_protected_resource,
    aws_api_gateway_integration.get_well_known_oauth_protected_resource,
    aws_api_gateway_method.options_well_known_oauth_protected_resource,
    aws_api_gateway_integration.options_well_known_oauth_protected_resource,
    aws_api_gateway_method.get_well_known_oauth_protected_resource_mcp,
    aws_api_gateway_integration.get_well_known_oauth_protected_resource_mcp,
    aws_api_gateway_method.options_well_known_oauth_protected_resource_mcp,
    aws_api_gateway_integration.options_well_known_oauth_protected_resource_mcp,
    aws_api_gateway_method.get_well_known_oauth_authorization_server,
    aws_api_gateway_integration.get_well_known_oauth_authorization_server,
    aws_api_gateway_method.options_well_known_oauth_authorization_server,
    aws_api_gateway_integration.options_well_known_oauth_authorization_server,
    aws_api_gateway_method.get_well_known_openid_configuration,
    aws_api_gateway_integration.get_well_known_openid_configuration,
    aws_api_gateway_method.options_well_known_openid_configuration,
    aws_api_gateway_integration.options_well_known_openid_configuration,
    aws_api_gateway_method.post_register,
    aws_api_gateway_integration.post_register,
    aws_api_gateway_method.options_register,
    aws_api_gateway_integration.options_register,
    aws_api_gateway_method.get_authorize,
    aws_api_gateway_integration.get_authorize,
    aws_api_gateway_method.post_authorize,
    aws_api_gateway_integration.post_authorize,
    aws_api_gateway_method.get_callback,
    aws_api_gateway_integration.get_callback,
    aws_api_gateway_method.post_token,
    aws_api_gateway_integration.post_token,
    aws_api_gateway_method.options_token,
    aws_api_gateway_integration.options_token,
    aws_api_gateway_method.post_revoke,
    aws_api_gateway_integration.post_revoke,
    aws_api_gateway_method.options_revoke,
    aws_api_gateway_integration.options_revoke,
    aws_api_gateway_method.direct_post_mcp,
    aws_api_gateway_integration.direct_post_mcp,
    aws_api_gateway_method.direct_get_mcp,
    aws_api_gateway_integration.direct_get_mcp,
    aws_api_gateway_method.direct_head_mcp,
    aws_api_gateway_integration.direct_head_mcp,
    aws_api_gateway_method.direct_delete_mcp,
    aws_api_gateway_integration.direct_delete_mcp,
    aws_api_gateway_method.post_mcp,
    aws_api_gateway_integration.post_mcp,
    aws_api_gateway_method.get_mcp,
    aws_api_gateway_integration.get_mcp,
    aws_api_gateway_method.head_mcp,
    aws_api_gateway_integration.head_mcp,
    aws_api_gateway_method.delete_mcp,
    aws_api_gateway_integration.delete_mcp,
    aws_api_gateway_method.options_mcp,
    aws_api_gateway_integration.options_mcp,
    aws_api_gateway_method.get_enterprise_authorize,
    aws_api_gateway_integration.get_enterprise_authorize,
    aws_api_gateway_method.post_enterprise_token,
    aws_api_gateway_integration.post_enterprise_token,
    aws_api_gateway_method.get_enterprise_userinfo,
    aws_api_gateway_integration.get_enterprise_userinfo,
    aws_api_gateway_method.get_enterprise_jwks,
    aws_api_gateway_integration.get_enterprise_jwks,
    aws_api_gateway_method.get_enterprise_cognito_return,
    aws_api_gateway_integration.get_enterprise_cognito_return,
    aws_api_gateway_method.get_enterprise_well_known_openid_configuration,
    aws_api_gateway_integration.get_enterprise_well_known_openid_configuration,
    aws_api_gateway_gateway_response.default_4xx,
    aws_api_gateway_gateway_response.default_5xx,
    aws_api_gateway_gateway_response.not_found,
    aws_api_gateway_gateway_response.direct_unauthorized,
    aws_api_gateway_gateway_response.direct_access_denied,
  ]
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  deployment_id = aws_api_gateway_deployment.this.id
  rest_api_id   = aws_api_gateway_rest_api.this.id
  stage_name    = "prod"
  tags          = var.tags
}

resource "aws_api_gateway_method_settings" "throttling" {
  method_path = "*/*"
  rest_api_id = aws_api_gateway_stage.this.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  settings {
    data_trace_enabled     = false
    logging_level          = "OFF"
    metrics_enabled        = true
    throttling_burst_limit = var.throttling.burst_limit
    throttling_rate_limit  = var.throttling.rate_limit
  }
}

resource "aws_api_gateway_method_settings" "throttling_post_register" {
  method_path = "register/POST"
  rest_api_id = aws_api_gateway_stage.this.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  settings {
    data_trace_enabled     = false
    logging_level          = "OFF"
    metrics_enabled        = true
    throttling_burst_limit = 10
    throttling_rate_limit  = 5
  }
  depends_on = [
    aws_api_gateway_method_settings.throttling,
  ]
}

resource "aws_api_gateway_method_settings" "throttling_get_authorize" {
  method_path = "authorize/GET"
  rest_api_id = aws_api_gateway_stage.this.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  settings {
    data_trace_enabled     = false
    logging_level          = "OFF"
    metrics_enabled        = true
    throttling_burst_limit = 40
    throttling_rate_limit  = 20
  }
  depends_on = [
    aws_api_gateway_method_settings.throttling_post_register,
  ]
}

resource "aws_api_gateway_method_settings" "throttling_post_authorize" {
  method_path = "authorize/POST"
  rest_api_id = aws_api_gateway_stage.this.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  settings {
    data_trace_enabled     = false
    logging_level          = "OFF"
    metrics_enabled        = true
    throttling_burst_limit = 40
    throttling_rate_limit  = 20
  }
  depends_on = [
    aws_api_gateway_method_settings.throttling_get_authorize,
  ]
}

resource "aws_api_gateway_method_settings" "throttling_post_token" {
  method_path = "token/POST"
  rest_api_id = aws_api_gateway_stage.this.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  settings {
    data_trace_enabled     = false
    logging_level          = "OFF"
    metrics_enabled        = true
    throttling_burst_limit = 40
    throttling_rate_limit  = 20
  }
  depends_on = [
    aws_api_gateway_method_settings.throttling_post_authorize,
  ]
}

resource "aws_api_gateway_method_settings" "throttling_post_revoke" {
  method_path = "revoke/POST"
  rest_api_id = aws_api_gateway_stage.this.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  settings {
    data_trace_enabled     = false
    logging_level          = "OFF"
    metrics_enabled        = true
    throttling_burst_limit = 40
    throttling_rate_limit  = 20
  }
  depends_on = [
    aws_api_gateway_method_settings.throttling_post_token,
  ]
}

resource "aws_api_gateway_base_path_mapping" "this" {
  api_id      = aws_api_gateway_rest_api.this.id
  domain_name = one(aws_api_gateway_domain_name.this[*].domain_name)
  stage_name  = aws_api_gateway_stage.this.stage_name
  count       = (var.custom_domain != null) ? 1 : 0
}

resource "aws_sns_topic" "alarms" {
  name  = "${var.name}-alarms"
  tags  = var.tags
  count = ((var.alarms != null) && (try(var.alarms.email, null) != null)) ? 1 : 0
}

resource "aws_sns_topic_subscription" "alarms" {
  endpoint  = var.alarms.email
  protocol  = "email"
  topic_arn = one(aws_sns_topic.alarms[*].arn)
  count     = ((var.alarms != null) && (try(var.alarms.email, null) != null)) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "API Gateway 5xx responses (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-api-5xx-rate"
  comparison_operator = "GreaterThanThreshold"
  datapoints_to_alarm = 2
  evaluation_periods  = 3
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  tags               = var.tags
  threshold          = var.alarms.api_5xx_rate_percent
  treat_missing_data = "notBreaching"
  metric_query {
    id          = "errors"
    return_data = false
    metric {
      dimensions = {
        ApiName = "${var.name}-facade"
        Stage   = "prod"
      }
      metric_name = "5XXError"
      namespace   = "AWS/ApiGateway"
      period      = 300
      stat        = "Sum"
    }
  }
  metric_query {
    id          = "requests"
    return_data = false
    metric {
      dimensions = {
        ApiName = "${var.name}-facade"
        Stage   = "prod"
      }
      metric_name = "Count"
      namespace   = "AWS/ApiGateway"
      period      = 300
      stat        = "Sum"
    }
  }
  metric_query {
    expression  = "IF(requests >= 10, 100 * errors / requests, 0)"
    id          = "rate"
    label       = "API Gateway 5xx responses (%)"
    return_data = true
  }
  count = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors_discovery" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda errors of ${var.name}-discovery (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-errors-discovery"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-discovery"
  }
  evaluation_periods = 1
  metric_name        = "Errors"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles_discovery" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda throttles of ${var.name}-discovery (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-throttles-discovery"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-discovery"
  }
  evaluation_periods = 1
  metric_name        = "Throttles"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors_register" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda errors of ${var.name}-register (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-errors-register"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-register"
  }
  evaluation_periods = 1
  metric_name        = "Errors"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles_register" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda throttles of ${var.name}-register (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-throttles-register"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-register"
  }
  evaluation_periods = 1
  metric_name        = "Throttles"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors_authorize" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda errors of ${var.name}-authorize (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-errors-authorize"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-authorize"
  }
  evaluation_periods = 1
  metric_name        = "Errors"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles_authorize" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda throttles of ${var.name}-authorize (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-throttles-authorize"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-authorize"
  }
  evaluation_periods = 1
  metric_name        = "Throttles"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors_callback" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda errors of ${var.name}-callback (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-errors-callback"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-callback"
  }
  evaluation_periods = 1
  metric_name        = "Errors"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles_callback" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda throttles of ${var.name}-callback (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-throttles-callback"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-callback"
  }
  evaluation_periods = 1
  metric_name        = "Throttles"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors_token" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda errors of ${var.name}-token (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-errors-token"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-token"
  }
  evaluation_periods = 1
  metric_name        = "Errors"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles_token" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda throttles of ${var.name}-token (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-throttles-token"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-token"
  }
  evaluation_periods = 1
  metric_name        = "Throttles"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors_mcp_proxy" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda errors of ${var.name}-mcp-proxy (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-errors-mcp-proxy"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-mcp-proxy"
  }
  evaluation_periods = 1
  metric_name        = "Errors"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles_mcp_proxy" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Lambda throttles of ${var.name}-mcp-proxy (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-lambda-throttles-mcp-proxy"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  dimensions = {
    FunctionName = "${var.name}-mcp-proxy"
  }
  evaluation_periods = 1
  metric_name        = "Throttles"
  namespace          = "AWS/Lambda"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  statistic          = "Sum"
  tags               = var.tags
  threshold          = 1
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "token_error_rate" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Token endpoint errors (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-token-error-rate"
  comparison_operator = "GreaterThanThreshold"
  datapoints_to_alarm = 2
  evaluation_periods  = 3
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  tags               = var.tags
  threshold          = var.alarms.token_error_rate_percent
  treat_missing_data = "notBreaching"
  metric_query {
    id          = "errors"
    return_data = false
    metric {
      dimensions = {
        Service = var.name
      }
      metric_name = "TokenErrors"
      namespace   = "AgentCoreMcpOAuth"
      period      = 300
      stat        = "Sum"
    }
  }
  metric_query {
    id          = "requests"
    return_data = false
    metric {
      dimensions = {
        Service = var.name
      }
      metric_name = "TokenRequests"
      namespace   = "AgentCoreMcpOAuth"
      period      = 300
      stat        = "Sum"
    }
  }
  metric_query {
    expression  = "IF(requests >= 10, 100 * errors / requests, 0)"
    id          = "rate"
    label       = "Token endpoint errors (%)"
    return_data = true
  }
  count = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "proxy_upstream_5xx_rate" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "Gateway calls failing (5xx, unreachable, timeout) (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-proxy-upstream-5xx-rate"
  comparison_operator = "GreaterThanThreshold"
  datapoints_to_alarm = 2
  evaluation_periods  = 3
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  tags               = var.tags
  threshold          = var.alarms.proxy_upstream_5xx_rate_percent
  treat_missing_data = "notBreaching"
  metric_query {
    id          = "errors"
    return_data = false
    metric {
      dimensions = {
        Service = var.name
      }
      metric_name = "ProxyUpstream5xx"
      namespace   = "AgentCoreMcpOAuth"
      period      = 300
      stat        = "Sum"
    }
  }
  metric_query {
    id          = "requests"
    return_data = false
    metric {
      dimensions = {
        Service = var.name
      }
      metric_name = "ProxyCalls"
      namespace   = "AgentCoreMcpOAuth"
      period      = 300
      stat        = "Sum"
    }
  }
  metric_query {
    expression  = "IF(requests >= 10, 100 * errors / requests, 0)"
    id          = "rate"
    label       = "Gateway calls failing (5xx, unreachable, timeout) (%)"
    return_data = true
  }
  count = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_metric_alarm" "proxy_p99_latency" {
  alarm_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  alarm_description   = "p99 of the gateway answer time through /mcp (docs/troubleshooting.md)"
  alarm_name          = "${var.name}-proxy-p99-latency"
  comparison_operator = "GreaterThanThreshold"
  datapoints_to_alarm = 2
  dimensions = {
    Service = var.name
  }
  evaluate_low_sample_count_percentiles = "ignore"
  evaluation_periods                    = 3
  extended_statistic                    = "p99"
  metric_name                           = "ProxyLatency"
  namespace                             = "AgentCoreMcpOAuth"
  ok_actions = [
    coalesce(var.alarms.sns_topic_arn, one(aws_sns_topic.alarms[*].arn))
  ]
  period             = 300
  tags               = var.tags
  threshold          = var.alarms.proxy_p99_latency_ms
  treat_missing_data = "notBreaching"
  count              = (var.alarms != null) ? 1 : 0
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_body = jsonencode({ "widgets" = [{ "type" = "text", "x" = 0, "y" = 0, "width" = 24, "height" = 2, "properties" = { "markdown" = "## MCP OAuth façade: ${var.name}\nFunnel, proxy and per-route health. Symptoms and fixes: docs/troubleshooting.md; from a client's side: `npm run doctor -- <mcp-url>`." } }, { "type" = "metric", "x" = 0, "y" = 2, "width" = 12, "height" = 6, "properties" = { "title" = "Login funnel", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AgentCoreMcpOAuth", "Registrations", "Service", var.name, { "label" = "registrations" }], ["AgentCoreMcpOAuth", "Authorizations", "Service", var.name, "Outcome", "sent_to_idp", { "label" = "sent to the IdP" }], ["AgentCoreMcpOAuth", "Callbacks", "Service", var.name, "Outcome", "code", { "label" = "callbacks with a code" }], ["AgentCoreMcpOAuth", "TokenRequests", "Service", var.name, "GrantType", "authorization_code", "Outcome", "ok", { "label" = "codes exchanged" }], ["AgentCoreMcpOAuth", "TokenRequests", "Service", var.name, "GrantType", "refresh_token", "Outcome", "ok", { "label" = "refreshes" }]] } }, { "type" = "metric", "x" = 12, "y" = 2, "width" = 12, "height" = 6, "properties" = { "title" = "Consent", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AgentCoreMcpOAuth", "Consent", "Service", var.name, "Decision", "shown", { "label" = "shown" }], ["AgentCoreMcpOAuth", "Consent", "Service", var.name, "Decision", "approved", { "label" = "approved" }], ["AgentCoreMcpOAuth", "Consent", "Service", var.name, "Decision", "denied", { "label" = "denied" }]] } }, { "type" = "metric", "x" = 0, "y" = 8, "width" = 12, "height" = 6, "properties" = { "title" = "Authorization and callback outcomes", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [[{ "expression" = "SEARCH('{AgentCoreMcpOAuth,Service,Outcome} MetricName=\"Authorizations\" Service=\"${var.name}\"', 'Sum', 300)", "label" = "", "id" = "sauthorizations1" }], [{ "expression" = "SEARCH('{AgentCoreMcpOAuth,Service,Outcome} MetricName=\"Callbacks\" Service=\"${var.name}\"', 'Sum', 300)", "label" = "", "id" = "scallbacks1" }]] } }, { "type" = "metric", "x" = 12, "y" = 8, "width" = 12, "height" = 6, "properties" = { "title" = "Token requests by grant type and outcome (refresh failures: refresh_token + error)", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [[{ "expression" = "SEARCH('{AgentCoreMcpOAuth,Service,GrantType,Outcome} MetricName=\"TokenRequests\" Service=\"${var.name}\"', 'Sum', 300)", "label" = "", "id" = "stokenrequests2" }]] } }, { "type" = "metric", "x" = 0, "y" = 14, "width" = 12, "height" = 6, "properties" = { "title" = "Proxy calls by upstream status class", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [[{ "expression" = "SEARCH('{AgentCoreMcpOAuth,Service,StatusClass} MetricName=\"ProxyCalls\" Service=\"${var.name}\"', 'Sum', 300)", "label" = "", "id" = "sproxycalls1" }]] } }, { "type" = "metric", "x" = 12, "y" = 14, "width" = 12, "height" = 6, "properties" = { "title" = "Proxy latency to the gateway (p50, p99)", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AgentCoreMcpOAuth", "ProxyLatency", "Service", var.name, { "stat" = "p50", "label" = "p50" }], ["AgentCoreMcpOAuth", "ProxyLatency", "Service", var.name, { "stat" = "p99", "label" = "p99" }]], "yAxis" = { "left" = { "label" = "ms", "showUnits" = false } } } }, { "type" = "metric", "x" = 0, "y" = 20, "width" = 12, "height" = 6, "properties" = { "title" = "Latency per route (API Gateway, p50)", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/oauth-protected-resource", "Stage", "prod", "Method", "GET", { "stat" = "p50", "label" = "GET /.well-known/oauth-protected-resource" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/oauth-protected-resource/mcp", "Stage", "prod", "Method", "GET", { "stat" = "p50", "label" = "GET /.well-known/oauth-protected-resource/mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/oauth-authorization-server", "Stage", "prod", "Method", "GET", { "stat" = "p50", "label" = "GET /.well-known/oauth-authorization-server" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/openid-configuration", "Stage", "prod", "Method", "GET", { "stat" = "p50", "label" = "GET /.well-known/openid-configuration" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/register", "Stage", "prod", "Method", "POST", { "stat" = "p50", "label" = "POST /register" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/authorize", "Stage", "prod", "Method", "GET", { "stat" = "p50", "label" = "GET /authorize" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/authorize", "Stage", "prod", "Method", "POST", { "stat" = "p50", "label" = "POST /authorize" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/callback", "Stage", "prod", "Method", "GET", { "stat" = "p50", "label" = "GET /callback" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/token", "Stage", "prod", "Method", "POST", { "stat" = "p50", "label" = "POST /token" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/revoke", "Stage", "prod", "Method", "POST", { "stat" = "p50", "label" = "POST /revoke" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "POST", { "stat" = "p50", "label" = "POST /mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "GET", { "stat" = "p50", "label" = "GET /mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "HEAD", { "stat" = "p50", "label" = "HEAD /mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "DELETE", { "stat" = "p50", "label" = "DELETE /mcp" }]] } }, { "type" = "metric", "x" = 12, "y" = 20, "width" = 12, "height" = 6, "properties" = { "title" = "Latency per route (API Gateway, p99)", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/oauth-protected-resource", "Stage", "prod", "Method", "GET", { "stat" = "p99", "label" = "GET /.well-known/oauth-protected-resource" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/oauth-protected-resource/mcp", "Stage", "prod", "Method", "GET", { "stat" = "p99", "label" = "GET /.well-known/oauth-protected-resource/mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/oauth-authorization-server", "Stage", "prod", "Method", "GET", { "stat" = "p99", "label" = "GET /.well-known/oauth-authorization-server" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/.well-known/openid-configuration", "Stage", "prod", "Method", "GET", { "stat" = "p99", "label" = "GET /.well-known/openid-configuration" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/register", "Stage", "prod", "Method", "POST", { "stat" = "p99", "label" = "POST /register" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/authorize", "Stage", "prod", "Method", "GET", { "stat" = "p99", "label" = "GET /authorize" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/authorize", "Stage", "prod", "Method", "POST", { "stat" = "p99", "label" = "POST /authorize" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/callback", "Stage", "prod", "Method", "GET", { "stat" = "p99", "label" = "GET /callback" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/token", "Stage", "prod", "Method", "POST", { "stat" = "p99", "label" = "POST /token" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/revoke", "Stage", "prod", "Method", "POST", { "stat" = "p99", "label" = "POST /revoke" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "POST", { "stat" = "p99", "label" = "POST /mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "GET", { "stat" = "p99", "label" = "GET /mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "HEAD", { "stat" = "p99", "label" = "HEAD /mcp" }], ["AWS/ApiGateway", "Latency", "ApiName", "${var.name}-facade", "Resource", "/mcp", "Stage", "prod", "Method", "DELETE", { "stat" = "p99", "label" = "DELETE /mcp" }]] } }, { "type" = "metric", "x" = 0, "y" = 26, "width" = 12, "height" = 6, "properties" = { "title" = "Lambda errors per route", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AWS/Lambda", "Errors", "FunctionName", "${var.name}-discovery", { "label" = "discovery" }], ["AWS/Lambda", "Errors", "FunctionName", "${var.name}-register", { "label" = "register" }], ["AWS/Lambda", "Errors", "FunctionName", "${var.name}-authorize", { "label" = "authorize" }], ["AWS/Lambda", "Errors", "FunctionName", "${var.name}-callback", { "label" = "callback" }], ["AWS/Lambda", "Errors", "FunctionName", "${var.name}-token", { "label" = "token" }], ["AWS/Lambda", "Errors", "FunctionName", "${var.name}-mcp-proxy", { "label" = "mcp-proxy" }]] } }, { "type" = "metric", "x" = 12, "y" = 26, "width" = 12, "height" = 6, "properties" = { "title" = "Lambda throttles per route", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AWS/Lambda", "Throttles", "FunctionName", "${var.name}-discovery", { "label" = "discovery" }], ["AWS/Lambda", "Throttles", "FunctionName", "${var.name}-register", { "label" = "register" }], ["AWS/Lambda", "Throttles", "FunctionName", "${var.name}-authorize", { "label" = "authorize" }], ["AWS/Lambda", "Throttles", "FunctionName", "${var.name}-callback", { "label" = "callback" }], ["AWS/Lambda", "Throttles", "FunctionName", "${var.name}-token", { "label" = "token" }], ["AWS/Lambda", "Throttles", "FunctionName", "${var.name}-mcp-proxy", { "label" = "mcp-proxy" }]] } }, { "type" = "metric", "x" = 0, "y" = 32, "width" = 12, "height" = 6, "properties" = { "title" = "Lambda duration per route (p99)", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AWS/Lambda", "Duration", "FunctionName", "${var.name}-discovery", { "stat" = "p99", "label" = "discovery" }], ["AWS/Lambda", "Duration", "FunctionName", "${var.name}-register", { "stat" = "p99", "label" = "register" }], ["AWS/Lambda", "Duration", "FunctionName", "${var.name}-authorize", { "stat" = "p99", "label" = "authorize" }], ["AWS/Lambda", "Duration", "FunctionName", "${var.name}-callback", { "stat" = "p99", "label" = "callback" }], ["AWS/Lambda", "Duration", "FunctionName", "${var.name}-token", { "stat" = "p99", "label" = "token" }], ["AWS/Lambda", "Duration", "FunctionName", "${var.name}-mcp-proxy", { "stat" = "p99", "label" = "mcp-proxy" }]] } }, { "type" = "metric", "x" = 12, "y" = 32, "width" = 12, "height" = 6, "properties" = { "title" = "API Gateway 4xx and 5xx", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [["AWS/ApiGateway", "4XXError", "ApiName", "${var.name}-facade", "Stage", "prod", { "label" = "4xx" }], ["AWS/ApiGateway", "5XXError", "ApiName", "${var.name}-facade", "Stage", "prod", { "label" = "5xx" }]] } }, { "type" = "metric", "x" = 0, "y" = 38, "width" = 12, "height" = 6, "properties" = { "title" = "3-legged OAuth returns", "region" = data.aws_region.current.region, "view" = "timeSeries", "stacked" = false, "period" = 300, "stat" = "Sum", "metrics" = [[{ "expression" = "SEARCH('{AgentCoreMcpOAuth,Service,Outcome} MetricName=\"ThreeLeggedReturns\" Service=\"${var.name}\"', 'Sum', 300)", "label" = "", "id" = "sthreeleggedreturns1" }]] } }], "start" = "-PT6H", "periodOverride" = "inherit" })
  dashboard_name = "${var.name}-mcp-oauth"
  count          = var.dashboard ? 1 : 0
}
