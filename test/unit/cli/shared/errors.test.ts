import {
  CliError,
  describeFailure,
  EXIT_FAILURE,
  EXIT_USAGE,
  reportFailure,
  UsageError,
} from '../../../../cli/shared/errors';

const awsError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $metadata: {}, ...extra });

const recordingIo = () => {
  const stderr: string[] = [];
  return {
    io: { stdout: { write: () => true }, stderr: { write: (text: string) => stderr.push(text) } },
    stderr: () => stderr.join(''),
  };
};

describe('describing a failure', () => {
  it('says that the local stack is not running when its endpoint refuses connections', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5050'), { code: 'ECONNREFUSED' });
    expect(describeFailure(refused, { localEndpoint: 'http://127.0.0.1:5050' })).toBe(
      'cannot reach the local stack at http://127.0.0.1:5050 (ECONNREFUSED): is it running? Start it with npm start',
    );
  });

  it('finds the network error inside an AggregateError of several addresses', () => {
    const refused = new AggregateError(
      [Object.assign(new Error('connect ECONNREFUSED ::1:5050'), { code: 'ECONNREFUSED' })],
      '',
    );
    expect(describeFailure(refused, { localEndpoint: 'http://localhost:5050' })).toMatch(
      /^cannot reach the local stack at http:\/\/localhost:5050 \(ECONNREFUSED\)/,
    );
  });

  it('finds the network error in the message of an error that lost its code', () => {
    const wrapped = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1');
    expect(describeFailure(wrapped, { localEndpoint: 'http://127.0.0.1:1' })).toMatch(
      /^cannot reach the local stack at http:\/\/127.0.0.1:1 \(ECONNREFUSED\)/,
    );
  });

  it('says that AWS cannot be reached when a host name does not resolve', () => {
    const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND s3.example'), { code: 'ENOTFOUND' });
    expect(describeFailure(unknown)).toBe('cannot reach AWS (ENOTFOUND): check the network and the Region');
  });

  it('says access is denied and which permissions the command needs', () => {
    expect(
      describeFailure(awsError('AccessDenied', 'Access Denied'), { permissions: 's3:GetObject on x' }),
    ).toBe('access denied: Access Denied (the credentials need s3:GetObject on x)');
    expect(describeFailure(awsError('AccessDeniedException', 'no'))).toBe(
      'access denied: no (check the permissions)',
    );
    expect(describeFailure(awsError('403', '', { $metadata: { httpStatusCode: 403 } }))).toMatch(
      /^access denied/,
    );
  });

  it('names a bucket that does not exist', () => {
    expect(
      describeFailure(awsError('NoSuchBucket', 'The specified bucket does not exist'), { bucket: 'b' }),
    ).toBe('the bucket b does not exist');
  });

  it('explains missing credentials, rejected credentials and a missing Region', () => {
    expect(describeFailure(awsError('CredentialsProviderError', 'Could not load credentials'))).toMatch(
      /^no AWS credentials found .*AWS_PROFILE/,
    );
    expect(describeFailure(awsError('ExpiredToken', 'The token has expired'))).toBe(
      'the AWS credentials were rejected: The token has expired',
    );
    expect(describeFailure(new Error('Region is missing'))).toBe(
      'no AWS Region: pass --region or set AWS_REGION (or a region in your AWS profile)',
    );
  });

  it('keeps the name and message of any other error, and the message of its own errors', () => {
    expect(describeFailure(awsError('SlowDown', 'Please reduce your request rate'))).toBe(
      'SlowDown: Please reduce your request rate',
    );
    expect(describeFailure(new Error('plain'))).toBe('plain');
    expect(describeFailure(new CliError('the stack x has no output Y'))).toBe('the stack x has no output Y');
    expect(describeFailure('a string')).toBe('a string');
  });
});

describe('reporting a failure', () => {
  it('exits with 2 for a usage error and points at --help', () => {
    const { io, stderr } = recordingIo();
    expect(reportFailure(io, 'archive', new UsageError('--since is required'))).toBe(EXIT_USAGE);
    expect(stderr()).toBe('archive: --since is required\nRun `npm run archive -- --help` for usage.\n');
  });

  it('exits with 1 for a runtime failure, in one line without a stack trace', () => {
    const { io, stderr } = recordingIo();
    expect(reportFailure(io, 'archive', awsError('AccessDenied', 'Access Denied'))).toBe(EXIT_FAILURE);
    expect(stderr()).toMatch(/^archive: access denied: Access Denied .*\n$/);
    expect(stderr().split('\n')).toHaveLength(2);
  });
});
