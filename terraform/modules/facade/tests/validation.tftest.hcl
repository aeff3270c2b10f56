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

run "enterprise_idp_name_must_be_letters_or_digits" {
  command = plan
  variables {
    enterprise_identity_providers = [{ name = "acme-okta", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["https://mcp.test.example/tools"] }]
  }
  expect_failures = [var.enterprise_identity_providers]
}

run "enterprise_idp_issuer_must_be_https" {
  command = plan
  variables {
    enterprise_identity_providers = [{ name = "Acme", issuer = "http://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["https://mcp.test.example/tools"] }]
  }
  expect_failures = [var.enterprise_identity_providers]
}

run "enterprise_idp_needs_clients" {
  command = plan
  variables {
    enterprise_identity_providers = [{ name = "Acme", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = [], scopes = ["https://mcp.test.example/tools"] }]
  }
  expect_failures = [var.enterprise_identity_providers]
}

run "enterprise_idp_scopes_are_full_resource_server_scopes" {
  command = plan
  variables {
    enterprise_identity_providers = [{ name = "Acme", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["tools"] }]
  }
  expect_failures = [var.enterprise_identity_providers]
}

run "enterprise_idp_age_is_30_to_3600" {
  command = plan
  variables {
    enterprise_identity_providers = [{ name = "Acme", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["https://mcp.test.example/tools"], max_assertion_age_seconds = 7200 }]
  }
  expect_failures = [var.enterprise_identity_providers]
}

run "enterprise_idp_federated_as_is_a_pool_idp" {
  command = plan
  variables {
    enterprise_identity_providers = [{ name = "Acme", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["https://mcp.test.example/tools"], federated_as = { provider = "Okta" } }]
  }
  expect_failures = [var.enterprise_identity_providers]
}

run "enterprise_idp_names_and_issuers_are_unique" {
  command = plan
  variables {
    enterprise_identity_providers = [
      { name = "Acme", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["https://mcp.test.example/tools"] },
      { name = "Beta", issuer = "https://acme.idp.test", jwks_url = "https://acme.idp.test/keys", clients = ["agent"], scopes = ["https://mcp.test.example/tools"] },
    ]
  }
  expect_failures = [var.enterprise_identity_providers]
}
