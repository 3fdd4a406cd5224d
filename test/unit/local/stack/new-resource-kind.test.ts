import { join, relative } from 'node:path';
import { FirehoseApiServer } from '../../../../local/firehose/firehose-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { PROJECT_ROOT } from '../../../../local/paths';
import { deployStack } from '../../../../local/stack/deploy-stack';
import { handleKind, type ResourceHandle, STOP_PHASES } from '../../../../local/stack/handles';
import { describeLocalStack, type LocalStack, stackSummaryHandle } from '../../../../local/stack/local-stack';
import { PROVISIONERS_DIR, ProvisionerRegistry } from '../../../../local/stack/registry';
import type { LocalRuntime } from '../../../../local/stack/resources';
import {
  firehoseApiHandle,
  functionHostHandle,
  lambdaApiHandle,
  motoHandle,
  restApiHandle,
} from '../../../../local/stack/services';
import {
  aLocalRuntime,
  makeTempDir,
  recordingLog,
  unreachableClients,
  writeFile,
} from '../../../helpers/local-runtime';

/**
 * A new kind of resource, written as one provisioner module would be in local/provisioners/beacon.ts: its
 * provisioner and its handle, which starts with the stack, stops with the buffers, has a line in the
 * banner and an entry in outputs.json. Nothing else anywhere names it. It imports types only, from the
 * project (by absolute path here, since it is written into a folder of its own).
 */
const BEACON_MODULE = `
import type { BannerContext, ResourceHandle } from '${PROJECT_ROOT}/local/stack/handles';
import type { ProvisionerDefinition } from '${PROJECT_ROOT}/local/stack/resources';

/** Local::Test::Beacon: blinks every IntervalSeconds while the stack runs. */
class Beacon implements ResourceHandle {
  readonly kind = 'test-beacon';
  readonly stopPhase = 'buffers';
  /** After the delivery streams (800), before the OpenSearch domains (900). */
  readonly bannerPosition = 850;
  readonly journal: string[] = [];

  constructor(
    readonly name: string,
    readonly intervalSeconds: number,
  ) {}

  async start() {
    this.journal.push('started');
  }

  async stop() {
    this.journal.push('stopped');
  }

  bannerLines({ shown, logDir }: BannerContext) {
    return [\`  Beacon            \${this.name} every \${this.intervalSeconds} s  log: \${shown(logDir)}/beacon.log\`];
  }

  outputs() {
    return { [\`\${this.name}Url\`]: \`beacon://\${this.name}\` };
  }
}

export const provisioners: ProvisionerDefinition[] = [
  {
    type: 'Local::Test::Beacon',
    create: async ({ logicalId, properties }) => {
      const beacon = new Beacon(logicalId, Number(properties.IntervalSeconds ?? 1));
      return { ref: logicalId, attributes: { Interval: String(beacon.intervalSeconds) }, handles: [beacon] };
    },
  },
];
`;

const TEMPLATE = `
Parameters:
  Interval:
    Type: Number
    Default: 5
Resources:
  Beacon:
    Type: Local::Test::Beacon
    Properties:
      IntervalSeconds: !Ref Interval
  Role:
    Type: AWS::IAM::Role
Outputs:
  BeaconInterval:
    Value: !GetAtt Beacon.Interval
`;

/** What the test knows of the new kind: its kind name and what its handle records. */
type Beacon = ResourceHandle & { journal: string[]; intervalSeconds: number };
const BEACON = handleKind<Beacon>('test-beacon');

