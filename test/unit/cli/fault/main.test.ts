import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../../../cli/fault/main';
import { runCli } from '../../../helpers/cli';

const PARAMETER = '/checkout/checkout/fault-mode';
const AWS = ['--stack-name', 'checkout', '--region', 'eu-west-1'];

describe('the fault CLI against a stack in AWS (mocked clients)', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const ssm = mockClient(SSMClient);
  const runFault = (...argv: string[]) => runCli(run, argv, { env: {} });

  beforeEach(() => {
    cloudFormation.reset();
    ssm.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'checkout',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'CheckoutFaultModeParameterName', OutputValue: PARAMETER }],
        },
      ],
    });
    ssm.on(GetParameterCommand).resolves({
      Parameter: {
        Name: PARAMETER,
        Value: 'off',
        Version: 3,
        LastModifiedDate: new Date('2026-11-21T09:00:00Z'),
      },
    });
    ssm.on(PutParameterCommand).resolves({ Version: 4 });
  });

  it('overwrites the parameter and says that the next sam deploy resets it', async () => {
    const { code, stdout } = await runFault('corrupt', ...AWS);
    expect(code).toBe(0);

    expect(ssm.commandCalls(PutParameterCommand)[0]?.args[0].input).toEqual({
      Name: PARAMETER,
      Value: 'corrupt',
      Type: 'String',
      Overwrite: true,
    });
    expect(stdout).toBe(
      [
        `Checkout fault switch ${PARAMETER}: off -> corrupt: CheckoutFunction stores damaged items (no items, amount 0) in CheckoutTable.`,
        'CheckoutFunction picks the change up within about 5 seconds (it caches the parameter for 5 s). Turn it off with `npm run fault -- off --stack-name checkout --region eu-west-1`.',
        'In AWS, the next `sam deploy` sets it back to the template parameter CheckoutFaultMode (default off).',
        '',
      ].join('\n'),
    );
  });

  it('shows a value the checkout function does not know as such', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: 'broken' } });
    const { code, stdout } = await runFault('status', ...AWS);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '"broken", not a fault mode: CheckoutFunction ignores it and processes orders normally.',
    );
  });

  it('says which permission is missing when access is denied', async () => {
    ssm.on(PutParameterCommand).rejects(
      Object.assign(new Error('not authorized to perform ssm:PutParameter'), {
        name: 'AccessDeniedException',
      }),
    );
    const { code, stderr } = await runFault('fail', ...AWS);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'fault: access denied: not authorized to perform ssm:PutParameter (the credentials need ssm:GetParameter and ssm:PutParameter on the fault switch parameter)\n',
    );
  });
});
