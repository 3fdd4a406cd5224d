import { signatureV4 } from '../../../../local/cognito/cognito-idp-client';

describe('signatureV4', () => {
  it('signs a Cognito JSON request exactly as botocore does (known answer)', () => {
    // Computed with botocore's SigV4Auth for the same request, credentials and time.
    const signed = signatureV4(
      { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' } },
      {
        method: 'POST',
        url: new URL('http://127.0.0.1:5050/'),
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.DescribeUserPoolClient',
        },
        body: '{"UserPoolId":"eu-west-1_pool","ClientId":"abc"}',
      },
      new Date(Date.UTC(2026, 10, 29, 10, 58, 6)),
    );
    expect(signed).toEqual({
      'x-amz-date': '20261129T105806Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20261129/eu-west-1/cognito-idp/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date;x-amz-target, ' +
        'Signature=41928acd53f747de56b87e424f0a14d3473667292a33ad04efd782faaf081aa8',
    });
  });
});
