/**
 * Federated sign-in: a new user pool that offers Okta (OIDC), Microsoft Entra ID (SAML), Google and
 * Sign in with Apple next to — here: instead of — local users, machine-to-machine clients, and state
 * in Terraform Cloud.
 *
 * IdP secrets are sensitive Terraform variables, never part of this file:
 *   idp_okta_client_secret, idp_google_client_secret, idp_signinwithapple_private_key
 * Set them in the Terraform Cloud workspace (sensitive) or as TF_VAR_… locally.
 * Register https://acme-mcp-login.auth.eu-central-1.amazoncognito.com/oauth2/idpresponse (and
 * /saml2/idpresponse for SAML) as the redirect/ACS URL at each IdP.
 * With STAGE=<stage> the Terraform Cloud workspace is acme-mcp-<stage>, with its own sensitive
 * variables, and the Cognito domain acme-mcp-login-<stage>, whose /oauth2/idpresponse each IdP
 * must allow too (docs/deploy.md, "Stages").
 */
import { defineConfig } from '../stacks/config/schema';

export default defineConfig({
  name: 'acme-mcp',
  region: 'eu-central-1',
  tags: { team: 'platform', data: 'internal' },
  terraform: {
    backend: { type: 'cloud', organization: 'acme', workspace: 'acme-mcp', project: 'agents' },
  },
  identity: {
    userPool: {
      create: {
        domain: { prefix: 'acme-mcp-login' },
        // Federated users get MFA from their IdP; Cognito users (administrators, break-glass) sign in
        // with a password, so TOTP stays available to them (AWS Foundational Security Best Practices).
        mfa: 'OPTIONAL',
      },
    },
    resourceServer: {
      identifier: 'https://mcp.acme.example',
      name: 'Acme MCP',
      scopes: [
        { name: 'tools.read', description: 'List and call read-only tools' },
        { name: 'tools.write', description: 'Call tools that change data' },
      ],
    },
    allowCognitoUsers: false,
    identityProviders: [
      {
        type: 'oidc',
        name: 'Okta',
        issuer: 'https://acme.okta.com',
        clientId: '0oa1b2c3d4e5f6g7h8i9',
        identifiers: ['acme.example'],
      },
      {
        type: 'saml',
        name: 'EntraID',
        metadataUrl: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/federationmetadata/2007-06/federationmetadata.xml',
        identifiers: ['acme-subsidiary.example'],
      },
      { type: 'google', clientId: '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com' },
      { type: 'apple', clientId: 'com.acme.mcp.signin', teamId: 'A1B2C3D4E5', keyId: 'F6G7H8I9J0' },
    ],
    userFlowClient: {
      accessTokenValidityMinutes: 30,
      refreshTokenValidityDays: 14,
      refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 30 },
    },
    machineClients: [
      { name: 'nightly-reports', scopes: ['tools.read'] },
      { name: 'ticket-sync', scopes: ['tools.read', 'tools.write'], accessTokenValidityMinutes: 15 },
    ],
  },
  gateway: {
    create: {
      searchType: 'SEMANTIC',
      targets: [
        {
          kind: 'lambda',
          name: 'clock',
          function: { entry: 'examples/tools/clock/index.ts' },
          tools: [
            {
              name: 'now',
              description: 'The current date and time in an IANA time zone',
              inputSchema: { type: 'object', properties: { timeZone: { type: 'string' } } },
            },
          ],
        },
      ],
    },
  },
  facade: {
    resourceToIdp: 'resource-server',
    defaultScopes: ['openid', 'email', 'https://mcp.acme.example/tools.read'],
    corsAllowedOrigins: ['https://claude.ai', 'http://localhost:6274'],
    redirectAllowlist: ['https://claude.ai/api/mcp/auth_callback'],
    // API Gateway's CloudWatch Logs role is already set in this account and region (managed by the
    // platform team), so the stage can write access logs from the first apply.
    accessLogs: true,
    logRetentionDays: 90,
  },
});
