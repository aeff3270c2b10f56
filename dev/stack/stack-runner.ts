/**
 * Runs a synthesized stack directory on one machine: its own function zips, handlers, environment,
 * timeouts and streaming mode (lambda-process.ts), behind an API Gateway REST emulation built from
 * its Terraform (rest-api-emulator.ts), with local stand-ins for what the Terraform points at: the
 * Cognito user pool (dev/idp.ts, configured from the pool's app clients), the AgentCore gateway
 * (dev/gateway.ts, with the stack's interceptor function when it has one, and its Lambda targets'
 * tools running the targets' zips) and Secrets Manager
 * (secrets-manager.ts, holding the values the stack writes). Every `${…}` of the Terraform is
 * evaluated (local-attributes.ts) and every AWS URL in it mapped to its stand-in (local-endpoints.ts).
 * The pool's OIDC identity providers (`aws_cognito_identity_provider`) are federated into the
 * Cognito stand-in when the caller gives a local OpenID provider for them (`identityProviders`),
 * with the stack's provider details (client id, secret, scopes, attribute mapping) and the local
 * provider's issuer and endpoints; app clients offer the providers their Terraform lists.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { InterceptorHandler } from '../../functions/interceptor';
import { PATHS } from '../../functions/lib/http/routes';
import { createLocalAuthorizer, type LocalAuthorizer } from '../direct-mcp';
import { createGatewayStandIn, type GatewayStandIn } from '../gateway';
import { oidcProviderFromDetails } from '../cognito-federation';
import { createLocalIdp, DEMO_USERS, type FederatedOidcProvider, type LocalIdp } from '../idp';
import { createIdentityStandIn, type IdentityStandIn } from '../identity';
import { createThirdPartyService, THIRD_PARTY_SCOPE, thirdPartyEndpoints, type ThirdPartyService } from '../third-party';
import { enterpriseIdpMappings, enterpriseIdpsOf, type LocalEnterpriseIdp, type StackEnterpriseIdp } from './enterprise-idps';
import { lambdaTargetTools } from './gateway-targets';
import { LocalLambda } from './lambda-process';
import { mapUrls, unmappedAwsUrls, type UrlMapping } from './local-endpoints';
import { createRestApiListener, type GatewayResponseType } from './rest-api-emulator';
import { createLocalSecretsManager, type LocalSecretsManager } from './secrets-manager';
import { readStack, type StackIdentityProvider, type StackModel } from './terraform-reader';

export interface StackRunOptions {
  /** The synthesized stack directory (cdk.tf.json + assets/). */
  readonly stackDir: string;
  /** The API's port; 0 picks a free one. Default 8787. */
  readonly port?: number;
  /** Host name in the URLs: `localhost` (default) or `127.0.0.1`. */
  readonly publicHost?: string;
  /**
   * `stage`: the execute-api shape, everything under `/<stage>`. `root`: the stack's custom domain,
   * under its base path mapping's path (the root when it has none). Default: `root` when the stack
   * maps a custom domain, else `stage`.
   */
  readonly pathShape?: 'stage' | 'root';
  /** Values for the stack's input variables. */
  readonly variables?: Record<string, unknown>;
  /** Each line a function logs. Default: none. */
  readonly onLog?: (functionName: string, line: string) => void;
  /** Each answer API Gateway gives itself (a gateway response). */
  readonly onGatewayResponse?: (type: GatewayResponseType, detail: string) => void;
  /**
   * Local OpenID providers standing in for the stack's OIDC identity providers, by provider name,
   * given the Cognito stand-in's redirect URI (`/oauth2/idpresponse`, to register there) and the
   * stack's providers. Providers without one are not offered locally. Default: none.
   */
  readonly identityProviders?: (at: { readonly callbackUrl: string; readonly providers: readonly StackIdentityProvider[] }) => Promise<Readonly<Record<string, LocalOidcProvider>>>;
  /**
   * Local OpenID providers standing in for the enterprise IdPs whose ID-JAGs the token function accepts
   * (`ENTERPRISE_IDPS`), by enterprise IdP name, given the stack's (called after `identityProviders`):
   * their issuer and JWKS URL in the functions' environment become the local provider's. Without one
   * an enterprise IdP keeps its URLs, which nothing local answers. Default: none.
   */
  readonly enterpriseIdps?: (at: { readonly idps: readonly StackEnterpriseIdp[] }) => Promise<Readonly<Record<string, LocalEnterpriseIdp>>>;
}

