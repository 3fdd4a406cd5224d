import type { Partner } from '../../src/domain/order';

/** The partner every test request comes from unless it says otherwise, with a Cognito-shaped client id. */
export const TEST_PARTNER: Partner = { id: 'ExamplePartner', clientId: '1example23456789abcdefghij' };

/** Another partner, for what must be kept apart per partner. */
export const OTHER_PARTNER: Partner = { id: 'Globex', clientId: '7globex890123456abcdefghij' };

/** What the checkout API function reads: one `PARTNER_CLIENT_ID_<partner>` variable per partner. */
export const partnerClientIdVariables = (partners: Partner[] = [TEST_PARTNER, OTHER_PARTNER]) =>
  Object.fromEntries(partners.map(({ id, clientId }) => [`PARTNER_CLIENT_ID_${id}`, clientId]));

/** Partner names by client id, as the checkout API function holds them. */
export const partnerDirectory = (partners: Partner[] = [TEST_PARTNER, OTHER_PARTNER]) =>
  new Map(partners.map(({ id, clientId }) => [clientId, id]));

/**
 * The claims API Gateway's Cognito authorizer puts in `requestContext.authorizer.claims` for a partner's
 * access token (client credentials): every value a string.
 */
export const accessTokenClaims = (clientId = TEST_PARTNER.clientId): Record<string, string> => ({
  sub: clientId,
  token_use: 'access',
  scope: 'checkout/orders.write',
  auth_time: '1795256100',
  iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ex4mpl3Pl',
  exp: 'Sat Nov 21 11:15:00 UTC 2026',
  iat: 'Sat Nov 21 10:15:00 UTC 2026',
  version: '2',
  jti: '5f0e8b9c-1d2e-4f3a-8b7c-6d5e4f3a2b1c',
  client_id: clientId,
});
