import type { CircuitBreakerSettings } from '../domain/circuit-breaker';
import { requireIntegerEnv } from './config';

/** The breaker's parameters, as the template passes them to the functions that move it. */
export const circuitBreakerSettingsFromEnv = (
  env: NodeJS.ProcessEnv = process.env,
): CircuitBreakerSettings => ({
  failureThreshold: requireIntegerEnv('CIRCUIT_BREAKER_FAILURE_THRESHOLD', 1, env),
  windowSeconds: requireIntegerEnv('CIRCUIT_BREAKER_WINDOW_SECONDS', 1, env),
  coolDownSeconds: requireIntegerEnv('CIRCUIT_BREAKER_COOL_DOWN_SECONDS', 0, env),
});
