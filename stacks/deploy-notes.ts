/**
 * What a synthesized stack needs from the person deploying it, derived from the stack itself (its
 * Terraform variables and outputs, as Terraform sees them) and the config: the variables to set
 * before `terraform apply` (sensitive and ephemeral ones marked, with how to set them) and the steps
 * after it (the redirect URL to register at each federated IdP, the app client to allow at an
 * existing gateway). Written to `<stackDir>/DEPLOY.md` by synthesize(), summarized by main.ts.
 *
 * Cognito's federation endpoints (Amazon Cognito Developer Guide): OIDC and social IdPs redirect to
 * `https://<user pool domain>/oauth2/idpresponse` ("Using OIDC identity providers with a user pool",
 * "Using social identity providers with a user pool"); a SAML IdP posts to the ACS URL
 * `https://<user pool domain>/saml2/idpresponse` with the audience `urn:amazon:cognito:sp:<user pool
 * id>` ("Things to know about SAML IdPs in Amazon Cognito user pools").
 */
import type { ResolvedConfig } from './config/types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface DeployVariable {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
  /** No default: Terraform asks for it (or fails with TF_INPUT=0). */
  readonly required: boolean;
  readonly default?: unknown;
  /** Masked in plans and outputs (`sensitive = true`). */
  readonly sensitive: boolean;
  /** Kept out of plan and state (`ephemeral = true`): given again on every plan and apply. */
  readonly ephemeral: boolean;
}

export interface AfterApplyStep {
  /** What to do, in one sentence. */
  readonly action: string;
  /** The values the step needs: the output carrying each, and the value when the synth already knows it. */
  readonly values: readonly { readonly label: string; readonly output: string; readonly known?: string; /** An object or list: `terraform output <name>` (no -raw). */ readonly structured?: boolean }[];
}

export interface DeployNotes {
  readonly name: string;
  readonly usage: 'root' | 'module';
  /** Where the variables are set: environment / -var, Terraform Cloud workspace, or the module block. */
  readonly variablesHow: string;
  readonly variables: readonly DeployVariable[];
  readonly afterApply: readonly AfterApplyStep[];
}

/** The notes for a stack: `terraform` is the stack's Terraform JSON (`stack.toTerraform()`). */
export function deployNotes(config: ResolvedConfig, terraform: Json): DeployNotes {
  const variables = Object.entries<Json>(terraform.variable ?? {})
    .map(([name, v]): DeployVariable => ({
      name,
      type: String(v.type ?? 'any'),
      description: v.description,
      required: v.default === undefined,
      default: v.default,
      sensitive: v.sensitive === true,
      ephemeral: v.ephemeral === true,
    }))
    .sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name));
  const outputs: Record<string, Json> = terraform.output ?? {};
  const known = (name: string): string | undefined => {
    const value = outputs[name]?.value;
    return typeof value === 'string' && !value.includes('${') ? value : undefined;
  };
  const hosted = hostedUiPreview(config);
  const idps = config.identity.identityProviders;
  const afterApply: AfterApplyStep[] = [];

  const redirected = idps.filter((i) => i.type !== 'saml').map((i) => i.name);
  if (redirected.length) {
    if (!outputs.idp_redirect_url) throw new Error('the stack has federated IdPs but no idp_redirect_url output');
    afterApply.push({
      action: `Register the redirect (callback) URI at ${list(redirected)}.`,
      values: [{ label: 'redirect URI', output: 'idp_redirect_url', known: known('idp_redirect_url') ?? (hosted && `${hosted}/oauth2/idpresponse`) }],
    });
  }
  for (const idp of idps.filter((i) => i.type === 'saml')) {
    if (!outputs.saml_acs_url || !outputs.saml_entity_id) throw new Error('the stack has a SAML IdP but no saml_acs_url / saml_entity_id output');
    const pool = config.identity.userPool;
    afterApply.push({
      action: `Register the user pool as a service provider at the SAML IdP ${idp.name}.`,
      values: [
        { label: 'ACS URL (SAML 2.0 POST binding)', output: 'saml_acs_url', known: known('saml_acs_url') ?? (hosted && `${hosted}/saml2/idpresponse`) },
        { label: 'SP entity ID (audience)', output: 'saml_entity_id', known: known('saml_entity_id') ?? (pool.kind === 'existing' ? `urn:amazon:cognito:sp:${pool.userPoolId}` : undefined) },
      ],
    });
  }
  if (config.gateway.kind === 'existing') {
    if (!outputs.user_flow_client_id) throw new Error('the stack fronts an existing gateway but has no user_flow_client_id output');
    afterApply.push({
      action: `Add the façade's app client to the allowed_clients of the existing gateway's CUSTOM_JWT authorizer (${config.terraform.usage === 'module' ? 'the gateway at gateway_url' : config.gateway.url}); until then the gateway refuses the façade's tokens.`,
      values: [{ label: 'app client id', output: 'user_flow_client_id' }],
    });
    // Enterprise-managed authorization: the jwt-bearer grant returns the assertion client's tokens.
    if (outputs.enterprise_assertion_client_id) {
      afterApply.push({
        action: 'Add the enterprise assertion app client to the same allowed_clients; until then the gateway refuses the tokens of the jwt-bearer (ID-JAG) grant.',
        values: [{ label: 'app client id', output: 'enterprise_assertion_client_id' }],
      });
    }
  }

  const facadeDomain = config.facade.customDomain;
  if (facadeDomain && !facadeDomain.hostedZoneId && outputs.facade_domain_target) {
    afterApply.push({
      action: `Point DNS for ${facadeDomain.domainName} at the façade's regional domain name (an alias record, or a CNAME to its name).`,
      values: [{ label: 'alias target (name, zone_id)', output: 'facade_domain_target', structured: true }],
    });
  }
  const pool = config.identity.userPool;
  if (pool.kind === 'create' && pool.domain.kind === 'custom' && outputs.cognito_domain_target) {
    afterApply.push({
      action: `Alias ${pool.domain.domainName} to the CloudFront distribution of the Cognito custom domain.`,
      values: [{ label: 'CloudFront domain name', output: 'cognito_domain_target' }],
    });
  }
  if (outputs.consent_portal) {
    afterApply.push({ action: `${outputs.consent_portal.description}.`, values: [{ label: 'create command and ARNs', output: 'consent_portal', structured: true }] });
  }
  if (outputs.oauth_return_urls && /register oauth_return_urls/.test(String(outputs.gateway_workload_identity?.description))) {
    afterApply.push({
      action: "Register every 3-legged OAuth return URL on the gateway's workload identity (allowedResourceOauth2ReturnUrls; docs/three-legged.md, After apply).",
      values: [
        { label: 'return URLs', output: 'oauth_return_urls', structured: true },
        { label: 'workload identity', output: 'gateway_workload_identity', structured: true },
      ],
    });
  }

  const backend = config.terraform.backend;
  const variablesHow =
    config.terraform.usage === 'module'
      ? 'as arguments of the module block that uses this module'
      : backend?.type === 'cloud'
        ? `as Terraform variables of the Terraform Cloud workspace (organization ${backend.organization}), marked Sensitive where noted`
        : 'in the environment as `TF_VAR_<name>` (or `-var <name>=…`) on every plan and apply';
  return { name: config.name, usage: config.terraform.usage, variablesHow, variables, afterApply };
}

