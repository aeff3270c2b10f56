/**
 * Observability in the synthesized Terraform: JSON logs with the configured level on every
 * function (always), and, opt-in through `observability`, X-Ray tracing, alarms and a dashboard.
 */
import { functionsByName, inlinePolicies, referencedAddress, synthExample, type Json, type Synthesized } from './helpers';

let plain: Synthesized;
beforeAll(() => {
  plain = synthExample('examples/gateway-targets.config.ts', (c: Json) => { c.facade = { ...c.facade, logLevel: 'warn' }; });
});
afterAll(() => plain.cleanup());

describe('logs', () => {
  test('every function logs JSON to its own group, LOG_LEVEL from the config, Lambda filter at INFO so metric lines pass', () => {
    const fns = [...functionsByName(plain.json).values()];
    expect(fns.length).toBeGreaterThan(6);
    for (const { body } of fns) {
      expect(body.logging_config).toEqual({ log_format: 'JSON', log_group: body.logging_config.log_group, application_log_level: 'INFO', system_log_level: 'INFO' });
      expect(referencedAddress(body.logging_config.log_group, 'name')).toMatch(/^aws_cloudwatch_log_group\./);
      expect(body.environment.variables.LOG_LEVEL).toBe('warn');
      expect(body.tracing_config).toBeUndefined();
    }
  });

  test('debug: Lambda lets debug lines through too', () => {
    const debug = synthExample('examples/minimal.config.ts', (c: Json) => { c.facade = { ...c.facade, logLevel: 'debug' }; });
    try {
      for (const { body } of functionsByName(debug.json).values()) {
        expect(body.logging_config.application_log_level).toBe('DEBUG');
        expect(body.environment.variables.LOG_LEVEL).toBe('debug');
      }
    } finally {
      debug.cleanup();
    }
  });

  test('without tracing no role may send traces', () => {
    for (const { body } of functionsByName(plain.json).values()) {
      const statements = inlinePolicies(plain.json, referencedAddress(body.role, 'arn')).flatMap((p) => p.Statement);
      expect(statements.flatMap((s: Json) => s.Action)).not.toContain('xray:PutTraceSegments');
    }
  });
});
