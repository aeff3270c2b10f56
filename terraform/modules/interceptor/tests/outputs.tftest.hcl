# The outputs a gateway is wired with, after an apply against the mocked provider (nothing is
# created anywhere: mock_provider answers every call). The ARNs are fixed by the mock (the provider
# checks their shape) so that the outputs can be compared with them.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/team-a-interceptor"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/team-a-interceptor"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:111122223333:function:team-a-interceptor"
    }
  }
}

variables {
  name            = "team-a"
  user_pool_id    = "eu-west-1_PoolTeamA"
  allowed_clients = ["userflowclient1"]
  tool_policy     = "{\"default\":\"deny\",\"tools\":{}}"
}

run "gateway_wiring" {
  command = apply

  assert {
    condition     = output.interceptor_configuration.interceptor.lambda.arn == "arn:aws:lambda:eu-west-1:111122223333:function:team-a-interceptor"
    error_message = "interceptor_configuration names this function"
  }
  assert {
    condition     = output.function_arn == output.interceptor_configuration.interceptor.lambda.arn
    error_message = "function_arn and interceptor_configuration agree"
  }
  assert {
    condition = jsondecode(output.invoke_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid      = "InvokeToolPolicyInterceptor"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = ["arn:aws:lambda:eu-west-1:111122223333:function:team-a-interceptor"]
      }]
    }
    error_message = "invoke_policy lets the gateway role invoke this function and nothing else"
  }
}
