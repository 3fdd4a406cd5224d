import { toSqsRecord } from '../../../src/adapters/sqs-event-records';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:shop-Queue';

describe('toSqsRecord', () => {
  it("gives a message Lambda's SQS event record shape", () => {
    const record = toSqsRecord(
      {
        MessageId: 'id-1',
        ReceiptHandle: 'receipt-1',
        Body: '{"id":"order-1"}',
        MD5OfBody: 'abc',
        Attributes: {
          ApproximateReceiveCount: '2',
          SentTimestamp: '1700000000000',
          SenderId: 'AIDEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1700000000100',
        },
        MessageAttributes: {
          currency: { DataType: 'String', StringValue: 'EUR' },
          amount: { DataType: 'Number', StringValue: '12.5' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
        },
      },
      QUEUE_ARN,
      'us-east-1',
    );
    expect(record).toEqual({
      messageId: 'id-1',
      receiptHandle: 'receipt-1',
      body: '{"id":"order-1"}',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1700000000100',
      },
      messageAttributes: {
        currency: { dataType: 'String', stringValue: 'EUR', stringListValues: [], binaryListValues: [] },
        amount: { dataType: 'Number', stringValue: '12.5', stringListValues: [], binaryListValues: [] },
        blob: {
          dataType: 'Binary',
          stringValue: undefined,
          binaryValue: Buffer.from('hi').toString('base64'),
          stringListValues: [],
          binaryListValues: [],
        },
      },
      md5OfBody: 'abc',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'us-east-1',
    });
  });

  it('fills the system attributes a message lacks', () => {
    const record = toSqsRecord({ MessageId: 'id-2', Body: '' }, QUEUE_ARN, 'eu-west-1');
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(record.messageAttributes).toEqual({});
    expect(record.awsRegion).toBe('eu-west-1');
  });
});
