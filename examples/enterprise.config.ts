/**
 * Enterprise-managed authorization (docs/enterprise-authorization.md): employees sign in with Okta,
 * interactively through the façade (Cognito federates Okta) or without a browser, when their MCP client
 * presents an ID-JAG that Okta issued for this façade (grant_type jwt-bearer at /token). Both ways end
 * as the same Cognito user (`federatedAs`), so group-based tool policy applies to both.
 *
 * The Okta client secret is the sensitive Terraform variable idp_okta_client_secret (TF_VAR_… locally).
 * Register https://acme-mcp-sso.auth.eu-central-1.amazoncognito.com/oauth2/idpresponse as the redirect
 * URI of the Okta app Cognito signs in with. In Okta, allow the MCP clients listed below to request
 * ID-JAGs for the façade (its `issuer` output is the audience, its `mcp_url` the resource).
 */
import { defineConfig } from '../stacks/config/schema';

export default defineConfig({
  name: 'acme-mcp-sso',
  region: 'eu-central-1',
  tags: { team: 'platform', data: 'internal' },
  identity: {
    userPool: {
      create: {
        domain: { prefix: 'acme-mcp-sso' },
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
    ],
    enterpriseAuthorization: {
      identityProviders: [
        {
          name: 'acme',
          // The Okta org authorization server that issues the ID-JAGs (token exchange).
          issuer: 'https://acme.okta.com',
          jwksUrl: 'https://acme.okta.com/oauth2/v1/keys',
          clients: ['https://claude.ai/oauth/mcp-oauth-client-metadata'],
          scopes: ['https://mcp.acme.example/tools.read'],
          // The ID-JAG's `sub` is the Okta user id, which is also the `sub` Cognito federates Okta by.
          federatedAs: { provider: 'Okta' },
        },
      ],
    },
  },
  gateway: {
    create: {
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
    redirectAllowlist: ['https://claude.ai/api/mcp/auth_callback'],
  },
});
