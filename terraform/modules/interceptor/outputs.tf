output "function_arn" {
  value       = aws_lambda_function.interceptor.arn
  description = "ARN of the interceptor function."
}

output "function_name" {
  value       = aws_lambda_function.interceptor.function_name
  description = "Name of the interceptor function."
}

output "role_arn" {
  value       = aws_iam_role.interceptor.arn
  description = "ARN of the function's execution role (it may only write its own logs)."
}

output "log_group_name" {
  value       = aws_cloudwatch_log_group.interceptor.name
  description = "The function's log group."
}

output "issuer" {
  value       = local.issuer
  description = "The issuer the interceptor accepts tokens from (the pool's)."
}

output "interceptor_configuration" {
  value = {
    interception_points = [
      "REQUEST",
      "RESPONSE",
    ]
    interceptor = {
      lambda = {
        arn = aws_lambda_function.interceptor.arn
      }
    }
    input_configuration = {
      pass_request_headers = true
    }
  }
  description = "The gateway's interceptor_configuration, block for block: both interception points, this function, and pass_request_headers = true (the interceptor reads the caller's Authorization header). See the README for the block to write."
}

output "invoke_policy" {
  value       = jsonencode({ "Version" = "2012-10-17", "Statement" = [{ "Sid" = "InvokeToolPolicyInterceptor", "Effect" = "Allow", "Action" = ["lambda:InvokeFunction"], "Resource" = [aws_lambda_function.interceptor.arn] }] })
  description = "IAM policy (JSON) the gateway's service role needs to call the interceptor: attach it with aws_iam_role_policy."
}
