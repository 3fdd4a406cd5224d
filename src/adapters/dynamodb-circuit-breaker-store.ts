import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type CircuitBreaker, initialBreaker, parseBreaker, type Step } from '../domain/circuit-breaker';

/** The breaker as stored, with the version that guards concurrent changes. */
export interface StoredBreaker {
  breaker: CircuitBreaker;
  version: number;
}

/** Another writer kept changing the breaker: every attempt lost the race. */
export class CircuitBreakerContentionError extends Error {
  constructor(attempts: number) {
    super(`the circuit breaker changed under ${attempts} attempts in a row`);
    this.name = 'CircuitBreakerContentionError';
  }
}

const MAX_ATTEMPTS = 8;

/**
 * A random pause before another attempt (full jitter, growing up to 0.5 s): retrying at once would have the
 * writers that lost a race race again in lockstep, the last of N concurrent batches needing N attempts.
 */
const backOff = (attempt: number) =>
  new Promise((resolveWait) => setTimeout(resolveWait, Math.random() * Math.min(500, 10 * 2 ** attempt)));

/**
 * The checkout circuit breaker in one item of its table (`circuit` = `checkout`). Changes are
 * read-modify-write with an optimistic version, so that concurrent batches each count their failures and
 * exactly one of them makes a transition.
 */
export class DynamoDbCircuitBreakerStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly key = { circuit: 'checkout' };

  constructor(
    dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** The breaker, or a closed one when none was stored yet (or the item is damaged). */
  async read(): Promise<StoredBreaker> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }),
    );
    const breaker = parseBreaker(Item);
    return breaker
      ? { breaker, version: Number(Item?.version ?? 0) }
      : { breaker: initialBreaker(this.clock()), version: Number(Item?.version ?? 0) };
  }

  /**
   * Applies `change` to the current breaker and stores the result, retrying when another writer changed it
   * in between. Returns the step that was stored (nothing is written when the breaker did not change).
   */
  async change(change: (breaker: CircuitBreaker, now: Date) => Step): Promise<Step> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const { breaker, version } = await this.read();
      const step = change(breaker, this.clock());
      if (step.breaker === breaker) return step;
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...this.key, ...step.breaker, version: version + 1 },
            // Version 0: no item yet, or one without a version (damaged, or written by hand) to replace.
            ...(version === 0
              ? { ConditionExpression: 'attribute_not_exists(version)' }
              : {
                  ConditionExpression: 'version = :version',
                  ExpressionAttributeValues: { ':version': version },
                }),
          }),
        );
        return step;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      if (attempt < MAX_ATTEMPTS) await backOff(attempt);
    }
    throw new CircuitBreakerContentionError(MAX_ATTEMPTS);
  }
}
