import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  CreateUserPoolDomainCommand,
  type CustomDomainConfigType,
  type ResourceServerScopeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';

/**
 * Cognito user pools, domains, resource servers and app clients, created in moto (so that
 * `aws cognito-idp describe-user-pool-client --endpoint-url <AwsEndpointUrl>` gives a client its secret, as
 * in AWS) and registered with the local Cognito endpoint, which issues and verifies their tokens.
 * Ref and GetAtt give CloudFormation's values; a pool's ProviderURL is its local issuer. The template's
 * properties are the API's parameters, passed as they are (Cognito, here moto, checks them).
 */

/** The scopes every user pool has besides its resource servers' custom scopes. */
const STANDARD_SCOPES = new Set(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']);

const NUMERIC_CLIENT_PROPERTIES = [
  'AccessTokenValidity',
  'IdTokenValidity',
  'RefreshTokenValidity',
  'AuthSessionValidity',
];
const BOOLEAN_CLIENT_PROPERTIES = [
  'GenerateSecret',
  'AllowedOAuthFlowsUserPoolClient',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
];

/** Template values from parameters are strings; the API takes numbers and booleans. */
const typed = (properties: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(properties).map(([name, value]) => {
      if (NUMERIC_CLIENT_PROPERTIES.includes(name)) return [name, Number(value)];
      if (BOOLEAN_CLIENT_PROPERTIES.includes(name)) return [name, String(value) === 'true'];
      return [name, value];
    }),
  );

export const createUserPool: Provisioner = async ({ logicalId, properties, stack }, { clients, cognito }) => {
  // EnabledMfas is set by a call of its own in AWS (SetUserPoolMfaConfig); moto does not need it.
  const { UserPoolName, EnabledMfas: _enabledMfas, ...settings } = properties;
  const name = (UserPoolName as string | undefined) ?? physicalName(stack, logicalId, 128);
  const { UserPool: pool } = await clients.cognito.send(
    new CreateUserPoolCommand({ ...settings, PoolName: name } as CreateUserPoolCommandInput),
  );
  if (!pool?.Id || !pool.Arn) throw new Error(`CreateUserPool gave no Id and Arn for ${logicalId}`);
  cognito.addUserPool({ id: pool.Id, arn: pool.Arn, name: pool.Name ?? name });
  const issuer = cognito.issuerOf(pool.Id);
  return {
    ref: pool.Id,
    attributes: {
      Arn: pool.Arn,
      ProviderName: issuer.replace(/^https?:\/\//, ''),
      ProviderURL: issuer,
      UserPoolId: pool.Id,
    },
  };
};

/**
 * A domain gives its pool the token endpoint. Locally one endpoint serves every domain: outputs that build
 * `https://<domain>.auth.<region>.amazoncognito.com/...` get the local endpoint's origin instead (localOrigin).
 */
export const createUserPoolDomain: Provisioner = async ({ properties }, { clients, cognito }) => {
  const domain = String(properties.Domain);
  const userPoolId = String(properties.UserPoolId);
  const created = await clients.cognito.send(
    new CreateUserPoolDomainCommand({
      Domain: domain,
      UserPoolId: userPoolId,
      ...(properties.CustomDomainConfig
        ? { CustomDomainConfig: properties.CustomDomainConfig as CustomDomainConfigType }
        : {}),
    }),
  );
  cognito.addDomain(userPoolId, domain);
  return {
    ref: domain,
    attributes: { CloudFrontDistribution: created.CloudFrontDomain, localOrigin: cognito.url },
  };
};

export const createUserPoolResourceServer: Provisioner = async ({ properties }, { clients, cognito }) => {
  const identifier = String(properties.Identifier);
  const userPoolId = String(properties.UserPoolId);
  const scopes = (properties.Scopes as ResourceServerScopeType[] | undefined) ?? [];
  await clients.cognito.send(
    new CreateResourceServerCommand({
      UserPoolId: userPoolId,
      Identifier: identifier,
      Name: properties.Name as string | undefined,
      Scopes: scopes,
    }),
  );
  cognito.addScopes(
    userPoolId,
    scopes.map((scope) => `${identifier}/${scope.ScopeName}`),
  );
  // Ref gives the resource server's Identifier.
  return { ref: identifier, attributes: {} };
};

export const createUserPoolClient: Provisioner = async (
  { logicalId, properties, stack },
  { clients, cognito },
) => {
  const settings = typed(properties);
  const userPoolId = String(settings.UserPoolId);
  const flows = (settings.AllowedOAuthFlows as string[] | undefined) ?? [];
  // What CreateUserPoolClient refuses in AWS (moto does not check these).
  if (flows.includes('client_credentials') && settings.GenerateSecret !== true) {
    throw new Error(
      'InvalidOAuthFlowException: client_credentials flow can not be selected if client does not have a client secret.',
    );
  }
  if (flows.includes('client_credentials') && flows.some((flow) => flow !== 'client_credentials')) {
    throw new Error(
      'InvalidOAuthFlowException: client_credentials flow can not be selected with other flows.',
    );
  }
  const known = cognito.scopesOf(userPoolId);
  const unknown = ((settings.AllowedOAuthScopes as string[] | undefined) ?? []).filter(
    (scope) => !STANDARD_SCOPES.has(scope) && !known.has(scope),
  );
  if (unknown.length > 0) {
    throw new Error(
      `ScopeDoesNotExistException: Invalid scope requested: ${unknown.join(', ')} (no resource server of the pool has it yet; DependsOn the resource server?)`,
    );
  }
  const { UserPoolClient: client } = await clients.cognito.send(
    new CreateUserPoolClientCommand({
      ...settings,
      ClientName: (settings.ClientName as string | undefined) ?? physicalName(stack, logicalId, 128),
    } as CreateUserPoolClientCommandInput),
  );
  if (!client?.ClientId) throw new Error(`CreateUserPoolClient gave no ClientId for ${logicalId}`);
  cognito.addClient(userPoolId, client.ClientId);
  return {
    ref: client.ClientId,
    attributes: {
      ClientId: client.ClientId,
      Name: client.ClientName,
      ...(client.ClientSecret ? { ClientSecret: client.ClientSecret } : {}),
    },
  };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::Cognito::UserPool', create: createUserPool },
  { type: 'AWS::Cognito::UserPoolClient', create: createUserPoolClient },
  { type: 'AWS::Cognito::UserPoolDomain', create: createUserPoolDomain },
  { type: 'AWS::Cognito::UserPoolResourceServer', create: createUserPoolResourceServer },
];