/** Where a local OpenID provider is: its issuer and endpoints (e.g. dev/enterprise-idp.ts). */
export interface LocalOidcProvider {
  readonly issuer: string;
  readonly endpoints: { readonly authorization: string; readonly token: string; readonly userinfo: string; readonly jwks: string };
}

export interface StackRun {
  readonly model: StackModel;
  readonly baseUrl: string;
  readonly mcpUrl: string;
  readonly idp: LocalIdp;
  readonly gateway?: GatewayStandIn;
  /** With a 3-legged target: the AgentCore Identity stand-in and the third party (GitHub-like) behind it. */
  readonly identity?: IdentityStandIn;
  readonly thirdParty?: ThirdPartyService;
  readonly secretsManager: LocalSecretsManager;
  /** The local functions by function name. */
  readonly functions: ReadonlyMap<string, LocalLambda>;
  /** The environment each function runs with (the Terraform's variables, mapped to the stand-ins), by function name. */
  readonly environments: ReadonlyMap<string, Readonly<Record<string, string>>>;
  close(): Promise<void>;
}

export class StackRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackRunError';
  }
}

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    Promise.resolve(listener(req, res)).catch(() => {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal server error' }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** A client secret for the third party's OAuth app (the credential provider's, written only to the stand-ins). */
function alphanumericSecret(): string {
  return randomBytes(24).toString('base64url');
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export async function runStack(options: StackRunOptions): Promise<StackRun> {
  const model = readStack(path.resolve(options.stackDir), { variables: options.variables });
  const { region, api } = model;
  const host = options.publicHost ?? 'localhost';
  const pool = model.userPools[0];
  if (!pool || model.userPools.length > 1) {
    throw new StackRunError(`the local run stands in for one Cognito user pool created by the stack; ${model.dir} has ${model.userPools.length}`);
  }
  // The app clients with a secret: the façade's (its callback is the façade's /callback), further
  // code-flow clients (e.g. the enterprise assertion client) and machine clients (client_credentials).
  const confidential = model.userPoolClients.filter((c) => c.clientSecret !== undefined);
  const facadeClients = confidential.filter((c) => c.callbackUrls.some((u) => u.endsWith(PATHS.callback)));
  if (facadeClients.length !== 1) {
    throw new StackRunError(`the local run expects one app client with a secret whose callback is the façade's ${PATHS.callback}; the stack has ${facadeClients.length}`);
  }
  const userFlowClient = facadeClients[0]!;
  const otherCodeClients = confidential.filter((c) => c !== userFlowClient && !c.allowedFlows.includes('client_credentials') && c.callbackUrls.length > 0);
  const machineClients = confidential.filter((c) => c.allowedFlows.includes('client_credentials'));

  const servers: Server[] = [];
  const functions = new Map<string, LocalLambda>();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-run-'));
  const stop = async () => {
    await Promise.all([...functions.values()].map((f) => f.close()));
    await Promise.all(servers.map(closeServer));
    fs.rmSync(workDir, { recursive: true, force: true });
  };

  try {
    let apiListener: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
    const apiServer = await listen((req, res) => {
      if (apiListener) return apiListener(req, res);
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end(JSON.stringify({ message: 'the local stack is starting' }));
      return undefined;
    }, options.port ?? 8787);
    servers.push(apiServer);
    const origin = `http://${host}:${portOf(apiServer)}`;
    const domain = api.customDomains[0];
    const shape = options.pathShape ?? (domain ? 'root' : 'stage');
    const basePath = shape === 'stage' ? `/${api.stageName}` : domain?.basePath ? `/${domain.basePath}` : '';
    const baseUrl = `${origin}${basePath}`;

    let idp: LocalIdp | undefined;
    const idpServer = await listen((req, res) => idp!.listener(req, res), 0);
    servers.push(idpServer);
    const idpOrigin = `http://127.0.0.1:${portOf(idpServer)}`;
    let gateway: GatewayStandIn | undefined;
    const gatewayServer = await listen((req, res) => gateway!.listener(req, res), 0);
    servers.push(gatewayServer);
    const secretsManager = createLocalSecretsManager({ region, secrets: model.secrets });
    const secretsServer = await listen(secretsManager.listener, 0);
    servers.push(secretsServer);

    // execute-api in the stage shape; with a custom domain's root mapping the stage prefix goes away.
    const executeApi = `https://${api.apiId}.execute-api.${region}.amazonaws.com`;
    const mappings: UrlMapping[] = [
      { from: `${executeApi}/${api.stageName}`, to: baseUrl },
      { from: executeApi, to: origin },
      ...api.customDomains.map((d) => ({ from: `https://${d.domainName}${d.basePath ? `/${d.basePath}` : ''}`, to: baseUrl })),
    ];
    for (const g of model.gateways) mappings.push({ from: g.url, to: `http://127.0.0.1:${portOf(gatewayServer)}/mcp` });
    const mapUrl = (value: string) => mapUrls(value, mappings);

    const scopes = model.resourceServerScopes;
    const identifier = scopes[0]?.slice(0, scopes[0].lastIndexOf('/')) ?? 'urn:local:resource-server';
    const publicClients = model.userPoolClients.filter((c) => c.clientSecret === undefined && c.callbackUrls.length > 0);
    const identityProviders = await localIdentityProviders(model.identityProviders, `${idpOrigin}/oauth2/idpresponse`, options.identityProviders, mapUrl);
    // Cognito: no supported identity provider means nobody signs in; an empty list is read as "unset" here.
    const supportedBy = (c: { supportedIdentityProviders: readonly string[] }) => (c.supportedIdentityProviders.length ? c.supportedIdentityProviders : undefined);
    idp = await createLocalIdp({
      issuer: idpOrigin,
      clientId: userFlowClient.id,
      clientSecret: userFlowClient.clientSecret!,
      redirectUri: mapUrl(userFlowClient.callbackUrls[0] ?? ''),
      resourceScopes: scopes,
      resourceIndicator: identifier,
      users: DEMO_USERS,
      publicClients: publicClients.map((c) => ({ clientId: c.id, redirectUri: mapUrl(c.callbackUrls[0]!), scopes: c.allowedScopes, supportedIdentityProviders: supportedBy(c) })),
      identityProviders,
      supportedIdentityProviders: supportedBy(userFlowClient),
      // The admin API answers for the stack's pool, signed for its region.
      userPoolId: pool.id,
      region,
      confidentialClients: otherCodeClients.map((c) => ({
        clientId: c.id, clientSecret: c.clientSecret!, redirectUri: mapUrl(c.callbackUrls[0]!), scopes: c.allowedScopes, supportedIdentityProviders: supportedBy(c),
      })),
      machineClients: machineClients.map((c) => ({ clientId: c.id, clientSecret: c.clientSecret!, scopes: c.allowedScopes })),
    });
    // Cognito's issuer and its documents, and the user pool domain's OAuth endpoints.
    mappings.push(
      { from: `${pool.issuer}/.well-known/jwks.json`, to: idp.endpoints.jwks },
      { from: `${pool.issuer}/.well-known/openid-configuration`, to: idp.discoveryUrl },
      { from: pool.issuer, to: idp.issuer },
    );
    if (pool.domain) {
      const domain = pool.domain.includes('.') ? `https://${pool.domain}` : `https://${pool.domain}.auth.${region}.amazoncognito.com`;
      mappings.push(
        { from: `${domain}/oauth2/authorize`, to: idp.endpoints.authorization },
        { from: `${domain}/oauth2/token`, to: idp.endpoints.token },
        { from: `${domain}/oauth2/revoke`, to: idp.endpoints.revocation },
        { from: `${domain}/oauth2/userInfo`, to: idp.endpoints.userinfo },
      );
    }
    // The enterprise IdPs' issuers and JWKS (ENTERPRISE_IDPS) to their local stand-ins.
    if (options.enterpriseIdps) {
      try {
        const idps = enterpriseIdpsOf(model);
        if (idps.length) mappings.push(...enterpriseIdpMappings(idps, await options.enterpriseIdps({ idps })));
      } catch (error) {
        throw new StackRunError(`enterpriseIdps: ${(error as Error).message}`);
      }
    }
    if (idp.issuer !== idpOrigin) throw new StackRunError(`the IdP stand-in's issuer ${idp.issuer} is not ${idpOrigin}`);

    // Each function's environment: the Terraform's variables with AWS URLs mapped to the stand-ins.
    const environments = new Map<string, Record<string, string>>();
    const problems: string[] = [];
    for (const fn of model.functions) {
      const env = Object.fromEntries(Object.entries(fn.environment).map(([k, v]) => [k, mapUrl(v)]));
      for (const [k, v] of Object.entries(env)) for (const url of unmappedAwsUrls(v)) problems.push(`${fn.functionName} ${k}: no local stand-in for ${url}`);
      environments.set(fn.functionName, env);
    }
    if (problems.length) throw new StackRunError(`the local run cannot serve every URL the stack sets:\n  ${problems.join('\n  ')}`);

    // A 3-legged target: AgentCore Identity (the return route's SDK client reaches it through
    // AWS_ENDPOINT_URL_BEDROCK_AGENTCORE) and a GitHub-like third party with its own scope.
    const threeLegged = model.gateways[0]?.threeLeggedTargets[0];
    let identity: IdentityStandIn | undefined;
    let thirdParty: ThirdPartyService | undefined;
    if (threeLegged) {
      const identityServer = await listen((req, res) => identity!.listener(req, res), 0);
      const thirdPartyServer = await listen((req, res) => thirdParty!.listener(req, res), 0);
      servers.push(identityServer, thirdPartyServer);
      const thirdPartyIssuer = `http://127.0.0.1:${portOf(thirdPartyServer)}`;
      const thirdPartySecret = alphanumericSecret();
      identity = createIdentityStandIn({
        url: `http://127.0.0.1:${portOf(identityServer)}`,
        region,
        provider: {
          name: threeLegged.providerName, clientId: threeLegged.clientId, clientSecret: thirdPartySecret,
          authorizationEndpoint: thirdPartyEndpoints(thirdPartyIssuer).authorization, tokenEndpoint: thirdPartyEndpoints(thirdPartyIssuer).token,
          scopes: [THIRD_PARTY_SCOPE],
        },
        allowedReturnUrls: [mapUrl(threeLegged.defaultReturnUrl)],
      });
      thirdParty = await createThirdPartyService({
        issuer: thirdPartyIssuer, clientId: threeLegged.clientId, clientSecret: thirdPartySecret, redirectUri: identity.callbackUrl,
      });
    }

    const platformEnvironment = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      // Credentials of the execution role, as Lambda provides them; the local endpoints check their scope, not their value.
      AWS_ACCESS_KEY_ID: 'ASIALOCALSTACKRUN000',
      AWS_SECRET_ACCESS_KEY: 'local-stack-run-secret-access-key',
      AWS_SESSION_TOKEN: 'local-stack-run-session-token',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${portOf(secretsServer)}`,
      // The Cognito admin API (AdminLinkProviderForUser, ...): the SDK's service-specific endpoint variable.
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: idp.adminEndpoint,
      ...(identity ? { AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: identity.endpoint } : {}),
    };
    for (const fn of model.functions) {
      functions.set(fn.functionName, new LocalLambda({
        fn, environment: environments.get(fn.functionName)!, platformEnvironment, workDir, onLog: options.onLog,
      }));
    }
    const byArn = new Map(model.functions.map((fn) => [fn.arn, functions.get(fn.functionName)!]));

    const stackGateway = model.gateways[0];
    if (stackGateway) {
      const interceptorFn = stackGateway.interceptorArn ? byArn.get(stackGateway.interceptorArn) : undefined;
      if (stackGateway.interceptorArn && !interceptorFn) throw new StackRunError(`the gateway's interceptor ${stackGateway.interceptorArn} is not a function of the stack`);
      const interceptor: InterceptorHandler | undefined = interceptorFn
        ? (async (event) => {
          const outcome = await interceptorFn.invoke(event);
          if (outcome.kind !== 'result') throw new Error(`interceptor ${interceptorFn.functionName} failed: ${outcome.kind === 'error' ? outcome.errorMessage : outcome.kind}`);
          return outcome.result as Awaited<ReturnType<InterceptorHandler>>;
        })
        : undefined;
      gateway = await createGatewayStandIn({
        url: `http://127.0.0.1:${portOf(gatewayServer)}`,
        discoveryUrl: mapUrl(stackGateway.discoveryUrl ?? `${pool.issuer}/.well-known/openid-configuration`),
        allowedClients: stackGateway.allowedClients,
        interceptor,
        tools: lambdaTargetTools(stackGateway, (arn) => byArn.get(arn)),
        ...(identity && thirdParty && threeLegged
          ? { oauthTarget: { identity, defaultReturnUrl: mapUrl(threeLegged.defaultReturnUrl), apiUrl: thirdParty.endpoints.api } }
          : {}),
      });
    }

    const authorizers = new Map<string, LocalAuthorizer>();
    apiListener = createRestApiListener({
      api,
      basePath,
      lambdaOf: (arn) => byArn.get(arn),
      authorizerOf: (authorizer, methodScopes) => {
        const key = `${authorizer.providerArns.join(',')} ${methodScopes.join(' ')}`;
        let found = authorizers.get(key);
        if (!found) {
          if (authorizer.type !== 'COGNITO_USER_POOLS' || !authorizer.providerArns.includes(pool.arn)) {
            throw new StackRunError(`authorizer ${authorizer.type} for ${authorizer.providerArns.join(', ')} is not the stack's user pool`);
          }
          found = createLocalAuthorizer({ issuer: idp!.issuer, jwksUri: idp!.endpoints.jwks, authorizationScopes: methodScopes });
          authorizers.set(key, found);
        }
        return found;
      },
      mapUrl,
      onGatewayResponse: options.onGatewayResponse,
    });

    return {
      model, baseUrl, mcpUrl: `${baseUrl}/mcp`, idp, gateway, identity, thirdParty, secretsManager, functions, environments,
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The provider_details keys that are URLs of the provider. */
const PROVIDER_URL_KEYS = ['oidc_issuer', 'authorize_url', 'token_url', 'attributes_url', 'jwks_uri'] as const;

/**
 * The stack's OIDC providers as the Cognito stand-in takes them: those with a local counterpart (the
 * Terraform's client id, secret, scopes, request method and attribute mapping; the local issuer and
 * endpoints, which Cognito would discover from `oidc_issuer`), and those the stack serves itself
 * (every URL of theirs is one of the stack's API URLs, e.g. the façade's enterprise bridge), with
 * their URLs mapped to the local API.
 */
async function localIdentityProviders(
  providers: readonly StackIdentityProvider[], callbackUrl: string, local: StackRunOptions['identityProviders'], mapUrl: (url: string) => string,
): Promise<FederatedOidcProvider[]> {
  const counterparts = local && providers.length ? await local({ callbackUrl, providers }) : {};
  return providers.flatMap((p) => {
    const counterpart = counterparts[p.providerName];
    if (!counterpart) {
      const details = p.providerType === 'OIDC' ? p.details : undefined;
      const servedByStack = details && PROVIDER_URL_KEYS.every((k) => details[k] && mapUrl(details[k]!) !== details[k]);
      if (!servedByStack) return [];
      return [oidcProviderFromDetails(p.providerName, { ...details, ...Object.fromEntries(PROVIDER_URL_KEYS.map((k) => [k, mapUrl(details[k]!)])) }, p.attributeMapping)];
    }
    if (p.providerType !== 'OIDC') throw new StackRunError(`${p.address}: the Cognito stand-in federates OIDC providers only, not ${p.providerType}`);
    if (!p.details) throw new StackRunError(`${p.address}: provider_details cannot be evaluated: ${p.detailsError}`);
    return [oidcProviderFromDetails(p.providerName, {
      ...p.details,
      oidc_issuer: counterpart.issuer,
      authorize_url: counterpart.endpoints.authorization,
      token_url: counterpart.endpoints.token,
      attributes_url: counterpart.endpoints.userinfo,
      jwks_uri: counterpart.endpoints.jwks,
    }, p.attributeMapping)];
  });
}
