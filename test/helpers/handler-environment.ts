import type { Context } from 'aws-lambda';
import { aLambdaContext } from '../factories/lambda-context';

/**
 * Sets the environment a function module reads when it is imported (as Lambda would), and gives back a
 * function that restores the previous values.
 */
export const setEnvironment = (variables: Record<string, string>): (() => void) => {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
};

/** What every function gets from Globals in template.yaml, with tracing off and every log level on. */
export const POWERTOOLS_TEST_ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_METRICS_NAMESPACE: 'CheckoutOrdersTest',
  POWERTOOLS_LOG_LEVEL: 'DEBUG',
  POWERTOOLS_LOGGER_LOG_EVENT: 'false',
  POWERTOOLS_TRACE_ENABLED: 'false',
};

/**
 * For the tests of the `describe` it is called in: before them, sets the environment Lambda gives the
 * function `service` (POWERTOOLS_TEST_ENVIRONMENT, its service name and `variables`) and imports its
 * module with `load`, so that the module reads that environment as it would in Lambda; after them,
 * restores the environment. Gives back the module's handler, called with a Lambda context for `service`.
 */
export const useFunctionHandler = <Event, Result>(
  service: string,
  variables: Record<string, string>,
  load: () => Promise<{ handler: (event: Event, context: Context) => Promise<Result> }>,
): ((event: Event) => Promise<Result>) => {
  let restoreEnvironment = () => {};
  let handler: ((event: Event, context: Context) => Promise<Result>) | undefined;
  beforeAll(async () => {
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: service,
      ...variables,
    });
    ({ handler } = await load());
  });
  afterAll(() => restoreEnvironment());
  return (event) => {
    if (!handler) throw new Error(`the ${service} handler is only there in the tests of its describe`);
    return handler(event, aLambdaContext(service));
  };
};

/**
 * Expects a function module to fail at start-up, naming `variable`, when `variable` is set but empty:
 * imports it afresh with `load` (isolated from the module the other tests share), then restores the
 * environment.
 */
export const expectStartUpToFailWithout = async (variable: string, load: () => Promise<unknown>) => {
  const restore = setEnvironment({ [variable]: '' });
  try {
    await jest.isolateModulesAsync(async () => {
      await expect(load()).rejects.toThrow(`Environment variable ${variable} is required but not set`);
    });
  } finally {
    restore();
  }
};
