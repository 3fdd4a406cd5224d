import {
  type BannerContext,
  HandleRegistry,
  handleKind,
  type ResourceHandle,
  STOP_PHASES,
  type StopPhase,
} from '../../../../local/stack/handles';

/** A handle that records what happens to it in `journal`. */
const aRecordingHandle = (
  journal: string[],
  name: string,
  overrides: Partial<ResourceHandle> & { stopPhase?: StopPhase } = {},
): ResourceHandle => ({
  kind: 'probe',
  name,
  stopPhase: 'compute',
  bannerPosition: 500,
  start: async () => {
    journal.push(`start ${name}`);
  },
  stop: async () => {
    journal.push(`stop ${name}`);
  },
  bannerLines: () => [`  Probe             ${name}`],
  ...overrides,
});

const context: BannerContext = { outputs: {}, shown: (path) => path, logDir: '/logs' };

describe('HandleRegistry', () => {
  it('stops phase by phase, intake first and foundation last, whatever the order handles were added in', async () => {
    const journal: string[] = [];
    const registry = new HandleRegistry();
    for (const phase of [...STOP_PHASES].reverse())
      registry.add(aRecordingHandle(journal, phase, { stopPhase: phase }));

    await registry.stopAll();

    expect(journal).toEqual(STOP_PHASES.map((phase) => `stop ${phase}`));
  });

  it('stops the handles of one phase together, and starts the next phase once they all have', async () => {
    const journal: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const registry = new HandleRegistry();
    registry.add(
      aRecordingHandle(journal, 'slow', {
        stopPhase: 'intake',
        stop: () =>
          new Promise<void>((resolve) => {
            journal.push('stop slow (begun)');
            releaseSlow = () => {
              journal.push('stop slow (done)');
              resolve();
            };
          }),
      }),
    );
    registry.add(aRecordingHandle(journal, 'quick', { stopPhase: 'intake' }));
    registry.add(aRecordingHandle(journal, 'later', { stopPhase: 'endpoints' }));

    const stopping = registry.stopAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal).toEqual(['stop slow (begun)', 'stop quick']);
    releaseSlow();
    await stopping;

    expect(journal).toEqual(['stop slow (begun)', 'stop quick', 'stop slow (done)', 'stop later']);
  });

  it('stops every phase even when a handle fails to stop, then throws, naming the handle', async () => {
    const journal: string[] = [];
    const registry = new HandleRegistry();
    registry.add(
      aRecordingHandle(journal, 'stubborn', {
        stopPhase: 'endpoints',
        stop: () => Promise.reject(new Error('port stuck')),
      }),
    );
    registry.add(aRecordingHandle(journal, 'moto', { stopPhase: 'foundation' }));

    await expect(registry.stopAll()).rejects.toThrow('Stopping probe stubborn failed: Error: port stuck');
    expect(journal).toEqual(['stop moto']);
  });

  it('throws an AggregateError when several handles fail to stop', async () => {
    const registry = new HandleRegistry();
    for (const name of ['a', 'b'])
      registry.add(aRecordingHandle([], name, { stop: () => Promise.reject(new Error(name)) }));

    await expect(registry.stopAll()).rejects.toBeInstanceOf(AggregateError);
  });

  it('refuses a handle that can stop but says no phase', () => {
    const registry = new HandleRegistry();
    expect(() => registry.add(aRecordingHandle([], 'phaseless', { stopPhase: undefined }))).toThrow(
      'The handle probe phaseless can stop but has no stopPhase',
    );
    expect(registry.all).toEqual([]);
  });

  it('starts, in the order they were added, each handle that can start, once', async () => {
    const journal: string[] = [];
    const registry = new HandleRegistry();
    registry.add(aRecordingHandle(journal, 'first'));
    registry.add(aRecordingHandle(journal, 'passive', { start: undefined }));
    registry.add(aRecordingHandle(journal, 'second'));

    await registry.startAll();
    registry.add(aRecordingHandle(journal, 'late'));
    await registry.startAll();

    expect(journal).toEqual(['start first', 'start second', 'start late']);
  });

  it('gives the banner lines by banner position, then in the order the handles were added', () => {
    const registry = new HandleRegistry();
    registry.add(aRecordingHandle([], 'summary', { bannerPosition: 1000 }));
    registry.add(aRecordingHandle([], 'stream', { bannerPosition: 800 }));
    registry.add(aRecordingHandle([], 'moto', { bannerPosition: 100 }));
    registry.add(aRecordingHandle([], 'another stream', { bannerPosition: 800 }));
    registry.add(aRecordingHandle([], 'silent', { bannerPosition: 300, bannerLines: () => [] }));

    expect(registry.bannerLines(context)).toEqual([
      '  Probe             moto',
      '  Probe             stream',
      '  Probe             another stream',
      '  Probe             summary',
    ]);
  });

  it('hands each handle the banner context', () => {
    const registry = new HandleRegistry();
    registry.add(
      aRecordingHandle([], 'api', {
        bannerLines: ({ outputs, shown, logDir }) => [`${outputs.ApiUrl} ${shown('/x')} ${logDir}`],
      }),
    );

    expect(
      registry.bannerLines({
        outputs: { ApiUrl: 'http://api/' },
        shown: (path) => `.${path}`,
        logDir: 'logs',
      }),
    ).toEqual(['http://api/ ./x logs']);
  });

  it('gives the outputs of every handle in the order they were added, and refuses a name given twice', () => {
    const registry = new HandleRegistry();
    registry.add(aRecordingHandle([], 'moto', { outputs: () => ({ AwsEndpointUrl: 'http://moto' }) }));
    registry.add(aRecordingHandle([], 'silent'));
    registry.add(
      aRecordingHandle([], 'summary', { bannerPosition: 1, outputs: () => ({ Region: 'us-east-1' }) }),
    );
    expect(Object.entries(registry.outputs())).toEqual([
      ['AwsEndpointUrl', 'http://moto'],
      ['Region', 'us-east-1'],
    ]);

    registry.add(aRecordingHandle([], 'impostor', { outputs: () => ({ Region: 'eu-west-1' }) }));
    expect(() => registry.outputs()).toThrow('probe impostor and probe summary both give the output Region');
  });

  it('finds handles by kind, with their own type, and serves a live view of a kind', () => {
    class Queue implements ResourceHandle {
      readonly kind = 'queue';
      readonly bannerPosition = 700;
      constructor(
        readonly name: string,
        readonly arn: string,
      ) {}
      bannerLines() {
        return [];
      }
    }
    const QUEUE = handleKind<Queue>('queue');
    const registry = new HandleRegistry();
    const view = registry.view(QUEUE);
    registry.add(aRecordingHandle([], 'not a queue'));
    const orders = registry.add(new Queue('orders', 'arn:aws:sqs:us-east-1:1:orders'));
    const replay = registry.add(new Queue('replay', 'arn:aws:sqs:us-east-1:1:replay'));

    expect(registry.ofKind(QUEUE)).toEqual([orders, replay]);
    expect(registry.find(QUEUE, (queue) => queue.arn.endsWith(':replay'))?.name).toBe('replay');
    expect(registry.find(QUEUE, (queue) => queue.name === 'absent')).toBeUndefined();
    expect(view.values()).toEqual([orders, replay]);

    expect(registry.remove(orders)).toBe(true);
    expect(registry.remove(orders)).toBe(false);
    expect(view.values()).toEqual([replay]);
  });

  it('adds a handle once', () => {
    const registry = new HandleRegistry();
    const handle = aRecordingHandle([], 'once');
    registry.add(handle);
    registry.add(handle);
    expect(registry.all).toEqual([handle]);
  });
});
