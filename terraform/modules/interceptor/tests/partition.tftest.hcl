# The issuer's DNS suffix comes from the partition the provider is configured for (China here).

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws-cn"
      dns_suffix = "amazonaws.com.cn"
    }
  }
}

variables {
  name            = "team-cn"
  user_pool_id    = "cn-north-1_PoolChina"
  allowed_clients = ["userflowclient1"]
  tool_policy     = "{\"tools\":{\"*\":\"allow\"}}"
}

run "china_issuer" {
  command = plan

  assert {
    condition     = aws_lambda_function.interceptor.environment[0].variables["IDP_ISSUER"] == "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_PoolChina"
    error_message = "the issuer uses the partition's DNS suffix"
  }
}
