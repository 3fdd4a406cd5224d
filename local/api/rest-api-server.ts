import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describeSchemaErrors } from '../../src/domain/order/validate-order';
import type { FunctionHost } from '../lambda/function-host';
import type { RuntimeLog } from '../log';
import { closeHttp, listenHttp } from '../net';
import { type AuthorizerDecision, authorizeWithCognito, type CognitoAuthorizer } from './cognito-authorizer';
import { type UsageDecision, UsagePlans } from './usage-plans';

/** API Gateway's own limit on a request payload. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface GatewayResponse {
  statusCode: number;
  templates: Record<string, string>;
  headers: Record<string, string>;
}

/** An API's `Auth`: its authorizers (Cognito user pools), the default one, and whether keys are required. */
export interface RestApiAuth {
  /** The authorizer of every route that does not name one (`NONE` on a route opts out). */
  defaultAuthorizer?: string;
  /** ApiKeyRequired for every route that does not say. */
  apiKeyRequired?: boolean;
  /** By name; `scopes` are the authorizer's AuthorizationScopes, used where a route has none of its own. */
  authorizers: Record<string, CognitoAuthorizer & { scopes?: string[] }>;
}

export interface RestApiDefinition {
  apiId: string;
  logicalId: string;
  stageName: string;
  models: Record<string, object>;
  /** Stage throttling (MethodSettings `/*` `*`), requests per second and burst. */
  throttle?: { rateLimit: number; burstLimit: number };
  auth?: RestApiAuth;
}

/** A route's own `Auth` (the Api event's): each setting, when given, wins over the API's. */
export interface RestApiRouteAuth {
  /** An authorizer of the API, or NONE. */
  authorizer?: string;
  scopes?: string[];
  apiKeyRequired?: boolean;
}

export interface RestApiRoute {
  apiId: string;
  method: string;
  path: string;
  functionName: string;
  requestModel?: { model: string; required: boolean; validateBody: boolean };
  auth?: RestApiRouteAuth;
}

/** What a route requires, the API's and the route's settings combined. */
interface RouteProtection {
  authorizerName?: string;
  authorizer?: CognitoAuthorizer;
  scopes: string[];
  apiKeyRequired: boolean;
}

interface RegisteredApi extends RestApiDefinition {
  validators: Map<string, ValidateFunction>;
  gatewayResponses: Map<string, GatewayResponse>;
  bucket?: { tokens: number; updatedAt: number };
}

const DEFAULT_GATEWAY_RESPONSES: Record<string, { statusCode: number; message: string }> = {
  ACCESS_DENIED: { statusCode: 403, message: 'User is not authorized to access this resource' },
  BAD_REQUEST_BODY: { statusCode: 400, message: 'Invalid request body' },
  INVALID_API_KEY: { statusCode: 403, message: 'Forbidden' },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, message: 'Missing Authentication Token' },
  QUOTA_EXCEEDED: { statusCode: 429, message: 'Limit Exceeded' },
  THROTTLED: { statusCode: 429, message: 'Too Many Requests' },
  UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized' },
  REQUEST_TOO_LARGE: { statusCode: 413, message: 'Request Too Long' },
  DEFAULT_5XX: { statusCode: 502, message: 'Internal server error' },
};

/** Why API Gateway answers a request itself, before the integration. */
type Refusal = Extract<AuthorizerDecision | UsageDecision, { gatewayResponse: string }>;

/** What the proxy event carries of the authorizer's and the key's decisions. */
interface Admission {
  claims?: Record<string, string>;
  apiKey?: { id: string; value: string };
}

/** The subset of API Gateway's mapping-template language that gateway responses use here. */
const renderGatewayTemplate = (template: string, error: { message: string; validationErrorString: string }) =>
  template
    .replace(
      /\$util\.escapeJavaScript\(\$context\.error\.validationErrorString\)/g,
      JSON.stringify(error.validationErrorString).slice(1, -1),
    )
    .replace(/\$context\.error\.validationErrorString/g, error.validationErrorString)
    .replace(/\$context\.error\.messageString/g, JSON.stringify(error.message))
    .replace(/\$context\.error\.message/g, error.message);

