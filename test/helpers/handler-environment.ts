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
