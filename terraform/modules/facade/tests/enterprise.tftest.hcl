# Enterprise-managed authorization (enterprise_identity_providers): off by default, nothing created;
# on, the assertion bridge (function, routes, Cognito provider and app client, secrets) and the token
# function's grant and settings. Planned against a mock aws provider whose values are known at plan
# time (override_during = plan), so the IAM policy can be read. The values are test inputs.
# (The assertion client's managed-login style is not asserted: the CI's offline aws 5.x has no
# aws_cognito_managed_login_branding; it is counted on managed_login && enterprise_identity_providers.)

mock_provider "aws" {
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id            = "abc123"
      arn           = "arn:aws:apigateway:eu-west-1::/restapis/abc123"
      execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:abc123"
    }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:test"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:test"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = {
      id            = "testclientid"
      client_secret = "test-client-secret"
    }
  }
}

variables {
  name               = "mcp-test"
  user_pool_id       = "eu-west-1_TestPool1"
  cognito_domain     = "acme-login"
  scopes             = ["openid", "email", "https://mcp.test.example/tools"]
  gateway_url        = "https://test-gateway.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp"
  signing_keys       = "test-signing-keys-0123456789abcdefghijklmnop"
  identity_providers = ["COGNITO", "Okta"]
}

run "enterprise_off_by_default_creates_nothing" {
  command = plan

  assert {
    condition = (length(aws_lambda_function.enterprise_bridge) + length(aws_iam_role.enterprise_bridge) + length(aws_cognito_identity_provider.enterprise_bridge)
      + length(aws_cognito_user_pool_client.enterprise_assertion)
      + length(aws_secretsmanager_secret.bridge_keys) + length(aws_secretsmanager_secret.bridge_signing_key) + length(aws_secretsmanager_secret.bridge_client_secret)
    + length(aws_secretsmanager_secret.assertion_client_secret) + length(aws_api_gateway_resource.enterprise) + length(aws_api_gateway_method.post_enterprise_token)) == 0
    error_message = "without enterprise IdPs no bridge resource exists"
  }
  assert {
    condition     = output.enterprise_assertion_client_id == null && output.enterprise_bridge_issuer == null
    error_message = "the enterprise outputs are null when off"
  }
  assert {
    condition     = aws_lambda_function.token.environment[0].variables["ENTERPRISE_IDPS"] == "" && aws_lambda_function.token.environment[0].variables["ASSERTION_CLIENT_ID"] == ""
    error_message = "the token function does not offer the jwt-bearer grant (empty = unset)"
  }
  assert {
    condition     = aws_lambda_function.discovery.environment[0].variables["ENTERPRISE_IDPS"] == ""
    error_message = "discovery does not advertise the jwt-bearer grant"
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.token.policy).Statement : s.Sid] == ["WriteOwnLogs", "ReadRegistrationKeys", "ReadTokenKeys", "ReadClientSecret"]
    error_message = "the token function's policy has no enterprise statement"
  }
}

