import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { CliError, UsageError } from '../../../../cli/shared/errors';
import {
  createClient,
  defaultOutputsFile,
  readOutputsFile,
  resolveTarget,
} from '../../../../cli/shared/target';
import { PROJECT_ROOT } from '../../../../local/paths';

const LOCAL_OUTPUTS = {
  ArchiveBucketName: 'local-archive',
  AwsEndpointUrl: 'http://127.0.0.1:5050',
  Region: 'eu-west-1',
};

describe('resolving the target stack', () => {
  let dir: string;
  const io = () => ({ stdout: { write: () => true }, stderr: { write: () => true }, cwd: dir, env: {} });
  const writeOutputs = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-target-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('the local stack', () => {
    it('reads the outputs file named by --outputs, relative to the working directory', async () => {
      writeOutputs('outputs.json', LOCAL_OUTPUTS);
      const target = resolveTarget({ outputsFile: 'outputs.json' }, io());

      expect(target.kind).toBe('local');
      expect(target.description).toBe('the local stack (outputs.json)');
      expect(await target.output('ArchiveBucketName')).toBe('local-archive');
      expect(target.failureContext).toEqual({ localEndpoint: 'http://127.0.0.1:5050' });
    });

    it('gives clients the local endpoint and Region, path-style S3 and dummy credentials', () => {
      writeOutputs('outputs.json', LOCAL_OUTPUTS);
      expect(resolveTarget({ outputsFile: 'outputs.json' }, io()).clientConfig).toEqual({
        endpoint: 'http://127.0.0.1:5050',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        forcePathStyle: true,
      });
    });

    it('reads .local/outputs.json of the project by default, or the one in LOCAL_STATE_DIR', () => {
      expect(defaultOutputsFile({})).toBe(join(PROJECT_ROOT, '.local', 'outputs.json'));
      expect(defaultOutputsFile({ LOCAL_STATE_DIR: '/tmp/state' })).toBe('/tmp/state/outputs.json');
    });

    it('says to start the local stack when its outputs file does not exist', () => {
      expect(() => resolveTarget({ outputsFile: 'missing.json' }, io())).toThrow(
        new CliError(
          'missing.json does not exist: is the local stack running? Start it with npm start (or pass --stack-name <name> for a stack in AWS)',
        ),
      );
    });

    it('refuses an outputs file that is not JSON, not an object, or not written by npm start', () => {
      expect(() => readOutputsFile(writeOutputs('a.json', '{"half'))).toThrow(/is not valid JSON/);
      expect(() => readOutputsFile(writeOutputs('b.json', '[1]'))).toThrow(/is not a JSON object/);
      expect(() => readOutputsFile(writeOutputs('c.json', { ArchiveBucketName: 'x' }))).toThrow(
        /has no AwsEndpointUrl: it was not written by npm start/,
      );
    });

    it('names the stack and the output when an output is missing', async () => {
      writeOutputs('outputs.json', { AwsEndpointUrl: 'http://127.0.0.1:5050' });
      const target = resolveTarget({ outputsFile: 'outputs.json' }, io());
      await expect(target.output('ArchiveBucketName')).rejects.toThrow(
        'the local stack (outputs.json) has no output ArchiveBucketName',
      );
    });

    it('refuses --region, which only a stack in AWS takes', () => {
      expect(() => resolveTarget({ region: 'eu-west-1' }, io())).toThrow(UsageError);
    });
  });

  describe('a stack in AWS', () => {
    const cloudFormation = mockClient(CloudFormationClient);
    afterEach(() => cloudFormation.reset());

    it('reads the outputs with DescribeStacks, once, in the given Region', async () => {
      cloudFormation.on(DescribeStacksCommand, { StackName: 'checkout' }).resolves({
        Stacks: [
          {
            StackName: 'checkout',
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [
              { OutputKey: 'ArchiveBucketName', OutputValue: 'checkout-archive' },
              { OutputKey: 'TopicArn', OutputValue: 'arn:aws:sns:eu-west-1:1:t' },
            ],
          },
        ],
      });
      const target = resolveTarget({ stackName: 'checkout', region: 'eu-west-1' }, io());

      expect(target.kind).toBe('aws');
      expect(target.clientConfig).toEqual({ region: 'eu-west-1' });
      expect(await target.output('ArchiveBucketName')).toBe('checkout-archive');
      expect(await target.outputs()).toEqual({
        ArchiveBucketName: 'checkout-archive',
        TopicArn: 'arn:aws:sns:eu-west-1:1:t',
      });
      expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    });

    it('leaves the Region to the default chain when --region is not given', () => {
      expect(resolveTarget({ stackName: 'checkout' }, io()).clientConfig).toEqual({});
    });

    it('names the stack and the output when the stack lacks ArchiveBucketName', async () => {
      cloudFormation.on(DescribeStacksCommand).resolves({
        Stacks: [
          { StackName: 'other', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] },
        ],
      });
      await expect(
        resolveTarget({ stackName: 'other', region: 'eu-west-1' }, io()).output('ArchiveBucketName'),
      ).rejects.toThrow(
        new CliError(
          "the stack other has no output ArchiveBucketName: is it deployed from this project's template, with the pipeline that provides it?",
        ),
      );
    });

    it('says when the stack does not exist in the Region', async () => {
      cloudFormation
        .on(DescribeStacksCommand)
        .rejects(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));
      await expect(resolveTarget({ stackName: 'nope', region: 'eu-west-1' }, io()).outputs()).rejects.toThrow(
        'the stack nope does not exist in eu-west-1 (check --stack-name and --region)',
      );
    });

    it('refuses --outputs together with --stack-name', () => {
      expect(() => resolveTarget({ stackName: 'checkout', outputsFile: 'outputs.json' }, io())).toThrow(
        UsageError,
      );
    });
  });

  it('builds any SDK client from the target, with its own copy of the settings', () => {
    const target = { clientConfig: { region: 'eu-west-1', forcePathStyle: true } };
    const s3 = createClient(S3Client, target);
    expect(s3).toBeInstanceOf(S3Client);
    expect(s3.config.forcePathStyle).toBe(true);
    s3.destroy();
  });
});
