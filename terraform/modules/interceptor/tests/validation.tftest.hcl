# Inputs Terraform refuses at plan, each with the message the variable's validation states.

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
  allowed_clients = ["userflowclient1"]
  tool_policy     = "{\"default\":\"deny\",\"tools\":{}}"
}

run "name_with_uppercase" {
  command = plan
  variables {
    name = "Team-A"
  }
  expect_failures = [var.name]
}

run "name_too_long" {
  command = plan
  variables {
    name = "a-name-longer-than-24-chars"
  }
  expect_failures = [var.name]
}

run "user_pool_id_without_region" {
  command = plan
  variables {
    user_pool_id = "PoolTeamA"
  }
  expect_failures = [var.user_pool_id]
}

run "no_allowed_clients" {
  command = plan
  variables {
    allowed_clients = []
  }
  expect_failures = [var.allowed_clients]
}

run "allowed_client_with_a_space" {
  command = plan
  variables {
    allowed_clients = ["two clients"]
  }
  expect_failures = [var.allowed_clients]
}

run "tool_policy_not_json" {
  command = plan
  variables {
    tool_policy = "default: deny"
  }
  expect_failures = [var.tool_policy]
}

run "tool_policy_unknown_key" {
  command = plan
  variables {
    tool_policy = "{\"default\":\"deny\",\"rules\":{}}"
  }
  expect_failures = [var.tool_policy]
}

run "tool_policy_not_an_object" {
  command = plan
  variables {
    tool_policy = "[\"allow\"]"
  }
  expect_failures = [var.tool_policy]
}

run "tool_policy_bad_default" {
  command = plan
  variables {
    tool_policy = "{\"default\":\"maybe\"}"
  }
  expect_failures = [var.tool_policy]
}

run "log_retention_not_allowed_by_cloudwatch" {
  command = plan
  variables {
    log_retention_days = 31
  }
  expect_failures = [var.log_retention_days]
}

run "unknown_log_level" {
  command = plan
  variables {
    log_level = "verbose"
  }
  expect_failures = [var.log_level]
}
