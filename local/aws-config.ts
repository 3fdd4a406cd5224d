/** SDK client settings for the local stack: moto's endpoint, fixed test credentials, path-style S3. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '123456789012';

export const localClientConfig = (endpoint: string, region = LOCAL_REGION) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  forcePathStyle: true,
});

/** The environment a function or CLI needs to reach the local stack with the SDK's standard variables. */
export const localAwsEnvironment = (endpoint: string, region = LOCAL_REGION): Record<string, string> => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
