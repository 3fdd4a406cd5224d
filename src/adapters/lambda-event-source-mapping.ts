import {
  type EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  type LambdaClient,
  paginateListEventSourceMappings,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';

/** An event source mapping as its users need it: its state and how it polls. */
export interface EventSourceMapping {
  uuid: string;
  /** Lambda's state: Enabled, Disabled, or a transition (Enabling, Disabling, Updating, Creating, Deleting). */
  state: string;
  functionArn?: string | undefined;
  batchSize?: number | undefined;
  maximumConcurrency?: number | undefined;
}

/** What an update changes; what it leaves out stays as it is. */
export interface EventSourceMappingUpdate {
  enabled?: boolean;
  batchSize?: number;
  /** ScalingConfig.MaximumConcurrency (2 to 1,000 in Lambda). */
  maximumConcurrency?: number;
}

/** Lambda's transitional states, in which UpdateEventSourceMapping is refused (ResourceInUseException). */
const TRANSITIONS = new Set(['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting']);

export const isSettled = (mapping: EventSourceMapping) => !TRANSITIONS.has(mapping.state);

/** Whether the mapping polls, or is about to: a disabled one neither receives nor invokes. */
export const isPolling = (mapping: EventSourceMapping) =>
  ['Enabled', 'Enabling', 'Creating', 'Updating'].includes(mapping.state);

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
