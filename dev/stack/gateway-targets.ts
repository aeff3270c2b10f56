/**
 * A stack's Lambda gateway targets as tools of the gateway stand-in: `<target>___<tool>` with the
 * input schema the Terraform declares, each call invoking the target's own zip the way AgentCore
 * Gateway invokes a Lambda target: the tool's arguments as the event, the tool named in
 * `context.clientContext.custom.bedrockAgentCoreToolName`
 * (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-add-target-lambda.html),
 * the function's JSON result as the tool's text content, a function error as an error result.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { StandInTool } from '../gateway';
import type { LocalLambda } from './lambda-process';
import type { StackGateway, StackToolProperty } from './terraform-reader';

function zodOf(property: StackToolProperty): z.ZodTypeAny {
  const base = ({
    string: z.string(), number: z.number(), integer: z.number().int(), boolean: z.boolean(),
    array: z.array(z.unknown()), object: z.record(z.string(), z.unknown()),
  } as Record<string, z.ZodTypeAny>)[property.type] ?? z.unknown();
  const described = property.description ? base.describe(property.description) : base;
  return property.required ? described : described.optional();
}

export function lambdaTargetTools(gateway: StackGateway, lambdaOf: (arn: string) => LocalLambda | undefined): StandInTool[] {
  return gateway.lambdaTargets.flatMap((target) => {
    const fn = lambdaOf(target.lambdaArn);
    if (!fn) return []; // an existing function outside the stack: nothing local to run
    return target.tools.map((tool): StandInTool => {
      const name = `${target.targetName}___${tool.name}`;
      return {
        name,
        description: tool.description,
        inputSchema: Object.fromEntries(tool.properties.map((p) => [p.name, zodOf(p)])),
        async call(args) {
          const outcome = await fn.invoke(args, {
            clientContext: {
              custom: {
                bedrockAgentCoreToolName: name, bedrockAgentCoreGatewayId: gateway.gatewayId, bedrockAgentCoreTargetId: target.targetName,
                bedrockAgentCoreMessageVersion: '1.0', bedrockAgentCoreAwsRequestId: randomUUID(), bedrockAgentCoreMcpMessageId: randomUUID(),
              },
            },
          });
          if (outcome.kind === 'result') return { content: [{ type: 'text', text: JSON.stringify(outcome.result) }] };
          const message = outcome.kind === 'error' ? outcome.errorMessage : outcome.kind === 'timeout' ? 'Task timed out' : outcome.message;
          return { content: [{ type: 'text', text: message }], isError: true };
        },
      };
    });
  });
}
