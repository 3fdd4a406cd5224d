import { defaultProvisioners, PROVISIONERS_DIR, ProvisionerRegistry } from '../../../../local/stack/registry';
import type { Provisioner } from '../../../../local/stack/resources';
import { makeTempDir, writeFile } from '../../../helpers/local-runtime';

/** A CommonJS provisioner module exporting `provisioners` of the given types. */
const aModule = (...types: string[]) =>
  `exports.provisioners = ${JSON.stringify(types)}.map((type) => ({
  type,
  create: async ({ logicalId }) => ({ ref: type + ' ' + logicalId, attributes: {} }),
}));\n`;

describe('ProvisionerRegistry', () => {
  const dirs: ReturnType<typeof makeTempDir>[] = [];
  const aDir = (files: Record<string, string>) => {
    const dir = makeTempDir('provisioners');
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFile(dir.path, name, text);
    return dir.path;
  };

  afterAll(() => {
    for (const dir of dirs) dir.remove();
  });

  describe('discovering local/provisioners/', () => {
    it('finds the provisioner of every kind the project templates use, with nothing listing the modules', () => {
      expect(defaultProvisioners().types).toEqual(
        expect.arrayContaining([
          'AWS::ApiGateway::ApiKey',
          'AWS::ApiGateway::GatewayResponse',
          'AWS::ApiGateway::UsagePlan',
          'AWS::ApiGateway::UsagePlanKey',
          'AWS::CloudFormation::CustomResource',
          'AWS::Cognito::UserPool',
          'AWS::Cognito::UserPoolClient',
          'AWS::Cognito::UserPoolDomain',
          'AWS::Cognito::UserPoolResourceServer',
          'AWS::DynamoDB::Table',
          'AWS::KMS::Alias',
          'AWS::KMS::Key',
          'AWS::KinesisFirehose::DeliveryStream',
          'AWS::OpenSearchService::Domain',
          'AWS::S3::Bucket',
          'AWS::S3::BucketPolicy',
          'AWS::SNS::Subscription',
          'AWS::SNS::Topic',
          'AWS::SQS::Queue',
          'AWS::SQS::QueuePolicy',
          'AWS::SSM::Parameter',
          'AWS::Serverless::Api',
          'AWS::Serverless::Application',
          'AWS::Serverless::Function',
          'Custom::*',
        ]),
      );
    });

    it('gives the same provisioners when it discovers the folder again (each module is loaded once)', () => {
      const again = ProvisionerRegistry.discover([PROVISIONERS_DIR]);
      expect(again.types).toEqual(defaultProvisioners().types);
      expect(again.provisionerOf('AWS::SQS::Queue')).toBe(
        defaultProvisioners().provisionerOf('AWS::SQS::Queue'),
      );
    });

    it('leaves unknown kinds to be recorded as not emulated', () => {
      expect(defaultProvisioners().provisionerOf('AWS::IAM::Role')).toBeUndefined();
    });

    it("leaves out what the type's module says is not emulated (a function's DeploymentPreference)", () => {
      expect(defaultProvisioners().notEmulatedPropertiesOf('AWS::Serverless::Function')).toEqual([
        'DeploymentPreference',
      ]);
      expect(defaultProvisioners().notEmulatedPropertiesOf('AWS::SQS::Queue')).toEqual([]);
    });
  });

  it('takes every type a pattern begins, the exact type first', async () => {
    const exact: Provisioner = async () => ({ ref: 'exact', attributes: {} });
    const any: Provisioner = async () => ({ ref: 'any', attributes: {} });
    const registry = new ProvisionerRegistry([
      { type: 'Custom::*', create: any },
      { type: 'Custom::Special', create: exact },
    ]);
    expect(registry.provisionerOf('Custom::Special')).toBe(exact);
    expect(registry.provisionerOf('Custom::Anything')).toBe(any);
    expect(registry.provisionerOf('AWS::SQS::Queue')).toBeUndefined();
    expect(registry.types).toEqual(['Custom::*', 'Custom::Special']);
  });

  it('reads every module of the folders it is given, skipping helpers, declarations and tests', () => {
    const dir = aDir({
      'queues.js': aModule('Test::Queue', 'Test::QueuePolicy'),
      'topics.js': aModule('Test::Topic'),
      'helper.js': 'exports.attributeValue = (value) => String(value);\n',
      'types.d.ts': 'export declare const provisioners: unknown;\n',
      'queues.test.js': 'throw new Error("a test is not a provisioner module");\n',
      'notes.md': '# not a module\n',
    });
    expect(ProvisionerRegistry.discover([dir]).types).toEqual([
      'Test::Queue',
      'Test::QueuePolicy',
      'Test::Topic',
    ]);
  });

  it('refuses a type two modules provision, naming both', () => {
    const first = aDir({ 'a.js': aModule('Test::Twice') });
    const second = aDir({ 'b.js': aModule('Test::Twice') });
    expect(() => ProvisionerRegistry.discover([first, second])).toThrow(
      /^Test::Twice has two provisioners: in .*a\.js and .*b\.js$/,
    );
  });

  it('refuses a module whose provisioners are not definitions', () => {
    const dir = aDir({ 'broken.js': 'exports.provisioners = [{ type: "Test::Broken" }];\n' });
    expect(() => ProvisionerRegistry.discover([dir])).toThrow(
      /broken\.js: `provisioners` must be an array of \{ type, create \} \(ProvisionerDefinition\)$/,
    );
  });

  it('calls the provisioner it found', async () => {
    const dir = aDir({ 'things.js': aModule('Test::Thing') });
    const create = ProvisionerRegistry.discover([dir]).provisionerOf('Test::Thing');
    await expect(
      create?.(
        { logicalId: 'One', definition: { Type: 'Test::Thing' }, properties: {}, stack: {} as never },
        {} as never,
      ),
    ).resolves.toEqual({ ref: 'Test::Thing One', attributes: {} });
  });
});
