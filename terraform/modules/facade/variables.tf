variable "name" {
  description = "Prefix of every physical name (functions, roles, secrets, log groups, API, app client, alarms); unique per instance in an account and region. must be 3–24 lowercase letters, digits or single hyphens, starting with a letter and not ending with a hyphen."
  type        = string
  validation {
    error_message = "name must be 3–24 lowercase letters, digits or single hyphens, starting with a letter and not ending with a hyphen."
    condition     = length(var.name) >= 3 && length(var.name) <= 24 && can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name))
  }
  nullable = false
}

variable "user_pool_id" {
  description = "Id of the existing Cognito user pool (`<region>_<id>`), in the region of the aws provider."
  type        = string
  validation {
    error_message = "user_pool_id must be a user pool id: <region>_<id>, such as the id shown in the Cognito console."
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]_[0-9A-Za-z]+$", var.user_pool_id))
  }
  nullable = false
}

variable "cognito_domain" {
  description = "The pool's sign-in domain: its Cognito prefix (`acme-login`, served at `<prefix>.auth.<region>.amazoncognito.com`; `auth-fips` in AWS GovCloud (US)) or its custom domain (`login.acme.example`, contains a dot). The façade sends users there to sign in."
  type        = string
  validation {
    error_message = "cognito_domain must be the pool's prefix (must be 1–63 lowercase letters, digits or hyphens, not starting or ending with a hyphen, without the reserved words aws, amazon, cognito) or its custom domain (must be a lowercase DNS host name such as mcp.example.com)."
    condition     = strcontains(var.cognito_domain, ".") ? (length(var.cognito_domain) <= 253 && can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z]{2,63}$", var.cognito_domain))) : (can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.cognito_domain)) && !strcontains(var.cognito_domain, "aws") && !strcontains(var.cognito_domain, "amazon") && !strcontains(var.cognito_domain, "cognito"))
  }
  nullable = false
}

variable "managed_login" {
  default     = true
  description = "The domain serves managed login (version 2): the app client gets a default branding style (managed login shows an error page for a client without one). `false` for the classic hosted UI."
  type        = bool
  nullable    = false
}

variable "identity_providers" {
  default = [
    "COGNITO",
  ]
  description = "Sign-in options of the façade's app client (`supported_identity_providers`): `COGNITO` (the pool's own users) and/or provider names of IdPs that exist in the pool (pass the `aws_cognito_identity_provider`'s `provider_name` to order the client after it)."
  type        = list(string)
  validation {
    error_message = "identity_providers must name at least one sign-in option (COGNITO or an IdP of the pool)."
    condition     = length(var.identity_providers) >= 1
  }
  nullable = false
}

variable "scopes" {
  description = "Scopes the façade's app client may request and advertises (`openid`, `email`, `profile`, `<resource-server identifier>/<scope>`); the resource-server scopes must exist in the pool."
  type        = list(string)
  validation {
    error_message = "scopes must list at least one scope."
    condition     = length(var.scopes) >= 1
  }
  validation {
    error_message = "scopes entries must be RFC 6749 scope-tokens (printable ASCII, no spaces, quotes or backslashes)."
    condition     = alltrue([for s in var.scopes : can(regex("^[[:graph:]]+$", s)) && !strcontains(s, "\"") && !strcontains(s, "\\")])
  }
  nullable = false
}

variable "default_scopes" {
  description = "Scopes used when a client asks for none; a subset of `scopes`. Default (null): all of `scopes`."
  type        = list(string)
  nullable    = true
  validation {
    error_message = "default_scopes must be a non-empty subset of scopes."
    condition     = var.default_scopes == null ? true : length(var.default_scopes) >= 1 && length(setsubtract(var.default_scopes, var.scopes)) == 0
  }
  default = null
}

variable "gateway_url" {
  description = "MCP URL of the existing AgentCore Gateway (`https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`). Add `user_flow_client_id` to its allowed_clients."
  type        = string
  validation {
    error_message = "gateway_url must be an https URL (the gateway's MCP endpoint)."
    condition     = startswith(var.gateway_url, "https://")
  }
  nullable = false
}

