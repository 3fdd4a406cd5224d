import { ArnError, parseArn } from '../../../local/arn';

describe('parseArn', () => {
  it('splits an ARN into partition, service, region, account and resource', () => {
    expect(parseArn('arn:aws:firehose:eu-west-1:123456789012:deliverystream/orders-archive')).toEqual({
      partition: 'aws',
      service: 'firehose',
      region: 'eu-west-1',
      accountId: '123456789012',
      resource: 'deliverystream/orders-archive',
      resourceType: 'deliverystream',
      resourceId: 'orders-archive',
      resourceName: 'orders-archive',
    });
  });

  it('keeps the colons of a resource, and names a Lambda function without its qualifier', () => {
    expect(parseArn('arn:aws:lambda:us-east-1:123456789012:function:card-data-transform:live')).toMatchObject(
      {
        region: 'us-east-1',
        resource: 'function:card-data-transform:live',
        resourceType: 'function',
        resourceId: 'card-data-transform:live',
        resourceName: 'card-data-transform',
      },
    );
    expect(parseArn('arn:aws:lambda:us-east-1:123456789012:function:checkout').resourceName).toBe('checkout');
  });

  it('gives an S3 bucket, which has neither region nor account, its name as resource and name', () => {
    expect(parseArn('arn:aws:s3:::orders-archive')).toEqual({
      partition: 'aws',
      service: 's3',
      region: '',
      accountId: '',
      resource: 'orders-archive',
      resourceId: 'orders-archive',
      resourceName: 'orders-archive',
    });
  });

  it.each([
    ['an SQS queue', 'arn:aws:sqs:us-east-1:123456789012:checkout-queue', undefined, 'checkout-queue'],
    ['an SNS topic', 'arn:aws:sns:us-east-1:123456789012:orders', undefined, 'orders'],
    ['an IAM role with a path', 'arn:aws:iam::123456789012:role/service-role/delivery', 'role', 'delivery'],
    [
      'an OpenSearch domain',
      'arn:aws:es:us-east-1:123456789012:domain/orders-search',
      'domain',
      'orders-search',
    ],
    [
      'a KMS key',
      'arn:aws:kms:us-east-1:123456789012:key/0b6c2d1e-1111-4222-8333-944445555666',
      'key',
      '0b6c2d1e-1111-4222-8333-944445555666',
    ],
    [
      'a log group',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/checkout:*',
      'log-group',
      '/aws/lambda/checkout',
    ],
  ])('names %s', (_, arn, resourceType, resourceName) => {
    const parsed = parseArn(arn);
    expect([parsed.resourceType, parsed.resourceName]).toEqual([resourceType, resourceName]);
  });

  it('reads other partitions and regions as they are', () => {
    expect(parseArn('arn:aws-cn:firehose:cn-north-1:123456789012:deliverystream/x')).toMatchObject({
      partition: 'aws-cn',
      region: 'cn-north-1',
    });
  });

  it.each([
    ['a name', 'orders-archive'],
    ['too few parts', 'arn:aws:s3'],
    ['another prefix', 'urn:aws:s3:::bucket'],
    ['no service', 'arn:aws::us-east-1:123456789012:thing'],
    ['no resource', 'arn:aws:sqs:us-east-1:123456789012:'],
    ['nothing', ''],
  ])('refuses %s, quoting it', (_, value) => {
    expect(() => parseArn(value)).toThrow(ArnError);
    expect(() => parseArn(value)).toThrow(`${JSON.stringify(value)} is not an ARN`);
  });
});
