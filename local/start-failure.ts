/** What `npm start` prints when the local stack cannot start. */

/** The environment variables that choose the local stack's fixed ports, with the port each chose. */
export type PortVariables = Record<string, number>;

/**
 * The reason, and for a port another program holds, which variable moves the local stack off it: Node's
 * EADDRINUSE errors carry the port.
 */
export const describeStartFailure = (error: unknown, ports: PortVariables): string => {
  const { message, code, port } = error as Partial<NodeJS.ErrnoException & { port: number }>;
  const reason = `The local stack could not start: ${message ?? String(error)}`;
  if (code !== 'EADDRINUSE' || port === undefined) return reason;
  const variable = Object.keys(ports).find((name) => ports[name] === port);
  const choice = variable ? `, or choose another port with ${variable}=<port> npm start` : '';
  return `${reason}
Another program listens on port ${port} (is another npm start running?): stop it${choice}.`;
};
