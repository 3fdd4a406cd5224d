/** The local runtime's own console output: one line per event, `HH:MM:SS [component] message`. */
export interface RuntimeLog {
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
}

const time = () => new Date().toISOString().slice(11, 19);

export const consoleLog: RuntimeLog = {
  info: (component, message) => console.log(`${time()} [${component}] ${message}`),
  warn: (component, message) => console.warn(`${time()} [${component}] WARNING: ${message}`),
};

export const silentLog: RuntimeLog = { info: () => undefined, warn: () => undefined };

/** The order id in a message body, for log lines; never anything else of the body. */
export const orderIdOf = (body: string | undefined): string => {
  try {
    const id = (JSON.parse(body ?? '') as { id?: unknown }).id;
    return typeof id === 'string' ? id : '(no id)';
  } catch {
    return '(not JSON)';
  }
};

/**
 * The order a checkout response names (`{"orderId": ...}`, with 202 Accepted), for the API's access log:
 * `order <orderId>`; never anything else of the body.
 */
export const describeAcceptedOrder = (responseBody: string): string => {
  try {
    return `order ${String((JSON.parse(responseBody) as { orderId?: unknown }).orderId)}`;
  } catch {
    return 'order (unknown)';
  }
};
