import { describeStartFailure } from '../../../local/start-failure';

const PORTS = { LOCAL_API_PORT: 3000, LOCAL_MOTO_PORT: 5050, LOCAL_LAMBDA_PORT: 3001 };

/** An error as Node's `listen` gives it for a port in use. */
const addressInUse = (port: number) =>
  Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`), {
    code: 'EADDRINUSE',
    port,
  });

describe('describeStartFailure', () => {
  it('names the variable that moves the local stack off a port another program holds', () => {
    expect(describeStartFailure(addressInUse(5050), PORTS)).toBe(
      [
        'The local stack could not start: listen EADDRINUSE: address already in use 127.0.0.1:5050',
        'Another program listens on port 5050 (is another npm start running?): stop it, or choose another port with LOCAL_MOTO_PORT=<port> npm start.',
      ].join('\n'),
    );
  });

  it('says only to stop the other program when no variable chose the port', () => {
    expect(describeStartFailure(addressInUse(9200), PORTS)).toMatch(
      /\nAnother program listens on port 9200 \(is another npm start running\?\): stop it\.$/,
    );
  });

  it('gives any other failure as it is', () => {
    expect(describeStartFailure(new Error('no JDK found'), PORTS)).toBe(
      'The local stack could not start: no JDK found',
    );
    expect(describeStartFailure('thrown text', PORTS)).toBe('The local stack could not start: thrown text');
  });
});
