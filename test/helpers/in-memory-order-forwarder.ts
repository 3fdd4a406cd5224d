import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { ForwardOptions, OrderForwarder } from '../../src/adapters/sqs-order-forwarder';

export interface ForwardedMessage {
  body: string;
  attributes: Record<string, MessageAttributeValue>;
}

/** An OrderForwarder that keeps what it is given; `failWith` makes every later forward fail. */
export class InMemoryOrderForwarder implements OrderForwarder {
  readonly forwarded: ForwardedMessage[] = [];
  /** The delay each message was sent with (0 without one). */
  readonly delays: number[] = [];
  private failure: Error | undefined;

  failWith(error: Error): void {
    this.failure = error;
  }

  async forward(
    body: string,
    attributes: Record<string, MessageAttributeValue>,
    options: ForwardOptions = {},
  ): Promise<void> {
    if (this.failure) throw this.failure;
    this.forwarded.push({ body, attributes: structuredClone(attributes) });
    this.delays.push(options.delaySeconds ?? 0);
  }
}