/** The hosted UI base URL as far as the config tells it (a created pool's prefix domain needs the provider's region: root usage only). */
function hostedUiPreview(config: ResolvedConfig): string | undefined {
  const pool = config.identity.userPool;
  if (pool.kind === 'existing') return `https://${pool.domainHost}`;
  if (pool.domain.kind === 'custom') return `https://${pool.domain.domainName}`;
  return config.terraform.usage === 'root' ? `https://${pool.domain.prefix}.auth.${config.region}.amazoncognito.com` : undefined;
}

function list(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const flags = (v: DeployVariable) => [v.required ? 'required' : `default ${JSON.stringify(v.default)}`, ...(v.sensitive ? ['sensitive'] : []), ...(v.ephemeral ? ['ephemeral'] : [])];

function outputCommand(notes: DeployNotes, value: AfterApplyStep['values'][number]): string {
  return notes.usage === 'module' ? `module.<name>.${value.output}` : `terraform output ${value.structured ? '' : '-raw '}${value.output}`;
}

/** DEPLOY.md: the variables and the after-apply steps. */
export function deployNotesMarkdown(notes: DeployNotes): string {
  const lines = [`# Deploying ${notes.name}`, '', 'Generated by the synth from this stack and its config; regenerated on every synth.', ''];
  lines.push('## Before `terraform apply`: variables', '');
  if (!notes.variables.length) lines.push('This stack declares no variables.', '');
  else {
    lines.push(`Set them ${notes.variablesHow}.`, '');
    lines.push('| Variable | Type | | Description |', '|---|---|---|---|');
    for (const v of notes.variables) lines.push(`| \`${v.name}\` | ${v.type} | ${flags(v).join(', ')} | ${(v.description ?? '').replace(/\|/g, '\\|')} |`);
    lines.push('');
    if (notes.variables.some((v) => v.sensitive)) lines.push('Sensitive: masked in plans and outputs; never put them in a committed `*.tfvars` file.');
    if (notes.variables.some((v) => v.ephemeral)) lines.push('Ephemeral: kept out of the plan and the state, so every `terraform plan` and `apply` needs them again.');
    const required = notes.variables.filter((v) => v.required);
    if (notes.usage === 'root' && required.length) {
      lines.push('', '```sh', ...required.map((v) => `export TF_VAR_${v.name}=…`), 'terraform apply', '```');
    }
    lines.push('');
  }
  lines.push('## After `terraform apply`', '');
  if (!notes.afterApply.length) lines.push('Nothing to do: `terraform output mcp_url` is the URL for MCP clients.');
  notes.afterApply.forEach((step, i) => {
    lines.push(`${i + 1}. ${step.action}`);
    for (const value of step.values) {
      const command = `\`${outputCommand(notes, value)}\``;
      lines.push(`   - ${value.label}: ${value.known ? `\`${value.known}\` (${command})` : command}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** A few lines for the terminal after a synth. */
export function deployNotesSummary(notes: DeployNotes, file: string): string[] {
  const lines: string[] = [];
  const required = notes.variables.filter((v) => v.required);
  if (required.length) lines.push(`before apply, set ${required.map((v) => `${notes.usage === 'root' ? 'TF_VAR_' : ''}${v.name}${v.sensitive || v.ephemeral ? ` (${[...(v.sensitive ? ['sensitive'] : []), ...(v.ephemeral ? ['ephemeral'] : [])].join(', ')})` : ''}`).join(', ')}`);
  for (const step of notes.afterApply) {
    lines.push(`after apply: ${step.action} ${step.values.map((v) => `${v.label}: ${v.known ?? outputCommand(notes, v)}`).join('; ')}`);
  }
  lines.push(`details: ${file}`);
  return lines;
}
