import { type Client, errors } from '@opensearch-project/opensearch';

/** The error the OpenSearch client throws for an answer with this status and body. */
export const anOpenSearchResponseError = (statusCode: number, body: unknown) =>
  new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  } as ConstructorParameters<typeof errors.ResponseError>[0]);

/** How OpenSearch answers a security plugin path on a node that has no security plugin. */
export const noHandlerFound = (method: string, path: string) =>
  anOpenSearchResponseError(400, { error: `no handler found for uri [${path}] and method [${method}]` });

/**
 * The security plugin's REST API as the OpenSearch client's `security` namespace offers it (the calls the
 * index set-up makes), over Maps: the roles, the role mappings and the audit configuration a domain holds.
 * `installed: false` is a domain without the plugin, which answers every call as OpenSearch answers a path no
 * plugin handles. `failOn('PUT /_plugins/_security/api/roles/orders_reader', error)` makes that call fail.
 */
export class InMemorySecurityPlugin {
  readonly roles = new Map<string, unknown>();
  readonly mappings = new Map<string, unknown>();
  auditConfiguration: unknown;
  /** Every call, as `METHOD /path`, in order, including those that failed. */
  readonly calls: string[] = [];
  private readonly failures = new Map<string, Error>();

  constructor(readonly installed = true) {}

  failOn(call: string, error: Error): this {
    this.failures.set(call, error);
    return this;
  }

  /** A client whose `security` namespace is this plugin (the set-up uses nothing else of it). */
  asClient(): Client {
    const security = {
      createRole: ({ role, body }: { role: string; body: unknown }) =>
        this.handle('PUT', `/_plugins/_security/api/roles/${role}`, () => {
          this.roles.set(role, structuredClone(body));
        }),
      deleteRole: ({ role }: { role: string }) =>
        this.handle('DELETE', `/_plugins/_security/api/roles/${role}`, () => this.remove(this.roles, role)),
      createRoleMapping: ({ role, body }: { role: string; body: unknown }) =>
        this.handle('PUT', `/_plugins/_security/api/rolesmapping/${role}`, () => {
          if (!this.roles.has(role)) throw this.notFound(role);
          this.mappings.set(role, structuredClone(body));
        }),
      deleteRoleMapping: ({ role }: { role: string }) =>
        this.handle('DELETE', `/_plugins/_security/api/rolesmapping/${role}`, () =>
          this.remove(this.mappings, role),
        ),
      updateAuditConfiguration: ({ body }: { body: unknown }) =>
        this.handle('PUT', '/_plugins/_security/api/audit/config', () => {
          this.auditConfiguration = structuredClone(body);
        }),
    };
    return { security } as unknown as Client;
  }

  private async handle(method: string, path: string, apply: () => void) {
    const call = `${method} ${path}`;
    this.calls.push(call);
    if (!this.installed) throw noHandlerFound(method, path);
    const failure = this.failures.get(call);
    if (failure) throw failure;
    apply();
    return { statusCode: 200, body: { status: 'OK', message: `${call} done` } };
  }

  private remove(store: Map<string, unknown>, name: string) {
    if (!store.delete(name)) throw this.notFound(name);
  }

  private notFound(name: string) {
    return anOpenSearchResponseError(404, { status: 'NOT_FOUND', message: `Resource '${name}' not found.` });
  }
}