run "enterprise_on_creates_the_bridge" {
  command = plan

  variables {
    enterprise_identity_providers = [
      {
        name         = "Acme"
        issuer       = "https://acme.idp.test"
        jwks_url     = "https://acme.idp.test/oauth2/v1/keys"
        clients      = ["https://agent.test/client.json"]
        scopes       = ["https://mcp.test.example/tools"]
        federated_as = { provider = "Okta", claim = "email" }
      },
      {
        name     = "Beta"
        issuer   = "https://beta.idp.test"
        jwks_url = "https://beta.idp.test/jwks"
        clients  = ["beta-agent"]
        scopes   = ["https://mcp.test.example/tools", "https://mcp.test.example/admin"]

        max_assertion_age_seconds = 60
      },
    ]
  }

  assert {
    condition     = length(aws_lambda_function.enterprise_bridge) == 1 && aws_lambda_function.enterprise_bridge[0].function_name == "mcp-test-enterprise-bridge"
    error_message = "the bridge function is <name>-enterprise-bridge"
  }
  assert {
    condition = (aws_cognito_identity_provider.enterprise_bridge[0].provider_name == "mcp-test-enterprise" && aws_cognito_identity_provider.enterprise_bridge[0].user_pool_id == "eu-west-1_TestPool1"
    && aws_cognito_identity_provider.enterprise_bridge[0].provider_details["oidc_issuer"] == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/enterprise")
    error_message = "the bridge is an OIDC provider <name>-enterprise in the given pool, issuer <base>/enterprise"
  }
  assert {
    condition = (aws_cognito_user_pool_client.enterprise_assertion[0].user_pool_id == "eu-west-1_TestPool1"
      && toset(aws_cognito_user_pool_client.enterprise_assertion[0].allowed_oauth_scopes) == toset(["openid", "https://mcp.test.example/admin", "https://mcp.test.example/tools"])
    && aws_cognito_user_pool_client.enterprise_assertion[0].callback_urls == toset(["https://abc123.execute-api.eu-west-1.amazonaws.com/prod/enterprise/cognito-return"]))
    error_message = "the assertion client is in the pool, with openid and the IdPs' scopes, called back at /enterprise/cognito-return"
  }
  assert {
    condition     = length(aws_api_gateway_method.post_enterprise_token) == 1 && length(aws_api_gateway_method.get_enterprise_well_known_openid_configuration) == 1 && length(aws_lambda_permission.get_enterprise_jwks) == 1
    error_message = "the bridge's routes exist"
  }
  assert {
    condition     = aws_secretsmanager_secret.bridge_keys[0].name == "mcp-test/facade/enterprise-bridge-keys" && aws_secretsmanager_secret.assertion_client_secret[0].name == "mcp-test/facade/enterprise-assertion-client-secret"
    error_message = "the bridge secrets are under <name>/facade/"
  }
  assert {
    condition     = output.enterprise_assertion_client_id == "testclientid" && output.enterprise_bridge_issuer == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/enterprise"
    error_message = "the outputs name the assertion client and the bridge issuer"
  }
  assert {
    condition = jsondecode(aws_lambda_function.token.environment[0].variables["ENTERPRISE_IDPS"]) == [
      { name = "Acme", issuer = "https://acme.idp.test", jwksUrl = "https://acme.idp.test/oauth2/v1/keys", clients = ["https://agent.test/client.json"], scopes = ["https://mcp.test.example/tools"], maxAgeSeconds = 300, linkProvider = "Okta", linkClaim = "email" },
      { name = "Beta", issuer = "https://beta.idp.test", jwksUrl = "https://beta.idp.test/jwks", clients = ["beta-agent"], scopes = ["https://mcp.test.example/tools", "https://mcp.test.example/admin"], maxAgeSeconds = 60 },
    ]
    error_message = "ENTERPRISE_IDPS carries every IdP (federated_as as linkProvider/linkClaim, the age default)"
  }
  assert {
    condition     = aws_lambda_function.discovery.environment[0].variables["ENTERPRISE_IDPS"] == aws_lambda_function.token.environment[0].variables["ENTERPRISE_IDPS"]
    error_message = "discovery gets ENTERPRISE_IDPS to advertise the jwt-bearer grant"
  }
  assert {
    condition = (aws_lambda_function.token.environment[0].variables["ASSERTION_CLIENT_ID"] == "testclientid"
      && aws_lambda_function.token.environment[0].variables["ASSERTION_PROVIDER_NAME"] == "mcp-test-enterprise"
      && aws_lambda_function.token.environment[0].variables["USER_POOL_ID"] == "eu-west-1_TestPool1"
    && aws_lambda_function.token.environment[0].variables["IDP_AUTHORIZE_ENDPOINT"] == "https://acme-login.auth.eu-west-1.amazoncognito.com/oauth2/authorize")
    error_message = "the token function gets the bridge sign-in settings"
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.token.policy).Statement : s if s.Sid == "LinkEnterpriseUsers"][0].Action == ["cognito-idp:AdminLinkProviderForUser"]
    error_message = "the token function may link users"
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.token.policy).Statement : s if s.Sid == "LinkEnterpriseUsers"][0].Resource == ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_TestPool1"]
    error_message = "AdminLinkProviderForUser is granted on the given pool's ARN only"
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.token.policy).Statement : s if contains(["ReadBridgeKeys", "ReadAssertionClientSecret"], s.Sid)]) == 2
    error_message = "the token function reads the bridge keys and the assertion client's secret"
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.enterprise_bridge[0].policy).Statement : s.Sid] == ["WriteOwnLogs", "ReadBridgeKeys", "ReadBridgeSigningKey", "ReadBridgeClientSecret"]
    error_message = "the bridge reads its own secrets and none of the façade's OAuth keys"
  }
}
