import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { run } from '../../../../cli/fault/main';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { runCli } from '../../../helpers/cli';
import { useMotoServer } from '../../../helpers/moto';

const PARAMETER = '/local/checkout/fault-mode';

describe('the fault CLI against moto', () => {
  const moto = useMotoServer();
  let dir: string;
  let ssm: SSMClient;

  const runFault = (...argv: string[]) => runCli(run, argv, { cwd: dir, env: {} });
  const value = async () => (await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter?.Value;
  const writeOutputs = (file: string, parameterName: string | undefined) =>
    writeFileSync(
      join(dir, file),
      JSON.stringify({
        ...(parameterName ? { CheckoutFaultModeParameterName: parameterName } : {}),
        AwsEndpointUrl: moto.server.endpoint,
        Region: LOCAL_REGION,
      }),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fault-cli-'));
    ssm = new SSMClient(moto.clientConfig());
    await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: 'off', Type: 'String' }));
    writeOutputs('outputs.json', PARAMETER);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the switch and what it does', async () => {
    const { code, stdout } = await runFault('status', '--outputs', 'outputs.json');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Checkout fault switch \/local\/checkout\/fault-mode \(version 1, last changed \d{4}-\d\d-\d\dT[\d:.]+Z\): off: orders are processed normally\.\n$/,
    );
  });

  it('turns the switch to fail, saying when the checkout function picks it up and how to turn it off', async () => {
    const { code, stdout, stderr } = await runFault('fail', '--outputs', 'outputs.json');

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(await value()).toBe('fail');
    expect(stdout).toBe(
      [
        'Checkout fault switch /local/checkout/fault-mode: off -> fail: CheckoutFunction fails every order, as in an outage: the circuit breaker opens after a few failures and orders wait in the checkout queue until it closes by itself, after `off`.',
        'CheckoutFunction picks the change up within about 5 seconds (it caches the parameter for 5 s). Turn it off with `npm run fault -- off --outputs outputs.json`.',
        '',
      ].join('\n'),
    );
  });

  it('turns the switch to corrupt and back off', async () => {
    expect((await runFault('corrupt', '--outputs', 'outputs.json')).code).toBe(0);
    expect(await value()).toBe('corrupt');
    const { code, stdout } = await runFault('off', '--outputs', 'outputs.json');
    expect(code).toBe(0);
    expect(await value()).toBe('off');
    expect(stdout).toContain('corrupt -> off: orders are processed normally.');
  });

  it('leaves the parameter as it is when it already has the value', async () => {
    const before = (await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter?.Version;
    const { code, stdout } = await runFault('off', '--outputs', 'outputs.json');
    expect(code).toBe(0);
    expect(stdout).toContain('is already off');
    expect((await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter?.Version).toBe(before);
  });

  it('rejects an unknown value with a usage error and leaves the parameter unchanged', async () => {
    const { code, stdout, stderr } = await runFault('explode', '--outputs', 'outputs.json');
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'fault: unknown command "explode": use one of status, off, fail, corrupt\nRun `npm run fault -- --help` for usage.\n',
    );
    expect(await value()).toBe('off');
  });

  it('says which parameter is missing when the stack has none', async () => {
    writeOutputs('missing.json', '/other/checkout/fault-mode');
    const { code, stderr } = await runFault('status', '--outputs', 'missing.json');
    expect(code).toBe(1);
    expect(stderr).toBe(
      'fault: the parameter /other/checkout/fault-mode (output CheckoutFaultModeParameterName) does not exist in the local stack (missing.json)\n',
    );
  });

  it('says plainly that a stack deployed without EnableFaultInjection has no switch, and changes nothing', async () => {
    writeOutputs('production.json', undefined);
    const { code, stdout, stderr } = await runFault('fail', '--outputs', 'production.json');
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      'fault: the local stack (production.json) has no game-day fault switch: it was deployed without EnableFaultInjection=true (the default, and the prod configuration). Rehearse outages on a stack deployed with `--parameter-overrides EnableFaultInjection=true` (the local stack has it), never in production\n',
    );
    expect(await value()).toBe('off');
  });
});
