import type { Partner } from '../../src/domain/order';

/** The outputs a partner of the local stack needs (`.local/outputs.json`). */
type PartnerOutputs = Record<string, string>;

/**
 * A partner posting orders to the local stack as the README says: a token from `TokenUrl` (client
 * credentials, HTTP Basic client authentication), then `POST /checkout` with it and the partner's API key.
 * The token is fetched once and reused until shortly before it expires.
 */
export class PartnerClient {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(
    private readonly outputs: PartnerOutputs,
    private readonly credentials = {
      clientId: outputs.PartnerClientId as string,
      clientSecret: outputs.PartnerClientSecret as string,
    },
  ) {}

  /** The partner as the API records it on the orders it posts: its name and its client id. */
  get partner(): Partner {
    return { id: this.outputs.PartnerId as string, clientId: this.credentials.clientId };
  }

  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 30_000) return this.token.value;
    const { clientId, clientSecret } = this.credentials;
    const response = await fetch(this.outputs.TokenUrl as string, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: this.outputs.OrdersWriteScope ?? '',
      }),
    });
    if (response.status !== 200)
      throw new Error(`The token endpoint answered ${response.status}: ${await response.text()}`);
    const { access_token, expires_in } = (await response.json()) as {
      access_token: string;
      expires_in: number;
    };
    this.token = { value: access_token, expiresAt: Date.now() + expires_in * 1000 };
    return access_token;
  }

  /** Posts `body` (sent as is when a string, as JSON otherwise) with the partner's token and API key. */
  async postOrder(
    body: unknown,
    {
      contentType = 'application/json',
      headers = {},
    }: { contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    return fetch(`${this.outputs.ApiUrl}checkout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        'x-api-key': this.outputs.PartnerApiKey as string,
        'content-type': contentType,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
}
