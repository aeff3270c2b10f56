# What the facade module's inputs produce, planned against a mock aws provider (no AWS account):
#   cd terraform/modules/facade && terraform init && terraform test
# The values below are test inputs, not real resources.

mock_provider "aws" {
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
}

variables {
  name           = "mcp-test"
  user_pool_id   = "eu-west-1_TestPool1"
  cognito_domain = "acme-login"
  scopes         = ["openid", "email", "https://mcp.test.example/tools"]
  gateway_url    = "https://test-gateway.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp"
  signing_keys   = "test-signing-keys-0123456789abcdefghijklmnop"
}

run "names_carry_the_name_input" {
  command = plan

  assert {
    condition     = aws_lambda_function.discovery.function_name == "mcp-test-discovery"
    error_message = "function names start with var.name"
  }
  assert {
    condition     = aws_cognito_user_pool_client.user_flow.name == "mcp-test-facade"
    error_message = "the app client is <name>-facade"
  }
  assert {
    condition     = aws_cognito_user_pool_client.user_flow.user_pool_id == "eu-west-1_TestPool1"
    error_message = "the app client is created in the given pool"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.name == "mcp-test-facade"
    error_message = "the REST API is <name>-facade"
  }
  assert {
    condition     = aws_secretsmanager_secret.flow_keys.name == "mcp-test/facade/flow-keys"
    error_message = "secrets are under <name>/facade/"
  }
}

run "a_prefix_signs_in_at_the_cognito_domain_of_the_region" {
  command = plan

  assert {
    condition     = output.cognito_domain == "https://acme-login.auth.eu-west-1.amazoncognito.com"
    error_message = "a prefix becomes <prefix>.auth.<region>.amazoncognito.com"
  }
  assert {
    condition     = aws_lambda_function.authorize.environment[0].variables["IDP_AUTHORIZATION_ENDPOINT"] == "https://acme-login.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
    error_message = "the functions send users to the pool's domain"
  }
  assert {
    condition     = aws_lambda_function.discovery.environment[0].variables["IDP_ISSUER"] == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1"
    error_message = "the issuer is the pool's, in the provider's region"
  }
}

run "a_custom_domain_signs_in_there" {
  command = plan

  variables {
    cognito_domain = "login.acme.example"
  }

  assert {
    condition     = output.cognito_domain == "https://login.acme.example"
    error_message = "a host name is used as it is"
  }
  assert {
    condition     = aws_lambda_function.token.environment[0].variables["IDP_TOKEN_ENDPOINT"] == "https://login.acme.example/oauth2/token"
    error_message = "the token endpoint is on the custom domain"
  }
}

run "govcloud_prefix_domains_are_fips" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = {
      partition  = "aws-us-gov"
      dns_suffix = "amazonaws.com"
    }
  }
  override_data {
    target = data.aws_region.current
    values = {
      region = "us-gov-west-1"
    }
  }
  variables {
    user_pool_id = "us-gov-west-1_TestPool1"
  }

  assert {
    condition     = output.cognito_domain == "https://acme-login.auth-fips.us-gov-west-1.amazoncognito.com"
    error_message = "AWS GovCloud (US) prefix domains are auth-fips"
  }
}

run "china_issuer_uses_the_partition_dns_suffix" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = {
      partition  = "aws-cn"
      dns_suffix = "amazonaws.com.cn"
    }
  }
  override_data {
    target = data.aws_region.current
    values = {
      region = "cn-north-1"
    }
  }
  variables {
    user_pool_id   = "cn-north-1_TestPool1"
    cognito_domain = "login.acme.example"
  }

  assert {
    condition     = aws_lambda_function.discovery.environment[0].variables["IDP_ISSUER"] == "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_TestPool1"
    error_message = "the issuer host is cognito-idp.<region>.<dns suffix>"
  }
}

run "without_custom_domain_no_domain_resources" {
  command = plan

  assert {
    condition     = length(aws_api_gateway_domain_name.this) == 0 && length(aws_api_gateway_base_path_mapping.this) == 0
    error_message = "no custom domain, no domain name or mapping"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.disable_execute_api_endpoint == false
    error_message = "the execute-api endpoint serves the façade"
  }
  assert {
    condition     = output.facade_domain_target == null
    error_message = "facade_domain_target is null without a custom domain"
  }
}

run "custom_domain_on" {
  command = plan

  variables {
    custom_domain = {
      domain_name     = "mcp.acme.example"
      certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"
      hosted_zone_id  = "ZTESTZONE1"
    }
  }

  assert {
    condition     = length(aws_api_gateway_domain_name.this) == 1 && aws_api_gateway_domain_name.this[0].domain_name == "mcp.acme.example"
    error_message = "the domain name exists"
  }
  assert {
    condition     = length(aws_api_gateway_base_path_mapping.this) == 1 && length(aws_route53_record.dns) == 1
    error_message = "the root mapping and, with a zone, the alias record exist"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.disable_execute_api_endpoint == true
    error_message = "the execute-api endpoint is off behind a custom domain"
  }
  assert {
    condition     = output.mcp_url == "https://mcp.acme.example/mcp" && output.issuer == "https://mcp.acme.example"
    error_message = "the façade is served at the domain"
  }
  assert {
    condition     = aws_lambda_function.discovery.environment[0].variables["PUBLIC_BASE_URL"] == "https://mcp.acme.example"
    error_message = "the functions know their public base URL"
  }
}

