/**
 * Event source mappings as their users see them, and what their states mean: no SDK here, so that code
 * which only judges a mapping (or receives one) does not load the Lambda client. The adapter that reads
 * and changes mappings is lambda-event-source-mapping.ts.
 */

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
