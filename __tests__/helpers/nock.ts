/**
 * Registers the nock lifecycle for a test file: intercept, forbid real connections, clean up after
 * each test, and un-patch at the end (or the next file in the same jest worker inherits a stale
 * interceptor on fetch and http).
 */
import nock from 'nock';

export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}