run "custom_domain_without_zone_has_no_record" {
  command = plan

  variables {
    custom_domain = {
      domain_name     = "mcp.acme.example"
      certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"
    }
  }

  assert {
    condition     = length(aws_api_gateway_domain_name.this) == 1 && length(aws_route53_record.dns) == 0
    error_message = "no hosted_zone_id, no alias record"
  }
}

run "lambda_mode_has_mcp_proxy" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.mcp_proxy) == 1 && length(aws_api_gateway_authorizer.direct_mcp_authorizer) == 0
    error_message = "lambda mode: mcp-proxy, no authorizer"
  }
  assert {
    condition     = aws_api_gateway_integration.post_mcp[0].type == "AWS_PROXY"
    error_message = "POST /mcp goes to mcp-proxy"
  }
}

run "direct_mode_has_no_mcp_proxy" {
  command = plan

  variables {
    mcp_mode = "direct"
  }

  assert {
    condition     = length(aws_lambda_function.mcp_proxy) == 0 && length(aws_iam_role.mcp_proxy) == 0
    error_message = "direct mode: no mcp-proxy function or role"
  }
  assert {
    condition     = length(aws_api_gateway_authorizer.direct_mcp_authorizer) == 1 && length(aws_api_gateway_method.options_mcp) == 0
    error_message = "direct mode: a Cognito authorizer, no OPTIONS /mcp"
  }
  assert {
    condition     = aws_api_gateway_integration.direct_post_mcp[0].type == "HTTP_PROXY" && aws_api_gateway_integration.direct_post_mcp[0].uri == var.gateway_url
    error_message = "POST /mcp is proxied to the gateway"
  }
  assert {
    condition     = aws_api_gateway_method.direct_post_mcp[0].authorization_scopes == toset(["https://mcp.test.example/tools"])
    error_message = "the authorizer requires the resource-server scopes"
  }
}

run "alarms_and_dashboard" {
  command = plan

  variables {
    alarms    = { email = "ops@acme.example" }
    dashboard = true
  }

  assert {
    condition     = length(aws_sns_topic.alarms) == 1 && aws_sns_topic.alarms[0].name == "mcp-test-alarms"
    error_message = "an email creates the topic <name>-alarms"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.api_5xx_rate) == 1
    error_message = "alarms exist"
  }
  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 1
    error_message = "the dashboard exists"
  }
}

run "no_alarms_by_default" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.api_5xx_rate) == 0 && length(aws_sns_topic.alarms) == 0 && length(aws_cloudwatch_dashboard.this) == 0
    error_message = "no alarms, topic or dashboard unless asked for"
  }
}

run "inputs_reach_the_functions" {
  command = plan

  variables {
    redirect_allowlist           = ["https://app.acme.example/callback", "com.acme.app:/cb"]
    consent                      = { remember_days = 7 }
    client_id_metadata_documents = true
    cors_allowed_origins         = ["https://app.acme.example"]
    log_level                    = "debug"
  }

  assert {
    condition     = aws_lambda_function.authorize.environment[0].variables["REDIRECT_ALLOWLIST"] == "https://app.acme.example/callback com.acme.app:/cb"
    error_message = "the allowlist reaches the functions, space-separated"
  }
  assert {
    condition     = aws_lambda_function.authorize.environment[0].variables["CONSENT_REMEMBER_DAYS"] == "7" && aws_lambda_function.authorize.environment[0].variables["CONSENT_FOR_LOOPBACK"] == "true"
    error_message = "consent settings (and the for_loopback default) reach authorize"
  }
  assert {
    condition     = aws_lambda_function.discovery.environment[0].variables["CLIENT_ID_METADATA_DOCUMENTS"] == "true"
    error_message = "CIMD reaches the functions"
  }
  assert {
    condition     = aws_api_gateway_gateway_response.default_4xx.response_parameters["gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://app.acme.example'"
    error_message = "one allowed origin is answered literally"
  }
  assert {
    condition     = aws_lambda_function.token.logging_config[0].application_log_level == "DEBUG"
    error_message = "log_level debug lowers Lambda's filter"
  }
  assert {
    condition     = aws_lambda_function.authorize.environment[0].variables["DEFAULT_SCOPES"] == "openid email https://mcp.test.example/tools"
    error_message = "default_scopes defaults to all scopes"
  }
}

run "tags_reach_every_resource" {
  command = plan

  variables {
    tags = { team = "a" }
  }

  assert {
    condition     = aws_lambda_function.token.tags["team"] == "a" && aws_api_gateway_rest_api.this.tags["team"] == "a"
    error_message = "tags are set on taggable resources"
  }
}
