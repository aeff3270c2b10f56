/**
 * The façade in front of an AgentCore Gateway and a Cognito user pool that already exist (for
 * example, created by the AgentCore starter toolkit). Only the façade is created: its functions,
 * REST API on a custom domain, secrets, and its own app client in the existing pool.
 *
 * After `terraform apply`, add the output `user_flow_client_id` to the gateway's
 * `allowed_clients` (CUSTOM_JWT authorizer); the façade's tokens come from that client.
 *
 * The façade's keys are derived, one per key group, from the ephemeral variable `signing_keys`.
 * Rotation: a new value and a new version; the previous keys keep verifying for
 * `facade.keyOverlapDays` (docs/security.md, "Keys"):
 *   TF_VAR_signing_keys="$(openssl rand -base64 48)" terraform apply -var signing_keys_version=2
 */
import { defineConfig } from '../stacks/config/schema';

export default defineConfig({
  name: 'mcp-facade',
  region: 'eu-west-1',
  identity: {
    userPool: {
      existing: {
        userPoolId: 'eu-west-1_AbCdEf123',
        domain: { prefix: 'acme-agents' },
      },
    },
    userFlowClient: {
      // The scopes your gateway's tokens need; resource-server scopes of the existing pool are
      // written as <identifier>/<scope>.
      scopes: ['openid', 'email', 'profile', 'https://gateway.acme.example/invoke'],
    },
  },
  gateway: {
    existing: { url: 'https://acme-gateway-a1b2c3d4e5.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp' },
  },
  facade: {
    customDomain: {
      domainName: 'mcp.acme.example',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    },
    // Keep RFC 8707 `resource` away from Cognito; set the resource server's identifier instead if
    // your pool expects one.
    resourceToIdp: 'strip',
    redirectAllowlist: ['https://claude.ai/api/mcp/auth_callback'],
    signingKeys: 'variable',
    throttling: { rateLimit: 20, burstLimit: 40 },
  },
});
