import { readFileSync } from 'node:fs';
import { localClientConfig } from '../../local/aws-config';

/** The outputs of the local stack that global-setup.ts started, as written to outputs.json. */
export const e2eStackOutputs = (): Record<string, string> => {
  const file = process.env.E2E_OUTPUTS_FILE;
  if (!file)
    throw new Error(
      'E2E_OUTPUTS_FILE is not set: run the e2e project through Jest (its globalSetup starts the stack)',
    );
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
};

export const e2eClientConfig = () => {
  const { AwsEndpointUrl, Region } = e2eStackOutputs();
  return localClientConfig(AwsEndpointUrl as string, Region);
};

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export const eventually = async <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'the condition',
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
};
