import type { Logger } from '@aws-lambda-powertools/logger';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type FaultMode, parseFaultMode } from './fault-mode';

/**
 * The game-day fault switch, in stacks deployed with EnableFaultInjection only: this module (and its SSM
 * client) is loaded only then. The parameter is read per batch and cached for a few seconds, so that a
 * game day flips it without a deployment.
 */
export const createFaultSwitch = (parameterName: string, logger: Logger, tracer: Tracer) => {
  const parameters = new SSMProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SSMClient({})) });
  return async (): Promise<FaultMode> => {
    try {
      const value = await parameters.get(parameterName, { maxAge: 5 });
      const mode = parseFaultMode(value);
      if (!mode) logger.warn('Unknown checkout fault mode; processing normally', { value });
      return mode ?? 'off';
    } catch (error) {
      logger.warn('The checkout fault switch cannot be read; processing normally', { error: error as Error });
      return 'off';
    }
  };
};
