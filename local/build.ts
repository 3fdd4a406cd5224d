import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths';

/**
 * Runs `sam build` (esbuild, cached) so the local stack hosts exactly the bundles that `sam deploy`
 * would upload. Its output goes to `logFile`; a failure shows the end of it.
 */
export const buildFunctions = async (logFile: string): Promise<void> => {
  const log = createWriteStream(logFile);
  const exitCode = await new Promise<number | null>((resolveExit, reject) => {
    const child = spawn('bash', [join(PROJECT_ROOT, 'scripts/sam.sh'), 'build'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('exit', resolveExit);
  });
  await new Promise((resolveEnd) => log.end(resolveEnd));
  if (exitCode !== 0) {
    const tail = (await readFile(logFile, 'utf8')).split('\n').slice(-25).join('\n');
    throw new Error(`sam build failed (exit ${exitCode}); the end of ${logFile}:\n${tail}`);
  }
};
