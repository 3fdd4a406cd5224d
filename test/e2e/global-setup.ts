import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStackProcess } from './local-stack-process';

/** Starts one local stack (building the functions with sam build) for every end-to-end test file. */
export default async function globalSetup() {
  const stateDir = mkdtempSync(join(tmpdir(), 'checkout-e2e-'));
  const stack = await startLocalStackProcess(stateDir);
  process.env.E2E_OUTPUTS_FILE = join(stateDir, 'outputs.json');
  (globalThis as { e2eLocalStack?: typeof stack }).e2eLocalStack = stack;
}