variable "mcp_mode" {
  default     = "lambda"
  description = "How `/mcp` reaches the gateway (docs/mcp-modes.md): `lambda` (the mcp-proxy function: challenges rewritten, CORS, streaming) or `direct` (API Gateway integrates with the gateway behind a Cognito authorizer; needs a resource-server scope in `scopes`; no browser clients)."
  type        = string
  validation {
    error_message = "mcp_mode must be \"lambda\" or \"direct\"."
    condition     = contains(["lambda", "direct"], var.mcp_mode)
  }
  validation {
    error_message = "mcp_mode \"direct\" needs a resource-server scope (<identifier>/<scope>) in scopes: the API Gateway authorizer checks it."
    condition     = var.mcp_mode != "direct" || anytrue([for s in var.scopes : strcontains(s, "/")])
  }
  nullable = false
}

variable "redirect_allowlist" {
  default = [
  ]
  description = "Exact https or private-use-scheme redirect URIs registrations may use (web clients such as `https://claude.ai/api/mcp/auth_callback`). Loopback redirects need no entry (any port, RFC 8252 §7.3)."
  type        = list(string)
  validation {
    error_message = "redirect_allowlist entries must be https (or a reverse-domain private-use scheme such as com.example.app:/callback, RFC 8252 §7.1) without a fragment (RFC 6749 §3.1.2)."
    condition     = alltrue([for u in var.redirect_allowlist : !strcontains(u, "#") && (startswith(u, "https://") || can(regex("^[a-z][a-z0-9+.-]*[.][a-z0-9+.-]+:", u)))])
  }
  nullable = false
}

variable "cors_allowed_origins" {
  default = [
  ]
  description = "Browser origins allowed to call the façade (`https://app.example.com`); empty or `[\"*\"]`: any."
  type        = list(string)
  validation {
    error_message = "cors_allowed_origins entries must be \"*\" or origins such as https://app.example.com (no path or trailing slash; http only for loopback)."
    condition     = alltrue([for o in var.cors_allowed_origins : o == "*" || can(regex("^(https://[^/]+|http://(localhost|127[.]0[.]0[.]1|\\[::1\\])(:[0-9]+)?)$", o))])
  }
  validation {
    error_message = "cors_allowed_origins: \"*\" must be the only entry."
    condition     = !contains(var.cors_allowed_origins, "*") || length(var.cors_allowed_origins) == 1
  }
  nullable = false
}

variable "consent" {
  default = {
  }
  description = "The consent page: `for_loopback` shows it to loopback (CLI, desktop) clients too (web clients always get it; docs/security.md); `remember_days` is how long an approval is remembered per browser and client (0: ask every time, at most 400)."
  type        = object({ for_loopback = optional(bool, true), remember_days = optional(number, 30) })
  validation {
    error_message = "consent.remember_days must be a whole number of days, 0–400."
    condition     = var.consent.remember_days >= 0 && var.consent.remember_days <= 400 && floor(var.consent.remember_days) == var.consent.remember_days
  }
  nullable = false
}

variable "client_id_metadata_documents" {
  description = "Accept https `client_id` URLs (OAuth Client ID Metadata Documents); the functions then fetch those documents (https, public addresses only)."
  type        = bool
  default     = false
  nullable    = false
}

variable "throttling" {
  default = {
  }
  description = "Stage-wide API Gateway throttling (requests per second, bucket size); the OAuth endpoints keep their own tighter limits."
  type        = object({ rate_limit = optional(number, 50), burst_limit = optional(number, 100) })
  validation {
    error_message = "throttling.rate_limit must be 1–10000 and throttling.burst_limit a whole number 1–5000."
    condition     = var.throttling.rate_limit >= 1 && var.throttling.rate_limit <= 10000 && var.throttling.burst_limit >= 1 && var.throttling.burst_limit <= 5000 && floor(var.throttling.burst_limit) == var.throttling.burst_limit
  }
  nullable = false
}

