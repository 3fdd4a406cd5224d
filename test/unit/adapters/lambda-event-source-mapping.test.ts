import {
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceNotFoundException,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type EventSourceMapping,
  LambdaEventSourceMappings,
} from '../../../src/adapters/lambda-event-source-mapping';
import { CHECKOUT_QUEUE_ARN } from '../../factories/sqs';

const UUID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:checkout-CheckoutFunction-1A2B3C:live';

/** A mapping as Lambda describes it. */
const aMappingConfiguration = (overrides: Record<string, unknown> = {}) => ({
  UUID,
  State: 'Enabled',
  FunctionArn: FUNCTION_ARN,
  EventSourceArn: CHECKOUT_QUEUE_ARN,
  BatchSize: 10,
  ScalingConfig: { MaximumConcurrency: 5 },
  ...overrides,
});

describe('LambdaEventSourceMappings', () => {
  const lambda = mockClient(LambdaClient);
  let mappings: LambdaEventSourceMappings;

  beforeEach(() => {
    lambda.reset();
    mappings = new LambdaEventSourceMappings(new LambdaClient({ region: 'eu-west-1' }));
  });

  afterAll(() => lambda.restore());

  const listCalls = () =>
    lambda.commandCalls(ListEventSourceMappingsCommand).map((call) => call.args[0].input);
  const updates = () =>
    lambda.commandCalls(UpdateEventSourceMappingCommand).map((call) => call.args[0].input);

  describe('get', () => {
    it('describes the mapping by its UUID: state, function, batch size and maximum concurrency', async () => {
      lambda.on(GetEventSourceMappingCommand, { UUID }).resolves(aMappingConfiguration());
      await expect(mappings.get(UUID)).resolves.toEqual({
        uuid: UUID,
        state: 'Enabled',
        functionArn: FUNCTION_ARN,
        batchSize: 10,
        maximumConcurrency: 5,
      } satisfies EventSourceMapping);
    });

    it('keeps the UUID asked for, and calls a state Lambda did not report unknown', async () => {
      lambda.on(GetEventSourceMappingCommand).resolves({});
      await expect(mappings.get(UUID)).resolves.toEqual({
        uuid: UUID,
        state: 'unknown',
        functionArn: undefined,
        batchSize: undefined,
        maximumConcurrency: undefined,
      });
    });

    it('lets a missing mapping fail', async () => {
      lambda.on(GetEventSourceMappingCommand).rejects(
        new ResourceNotFoundException({
          message: 'The resource you requested does not exist.',
          $metadata: {},
        }),
      );
      await expect(mappings.get(UUID)).rejects.toThrow(ResourceNotFoundException);
    });
  });

  describe('find', () => {
    it('lists the mappings of the function from the queue, and gives the first', async () => {
      lambda.on(ListEventSourceMappingsCommand).resolves({
        EventSourceMappings: [
          aMappingConfiguration({ State: 'Disabled' }),
          aMappingConfiguration({ UUID: 'other' }),
        ],
      });
      await expect(mappings.find(FUNCTION_ARN, CHECKOUT_QUEUE_ARN)).resolves.toMatchObject({
        uuid: UUID,
        state: 'Disabled',
      });
      expect(listCalls()).toEqual([
        expect.objectContaining({ FunctionName: FUNCTION_ARN, EventSourceArn: CHECKOUT_QUEUE_ARN }),
      ]);
    });

    it('pages on past empty pages, and stops at the page with a mapping', async () => {
      lambda
        .on(ListEventSourceMappingsCommand)
        .resolvesOnce({ EventSourceMappings: [], NextMarker: 'page-2' })
        .resolvesOnce({ EventSourceMappings: [aMappingConfiguration()], NextMarker: 'page-3' })
        .resolves({ EventSourceMappings: [aMappingConfiguration({ UUID: 'too-far' })] });
      await expect(mappings.find(FUNCTION_ARN, CHECKOUT_QUEUE_ARN)).resolves.toMatchObject({ uuid: UUID });
      expect(listCalls()).toEqual([
        expect.objectContaining({ FunctionName: FUNCTION_ARN, EventSourceArn: CHECKOUT_QUEUE_ARN }),
        expect.objectContaining({
          FunctionName: FUNCTION_ARN,
          EventSourceArn: CHECKOUT_QUEUE_ARN,
          Marker: 'page-2',
        }),
      ]);
    });

    it('finds nothing when the function has no mapping from the queue', async () => {
      lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
      await expect(mappings.find(FUNCTION_ARN, CHECKOUT_QUEUE_ARN)).resolves.toBeUndefined();
      expect(listCalls()).toHaveLength(1);
    });
  });

  describe('update', () => {
    it('disables the mapping, changing nothing else, and answers its state as Lambda reports it', async () => {
      lambda.on(UpdateEventSourceMappingCommand).resolves(aMappingConfiguration({ State: 'Disabling' }));
      await expect(mappings.update(UUID, { enabled: false })).resolves.toMatchObject({
        uuid: UUID,
        state: 'Disabling',
      });
      expect(updates()).toEqual([{ UUID, Enabled: false }]);
    });

    it('sets the batch size and the maximum concurrency (ScalingConfig) when asked', async () => {
      lambda.on(UpdateEventSourceMappingCommand).resolves(aMappingConfiguration({ State: 'Updating' }));
      await mappings.update(UUID, { enabled: true, batchSize: 2, maximumConcurrency: 3 });
      expect(updates()).toEqual([
        { UUID, Enabled: true, BatchSize: 2, ScalingConfig: { MaximumConcurrency: 3 } },
      ]);
    });
  });
});
