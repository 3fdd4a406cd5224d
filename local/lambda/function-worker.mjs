// Runs one function's handler inside a worker thread, like one Lambda execution environment: the module
// is imported once (the cold start) and each message from the host is one invocation.
import { randomUUID } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

process.setSourceMapsEnabled(true);

const {
  modulePath,
  exportName,
  functionName,
  functionArn,
  memoryLimitInMB,
  logGroupName,
  logStreamName,
  logFile,
} = workerData;

// What the function writes goes straight to its log file, as Lambda's runtime sends it to CloudWatch Logs,
// without passing through the host's thread (which serves the API and polls the queues).
if (logFile) {
  const fd = openSync(logFile, 'a');
  const writeToLog = (chunk, encoding, callback) => {
    writeSync(
      fd,
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
        : chunk,
    );
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) done();
    return true;
  };
  process.stdout.write = writeToLog;
  process.stderr.write = writeToLog;
}
let loadedHandler;

const loadHandler = async () => {
  loadedHandler ??= import(pathToFileURL(modulePath).href).then((module) => {
    const handler = module[exportName] ?? module.default?.[exportName];
    if (typeof handler !== 'function') {
      throw new Error(`${modulePath} does not export a function named ${exportName}`);
    }
    return handler;
  });
  return loadedHandler;
};

const contextFor = (requestId, deadline) => ({
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: functionArn,
  memoryLimitInMB: String(memoryLimitInMB),
  awsRequestId: requestId,
  logGroupName,
  logStreamName,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
});

const describeError = (error) => ({
  errorType: error?.name ?? 'Error',
  errorMessage: String(error?.message ?? error),
  stackTrace:
    typeof error?.stack === 'string'
      ? error.stack
          .split('\n')
          .slice(1)
          .map((line) => line.trim())
      : [],
});

// The init phase: the module loads as the environment starts, before the first invocation is timed. Its
// duration goes to the host with its end (a cold start's init, as the host reports it to its observers).
const initStartedAt = performance.now();
loadHandler().then(
  () => parentPort.postMessage({ initialised: true, initMs: performance.now() - initStartedAt }),
  () => parentPort.postMessage({ initialised: false, initMs: performance.now() - initStartedAt }),
);

// Each answer carries the invocation's duration as measured here, from the event's arrival to the
// handler's answer (what Lambda reports and bills), without the hand-over between threads.
parentPort.on('message', async ({ id, event, deadline }) => {
  const receivedAt = performance.now();
  const requestId = randomUUID();
  try {
    const handler = await loadHandler();
    const result = await handler(event, contextFor(requestId, deadline));
    // Lambda serialises the response as JSON; so does the local runtime.
    const serialised = result === undefined ? null : JSON.parse(JSON.stringify(result));
    const durationMs = performance.now() - receivedAt;
    parentPort.postMessage({ id, requestId, ok: true, result: serialised, durationMs });
  } catch (error) {
    const durationMs = performance.now() - receivedAt;
    console.error(
      JSON.stringify({ level: 'ERROR', message: 'Invoke Error', requestId, ...describeError(error) }),
    );
    parentPort.postMessage({ id, requestId, ok: false, error: describeError(error), durationMs });
  }
});
