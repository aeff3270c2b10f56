locals {
  issuer = "https://cognito-idp.${element(split("_", var.user_pool_id), 0)}.${data.aws_partition.current.dns_suffix}/${var.user_pool_id}"
}

data "aws_partition" "current" {
}

resource "aws_cloudwatch_log_group" "interceptor" {
  name              = "/aws/lambda/${var.name}-interceptor"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "interceptor" {
  assume_role_policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Effect" = "Allow", "Principal" = { "Service" = "lambda.amazonaws.com" }, "Action" = "sts:AssumeRole" }] })
  description        = "Execution role of ${var.name}-interceptor"
  name               = "${var.name}-interceptor"
  tags               = var.tags
}

resource "aws_iam_role_policy" "interceptor" {
  name   = "least-privilege"
  policy = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "WriteOwnLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = ["${aws_cloudwatch_log_group.interceptor.arn}:log-stream:*"] }] })
  role   = aws_iam_role.interceptor.id
}

resource "aws_lambda_function" "interceptor" {
  architectures = [
    "arm64"
  ]
  description      = "AgentCore Gateway interceptor: tool authorization by scopes and groups (agentcore-mcp-oauth)"
  filename         = "${path.module}/assets/interceptor.zip"
  function_name    = "${var.name}-interceptor"
  handler          = "index.handler"
  memory_size      = 256
  role             = aws_iam_role.interceptor.arn
  runtime          = "nodejs22.x"
  source_code_hash = filebase64sha256("${path.module}/assets/interceptor.zip")
  tags             = var.tags
  timeout          = 10
  environment {
    variables = {
      IDP_ISSUER         = local.issuer
      IDP_JWKS_URI       = "${local.issuer}/.well-known/jwks.json"
      ALLOWED_CLIENTS    = join(" ", var.allowed_clients)
      CLOCK_SKEW_SECONDS = "60"
      JWKS_TIMEOUT_MS    = "3000"
      TOOL_POLICY        = var.tool_policy
      LOG_LEVEL          = var.log_level
      METRICS_NAMESPACE  = var.metrics_namespace
      METRICS_SERVICE    = var.name
    }
  }
  logging_config {
    application_log_level = (var.log_level == "debug") ? "DEBUG" : "INFO"
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.interceptor.name
    system_log_level      = "INFO"
  }
  depends_on = [
    aws_iam_role_policy.interceptor,
    aws_cloudwatch_log_group.interceptor,
  ]
}
