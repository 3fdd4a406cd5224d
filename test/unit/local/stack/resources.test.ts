import { arn, physicalName, type StackFrame } from '../../../../local/stack/resources';

const frame = (stackName: string): StackFrame => ({
  stackName,
  path: [],
  templateDir: '/templates',
  buildDir: '/build',
  pseudo: {
    region: 'eu-west-1',
    accountId: '111122223333',
    stackName,
    stackId: `arn:aws:cloudformation:eu-west-1:111122223333:stack/${stackName}/local`,
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
  },
});

describe('physicalName', () => {
  it('joins the stack name and the logical id, as CloudFormation names resources', () => {
    expect(physicalName(frame('shop'), 'OrdersQueue')).toBe('shop-OrdersQueue');
  });

  it('is the same every time for the same stack and resource', () => {
    expect(physicalName(frame('shop'), 'OrdersQueue')).toBe(physicalName(frame('shop'), 'OrdersQueue'));
  });

  it('keeps within 80 characters by default and within a given limit', () => {
    const long = 'L'.repeat(100);
    expect(physicalName(frame('shop'), long)).toHaveLength(80);
    expect(physicalName(frame('shop'), long, 64)).toBe(`shop-${'L'.repeat(59)}`);
  });
});

describe('arn', () => {
  it('builds an ARN from the stack partition, region and account', () => {
    expect(arn(frame('shop').pseudo, 'sqs', 'shop-Queue')).toBe(
      'arn:aws:sqs:eu-west-1:111122223333:shop-Queue',
    );
  });

  it('leaves the account out when asked, as for S3 buckets', () => {
    expect(arn(frame('shop').pseudo, 's3', 'bucket', false)).toBe('arn:aws:s3:eu-west-1::bucket');
  });
});
