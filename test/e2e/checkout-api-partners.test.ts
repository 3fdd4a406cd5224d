import {
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { run as orders } from '../../cli/orders/main';
import { anOrder, anOrderOfAmount } from '../factories/order';
import { PartnerClient } from './partner-client';
import { e2eClientConfig, e2eStackOutputs, eventually } from './stack-outputs';
import { localStackStores } from './stores';

/**
 * SPEC §3.1 from the outside: who may post orders (OAuth 2.0 client credentials, the write scope, the
 * partner's API key), and what reaches the topic and every store when a partner posts the same order again.
 */
const outputs = e2eStackOutputs();
const partner = new PartnerClient(outputs);
const sqs = new SQSClient(e2eClientConfig());
const cognito = new CognitoIdentityProviderClient(e2eClientConfig());
const { archivedLines, indexedDocuments, tableItems, drainOnce, subscribeProbeQueue } =
  localStackStores(outputs);
const run = Date.now();
const checkoutUrl = `${outputs.ApiUrl}checkout`;

const postWith = (headers: Record<string, string>, body: unknown = anOrder({ id: `auth-${run}` })) =>
  fetch(checkoutUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const basic = (clientId: string, clientSecret: string) =>
  `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

const tokenFor = async (clientId: string, clientSecret: string, scope: string) => {
  const response = await fetch(outputs.TokenUrl as string, {
    method: 'POST',
    headers: {
      authorization: basic(clientId, clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/**
 * A client of its own in `userPoolId`, allowed only `<identifier>/<scope>` of a resource server it
 * creates for it (so that the pool's own resource server is left as the template made it).
 */
const aClientWithScope = async (userPoolId: string, identifier: string, scopeName: string) => {
  await cognito.send(
    new CreateResourceServerCommand({
      UserPoolId: userPoolId,
      Identifier: identifier,
      Name: identifier,
      Scopes: [{ ScopeName: scopeName, ScopeDescription: `${scopeName} for the e2e tests` }],
    }),
  );
  const { UserPoolClient } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: `e2e-${identifier}-${run}`,
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [`${identifier}/${scopeName}`],
    }),
  );
  return {
    clientId: UserPoolClient?.ClientId as string,
    clientSecret: UserPoolClient?.ClientSecret as string,
  };
};

const published = async (queueUrl: string): Promise<Message[]> => {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
};

const idsOf = (messages: Message[]) =>
  messages.map(({ Body }) => (JSON.parse(Body ?? '{}') as { id?: string }).id);

describe('partners posting orders through the local stack', () => {
  let probeQueueUrl: string;
  let token: string;
  const apiKey = { 'x-api-key': outputs.PartnerApiKey as string };

  beforeAll(async () => {
    probeQueueUrl = await subscribeProbeQueue(`e2e-partners-${run}`);
    token = await partner.accessToken();
  });

  describe('the two steps of the README', () => {
    it('gives a partner an access token with the claims Cognito gives, for the write scope', async () => {
      const { status, body } = await tokenFor(
        outputs.PartnerClientId as string,
        outputs.PartnerClientSecret as string,
        outputs.OrdersWriteScope as string,
      );
      expect(status).toBe(200);
      expect(body).toEqual({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
      const claims = decodeJwt(body.access_token as string);
      expect(claims).toMatchObject({
        client_id: outputs.PartnerClientId,
        sub: outputs.PartnerClientId,
        token_use: 'access',
        scope: 'checkout/orders.write',
        iss: expect.stringContaining(outputs.PartnerUserPoolId as string),
      });
      expect(decodeProtectedHeader(body.access_token as string)).toMatchObject({
        alg: 'RS256',
        kid: expect.any(String),
      });
    });

    it('accepts the order, and publishes it with the partner on it and as its partnerId attribute', async () => {
      const order = anOrder({ id: `partner-${run}` });
      const response = await partner.postOrder(order);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ orderId: order.id });

      const [message] = (await published(probeQueueUrl)).filter(({ Body }) => Body?.includes(order.id));
      expect(JSON.parse(message?.Body ?? '{}').partner).toEqual(partner.partner);
      expect(message?.MessageAttributes?.partnerId).toEqual(
        expect.objectContaining({ DataType: 'String', StringValue: outputs.PartnerId }),
      );
    });

    it('refuses a token to a client whose secret is wrong', async () => {
      const { status, body } = await tokenFor(
        outputs.PartnerClientId as string,
        'not-the-secret',
        'checkout/orders.write',
      );
      expect(status).toBe(400);
      expect(body).toEqual({ error: 'invalid_client' });
    });
  });

  describe('who may not post', () => {
    const forged = async (claims: Record<string, unknown>) => {
      const { privateKey } = await generateKeyPair('RS256');
      const { kid } = decodeProtectedHeader(token);
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    };

    it.each<[string, () => Promise<Record<string, string>>]>([
      ['no token', async () => apiKey],
      ['a token that is not a JWT', async () => ({ ...apiKey, authorization: 'Bearer not-a-token' })],
      [
        'a token whose claims were changed after signing',
        async () => {
          const [header, , signature] = token.split('.');
          const claims = { ...decodeJwt(token), exp: Math.floor(Date.now() / 1000) + 86_400 * 365 };
          const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
          return { ...apiKey, authorization: `Bearer ${header}.${payload}.${signature}` };
        },
      ],
      [
        'a token with the right claims signed by another key',
        async () => ({ ...apiKey, authorization: `Bearer ${await forged(decodeJwt(token))}` }),
      ],
      [
        'a token issued by another user pool',
        async () => {
          const { UserPool } = await cognito.send(
            new CreateUserPoolCommand({ PoolName: `e2e-other-${run}` }),
          );
          await cognito.send(
            new CreateUserPoolDomainCommand({ UserPoolId: UserPool?.Id, Domain: `e2e-other-${run}` }),
          );
          const other = await aClientWithScope(UserPool?.Id as string, 'checkout', 'orders.write');
          const { status, body } = await tokenFor(
            other.clientId,
            other.clientSecret,
            'checkout/orders.write',
          );
          expect({ status, iss: decodeJwt(body.access_token as string).iss }).toEqual({
            status: 200,
            iss: expect.stringContaining(UserPool?.Id as string),
          });
          return { ...apiKey, authorization: `Bearer ${body.access_token}` };
        },
      ],
    ])('answers 401 to %s, and publishes nothing', async (_, headers) => {
      const response = await postWith(await headers());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({
        message: 'Unauthorized',
        errors: ['A valid access token is required: Authorization: Bearer <token>'],
      });
      expect(idsOf(await published(probeQueueUrl))).not.toContain(`auth-${run}`);
    });

    it('answers 403 to a valid token of the pool that lacks the write scope, and publishes nothing', async () => {
      const reader = await aClientWithScope(outputs.PartnerUserPoolId as string, `reports${run}`, 'read');
      const { status, body } = await tokenFor(reader.clientId, reader.clientSecret, `reports${run}/read`);
      expect(status).toBe(200);

      const response = await postWith({ ...apiKey, authorization: `Bearer ${body.access_token}` });

      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        message: 'Forbidden',
        errors: ['The access token does not carry the scope this method requires'],
      });
      expect(idsOf(await published(probeQueueUrl))).not.toContain(`auth-${run}`);
    });

    it.each<[string, Record<string, string>]>([
      ['without an API key', {}],
      ['with an API key no usage plan knows', { 'x-api-key': 'Z'.repeat(40) }],
    ])('answers 403 to a valid token %s, and publishes nothing', async (_, keyHeader) => {
      const response = await postWith({ ...keyHeader, authorization: `Bearer ${token}` });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Forbidden' });
      expect(idsOf(await published(probeQueueUrl))).not.toContain(`auth-${run}`);
    });
  });

  describe('an order posted again', () => {
    it('is one message on the topic, one item, one archive line, one index document, and counts once', async () => {
      const order = anOrderOfAmount(321.45, {
        id: `retried-${run}`,
        customer: { id: `retrying-customer-${run}` },
      });

      const responses = [];
      for (let attempt = 0; attempt < 3; attempt += 1) responses.push(await partner.postOrder(order));

      for (const response of responses) {
        expect(response.status).toBe(202);
        expect(await response.json()).toEqual({ orderId: order.id });
      }
      const replayed = (await drainOnce(outputs.ReplayQueueUrl as string)).filter((body) =>
        body.includes(order.id),
      );
      expect(replayed).toHaveLength(1);
      await eventually(
        async () => ((await tableItems()).some((item) => item.id === order.id) ? true : undefined),
        20_000,
        'the order in the table',
      );
      const lines = await eventually(
        async () => {
          const found = (await archivedLines()).filter((line) => line.includes(`"${order.id}"`));
          return found.length > 0 ? found : undefined;
        },
        60_000,
        'the order in the archive',
      );
      const documents = await eventually(
        async () => {
          const found = await indexedDocuments([order.id]);
          return found.length > 0 ? found : undefined;
        },
        60_000,
        'the order in the index',
      );
      // Both flushed: whatever the other posts would have made is there by now too.
      await new Promise((resolveWait) => setTimeout(resolveWait, 6_000));
      expect((await archivedLines()).filter((line) => line.includes(`"${order.id}"`))).toEqual(lines);
      expect(await indexedDocuments([order.id])).toEqual(documents);
      expect(lines).toHaveLength(1);
      expect(documents).toHaveLength(1);

      let stdout = '';
      const code = await orders(
        [
          'stats',
          '--customer',
          order.customer.id,
          '--outputs',
          process.env.E2E_OUTPUTS_FILE as string,
          '--json',
        ],
        { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true } },
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(/"orders":\s*1\b/);
      expect(stdout).toMatch(/"revenue":\s*321\.45\b/);
    });

    it('answers 409 to the same id with other content, and publishes nothing', async () => {
      const order = anOrder({ id: `conflict-${run}` });
      expect((await partner.postOrder(order)).status).toBe(202);

      const response = await partner.postOrder({ ...order, notes: 'Actually, two of them' });

      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({
        message: 'Order id conflict',
        errors: ['id was already used for an order with different content; send a new id for a new order'],
      });
      expect(idsOf(await published(probeQueueUrl)).filter((id) => id === order.id)).toHaveLength(1);
    });

    it('answers twenty concurrent identical posts alike, and publishes the order once', async () => {
      const order = anOrder({ id: `concurrent-${run}` });

      const responses = await Promise.all(Array.from({ length: 20 }, () => partner.postOrder(order)));

      expect(responses.map(({ status }) => status)).toEqual(Array(20).fill(202));
      expect(idsOf(await published(probeQueueUrl)).filter((id) => id === order.id)).toHaveLength(1);
    });
  });
});