/** A route's path as a matcher: `{name}` takes one path segment, `{name+}` the rest of the path. */
export const routeMatcher = (path: string) => {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const parameter = /^\{([^}]+?)(\+)?\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
      names.push(parameter[1] as string);
      return parameter[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  const pattern = new RegExp(`^${source}/?$`);
  return (pathname: string): Record<string, string> | undefined => {
    const match = pattern.exec(pathname);
    if (!match) return undefined;
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
  };
};

export interface RestApiServerOptions {
  /**
   * What the body of a 202 (Accepted) response is a record of, for the access log line: given
   * `order 123`, the line ends `, order 123 accepted`. Without it, the line has the status alone. It is
   * given the body as the function returned it and must say nothing the log should not hold.
   */
  describeAccepted?: (responseBody: string) => string;
}

/**
 * The REST APIs of the stack on one local HTTP server: routes from the functions' Api events, the
 * request model validation API Gateway does, stage throttling, gateway responses, and the Lambda proxy
 * integration (event format 1.0).
 */
export class RestApiServer {
  /** The stack's API keys and usage plans (AWS::ApiGateway::ApiKey, UsagePlan, UsagePlanKey). */
  readonly usagePlans = new UsagePlans();
  private readonly apis = new Map<string, RegisteredApi>();
  private readonly routes: (RestApiRoute & {
    match: ReturnType<typeof routeMatcher>;
    protection: RouteProtection;
  })[] = [];
  private server: Server | undefined;
  private readonly ajv = new Ajv({ allErrors: true, strict: false });

  constructor(
    private readonly functions: FunctionHost,
    private readonly log: RuntimeLog,
    private readonly options: RestApiServerOptions = {},
  ) {
    addFormats(this.ajv);
  }

  addApi(definition: RestApiDefinition) {
    const validators = new Map(
      Object.entries(definition.models).map(([name, schema]) => [name, this.ajv.compile(schema)] as const),
    );
    this.apis.set(definition.apiId, { ...definition, validators, gatewayResponses: new Map() });
  }

  hasApi(apiId: string) {
    return this.apis.has(apiId);
  }

  /** The stage name of an API it serves. */
  stageOf(apiId: string): string | undefined {
    return this.apis.get(apiId)?.stageName;
  }

  setGatewayResponse(apiId: string, type: string, response: GatewayResponse) {
    this.requireApi(apiId).gatewayResponses.set(type, response);
  }

  addRoute(route: RestApiRoute) {
    const api = this.requireApi(route.apiId);
    if (route.requestModel && !api.validators.has(route.requestModel.model)) {
      throw new Error(`API ${api.logicalId} has no model ${route.requestModel.model}`);
    }
    this.routes.push({
      ...route,
      method: route.method.toUpperCase(),
      match: routeMatcher(route.path),
      protection: this.protectionOf(api, route),
    });
  }

  /** The routes with their functions and, when they have any, what they require (for the start-up banner). */
  get routeList() {
    return this.routes.map(({ method, path, functionName, protection }) => {
      const requires = [
        ...(protection.authorizerName
          ? [
              `${protection.authorizerName} (Cognito)${protection.scopes.length > 0 ? ` scope ${protection.scopes.join(' or ')}` : ''}`,
            ]
          : []),
        ...(protection.apiKeyRequired ? ['API key'] : []),
      ];
      return {
        method,
        path,
        functionName,
        ...(requires.length > 0 ? { requires: requires.join(', ') } : {}),
        ...(protection.scopes.length > 0 ? { scopes: protection.scopes } : {}),
      };
    });
  }

  /** The scopes its routes' authorizers accept: who holds one of them may call a route. */
  get acceptedScopes(): ReadonlySet<string> {
    return new Set(this.routes.flatMap(({ protection }) => protection.scopes));
  }

  private protectionOf(api: RegisteredApi, route: RestApiRoute): RouteProtection {
    const named = route.auth?.authorizer ?? api.auth?.defaultAuthorizer;
    const apiKeyRequired = route.auth?.apiKeyRequired ?? api.auth?.apiKeyRequired ?? false;
    if (named === undefined || named === 'NONE') return { scopes: [], apiKeyRequired };
    const authorizer = api.auth?.authorizers[named];
    if (!authorizer) {
      const kind =
        named === 'AWS_IAM' ? 'AWS_IAM authorization is not emulated locally' : 'no such authorizer';
      throw new Error(
        `${route.method.toUpperCase()} ${route.path} of API ${api.logicalId}: ${named}: ${kind}`,
      );
    }
    return {
      authorizerName: named,
      authorizer,
      scopes: route.auth?.scopes ?? authorizer.scopes ?? [],
      apiKeyRequired,
    };
  }

  async listen(host: string, port: number): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        this.log.warn('api', `request failed: ${error.message}`);
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    return `${await listenHttp(this.server, host, port)}/`;
  }

  async close() {
    await closeHttp(this.server);
  }

  private requireApi(apiId: string): RegisteredApi {
    const api = this.apis.get(apiId);
    if (!api) throw new Error(`No REST API ${apiId} in the local stack`);
    return api;
  }

  private gatewayResponse(
    response: ServerResponse,
    api: RegisteredApi | undefined,
    type: string,
    validationErrorString = '',
  ) {
    const fallback = DEFAULT_GATEWAY_RESPONSES[type] ?? { statusCode: 500, message: 'Internal server error' };
    const custom = api?.gatewayResponses.get(type);
    const error = { message: fallback.message, validationErrorString };
    const body = custom?.templates['application/json']
      ? renderGatewayTemplate(custom.templates['application/json'], error)
      : JSON.stringify({ message: fallback.message });
    response
      .writeHead(custom?.statusCode ?? fallback.statusCode, {
        'content-type': 'application/json',
        'x-amzn-errortype': type,
        // Header names are case-insensitive: a custom Content-Type replaces the default one.
        ...Object.fromEntries(
          Object.entries(custom?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
        ),
      })
      .end(body);
    return custom?.statusCode ?? fallback.statusCode;
  }

  private takeToken(api: RegisteredApi): boolean {
    if (!api.throttle) return true;
    const now = Date.now();
    api.bucket ??= { tokens: api.throttle.burstLimit, updatedAt: now };
    const bucket = api.bucket;
    bucket.tokens = Math.min(
      api.throttle.burstLimit,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * api.throttle.rateLimit,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const startedAt = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const accessLog = (status: number, detail = '') =>
      this.log.info('api', `${method} ${url.pathname} ${status} ${Date.now() - startedAt} ms${detail}`);

    const match = this.routes
      .filter((route) => route.method === method || route.method === 'ANY')
      .map((route) => ({ route, pathParameters: route.match(url.pathname) }))
      .find(({ pathParameters }) => pathParameters);
    if (!match) return accessLog(this.gatewayResponse(response, undefined, 'MISSING_AUTHENTICATION_TOKEN'));
    const { route } = match;
    const api = this.requireApi(route.apiId);
    if (!this.takeToken(api)) return accessLog(this.gatewayResponse(response, api, 'THROTTLED'));
    const admission = await this.admit(api, route.protection, request);
    if ('gatewayResponse' in admission) {
      // The reason names what was wrong, never the token or the key.
      return accessLog(
        this.gatewayResponse(response, api, admission.gatewayResponse),
        ` ${admission.gatewayResponse} (${admission.reason})`,
      );
    }

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_PAYLOAD_BYTES)
        return accessLog(this.gatewayResponse(response, api, 'REQUEST_TOO_LARGE'));
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');

    const modelProblems = this.validateRequestModel(api, route, request.headers['content-type'], body);
    if (modelProblems) {
      return accessLog(
        this.gatewayResponse(response, api, 'BAD_REQUEST_BODY', `[${modelProblems.join(', ')}]`),
      );
    }

    const event = this.proxyEvent(
      api,
      route,
      request,
      url,
      match.pathParameters && Object.keys(match.pathParameters).length > 0 ? match.pathParameters : null,
      body,
      admission,
    );
    const invocation = await this.functions.invoke(route.functionName, event);
    const result = invocation.ok ? (invocation.result as APIGatewayProxyResult | null) : null;
    if (!invocation.ok || !result || typeof result.statusCode !== 'number') {
      const reason = invocation.ok
        ? 'malformed Lambda proxy response'
        : `${invocation.error.errorType}: ${invocation.error.errorMessage}`;
      this.log.warn('api', `${route.functionName} failed: ${reason}`);
      return accessLog(this.gatewayResponse(response, api, 'DEFAULT_5XX'));
    }
    const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
      headers[name] = values.map(String);
    const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    response.writeHead(result.statusCode, headers).end(payload);
    const { describeAccepted } = this.options;
    accessLog(
      result.statusCode,
      result.statusCode === 202 && describeAccepted ? `, ${describeAccepted(result.body)} accepted` : '',
    );
  }

  /**
   * The route's authorizer, then its API key and usage plan, in API Gateway's order: UNAUTHORIZED (401) or
   * ACCESS_DENIED (403) from the authorizer, then INVALID_API_KEY (403), QUOTA_EXCEEDED or THROTTLED (429).
   */
  private async admit(
    api: RegisteredApi,
    protection: RouteProtection,
    request: IncomingMessage,
  ): Promise<Admission | Refusal> {
    const admission: Admission = {};
    if (protection.authorizer) {
      const header = request.headers[protection.authorizer.identityHeader.toLowerCase()];
      const decision = await authorizeWithCognito(
        Array.isArray(header) ? header[0] : header,
        protection.authorizer,
        protection.scopes,
      );
      if (!decision.allowed) return decision;
      admission.claims = decision.claims;
    }
    if (protection.apiKeyRequired) {
      const header = request.headers['x-api-key'];
      const decision = this.usagePlans.admit(
        api.apiId,
        api.stageName,
        Array.isArray(header) ? header[0] : header,
      );
      if (!decision.admitted) return decision;
      admission.apiKey = { id: decision.key.id, value: decision.key.value };
    }
    return admission;
  }

  /** API Gateway validates bodies whose content type has a model; other content types pass through. */
  private validateRequestModel(
    api: RegisteredApi,
    route: RestApiRoute,
    contentType: string | undefined,
    body: string,
  ) {
    const model = route.requestModel;
    if (!model?.validateBody) return undefined;
    const mediaType = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') return undefined;
    if (body === '') return model.required ? ['Request body is required'] : undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return ['Request body is not valid JSON'];
    }
    const validate = api.validators.get(model.model) as ValidateFunction;
    return validate(parsed) ? undefined : describeSchemaErrors(validate.errors ?? []);
  }

  private proxyEvent(
    api: RegisteredApi,
    route: RestApiRoute,
    request: IncomingMessage,
    url: URL,
    pathParameters: Record<string, string> | null,
    body: string,
    admission: Admission = {},
  ): APIGatewayProxyEvent {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let index = 0; index < request.rawHeaders.length; index += 2) {
      const name = request.rawHeaders[index] as string;
      const value = request.rawHeaders[index + 1] as string;
      headers[name] = value;
      multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
    }
    const query = [...url.searchParams.keys()];
    const requestTime = new Date();
    return {
      resource: route.path,
      path: url.pathname,
      httpMethod: request.method ?? 'GET',
      headers,
      multiValueHeaders,
      queryStringParameters: query.length ? Object.fromEntries(url.searchParams) : null,
      multiValueQueryStringParameters: query.length
        ? Object.fromEntries(query.map((key) => [key, url.searchParams.getAll(key)]))
        : null,
      pathParameters,
      stageVariables: null,
      body: body === '' ? null : body,
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: api.apiId,
        // API Gateway's Cognito authorizer hands the token's claims over as strings.
        authorizer: admission.claims ? { claims: admission.claims } : null,
        domainName: request.headers.host ?? 'localhost',
        httpMethod: request.method ?? 'GET',
        identity: {
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: request.headers['user-agent'] ?? null,
          ...(admission.apiKey ? { apiKey: admission.apiKey.value, apiKeyId: admission.apiKey.id } : {}),
        } as APIGatewayProxyEvent['requestContext']['identity'],
        path: `/${api.stageName}${url.pathname}`,
        protocol: `HTTP/${request.httpVersion}`,
        requestId: randomUUID(),
        requestTimeEpoch: requestTime.getTime(),
        resourceId: 'local',
        resourcePath: route.path,
        stage: api.stageName,
      },
    };
  }
}