describe('a new kind of resource: one provisioner module, and nothing else', () => {
  const kinds = makeTempDir('new-kind');
  const dir = makeTempDir('new-kind-stack');
  const stateDir = join(dir.path, 'state');
  let functions: FunctionHost;
  let runtime: LocalRuntime;

  /** The runtime-wide services, registered before the stack is deployed, as startLocalStack does. */
  const registerServices = () => {
    const moto = { endpoint: 'http://127.0.0.1:5050', stop: async () => {}, reset: async () => {} };
    runtime.handles.add(motoHandle(moto, runtime.cognito));
    runtime.handles.add(functionHostHandle(functions));
    runtime.handles.add(restApiHandle(runtime.api));
    runtime.handles.add(lambdaApiHandle(new LambdaApiServer([], recordingLog()), 'http://127.0.0.1:3001'));
    runtime.handles.add(
      firehoseApiHandle(new FirehoseApiServer(new Map(), recordingLog()), 'http://127.0.0.1:3002'),
    );
  };

  const deploy = (provisioners: ProvisionerRegistry) => {
    runtime = aLocalRuntime({
      // Any AWS call fails at once: the new kind needs none.
      clients: unreachableClients(),
      functions,
      provisioners,
      settings: { stateDir },
    });
    registerServices();
    return deployStack(
      {
        templatePath: writeFile(dir.path, 'template.yaml', TEMPLATE),
        stackName: 'beacons',
        pseudo: {
          region: 'us-east-1',
          accountId: '123456789012',
          partition: 'aws',
          urlSuffix: 'amazonaws.com',
        },
        buildDir: join(dir.path, 'build'),
      },
      runtime,
    );
  };

  beforeAll(() => {
    writeFile(kinds.path, 'beacon.ts', BEACON_MODULE);
    functions = new FunctionHost({}, join(stateDir, 'logs'));
  });

  afterAll(() => {
    kinds.remove();
    dir.remove();
  });

  it('is not emulated before its module is there', async () => {
    const stack = await deploy(ProvisionerRegistry.discover([PROVISIONERS_DIR]));

    expect(runtime.notEmulated).toEqual(['Local::Test::Beacon Beacon', 'AWS::IAM::Role Role']);
    expect(runtime.handles.ofKind(BEACON)).toEqual([]);
    expect(stack.outputs.BeaconInterval).toBe('beacons-Beacon.Interval');
  });

  describe('with its module beside the others', () => {
    let stack: Awaited<ReturnType<typeof deployStack>>;
    let beacon: Beacon;

    beforeAll(async () => {
      // The project's provisioner modules and the new one, discovered the same way.
      stack = await deploy(ProvisionerRegistry.discover([PROVISIONERS_DIR, kinds.path]));
      [beacon] = runtime.handles.ofKind(BEACON) as [Beacon];
    });

    it('is created by its provisioner, with its Ref and GetAtt', () => {
      expect(runtime.notEmulated).toEqual(['AWS::IAM::Role Role']);
      expect(stack.resources.get('Beacon')).toEqual({ ref: 'Beacon', attributes: { Interval: '5' } });
      expect(stack.outputs.BeaconInterval).toBe('5');
      expect(runtime.handles.ofKind(BEACON)).toHaveLength(1);
      expect(beacon.journal).toEqual([]);
    });

    it('starts with the stack', async () => {
      await runtime.handles.startAll();
      expect(beacon.journal).toEqual(['started']);
    });

    it('has its line in the banner, where its position puts it, and its entry in outputs.json', () => {
      // Registered once the stack is up, as startLocalStack does.
      const outputsFile = join(stateDir, 'outputs.json');
      runtime.handles.add(
        stackSummaryHandle({
          region: 'us-east-1',
          retryDelaySeconds: 1,
          notEmulated: runtime.notEmulated,
          outputsFile,
        }),
      );
      const outputs = { ...stack.outputs, ...runtime.handles.outputs() };

      expect(Object.keys(outputs)).toEqual([
        'BeaconInterval',
        'AwsEndpointUrl',
        'LambdaEndpointUrl',
        'FirehoseEndpointUrl',
        'BeaconUrl',
        'Region',
      ]);
      const banner = describeLocalStack({ outputs, outputsFile, runtime } as unknown as LocalStack, {
        stackName: 'beacons',
        region: 'us-east-1',
        stateDir,
      }).split('\n');
      const shown = (path: string) => relative(PROJECT_ROOT, path);
      expect(banner.slice(2, 10)).toEqual([
        '  AWS APIs (moto)   http://127.0.0.1:5050  SNS, SQS, DynamoDB, KMS, S3, SSM',
        '  Lambda API        http://127.0.0.1:3001  event source mappings (Get, List, Update) and Invoke, for npm run replay and the functions',
        '  Firehose API      http://127.0.0.1:3002  PutRecord, PutRecordBatch, DescribeDeliveryStream, ListDeliveryStreams (aws firehose --endpoint-url)',
        `  Beacon            Beacon every 5 s  log: ${shown(join(stateDir, 'logs'))}/beacon.log`,
        "  Retries           failed SQS messages are retried after 1 s locally (in AWS: the queue's visibility timeout)",
        '  Not emulated      1 resources: IAM, log groups, alarms and other control-plane-only kinds (see README)',
        `  Outputs           ${shown(outputsFile)}`,
        '',
      ]);
    });

    it('stops in its phase: after the endpoints, before the functions', async () => {
      const seen: string[] = [];
      for (const phase of STOP_PHASES) {
        if (phase === 'buffers') continue;
        runtime.handles.add({
          kind: 'probe',
          name: phase,
          stopPhase: phase,
          bannerPosition: 0,
          bannerLines: () => [],
          stop: async () => {
            seen.push(`${phase}: beacon ${beacon.journal.at(-1)}`);
          },
        });
      }

      await runtime.handles.stopAll();

      expect(seen).toEqual([
        'intake: beacon started',
        'endpoints: beacon started',
        'compute: beacon stopped',
        'stores: beacon stopped',
        'foundation: beacon stopped',
      ]);
      expect(beacon.journal).toEqual(['started', 'stopped']);
    });
  });
});
