# What the inputs produce, planned against a mocked aws provider (no AWS account, no credentials).
# Run: terraform init && terraform test   (in terraform/modules/interceptor)

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
}

variables {
  name            = "team-a"
  user_pool_id    = "eu-west-1_PoolTeamA"
  allowed_clients = ["userflowclient1", "machineclient2"]
  tool_policy     = "{\"default\":\"deny\",\"tools\":{\"tickets___*\":{\"scopes\":[\"mcp/tools\"]}}}"
}

run "names_follow_name" {
  command = plan

  assert {
    condition     = aws_lambda_function.interceptor.function_name == "team-a-interceptor"
    error_message = "the function is <name>-interceptor"
  }
  assert {
    condition     = aws_iam_role.interceptor.name == "team-a-interceptor"
    error_message = "the execution role is <name>-interceptor"
  }
  assert {
    condition     = aws_cloudwatch_log_group.interceptor.name == "/aws/lambda/team-a-interceptor"
    error_message = "the log group is Lambda's default name for the function"
  }
  assert {
    condition     = aws_cloudwatch_log_group.interceptor.retention_in_days == 30
    error_message = "log retention defaults to 30 days"
  }
  assert {
    condition     = aws_lambda_function.interceptor.runtime == "nodejs22.x" && aws_lambda_function.interceptor.handler == "index.handler"
    error_message = "the bundled interceptor runs on nodejs22.x with index.handler"
  }
}

run "environment_carries_the_pool_clients_and_policy" {
  command = plan

  assert {
    condition     = aws_lambda_function.interceptor.environment[0].variables["IDP_ISSUER"] == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_PoolTeamA"
    error_message = "IDP_ISSUER is the pool's issuer, in the pool id's region"
  }
  assert {
    condition     = aws_lambda_function.interceptor.environment[0].variables["IDP_JWKS_URI"] == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_PoolTeamA/.well-known/jwks.json"
    error_message = "IDP_JWKS_URI is the pool's keys"
  }
  assert {
    condition     = aws_lambda_function.interceptor.environment[0].variables["ALLOWED_CLIENTS"] == "userflowclient1 machineclient2"
    error_message = "ALLOWED_CLIENTS is allowed_clients, space-separated"
  }
  assert {
    condition     = jsondecode(aws_lambda_function.interceptor.environment[0].variables["TOOL_POLICY"]) == jsondecode(var.tool_policy)
    error_message = "TOOL_POLICY is tool_policy"
  }
  assert {
    condition     = aws_lambda_function.interceptor.environment[0].variables["LOG_LEVEL"] == "info" && aws_lambda_function.interceptor.logging_config[0].application_log_level == "INFO"
    error_message = "log level info by default"
  }
  assert {
    condition     = aws_lambda_function.interceptor.environment[0].variables["METRICS_SERVICE"] == "team-a"
    error_message = "the metrics' Service dimension is name"
  }
  assert {
    condition     = tolist(output.interceptor_configuration.interception_points) == tolist(["REQUEST", "RESPONSE"]) && output.interceptor_configuration.input_configuration.pass_request_headers
    error_message = "the gateway calls it at both points and passes the request headers"
  }
  assert {
    condition     = output.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_PoolTeamA"
    error_message = "the issuer output is the one the function verifies against"
  }
}

run "debug_level_and_tags" {
  command = plan

  variables {
    log_level          = "debug"
    log_retention_days = 90
    tags               = { team = "a" }
  }

  assert {
    condition     = aws_lambda_function.interceptor.logging_config[0].application_log_level == "DEBUG" && aws_lambda_function.interceptor.environment[0].variables["LOG_LEVEL"] == "debug"
    error_message = "log_level debug lowers Lambda's application filter to DEBUG"
  }
  assert {
    condition     = aws_cloudwatch_log_group.interceptor.retention_in_days == 90
    error_message = "log_retention_days is the log group's retention"
  }
  assert {
    condition     = aws_lambda_function.interceptor.tags == tomap({ team = "a" }) && aws_iam_role.interceptor.tags == tomap({ team = "a" }) && aws_cloudwatch_log_group.interceptor.tags == tomap({ team = "a" })
    error_message = "tags go on the function, its role and its log group"
  }
}
