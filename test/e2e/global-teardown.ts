import type { LocalStackProcess } from './local-stack-process';

export default async function globalTeardown() {
  const stack = (globalThis as { e2eLocalStack?: LocalStackProcess }).e2eLocalStack;
  const code = await stack?.interrupt();
  if (code !== 0)
    console.warn(`The end-to-end local stack exited with code ${code}; its log is in ${stack?.stateDir}`);
}
