/** Jest setup: keep handler logs out of the test output (tests that inspect logs install their own sink). */
import { setLogSink } from '../functions/lib/observability/log';

setLogSink(() => undefined);

// nock's fetch interception (@mswjs/interceptors) uses Promise.withResolvers, which Node 20 lacks (Node 22 has it).
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

// oidc-provider announces development-only settings on every start; the local IdP uses them on purpose.
for (const method of ['warn', 'info'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /^oidc-provider (WARNING|NOTICE)/.test(args[0])) return;
    original(...args);
  };
}
