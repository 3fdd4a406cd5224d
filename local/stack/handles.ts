/**
 * What the local runtime runs, each behind one contract: a handle. Provisioners return handles for what
 * they start (an SQS event source, a delivery stream, an OpenSearch domain's node); the local stack
 * registers its own services (moto, the REST API, the Lambda and Firehose APIs, the token endpoint, the
 * function host) the same way. The registry then starts them, stops them phase by phase, writes the
 * start-up banner and the local endpoints of outputs.json from them, and finds them for whoever needs one.
 * A new kind of resource brings its handle with it: nothing here, nor in the local stack, lists kinds.
 */

/**
 * The phases of stopping, in order. Handles of one phase stop together; the next phase starts once they
 * all have. `intake`: what takes work in on its own (SQS pollers). `endpoints`: what answers requests
 * (servers), so that nothing is put into a stream that has stopped. `buffers`: what holds accepted data
 * in memory (delivery streams flush). `compute`: the functions. `stores`: what the buffers wrote to
 * (OpenSearch nodes). `foundation`: what everything else called (moto).
 */
export const STOP_PHASES = ['intake', 'endpoints', 'buffers', 'compute', 'stores', 'foundation'] as const;
export type StopPhase = (typeof STOP_PHASES)[number];

/** What a handle may need to describe itself in the banner. */
export interface BannerContext {
  /** What outputs.json holds: the root stack's outputs (ApiUrl, ...) and the handles' own outputs. */
  outputs: Readonly<Record<string, string>>;
  /** A path as the banner shows it: relative to the project. */
  shown(path: string): string;
  /** Where the runtime's logs go (`<state dir>/logs`). */
  logDir: string;
}

/**
 * One thing the local runtime runs for the stack.
 *
 * Banner positions, lowest first (handles of one position keep the order they were added in): 100 the
 * AWS APIs (moto), 200 the REST API, 300 the token endpoint, 350 the partner, 400 the Lambda API, 500 the
 * Firehose API, 600 the functions, 700 SQS event sources, 800 delivery streams, 900 OpenSearch domains,
 * 1000 the stack's own summary. A new kind takes a free number where its lines belong.
 */
export interface ResourceHandle {
  /** What kind of thing it is, e.g. `sqs-event-source`: one {@link HandleKind} per kind, to find it by. */
  readonly kind: string;
  /** Which one it is, for messages: a label, a name. */
  readonly name: string;
  /** When it stops, relative to the others; required when it has `stop()`. */
  readonly stopPhase?: StopPhase;
  /** Where its lines go in the start-up banner (see above). */
  readonly bannerPosition: number;
  /** Begins its work once every resource of the stack exists (an event source starts polling). */
  start?(): Promise<void>;
  /** Stops it, finishing or flushing what it has accepted; harmless when it has stopped already. */
  stop?(): Promise<void>;
  /** Its lines in the start-up banner, each as printed (two-space indent, the label padded to 18). */
  bannerLines(context: BannerContext): readonly string[];
  /** Its entries in outputs.json, after the stack's own outputs (say, `LambdaEndpointUrl`). */
  outputs?(): Record<string, string>;
}

/**
 * A kind of handle, to find handles of that kind with their own type: declared once beside the handle
 * (`export const SQS_EVENT_SOURCE: HandleKind<SqsEventSource> = handleKind('sqs-event-source')`), whose `kind` it
 * gives.
 */
export interface HandleKind<T extends ResourceHandle> {
  readonly kind: string;
  /** Never set: it carries T. */
  readonly handle?: T;
}

export const handleKind = <T extends ResourceHandle>(kind: string): HandleKind<T> => ({ kind });

/** A handle by its kind and name, for error messages. */
const nameOf = (handle: ResourceHandle) => `${handle.kind} ${handle.name}`;

/** The handles of one runtime, in the order they were added. */
export class HandleRegistry {
  private readonly handles: ResourceHandle[] = [];
  private readonly started = new Set<ResourceHandle>();

  /** Adds a handle (once); gives it back. */
  add<T extends ResourceHandle>(handle: T): T {
    if (handle.stop && !handle.stopPhase) {
      throw new Error(`The handle ${nameOf(handle)} can stop but has no stopPhase`);
    }
    if (!this.handles.includes(handle)) this.handles.push(handle);
    return handle;
  }

  /** Takes a handle out (it is not stopped); false when it was not there. */
  remove(handle: ResourceHandle): boolean {
    const index = this.handles.indexOf(handle);
    if (index < 0) return false;
    this.handles.splice(index, 1);
    this.started.delete(handle);
    return true;
  }

  /** Every handle, in the order they were added. */
  get all(): readonly ResourceHandle[] {
    return [...this.handles];
  }

  /** The handles of a kind, in the order they were added. */
  ofKind<T extends ResourceHandle>(kind: HandleKind<T>): T[] {
    return this.handles.filter((handle): handle is T => handle.kind === kind.kind);
  }

  /** The first handle of a kind that satisfies `predicate`. */
  find<T extends ResourceHandle>(kind: HandleKind<T>, predicate: (handle: T) => boolean): T | undefined {
    return this.ofKind(kind).find(predicate);
  }

  /** The handles of a kind as a collection read afresh at each use (`values()`), for a server to serve. */
  view<T extends ResourceHandle>(kind: HandleKind<T>): { values(): T[] } {
    return { values: () => this.ofKind(kind) };
  }

  /** Starts, one after another in the order they were added, the handles that have `start()` and have not started. */
  async startAll(): Promise<void> {
    for (const handle of [...this.handles]) {
      if (!handle.start || this.started.has(handle)) continue;
      this.started.add(handle);
      await handle.start();
    }
  }

  /**
   * Stops every handle, phase by phase (see {@link STOP_PHASES}). A handle that fails to stop does not
   * keep the others running: every phase runs, then the failure is thrown (an AggregateError for several).
   */
  async stopAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const phase of STOP_PHASES) {
      const stopping = this.handles.filter((handle) => handle.stop && handle.stopPhase === phase);
      const results = await Promise.allSettled(stopping.map((handle) => handle.stop?.()));
      results.forEach((result, index) => {
        if (result.status === 'rejected') {
          const handle = stopping[index] as ResourceHandle;
          failures.push(new Error(`Stopping ${nameOf(handle)} failed: ${String(result.reason)}`));
        }
      });
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} handles failed to stop`);
  }

  /** The banner lines of every handle, by banner position (then in the order they were added). */
  bannerLines(context: BannerContext): string[] {
    return this.handles
      .map((handle, index) => ({ handle, index }))
      .sort((a, b) => a.handle.bannerPosition - b.handle.bannerPosition || a.index - b.index)
      .flatMap(({ handle }) => handle.bannerLines(context));
  }

  /** The outputs.json entries of every handle, in the order they were added; a name given twice is an error. */
  outputs(): Record<string, string> {
    const outputs: Record<string, string> = {};
    const givenBy = new Map<string, ResourceHandle>();
    for (const handle of this.handles) {
      for (const [name, value] of Object.entries(handle.outputs?.() ?? {})) {
        const earlier = givenBy.get(name);
        if (earlier) throw new Error(`${nameOf(handle)} and ${nameOf(earlier)} both give the output ${name}`);
        givenBy.set(name, handle);
        outputs[name] = value;
      }
    }
    return outputs;
  }
}
