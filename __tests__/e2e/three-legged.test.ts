/**
 * End to end: 3-legged OAuth for an OAuth-protected gateway target through the local system
 * (docs/three-legged-local.md). The real MCP SDK client calls `github___whoami` through the façade;
 * the gateway stand-in answers the URL elicitation (-32042) with the AgentCore Identity stand-in's
 * authorization URL; the user's browser follows it (third-party login and consent), comes back to
 * the façade's return route with `session_id`, is re-authenticated at the local Cognito stand-in by
 * single sign-on, and the return route completes the session with the real AWS SDK client
 * (`CompleteResourceTokenAuth`) only when the browser user is the user who made the call
 * (agentcore-gateway.md, "3-legged OAuth ..."; issue 5: a forwarded link must never bind one
 * person's third-party account to another person).
 */
import { randomBytes } from 'node:crypto';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { startLocalSystem, type LocalSystem } from '../../dev/system';
import { parseKeyring } from '../../functions/lib/crypto/keys';
import { setLogSink } from '../../functions/lib/observability/log';
import { CREDENTIAL_PROVIDER_META, RETURN_REF_TTL_SECONDS, sealReturnRef } from '../../functions/lib/oauth/return-ref';
import type { BrowserResult } from '../helpers/browser';
import { connectAs, type LoggedIn } from '../helpers/login';

const REDIRECT = 'http://127.0.0.1:43131/callback';
const DEMO = { username: 'demo', password: 'demo-password' };
const ADMIN = { username: 'admin', password: 'admin-password' };
const OCTOCAT = { username: 'octocat', password: 'octocat-password' };
const HUBOT = { username: 'hubot', password: 'hubot-password' };
/** The test owns the return-reference key, so it can seal a reference that has expired. */
const RETURN_KEY_VAR = `E2E_THREE_LEGGED_RETURN_KEY_${randomBytes(4).toString('hex')}`;

