import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { run as runFaultCli } from '../../../../cli/fault/main';
import { run as runReplayCli } from '../../../../cli/replay/main';
import { describeStackOutputs } from '../../../../cli/shared/target';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { runCli } from '../../../helpers/cli';
import { setEnvironment } from '../../../helpers/handler-environment';
import { useMotoServer } from '../../../helpers/moto';

const STACK_NAME = 'checkout-aws-path';
const PARAMETER = `/${STACK_NAME}/checkout/fault-mode`;

/** A stand-in for the deployed root stack: the resources and outputs the CLIs look up, nothing more. */
const STACK_TEMPLATE = {
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    CheckoutFaultModeParameter: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: PARAMETER, Type: 'String', Value: 'off' },
    },
  },
  Outputs: {
    CheckoutFaultModeParameterName: { Value: { Ref: 'CheckoutFaultModeParameter' } },
    TopicArn: { Value: 'arn:aws:sns:us-east-1:123456789012:checkout-orders' },
  },
};

/**
 * The `--stack-name` path that the CLIs take in AWS, against moto's CloudFormation: the outputs come from
 * DescribeStacks and the clients from the default credential chain, Region and endpoint settings.
 */
describe('a CLI target that is a stack in AWS (moto)', () => {
  const moto = useMotoServer();
  let restoreEnvironment: () => void;
  const aws = ['--stack-name', STACK_NAME, '--region', LOCAL_REGION];

  beforeAll(async () => {
    // What a user's shell gives the SDK in AWS: here, credentials and an endpoint that lead to moto.
    restoreEnvironment = setEnvironment(moto.environment());
    const cloudFormation = new CloudFormationClient(moto.clientConfig());
    await cloudFormation.send(
      new CreateStackCommand({ StackName: STACK_NAME, TemplateBody: JSON.stringify(STACK_TEMPLATE) }),
    );
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: STACK_NAME }));
    expect(Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  });

  afterAll(() => restoreEnvironment());

  it("reads the stack's outputs from CloudFormation", async () => {
    await expect(describeStackOutputs(STACK_NAME, { region: LOCAL_REGION })).resolves.toEqual({
      CheckoutFaultModeParameterName: PARAMETER,
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:checkout-orders',
    });
  });

  it('flips the fault switch that the stack output names, and says how to turn it off in the same stack', async () => {
    const { code, stdout, stderr } = await runCli(runFaultCli, ['fail', ...aws], { env: {} });

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`Checkout fault switch ${PARAMETER}: off -> fail`);
    expect(stdout).toContain(`npm run fault -- off --stack-name ${STACK_NAME} --region ${LOCAL_REGION}`);
    const ssm = new SSMClient(moto.clientConfig());
    expect((await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter?.Value).toBe('fail');
  });

  it('names the stack and the Region when the stack does not exist', async () => {
    const { code, stdout, stderr } = await runCli(
      runFaultCli,
      ['status', '--stack-name', 'no-such-stack', '--region', LOCAL_REGION],
      {
        env: {},
      },
    );

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      `fault: the stack no-such-stack does not exist in ${LOCAL_REGION} (check --stack-name and --region)\n`,
    );
  });

  it('says which output is missing when the stack is not one of this application', async () => {
    const other = `${STACK_NAME}-other`;
    await new CloudFormationClient(moto.clientConfig()).send(
      new CreateStackCommand({
        StackName: other,
        TemplateBody: JSON.stringify({
          AWSTemplateFormatVersion: '2010-09-09',
          Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
          Outputs: { QueueUrl: { Value: { Ref: 'Queue' } } },
        }),
      }),
    );

    const { code, stderr } = await runCli(
      runReplayCli,
      ['status', '--stack-name', other, '--region', LOCAL_REGION],
      {
        env: {},
      },
    );

    expect(code).toBe(1);
    expect(stderr).toContain(`stack ${other} has no output ReplayStateTableName`);
  });
});
