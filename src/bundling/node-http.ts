/**
 * `node:http` for the function bundles, loaded with `require`. Every bundle aliases `node:http` and `http`
 * to this module (`Alias` in the functions' BuildProperties), because Node 22's ES module facade of a
 * built-in reads all of its exports, and `node:http`'s include lazy getters that load Node's bundled
 * undici (nodejs/node#57649): about 35 ms of every cold start, spent on a fetch client no function uses.
 * `require` returns the module without touching those getters.
 */
// Not named createRequire: the bundles' banner declares that name at the top of the same scope.
import { createRequire as requireRelativeTo } from 'node:module';

const http: typeof import('node:http') = requireRelativeTo(import.meta.url)('node:http');

export default http;
export const {
  Agent,
  ClientRequest,
  IncomingMessage,
  METHODS,
  OutgoingMessage,
  STATUS_CODES,
  Server,
  ServerResponse,
  createServer,
  get,
  request,
  validateHeaderName,
  validateHeaderValue,
} = http;