describe.each(['', '/prod'])('3-legged OAuth round trip (base path "%s")', (basePath) => {
  let system: LocalSystem;
  let demo: LoggedIn;
  let admin: LoggedIn;
  let restoreLogs: () => void;
  let logLines: string[];
  /** Every return URL the browsers saw (they carry sealed references): none may reach the logs. */
  let returnUrls: string[];

  // Each test gets its own system, users and third-party accounts: no test relies on what another
  // bound, completed or logged (the suite runs with --randomize).
  beforeEach(async () => {
    logLines = [];
    returnUrls = [];
    process.env[RETURN_KEY_VAR] = randomBytes(32).toString('base64url');
    restoreLogs = setLogSink((line) => logLines.push(line));
    system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', basePath, env: { RETURN_KEYS: `env:${RETURN_KEY_VAR}` } });
    demo = await connectAs(system, DEMO, REDIRECT);
    admin = await connectAs(system, ADMIN, REDIRECT);
  });
  afterEach(async () => {
    await demo?.client.close();
    await admin?.client.close();
    await system?.close();
    restoreLogs();
    delete process.env[RETURN_KEY_VAR];
  });

  function returnRoute(): string {
    return `${system.baseUrl}/oauth/return`;
  }

  interface Elicited {
    readonly url: string;
    readonly sessionUri: string;
  }

  /** Calls github___whoami and expects the URL elicitation; `meta` is the call's credential-provider override. */
  async function elicit(user: LoggedIn, meta?: Record<string, unknown>): Promise<Elicited> {
    const error = await user.client.callTool({
      name: 'github___whoami', arguments: {}, ...(meta ? { _meta: { [CREDENTIAL_PROVIDER_META]: { oauthCredentialProvider: meta } } } : {}),
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UrlElicitationRequiredError);
    const elicitations = (error as UrlElicitationRequiredError).elicitations;
    expect(elicitations).toHaveLength(1);
    expect(elicitations[0]).toMatchObject({ mode: 'url', elicitationId: expect.any(String), message: expect.any(String) });
    const url = elicitations[0]!.url;
    expect(url.startsWith(`${system.identity!.endpoint}/identities/oauth2/authorize?`)).toBe(true);
    return { url, sessionUri: new URL(url).searchParams.get('request_uri')! };
  }

  async function whoami(user: LoggedIn): Promise<{ user: string; github: { login: string } }> {
    const result = await user.client.callTool({ name: 'github___whoami', arguments: {} });
    return JSON.parse((result as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join(''));
  }

  /** The outcomes of every CompleteResourceTokenAuth call the Identity stand-in got for this session. */
  function completions(sessionUri: string): string[] {
    return system.identity!.completions.filter((c) => c.sessionUri === sessionUri).map((c) => c.outcome);
  }

  /** The hop where the Identity stand-in sent the browser to the return URL. */
  function returnUrlOf(result: BrowserResult): string {
    const hop = result.hops.find((h) => h.url.startsWith(`${returnRoute()}?ref=`));
    expect(hop).toBeDefined();
    returnUrls.push(hop!.url);
    return hop!.url;
  }

  /** A short page that says what happened: a heading and a sentence, no script. */
  function expectClearPage(result: BrowserResult, status: number): string {
    expect(result.finalPage).toBeDefined();
    expect(result.finalPage!.status).toBe(status);
    const body = result.finalPage!.body!;
    expect(body).toMatch(/<h1>[^<]+<\/h1><p>[^<]{20,}<\/p>/);
    expect(body).not.toContain('<script');
    return body;
  }

  test('on the wire: the -32042 URL elicitation passes through the façade intact', async () => {
    const res = await fetch(system.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${demo.oauth.tokens()!.access_token}`, 'content-type': 'application/json',
        accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'github___whoami', arguments: {} } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0', id: 9,
      error: {
        code: -32042,
        message: 'Authorization required for target github',
        data: {
          elicitations: [{
            mode: 'url', elicitationId: expect.stringMatching(/^[0-9a-f-]{36}$/), message: expect.any(String),
            url: expect.stringMatching(new RegExp(`^${system.identity!.endpoint}/identities/oauth2/authorize\\?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A`)),
          }],
        },
      },
    });
  });

  test('demo consents once: third-party login and consent, re-authentication by SSO, completion; the retried call succeeds; a replayed link is refused', async () => {
    const { url, sessionUri } = await elicit(demo);
    const result = await demo.userBrowser.browse(url, { login: OCTOCAT, consent: 'allow' });

    // Identity → third-party login form → consent page → Identity callback → façade return route.
    const thirdParty = result.hops.filter((h) => h.url.startsWith(system.thirdParty!.issuer) && h.status === 200);
    expect(thirdParty.map((h) => (h.body!.includes('name="password"') ? 'login' : h.body!.includes('name="decision"') ? 'consent' : 'other'))).toEqual(['login', 'consent']);
    const back = returnUrlOf(result);
    expect(back.endsWith(`&session_id=${encodeURIComponent(sessionUri)}`)).toBe(true);
    // The reference is sealed: neither the JWT nor its claims travel in the clear.
    const accessToken = demo.oauth.tokens()!.access_token;
    for (const part of accessToken.split('.')) expect(back).not.toContain(part);

    // The return route re-authenticated the browser at the IdP without a login form (single sign-on),
    // with the public return client and exactly its redirect URI.
    const afterReturn = result.hops.slice(result.hops.findIndex((h) => h.url === back));
    const atIdp = afterReturn.filter((h) => h.url.startsWith(system.idp!.issuer));
    expect(atIdp.length).toBeGreaterThan(0);
    expect(atIdp.every((h) => h.status >= 300 && h.status < 400)).toBe(true);
    const reauth = new URL(afterReturn[0]!.location!);
    expect(reauth.searchParams.get('client_id')).toBe('local-return-client');
    expect(reauth.searchParams.get('redirect_uri')).toBe(returnRoute());
    expect(reauth.searchParams.get('code_challenge_method')).toBe('S256');

    expect(expectClearPage(result, 200)).toContain('Account connected');
    expect(completions(sessionUri)).toEqual(['completed']);
    expect(system.identity!.hasToken('demo')).toBe(true);

    // The retried call goes through with demo's own third-party account.
    expect(await whoami(demo)).toEqual({ user: 'demo', github: { login: 'octocat', id: 583231, name: 'The Octocat' } });

    // The same return link again: the façade re-authenticates, the service refuses the spent session.
    const replay = await demo.userBrowser.browse(back);
    expect(expectClearPage(replay, 403)).not.toContain('Account connected');
    expect(completions(sessionUri)).toEqual(['completed', 'AccessDeniedException']);
    expect((await whoami(demo)).github.login).toBe('octocat');
  });

  test('a forwarded link: demo\'s browser opens admin\'s link, the return route refuses, nothing is bound; admin then completes his own', async () => {
    const forwarded = await elicit(admin);
    // Demo is signed in at the IdP (as demo) and uses demo's own third-party account.
    const result = await demo.userBrowser.browse(forwarded.url, { login: OCTOCAT, consent: 'allow' });
    returnUrlOf(result);
    expect(expectClearPage(result, 403)).not.toContain('Account connected');
    // The façade never asked the service to complete: the session is not bound to anyone.
    expect(completions(forwarded.sessionUri)).toEqual([]);
    expect(system.identity!.hasToken('admin')).toBe(false);

    // Admin's retried call is asked for consent again, with a new session.
    const own = await elicit(admin);
    expect(own.sessionUri).not.toBe(forwarded.sessionUri);

    // Control: admin's own browser completes his own link, with his own third-party account.
    const completed = await admin.userBrowser.browse(own.url, { login: HUBOT, consent: 'allow' });
    returnUrlOf(completed);
    expect(expectClearPage(completed, 200)).toContain('Account connected');
    expect(completions(own.sessionUri)).toEqual(['completed']);
    expect(await whoami(admin)).toEqual({ user: 'admin', github: { login: 'hubot', id: 480938, name: 'Hubot' } });
  });

  test('session_id is not bound to ref: a spliced link (own ref, another user\'s consented session) is refused by the service\'s exact-JWT check', async () => {
    // Admin consents, but has not come back yet: his session is pending completion.
    const victim = await elicit(admin, { forceAuthentication: true });
    const adminBack = await admin.userBrowser.browse(victim.url, { stopAt: returnRoute(), login: HUBOT, consent: 'allow' });
    const adminReturn = adminBack.clientRedirect!;
    returnUrls.push(adminReturn.toString());
    // Demo takes a return link of his own and swaps in admin's session_id.
    const own = await elicit(demo, { forceAuthentication: true });
    const demoBack = await demo.userBrowser.browse(own.url, { stopAt: returnRoute(), login: OCTOCAT, consent: 'allow' });
    const spliced = new URL(demoBack.clientRedirect!);
    returnUrls.push(spliced.toString());
    spliced.searchParams.set('session_id', victim.sessionUri);
    const result = await demo.userBrowser.browse(spliced);
    expect(expectClearPage(result, 403)).not.toContain('Account connected');
    // The façade did ask (its checks pass: the browser user is the ref's user); AgentCore refused,
    // because the session was opened for admin's exact JWT (docs/security.md, "What the façade relies on").
    expect(completions(victim.sessionUri)).toEqual(['AccessDeniedException']);
    // Control: admin's own return link still completes his session.
    const ok = await admin.userBrowser.browse(adminReturn);
    expect(expectClearPage(ok, 200)).toContain('Account connected');
    expect(completions(victim.sessionUri)).toEqual(['AccessDeniedException', 'completed']);
    expect((await whoami(admin)).github.login).toBe('hubot');
  });

  test('garbled, expired or incomplete return links are refused before anything is completed; the genuine one works', async () => {
    // forceAuthentication starts a new consent even though demo may be connected already; a
    // client-chosen return URL is replaced by the façade's.
    const { url, sessionUri } = await elicit(demo, { forceAuthentication: true, returnUrl: 'https://attacker.example/collect' });
    const reached = await demo.userBrowser.browse(url, { stopAt: returnRoute(), login: OCTOCAT, consent: 'allow' });
    expect(reached.clientRedirect).toBeDefined();
    const genuine = reached.clientRedirect!;
    returnUrls.push(genuine.toString());
    expect(genuine.toString().startsWith(`${returnRoute()}?ref=`)).toBe(true);
    expect(reached.hops.some((h) => h.location?.includes('attacker.example'))).toBe(false);
    expect(genuine.searchParams.get('session_id')).toBe(sessionUri);

    const withParams = (change: (params: URLSearchParams) => void) => {
      const copy = new URL(genuine);
      change(copy.searchParams);
      return copy.toString();
    };
    const ref = genuine.searchParams.get('ref')!;
    const [kid, iv, data] = ref.split('.') as [string, string, string];
    const garbled = `${kid}.${iv}.${data.slice(0, 10)}${data[10] === 'A' ? 'B' : 'A'}${data.slice(11)}`;
    const expired = sealReturnRef(
      parseKeyring(process.env[RETURN_KEY_VAR]!), demo.oauth.tokens()!.access_token, 'demo',
      Math.floor(Date.now() / 1000) - RETURN_REF_TTL_SECONDS - 300,
    );

    for (const [label, link] of [
      ['garbled', withParams((p) => p.set('ref', garbled))],
      ['expired', withParams((p) => p.set('ref', expired))],
      ['no session_id', withParams((p) => p.delete('session_id'))],
    ] as const) {
      const refused = await demo.userBrowser.browse(link);
      // Refused on the spot: no re-authentication, no call to the service.
      expect({ label, hops: refused.hops.length }).toEqual({ label, hops: 1 });
      const page = expectClearPage(refused, 400);
      if (label === 'expired') expect(page).toMatch(/expired/i);
      expect(completions(sessionUri)).toEqual([]);
    }

    // The genuine link still completes: the refusals above were about the links, not the session.
    const ok = await demo.userBrowser.browse(genuine);
    expect(expectClearPage(ok, 200)).toContain('Account connected');
    expect(completions(sessionUri)).toEqual(['completed']);
    expect((await whoami(demo)).github.login).toBe('octocat');

    // A token the third party no longer accepts is dropped: the user is asked again.
    system.thirdParty!.revokeAllTokens();
    await elicit(demo);
  });

  test('no access token or sealed reference reaches the logs', async () => {
    // A completed consent, a replay of its link and a forwarded link: every path that handles a reference.
    const { url } = await elicit(demo);
    const back = returnUrlOf(await demo.userBrowser.browse(url, { login: OCTOCAT, consent: 'allow' }));
    await demo.userBrowser.browse(back);
    const forwarded = await elicit(admin);
    returnUrlOf(await demo.userBrowser.browse(forwarded.url, { login: OCTOCAT, consent: 'allow' }));

    expect(logLines.length).toBeGreaterThan(5);
    expect(returnUrls.length).toBe(2);
    const logs = logLines.join('\n');
    expect(logs).toContain('3-legged OAuth session completed');
    const needles = [
      ...[demo, admin].flatMap((u) => u.oauth.savedTokens.map((t) => t.access_token)),
      ...returnUrls.map((u) => new URL(u).searchParams.get('ref')!),
    ];
    for (const needle of needles) expect(logs).not.toContain(needle);
  });
});
