import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { LocalCognito } from '../../../../local/cognito/local-cognito';
import { FunctionHost } from '../../../../local/lambda/function-host';
import {
  createUserPool,
  createUserPoolClient,
  createUserPoolDomain,
  createUserPoolResourceServer,
} from '../../../../local/provisioners/cognito';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import { aLocalRuntime, awsClients, makeTempDir, recordingLog } from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const stack = aStackFrame({ stackName: 'auth' });

const toCreate = (logicalId: string, type: string, properties: Record<string, unknown>) =>
  aResourceToCreate(logicalId, type, properties, stack);

const WRITE = 'checkout/orders.write';

describe('the Cognito provisioners, against moto', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('cognito-provisioners');
  let runtime: LocalRuntime;
  let userPoolId = '';

  beforeAll(async () => {
    const clients = awsClients(moto.clientConfig());
    runtime = aLocalRuntime({
      clients,
      functions: new FunctionHost(moto.environment(), dir.path),
      cognito: new LocalCognito(clients.cognito, recordingLog()),
    });
    await runtime.cognito.listen('127.0.0.1', 0);
  });

  afterAll(async () => {
    await runtime.cognito.close();
    await runtime.functions.stop();
    dir.remove();
  });

  it('creates the user pool in moto; Ref is its id, GetAtt gives Arn, UserPoolId and the local issuer', async () => {
    const pool = await createUserPool(
      toCreate('Partners', 'AWS::Cognito::UserPool', {
        UserPoolName: 'auth-partners',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        DeletionProtection: 'INACTIVE',
      }),
      runtime,
    );
    userPoolId = pool.ref;
    expect(userPoolId).toMatch(new RegExp(`^${LOCAL_REGION}_[0-9a-zA-Z]+$`));
    expect(pool.attributes).toEqual({
      Arn: `arn:aws:cognito-idp:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:userpool/${userPoolId}`,
      UserPoolId: userPoolId,
      ProviderURL: `${runtime.cognito.url}/${userPoolId}`,
      ProviderName: `${runtime.cognito.url.replace('http://', '')}/${userPoolId}`,
    });
  });

  it('creates the resource server; Ref is its identifier', async () => {
    const server = await createUserPoolResourceServer(
      toCreate('Checkout', 'AWS::Cognito::UserPoolResourceServer', {
        UserPoolId: userPoolId,
        Identifier: 'checkout',
        Name: 'Checkout API',
        Scopes: [
          { ScopeName: 'orders.write', ScopeDescription: 'Post orders' },
          { ScopeName: 'orders.read', ScopeDescription: 'Read orders' },
        ],
      }),
      runtime,
    );
    expect(server).toEqual({ ref: 'checkout', attributes: {} });
  });

  it("creates the domain; Ref is the domain and its local origin replaces Cognito's in outputs", async () => {
    const domain = await createUserPoolDomain(
      toCreate('Domain', 'AWS::Cognito::UserPoolDomain', {
        UserPoolId: userPoolId,
        Domain: 'checkout-local',
      }),
      runtime,
    );
    expect(domain.ref).toBe('checkout-local');
    expect(domain.attributes).toMatchObject({
      CloudFrontDistribution: expect.stringMatching(/\.amazoncognito\.com$/),
      localOrigin: runtime.cognito.url,
    });
  });

  it('creates a client credentials app client whose secret describe-user-pool-client gives, as in AWS', async () => {
    const client = await createUserPoolClient(
      toCreate('PartnerClientAcme', 'AWS::Cognito::UserPoolClient', {
        UserPoolId: userPoolId,
        ClientName: 'Acme',
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [WRITE],
        // As a template gives them through parameters: strings.
        AccessTokenValidity: '15',
        TokenValidityUnits: { AccessToken: 'minutes' },
      }),
      runtime,
    );
    const secret = String(client.attributes.ClientSecret);
    expect(client.attributes).toEqual({ ClientId: client.ref, ClientSecret: secret, Name: 'Acme' });
    expect(secret).not.toBe('');
    const { UserPoolClient: described } = await runtime.clients.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: client.ref }),
    );
    expect(described).toMatchObject({
      ClientId: client.ref,
      ClientSecret: secret,
      AllowedOAuthScopes: [WRITE],
      AccessTokenValidity: 15,
    });
  });

  it('refuses a client allowed a scope no resource server of the pool has, as Cognito does', async () => {
    await expect(
      createUserPoolClient(
        toCreate('Stray', 'AWS::Cognito::UserPoolClient', {
          UserPoolId: userPoolId,
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['refunds/refunds.write'],
        }),
        runtime,
      ),
    ).rejects.toThrow('ScopeDoesNotExistException: Invalid scope requested: refunds/refunds.write');
  });

  it('refuses client credentials for a client without a secret, as Cognito does', async () => {
    await expect(
      createUserPoolClient(
        toCreate('Public', 'AWS::Cognito::UserPoolClient', {
          UserPoolId: userPoolId,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: [WRITE],
        }),
        runtime,
      ),
    ).rejects.toThrow('InvalidOAuthFlowException');
  });
});