variable "custom_domain" {
  description = "Serve the façade at `https://<domain_name>` (a regional API Gateway domain, TLS 1.2, the API at the root; the execute-api endpoint is then disabled). `certificate_arn`: ACM, in the module's region. With `hosted_zone_id` an alias record is created; otherwise point DNS at `facade_domain_target`."
  type        = object({ domain_name = string, certificate_arn = string, hosted_zone_id = optional(string) })
  nullable    = true
  validation {
    error_message = "custom_domain.domain_name must be a lowercase DNS host name such as mcp.example.com; custom_domain.certificate_arn must be an ACM certificate ARN."
    condition     = var.custom_domain == null ? true : (can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z]{2,63}$", var.custom_domain.domain_name)) && can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", var.custom_domain.certificate_arn)))
  }
  default = null
}

variable "alarms" {
  description = "CloudWatch alarms (API 5xx rate, Lambda errors and throttles per function, token error rate, proxy upstream 5xx and p99 latency; docs/observability.md), notifying `sns_topic_arn` or a new topic `<name>-alarms` with an `email` subscription. Default (null): none."
  type        = object({ sns_topic_arn = optional(string), email = optional(string), api_5xx_rate_percent = optional(number, 5), token_error_rate_percent = optional(number, 25), proxy_upstream_5xx_rate_percent = optional(number, 5), proxy_p99_latency_ms = optional(number, 10000) })
  nullable    = true
  validation {
    error_message = "alarms must set one of sns_topic_arn, email (not both)."
    condition     = var.alarms == null ? true : (try(var.alarms.sns_topic_arn, null) == null) != (try(var.alarms.email, null) == null)
  }
  validation {
    error_message = "alarms.sns_topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)."
    condition     = var.alarms == null ? true : (var.alarms.sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}([.]fifo)?$", var.alarms.sns_topic_arn)))
  }
  default = null
}

variable "dashboard" {
  description = "A CloudWatch dashboard `<name>-mcp-oauth`: login funnel, consent, token outcomes, proxy latency, per-route latency and errors."
  type        = bool
  default     = false
  nullable    = false
}

variable "log_retention_days" {
  default     = 30
  description = "CloudWatch Logs retention of the functions, in days."
  type        = number
  validation {
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (CloudWatch Logs)."
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
  }
  nullable = false
}

variable "log_level" {
  default     = "info"
  description = "Log level of the functions: debug, info, warn or error."
  type        = string
  validation {
    error_message = "log_level must be one of debug, info, warn, error."
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
  }
  nullable = false
}

