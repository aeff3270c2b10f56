/**
 * `terraform.usage: 'module'` on the CDK path: this one config synthesized without provider block and
 * backend, for a root module (or a cdktn app) that adds both and uses it once. Every value is the
 * config's, the region included; replace the example values with yours.
 *
 *   CONFIG=examples/module.config.ts SYNTH_HCL_OUTPUT=true npm run synth   # cdktf.out/stacks/mcp-oauth-module/cdk.tf
 *
 * For a reusable module with per-instance inputs (name, pool, sign-in domain, gateway, …) that needs
 * no Node at all, use the released terraform/modules/facade instead (docs/deploy.md, "Terraform modules").
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
