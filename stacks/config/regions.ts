/**
 * The AWS regions a deployment may name, by partition: commercial (`aws`), AWS GovCloud (US)
 * (`aws-us-gov`) and China (`aws-cn`). Source: aws-sdk-js-v3
 * `packages/util-endpoints/src/lib/aws/partitions.json`, plus the regions opened after that list was
 * copied (ap-east-2 Asia Pacific (Taipei), ap-southeast-6 Asia Pacific (New Zealand)). A region AWS
 * opens later must be added here; the error message says so.
 */
export const KNOWN_REGIONS = {
  aws: [
    'af-south-1',
    'ap-east-1', 'ap-east-2',
    'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
    'ap-south-1', 'ap-south-2',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
    'ca-central-1', 'ca-west-1',
    'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
    'il-central-1',
    'me-central-1', 'me-south-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  ],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
} as const;

export type Partition = keyof typeof KNOWN_REGIONS;

/** The partition of a known region, or undefined. */
export function partitionOf(region: string): Partition | undefined {
  return (Object.keys(KNOWN_REGIONS) as Partition[]).find((p) => (KNOWN_REGIONS[p] as readonly string[]).includes(region));
}

/** The region in an AgentCore gateway URL (`https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com[.cn]/mcp`), if it is one. */
export function gatewayUrlRegion(url: string): string | undefined {
  try {
    return /^[^.]+\.gateway\.bedrock-agentcore\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}
