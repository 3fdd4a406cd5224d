import { MissingConfigurationError, requireEnv } from '../../../src/shared/config';

describe('requireEnv', () => {
  it('returns the value of a variable that is set', () => {
    expect(
      requireEnv('ORDER_TOPIC_ARN', { ORDER_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:orders' }),
    ).toBe('arn:aws:sns:eu-west-1:123456789012:orders');
  });

  it('reads process.env by default', () => {
    process.env.REQUIRE_ENV_TEST_VARIABLE = 'from-process-env';
    try {
      expect(requireEnv('REQUIRE_ENV_TEST_VARIABLE')).toBe('from-process-env');
    } finally {
      delete process.env.REQUIRE_ENV_TEST_VARIABLE;
    }
  });

  it('fails with a message naming the variable when it is missing', () => {
    expect(() => requireEnv('CHECKOUT_TABLE_NAME', {})).toThrow(
      new MissingConfigurationError('CHECKOUT_TABLE_NAME'),
    );
    expect(() => requireEnv('CHECKOUT_TABLE_NAME', {})).toThrow(
      'Environment variable CHECKOUT_TABLE_NAME is required but not set',
    );
  });

  it('treats an empty value as missing', () => {
    expect(() => requireEnv('ORDER_TOPIC_ARN', { ORDER_TOPIC_ARN: '' })).toThrow(MissingConfigurationError);
  });

  it('raises an error that tells which variable is missing', () => {
    let caught: unknown;
    try {
      requireEnv('ORDER_TOPIC_ARN', {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingConfigurationError);
    expect(caught).toMatchObject({ name: 'MissingConfigurationError', variable: 'ORDER_TOPIC_ARN' });
  });
});