variable "enterprise_identity_providers" {
  default = [
  ]
  description = "Enterprise-managed authorization (docs/enterprise-authorization.md): the enterprise IdPs (Okta, Entra ID, …) whose ID-JAGs the façade's `/token` accepts (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`), giving the client a Cognito access token without a browser. Each: `name` (1–20 letters or digits), `issuer` (compared exactly with the ID-JAG's `iss`), `jwks_url`, `clients` (façade client_ids or Client ID Metadata Document URLs that may present its ID-JAGs), `scopes` (resource-server scopes of the pool in full form, `<identifier>/<name>`, an ID-JAG may grant), `federated_as` (the pool IdP, one of `identity_providers`, whose user the assertion names; `claim`: the ID-JAG claim holding that IdP's user id, default `sub`), `max_assertion_age_seconds` (30–3600, default 300). Empty (default): off, nothing is created. On: the bridge function and its `/enterprise/*` routes, the bridge's OIDC identity provider and the `enterprise_assertion` app client in the pool; add `enterprise_assertion_client_id` to the gateway's and the interceptor's allowed clients."
  type        = list(object({ name = string, issuer = string, jwks_url = string, clients = list(string), scopes = list(string), federated_as = optional(object({ provider = string, claim = optional(string, "sub") })), max_assertion_age_seconds = optional(number, 300) }))
  validation {
    error_message = "enterprise_identity_providers may list at most 20 IdPs."
    condition     = length(var.enterprise_identity_providers) <= 20
  }
  validation {
    error_message = "enterprise_identity_providers[*].name must be 1–20 letters or digits."
    condition     = alltrue([for idp in var.enterprise_identity_providers : can(regex("^[A-Za-z0-9]{1,20}$", idp.name))])
  }
  validation {
    error_message = "enterprise_identity_providers[*].issuer must be an https URL without query or fragment, and jwks_url an https URL without fragment."
    condition     = alltrue([for idp in var.enterprise_identity_providers : can(regex("^https://[^/?#@[:space:]]+(/[^?#[:space:]]*)?$", idp.issuer)) && can(regex("^https://[^/?#@[:space:]]+(/[^#[:space:]]*)?$", idp.jwks_url))])
  }
  validation {
    error_message = "enterprise_identity_providers[*].clients must list 1–100 distinct client_ids (a Client ID Metadata Document URL must be https with a path and no fragment)."
    condition     = alltrue([for idp in var.enterprise_identity_providers : length(idp.clients) >= 1 && length(idp.clients) <= 100 && length(distinct(idp.clients)) == length(idp.clients) && alltrue([for c in idp.clients : length(c) >= 1 && length(c) <= 2048 && (!strcontains(c, "://") || can(regex("^https://[^/?#[:space:]]+/[^#[:space:]]+$", c)))])])
  }
  validation {
    error_message = "enterprise_identity_providers[*].scopes must list 1–100 distinct resource-server scopes in full form (<identifier>/<name>, RFC 6749 scope-tokens)."
    condition     = alltrue([for idp in var.enterprise_identity_providers : length(idp.scopes) >= 1 && length(idp.scopes) <= 100 && length(distinct(idp.scopes)) == length(idp.scopes) && alltrue([for s in idp.scopes : can(regex("^[[:graph:]]+$", s)) && !strcontains(s, "\"") && !strcontains(s, "\\") && strcontains(s, "/")])])
  }
  validation {
    error_message = "enterprise_identity_providers[*].federated_as.provider must be one of identity_providers (an IdP of the pool, not COGNITO), and federated_as.claim a claim name (1–64 letters, digits or _.:-)."
    condition     = alltrue([for idp in var.enterprise_identity_providers : idp.federated_as == null ? true : (idp.federated_as.provider != "COGNITO" && contains(var.identity_providers, idp.federated_as.provider) && can(regex("^[A-Za-z0-9_.:-]{1,64}$", idp.federated_as.claim)))])
  }
  validation {
    error_message = "enterprise_identity_providers[*].max_assertion_age_seconds must be a whole number of seconds, 30–3600."
    condition     = alltrue([for idp in var.enterprise_identity_providers : idp.max_assertion_age_seconds >= 30 && idp.max_assertion_age_seconds <= 3600 && floor(idp.max_assertion_age_seconds) == idp.max_assertion_age_seconds])
  }
  validation {
    error_message = "enterprise_identity_providers: names and issuers must be unique."
    condition     = length(distinct(var.enterprise_identity_providers[*].name)) == length(var.enterprise_identity_providers) && length(distinct(var.enterprise_identity_providers[*].issuer)) == length(var.enterprise_identity_providers)
  }
  nullable = false
}

variable "tags" {
  default = {
  }
  description = "Tags for every taggable resource of this instance (merged over any the resource sets)."
  type        = map(string)
  nullable    = false
}

variable "signing_keys" {
  description = "Façade key material: at least 32 random characters (e.g. `openssl rand -base64 48`); each key group gets its own key derived from it. Ephemeral: never in plan or state."
  type        = string
  sensitive   = true
  validation {
    error_message = "signing_keys must be at least 32 characters (functions/lib/crypto/keys.ts)."
    condition     = length(var.signing_keys) >= 32
  }
  nullable  = false
  ephemeral = true
}

variable "signing_keys_version" {
  default     = 1
  description = "Bump to rotate the façade keys: a new key signs, the previous one verifies for facade.keyOverlapDays (default 30 days)"
  type        = number
  nullable    = false
}
