/**
 * One local system per test suite: started on loopback (port 0) before the suite's tests, with the
 * handlers' logs silenced, and stopped after them (also when it failed to start).
 */
import { startLocalSystem, type LocalSystem, type LocalSystemOptions } from '../../dev/system';
import { setLogSink } from '../../functions/lib/observability/log';

/** Registers the suite's beforeAll/afterAll; `started` receives the running system. */
export function useLocalSystem(options: LocalSystemOptions, started: (system: LocalSystem) => void | Promise<void>): void {
  let system: LocalSystem | undefined;
  let restoreLogs: () => void = () => undefined;
  beforeAll(async () => {
    restoreLogs = setLogSink(() => undefined);
    system = await startLocalSystem({ port: 0, publicHost: '127.0.0.1', env: {}, ...options });
    await started(system);
  });
  afterAll(async () => {
    await system?.close();
    restoreLogs();
  });
}
