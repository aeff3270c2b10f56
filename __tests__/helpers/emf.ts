/**
 * Reads CloudWatch Embedded Metric Format documents back out of log lines, checking each against
 * the EMF specification (root `_aws` with `Timestamp` and `CloudWatchMetrics`; every dimension key
 * a top-level string; every metric a top-level number; at most 30 dimensions, 100 metrics).
 */
export interface EmfMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly dimensionSets: readonly (readonly string[])[];
  readonly dimensions: Readonly<Record<string, string>>;
}

export function parseEmf(line: string): EmfMetric[] | undefined {
  const doc = JSON.parse(line) as Record<string, unknown>;
  const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (!aws) return undefined;
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp)) throw new Error(`EMF: Timestamp must be epoch milliseconds: ${line}`);
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) throw new Error(`EMF: CloudWatchMetrics must be a non-empty list: ${line}`);
  const out: EmfMetric[] = [];
  for (const directive of aws.CloudWatchMetrics as Array<{ Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }>) {
    if (typeof directive.Namespace !== 'string' || !directive.Namespace) throw new Error(`EMF: Namespace: ${line}`);
    const sets = directive.Dimensions as string[][];
    if (!Array.isArray(sets)) throw new Error(`EMF: Dimensions must be a list: ${line}`);
    const dimensions: Record<string, string> = {};
    for (const set of sets) {
      if (!Array.isArray(set) || set.length > 30) throw new Error(`EMF: a dimension set is a list of at most 30 keys: ${line}`);
      for (const key of set) {
        if (typeof doc[key] !== 'string' || !(doc[key] as string)) throw new Error(`EMF: dimension ${key} must be a top-level non-empty string: ${line}`);
        dimensions[key] = doc[key] as string;
      }
    }
    const metrics = directive.Metrics as Array<{ Name?: unknown; Unit?: unknown }>;
    if (!Array.isArray(metrics) || metrics.length > 100) throw new Error(`EMF: Metrics: ${line}`);
    for (const m of metrics) {
      if (typeof m.Name !== 'string' || typeof doc[m.Name] !== 'number') throw new Error(`EMF: metric ${String(m.Name)} must be a top-level number: ${line}`);
      out.push({ namespace: directive.Namespace, name: m.Name, unit: String(m.Unit), value: doc[m.Name] as number, dimensionSets: sets, dimensions });
    }
  }
  return out;
}

/** Every metric in the lines; non-EMF lines are skipped. */
export function metricsIn(lines: readonly string[]): EmfMetric[] {
  return lines.flatMap((l) => parseEmf(l) ?? []);
}

/** Sum of a metric's values over the events whose dimensions include `where`. */
export function sum(metrics: readonly EmfMetric[], name: string, where: Record<string, string> = {}): number {
  return metrics.filter((m) => m.name === name && Object.entries(where).every(([k, v]) => m.dimensions[k] === v)).reduce((a, m) => a + m.value, 0);
}
