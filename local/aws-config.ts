/** SDK client settings for the local stack: moto's endpoint, fixed test credentials, path-style S3. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '123456789012';

export const localClientConfig = (endpoint: string, region = LOCAL_REGION) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  forcePathStyle: true,
});

/** Endpoints of the local runtime's own AWS APIs, beside moto's. */
export interface LocalServiceEndpoints {
  /** The local Lambda API (event source mappings, Invoke): `AWS_ENDPOINT_URL_LAMBDA`. */
  lambda?: string;
}

/**
 * The environment a function or CLI needs to reach the local stack with the SDK's standard variables:
 * `AWS_ENDPOINT_URL` (moto) for every service, and a service's own `AWS_ENDPOINT_URL_<SERVICE>` for those the
 * local runtime serves itself (the SDK for JavaScript v3, the AWS CLI and boto3 prefer it to AWS_ENDPOINT_URL).
 */
export const localAwsEnvironment = (
  endpoint: string,
  region = LOCAL_REGION,
  services: LocalServiceEndpoints = {},
): Record<string, string> => ({
  AWS_ENDPOINT_URL: endpoint,
  ...(services.lambda ? { AWS_ENDPOINT_URL_LAMBDA: services.lambda } : {}),
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
