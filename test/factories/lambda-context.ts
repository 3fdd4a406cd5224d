import type { Context } from 'aws-lambda';

/** The context Lambda passes to a handler. */
export const aLambdaContext = (functionName = 'checkout-test-function'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'c0ffee00-0000-4000-8000-000000000001',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/11/21/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
