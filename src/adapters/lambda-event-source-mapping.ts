import {
  type EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  LambdaClient,
  paginateListEventSourceMappings,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { EventSourceMapping, EventSourceMappingUpdate } from './event-source-mapping-state';

// The SDK-free part, kept importable from here by the code that also uses the adapter.
export {
  type EventSourceMapping,
  type EventSourceMappingUpdate,
  isPolling,
  isSettled,
} from './event-source-mapping-state';

const mappingOf = (output: EventSourceMappingConfiguration, uuid: string): EventSourceMapping => ({
  uuid: output.UUID ?? uuid,
  state: output.State ?? 'unknown',
  functionArn: output.FunctionArn,
  batchSize: output.BatchSize,
  maximumConcurrency: output.ScalingConfig?.MaximumConcurrency,
});

/** Lambda's event source mappings API (GetEventSourceMapping, ListEventSourceMappings, UpdateEventSourceMapping). */
export class LambdaEventSourceMappings {
  constructor(private readonly lambda: LambdaClient) {}

  async get(uuid: string): Promise<EventSourceMapping> {
    return mappingOf(await this.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })), uuid);
  }

  /** The mapping that feeds a function (name, ARN or alias ARN) from a queue, if there is one. */
  async find(functionName: string, eventSourceArn: string): Promise<EventSourceMapping | undefined> {
    const pages = paginateListEventSourceMappings(
      { client: this.lambda },
      { FunctionName: functionName, EventSourceArn: eventSourceArn },
    );
    for await (const page of pages) {
      const [first] = page.EventSourceMappings ?? [];
      if (first?.UUID) return mappingOf(first, first.UUID);
    }
    return undefined;
  }

  /** Changes the mapping; returns it as Lambda reports it right after (often in a transition). */
  async update(uuid: string, update: EventSourceMappingUpdate): Promise<EventSourceMapping> {
    const output = await this.lambda.send(
      new UpdateEventSourceMappingCommand({
        UUID: uuid,
        ...(update.enabled !== undefined ? { Enabled: update.enabled } : {}),
        ...(update.batchSize !== undefined ? { BatchSize: update.batchSize } : {}),
        ...(update.maximumConcurrency !== undefined
          ? { ScalingConfig: { MaximumConcurrency: update.maximumConcurrency } }
          : {}),
      }),
    );
    return mappingOf(output, uuid);
  }
}

/**
 * The adapter with a Lambda client of its own, passed through `capture` (the tracer's
 * `captureAWSv3Client`): for a module imported on first use, which must not import the SDK package
 * itself, since a bundled `import()` of the SDK's CommonJS build yields only a default export.
 */
export const lambdaEventSourceMappingsWithOwnClient = (
  capture: (client: LambdaClient) => LambdaClient,
): LambdaEventSourceMappings => new LambdaEventSourceMappings(capture(new LambdaClient({})));
