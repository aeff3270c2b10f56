/**
 * The façade as a Terraform module (no provider, no backend) for examples/module-root, a root module
 * that adds its own provider, backend and inputs and instantiates it twice. The values here are the
 * defaults of the module's per-instance variables (name_prefix, user_pool_id, gateway_url, …).
 *
 *   npm run build:module                     # writes terraform-module/ (docs/deploy.md)
 *   cd examples/module-root && terraform init && terraform plan
 */
import { defineConfig } from '../stacks/config/schema';

export default defineConfig({
  name: 'mcp-oauth-module',
  region: 'eu-west-1',
  terraform: { usage: 'module' },
  identity: {
    userPool: { existing: { userPoolId: 'eu-west-1_AbCdEf123', domain: { customDomain: 'login.acme.example' } } },
  },
  gateway: {
    existing: { url: 'https://acme-gateway-a1b2c3d4e5.gateway.bedrock-agentcore.eu-west-1.amazonaws.com/mcp' },
  },
  facade: {
    signingKeys: 'variable',
  },
});
