import { localAwsEnvironment, localClientConfig } from '../../local/aws-config';
import { type MotoServer, startMotoServer } from '../../local/moto/moto-server';

export interface MotoContext {
  /** The running server; set once `beforeAll` has run. */
  readonly server: MotoServer;
  /** SDK client settings for it. */
  clientConfig(): ReturnType<typeof localClientConfig>;
  /** AWS_ENDPOINT_URL, region and credentials, as a function would get them. */
  environment(): Record<string, string>;
}

/** A moto server of the test file's own, started before its tests and stopped after them. */
export const useMotoServer = (): MotoContext => {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMotoServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const running = () => {
    if (!server) throw new Error('moto is not running: use useMotoServer() at the top of a describe block');
    return server;
  };
  return {
    get server() {
      return running();
    },
    clientConfig: () => localClientConfig(running().endpoint),
    environment: () => localAwsEnvironment(running().endpoint),
  };
};

/** Keeps function logs and EMF metrics out of the test output where a test does not read them. */
export const QUIET_POWERTOOLS = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };
