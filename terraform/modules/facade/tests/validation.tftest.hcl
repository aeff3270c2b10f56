# The rules the facade module's variables check (the config validator's, stacks/config/patterns.ts).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }
}

variables {
  name           = "mcp-test"
  user_pool_id   = "eu-west-1_TestPool1"
  cognito_domain = "acme-login"
  scopes         = ["openid", "email"]
  gateway_url    = "https://test-gateway.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp"
  signing_keys   = "test-signing-keys-0123456789abcdefghijklmnop"
}

run "name_must_be_a_deployment_name" {
  command = plan
  variables {
    name = "Bad_Name"
  }
  expect_failures = [var.name]
}

run "user_pool_id_must_be_a_pool_id" {
  command = plan
  variables {
    user_pool_id = "not-a-pool"
  }
  expect_failures = [var.user_pool_id]
}

run "cognito_prefix_must_not_hold_reserved_words" {
  command = plan
  variables {
    cognito_domain = "my-cognito-login"
  }
  expect_failures = [var.cognito_domain]
}

run "direct_mode_needs_a_resource_server_scope" {
  command = plan
  variables {
    mcp_mode = "direct"
  }
  expect_failures = [var.mcp_mode]
}

run "signing_keys_must_be_long_enough" {
  command = plan
  variables {
    signing_keys = "short"
  }
  expect_failures = [var.signing_keys]
}

run "alarms_need_exactly_one_target" {
  command = plan
  variables {
    alarms = { email = "ops@acme.example", sns_topic_arn = "arn:aws:sns:eu-west-1:111122223333:ops" }
  }
  expect_failures = [var.alarms]
}

run "log_retention_must_be_a_cloudwatch_value" {
  command = plan
  variables {
    log_retention_days = 42
  }
  expect_failures = [var.log_retention_days]
}

run "redirects_must_be_https_or_private_use" {
  command = plan
  variables {
    redirect_allowlist = ["http://app.example.com/cb"]
  }
  expect_failures = [var.redirect_allowlist]
}

run "pool_in_another_region_is_refused" {
  command = plan
  variables {
    user_pool_id = "us-east-1_TestPool1"
  }
  expect_failures = [aws_api_gateway_rest_api.this]
}
